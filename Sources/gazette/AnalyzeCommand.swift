import ArgumentParser
import GazetteCLI
import NewsCore
import NewsIngest
import TextAnalysis

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Show how a file or a text is analysed: its tokens, and the actors recognised and why.",
        discussion: """
            Like Elasticsearch's _analyze. Offsets are bytes of UTF-8 in the field they belong to: \
            for --text, the text itself (read as an article body); for a FILE, the title or body \
            Gazette extracts from it. --json prints a list of {start, end, text, actor, kind, rule} \
            for the actors (each with its field and actor name); with --tokens, a list of \
            {start, end, text, term, position} for the tokens instead.
            """)

    @Argument(help: ArgumentHelp("An article file (.txt or .html).", valueName: "file"))
    var file: String?

    @Option(help: ArgumentHelp("Analyse this text instead of a file.", valueName: "text"))
    var text: String?

    @Option(help: ArgumentHelp("An actors file to merge with the bundled gazetteer.", valueName: "file"))
    var actors: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "With --json: the tokens instead of the actors.")
    var tokens = false

    func validate() throws {
        if (file == nil) == (text == nil) { throw ValidationError("give either a FILE or --text \"…\"") }
    }

    func run() throws {
        do {
            var title = ""
            var body = text ?? ""
            if let file {
                switch ArticleReader().read(path: file, status: try CorpusWalker.status(of: file)) {
                case .article(let article, let warnings):
                    for warning in warnings { Terminal.note("warning: \(warning.path): \(warning.reason)") }
                    title = article.title
                    body = article.body
                case .skipped(let problem):
                    throw IngestError(.unreadable, problem.reason, path: problem.path)
                }
            }
            var gazetteer = Gazetteer.bundled
            if let actors { try gazetteer.merge(parsing: try IndexBuilder.readActorsFile(actors), path: actors) }
            let analyzer = Analyzer(gazetteer: gazetteer)
            var analysis = DocumentAnalysis()
            analyzer.analyze(title: title, body: body, into: &analysis)
            let texts: [Field: [UInt8]] = [.title: Array(title.utf8), .body: Array(body.utf8)]
            if json {
                print(tokens ? tokensJSON(analysis, texts) : actorsJSON(analysis, gazetteer, texts))
            } else {
                printHuman(analysis, gazetteer, texts, showsTitle: file != nil)
            }
        } catch {
            throw Terminal.fail(error, index: "")
        }
    }

    struct ActorRow {
        var field: Field
        var range: Range<Int>
        var text: String
        var id: String
        var name: String
        var kind: String
        var rule: String
    }

    func rows(_ analysis: DocumentAnalysis, _ gazetteer: Gazetteer, _ texts: [Field: [UInt8]]) -> [ActorRow] {
        analysis.mentions.map { mention in
            let actor = analysis.actor(of: mention.actor, in: gazetteer)
            let source = texts[mention.field]![mention.sourceRange]
            return ActorRow(
                field: mention.field, range: mention.sourceRange, text: String(decoding: source, as: UTF8.self),
                id: actor.id, name: actor.name, kind: actor.kind.rawValue, rule: mention.rule.rawValue)
        }
    }

    func fieldName(_ field: Field) -> String { field == .title ? "title" : "body" }

    func actorsJSON(_ analysis: DocumentAnalysis, _ gazetteer: Gazetteer, _ texts: [Field: [UInt8]]) -> String {
        let items = rows(analysis, gazetteer, texts).map { row in
            "{\"start\": \(row.range.lowerBound), \"end\": \(row.range.upperBound), \"text\": \(JSONOutput.string(row.text)), "
                + "\"actor\": \(JSONOutput.string(row.id)), \"kind\": \(JSONOutput.string(row.kind)), "
                + "\"rule\": \(JSONOutput.string(row.rule)), \"field\": \(JSONOutput.string(fieldName(row.field))), "
                + "\"name\": \(JSONOutput.string(row.name))}"
        }
        return "[" + items.joined(separator: ",\n ") + "]"
    }

    func tokensJSON(_ analysis: DocumentAnalysis, _ texts: [Field: [UInt8]]) -> String {
        var items: [String] = []
        analysis.forEachWord { word, term in
            let source = texts[word.field]![word.sourceRange]
            items.append(
                "{\"start\": \(word.sourceRange.lowerBound), \"end\": \(word.sourceRange.upperBound), "
                    + "\"text\": \(JSONOutput.string(String(decoding: source, as: UTF8.self))), "
                    + "\"term\": \(JSONOutput.string(term.string)), \"position\": \(word.position), "
                    + "\"field\": \(JSONOutput.string(fieldName(word.field)))}")
        }
        return "[" + items.joined(separator: ",\n ") + "]"
    }

    func printHuman(
        _ analysis: DocumentAnalysis, _ gazetteer: Gazetteer, _ texts: [Field: [UInt8]], showsTitle: Bool
    ) {
        print("Tokens (position, bytes, text → term):")
        analysis.forEachWord { word, term in
            let source = String(decoding: texts[word.field]![word.sourceRange], as: UTF8.self)
            let field = showsTitle ? "\(fieldName(word.field)) " : ""
            print(
                "  \(word.position)\t\(field)\(word.sourceRange.lowerBound)-\(word.sourceRange.upperBound)\t\(source) → \(term.string)"
            )
        }
        let found = rows(analysis, gazetteer, texts)
        print("")
        print(found.isEmpty ? "Actors: none" : "Actors (bytes, text → actor, kind, rule):")
        for row in found {
            let field = showsTitle ? "\(fieldName(row.field)) " : ""
            print(
                "  \(field)\(row.range.lowerBound)-\(row.range.upperBound)\t\(row.text) → \(row.name) (\(row.id)), \(row.kind), \(row.rule)"
            )
        }
    }
}
