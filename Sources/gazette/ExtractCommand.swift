import ArgumentParser
import GazetteCLI
import NewsCore
import NewsIngest

/// `gazette extract`: what ingestion sees in a file, its metadata and main
/// text, exactly as `gazette index` would store it. For checking a page that
/// is indexed wrongly, and for scoring extraction from outside
/// (tools/extraction).
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Print what indexing reads from files: the title, the publication date and the text.",
        discussion: """
            --json prints one object per file and line: {"path", "title", "byline", "published", \
            "modified", "site", "url", "language", "description", "text"}; a field the file does \
            not give is null. A file that cannot be read is named \
            with the reason (with --json, {"path", "error"}), the others are still printed, and \
            the exit status is 65.
            """)

    @Argument(help: ArgumentHelp("Article files (.txt, .html).", valueName: "file"))
    var files: [String]

    @Flag(help: "Print one JSON object per file and line.")
    var json = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file") }
    }

    func run() throws {
        var failed = false
        for (index, path) in files.enumerated() {
            let status: SystemFiles.Status
            do {
                status = try CorpusWalker.status(of: path)
            } catch {
                failed = true
                report(path: path, reason: error.message)
                continue
            }
            switch ArticleReader(hashesContent: false).read(path: path, status: status) {
            case .article(let article, let warnings):
                for warning in warnings { Terminal.note("warning: \(warning.path): \(warning.reason)") }
                if json {
                    print(ArticleJSON.json(article))
                } else {
                    if index > 0 { print("") }
                    print(ArticleJSON.human(article))
                }
            case .skipped(let problem):
                failed = true
                report(path: problem.path, reason: problem.reason)
            }
        }
        if failed { throw ExitCode(Terminal.Exit.dataError) }
    }

    private func report(path: String, reason: String) {
        if json {
            print("{\"path\": \(JSONOutput.string(path)), \"error\": \(JSONOutput.string(reason))}")
        } else {
            Terminal.error("\(path): \(reason)")
        }
    }
}
