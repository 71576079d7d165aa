import ArgumentParser
import IndexFormat
import Search
import TextAnalysis

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the index; print ranked hits with highlighted snippets.",
        discussion: """
            The query language: words (any may match, ranked by BM25, k1 = 1.2, b = 0.75);             "exact phrases"; +required and -excluded; AND, OR, NOT with parentheses;             prefix*; a NEAR/n b (within n words, any order); actor:Iran, actor:"Quds Force".             --all makes every word required (AND). Put options before the query, and `--`             before a query that starts with "-".

            Actors: --actor NAME keeps the documents that mention the actor under any of             its names ("Iran", "Iranian", "Tehran", "the Islamic Republic"); every --actor             must be present, and the query then ranks. Mentions are scored with BM25 like             words, counting more in the title and the lead.
            """)

    @Argument(help: ArgumentHelp("The query (see the query language above).", valueName: "query"))
    var query: [String] = []

    @OptionGroup var location: IndexLocation

    @Option(name: [.short, .long], help: "Number of hits to print; 0 prints every match.")
    var limit = 10

    @Flag(help: "Every word and clause must match (AND); by default any may (OR), ranked.")
    var all = false

    @Option(
        name: .customLong("actor"),
        help: ArgumentHelp("An actor that must be mentioned (repeatable): a name, alias or ID.", valueName: "name"))
    var actors: [String] = []

    @Flag(help: "An actor also matches its members (Iran → IRGC → Quds Force).")
    var includeMembers = false

    @Flag(help: "Print one JSON object: {query, total, hits: [{rank, path, title, score, snippet, highlights}]}.")
    var json = false

    @Option(help: ArgumentHelp("Colour: auto, always or never (NO_COLOR is honoured).", valueName: "when"))
    var color: ColorChoice = .auto

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        let text = query.joined(separator: " ")
        do {
            // A bad query is reported before any work (such as a first index build).
            // Stemming cannot make a query empty or not: validate without a stemmer.
            _ = try Query(
                text, actors: actors, analyzer: Analyzer(stemming: false), defaultOperator: all ? .and : .or)
            try ensureDefaultIndex(location)
            let reader = try IndexReader(directory: location.path)
            let options = SearchOptions(limit: limit, actors: actors, includeMembers: includeMembers, all: all)
            let results = try Searcher(reader: reader).search(text, options)
            if json {
                print(JSONOutput.render(results))
            } else {
                printHuman(results, color: Terminal.useColor(color))
            }
            if results.total == 0 { throw ExitCode(Terminal.Exit.noResults) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
    }

    private func printHuman(_ results: SearchResults, color: Bool) {
        let noun = results.total == 1 ? "document matches" : "documents match"
        // A query with phrases in it is shown in single quotes.
        let quote = results.query.contains("\"") ? "'" : "\""
        var what = results.query.isEmpty ? "" : quote + results.query + quote
        for actor in results.actors {
            let members = actor.ids.count > 1 ? " and \(actor.ids.count - 1) members" : ""
            what += (what.isEmpty ? "" : " with ") + "actor \(actor.actor.name) (\(actor.actor.id)\(members))"
        }
        if results.total == 0 {
            print("No documents match \(what).")
            return
        }
        print("\(format(results.total)) \(noun) \(what); showing \(results.hits.count).")
        for hit in results.hits {
            print("")
            let title = highlighted(hit.title, hit.titleHighlights, color: color, base: Style.bold)
            print("\(hit.rank). \(title)")
            let path = color ? Style.path + hit.path + Style.reset : hit.path
            let score = "score " + decimal(hit.score, 4)
            print("   \(path)  \(color ? Style.dim + score + Style.reset : score)")
            if !hit.snippet.text.isEmpty {
                print("   " + highlighted(hit.snippet.text, hit.snippet.highlights, color: color))
            }
        }
    }
}

/// Hand-written JSON so that the keys keep the documented order.
enum JSONOutput {
    static func render(_ results: SearchResults) -> String {
        var out = "{\"query\": \(string(results.query)), \"total\": \(results.total), \"hits\": ["
        for (index, hit) in results.hits.enumerated() {
            if index > 0 { out += ", " }
            let highlights = hit.snippet.scalarHighlights.map { "[\($0.lowerBound), \($0.upperBound)]" }
            out += "{\"rank\": \(hit.rank), \"path\": \(string(hit.path)), \"title\": \(string(hit.title)), "
            out += "\"score\": \(hit.score), \"snippet\": \(string(hit.snippet.text)), "
            out += "\"highlights\": [\(highlights.joined(separator: ", "))]}"
        }
        return out + "]}"
    }

    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The embedded default: with no --index and no index in `Index/` yet, build
/// one from `Corpus/` first, saying so on stderr.
func ensureDefaultIndex(_ location: IndexLocation) throws {
    guard location.isDefault, !FileSystem.fileExists(location.path + "/" + Manifest.fileName) else { return }
    Terminal.note("no index in \(location.path)/ yet; building one from \(IndexLocation.defaultCorpus)/ first")
    let built = try IndexBuilder.build(corpus: IndexLocation.defaultCorpus, index: location.path)
    Terminal.note(
        "indexed \(built.sync.indexed) documents in \(seconds(built.elapsed)); \(built.sync.failed + built.skipped.count) files skipped"
    )
}
