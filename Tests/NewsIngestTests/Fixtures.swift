import Foundation
import NewsCore
import NewsIngest
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one file the way the corpus reader does (stat, then read).
func readArticle(_ path: String) throws -> ArticleReader.Outcome {
    let status = try SystemFiles.status(path).get()
    return ArticleReader().read(path: path, status: status)
}

extension ArticleReader.Outcome {
    var article: Article? {
        if case .article(let article, _) = self { article } else { nil }
    }

    var warnings: [IngestProblem] {
        if case .article(_, let warnings) = self { warnings } else { [] }
    }

    var skipped: IngestProblem? {
        if case .skipped(let problem) = self { problem } else { nil }
    }
}

/// The page folders of ../shared/corpora/html-pages (Readability's test
/// pages: source.html, expected.txt, expected-metadata.json), sorted, with
/// their root; nil, after saying so, when ../shared is absent.
func htmlPageFolders() throws -> (root: String, names: [String])? {
    guard let shared = Repository.sharedCorpora else {
        print("skipped: ../shared/corpora is absent")
        return nil
    }
    let root = shared + "/html-pages"
    return (root, try SystemFiles.listDirectory(root).get().sorted())
}
