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
