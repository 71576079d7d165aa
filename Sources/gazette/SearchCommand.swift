import ArgumentParser
import GazetteCLI
import IndexFormat
import NewsCore
import NewsIngest
import Search
import TextAnalysis

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the index; print ranked hits with highlighted snippets.",
        discussion: """
            The query language: words (any may match, ranked by BM25, k1 = 1.5, b = 0.6); \
            "exact phrases"; +required and -excluded; AND, OR, NOT with parentheses; \
            prefix*; a NEAR/n b (within n words, any order); actor:Iran, actor:"Quds Force"; title:iran, \
            title:"foreign forces"; date:2024-01-01..2024-03-31 (published in the range: a year, \
            month or day at each end, either end open, as in date:2024-03.. or date:2024; alone, it \
            lists the range newest first). \
            --all makes every word required (AND). Put options before the query, and `--` \
            before a query that starts with "-".

            Actors: --actor NAME keeps the documents that mention the actor under any of \
            its names ("Iran", "Iranian", "Tehran", "the Islamic Republic"); every --actor \
            must be present, and the query then ranks. Mentions are scored with BM25 like \
            words, counting more in the title and the lead.
            """)

    @Argument(help: ArgumentHelp("The query (see the query language above).", valueName: "query"))
    var query: [String] = []

    @OptionGroup var location: IndexLocation

    @Option(name: [.short, .long], help: "Number of hits to print; 0 prints every match.")
    var limit = 10

    @Option(help: "Hits to skip before the first printed (paging: --offset 10 --limit 10 is page 2).")
    var offset = 0

    @Option(help: ArgumentHelp("BM25's term-frequency saturation for this query (default 1.5).", valueName: "k1"))
    var k1: Double?

    @Option(
        name: .customLong("b"),
        help: ArgumentHelp("BM25's length normalisation for this query, 0 to 1 (default 0.6).", valueName: "b"))
    var b: Double?

    @Option(
        help: ArgumentHelp(
            "BM25F weight of a word's occurrences in the title, counted this many times (default 1).",
            valueName: "w"))
    var titleWeight: Double?

    @Option(help: ArgumentHelp("Passages to show per hit, 1 to 20, in document order (default 1).", valueName: "n"))
    var passages = 1

    @Flag(help: "Show how each hit's score is made: every clause's tf, idf, document length and BM25 share.")
    var explain = false

    @Option(
        help: ArgumentHelp(
            "Answer one query per line of FILE (- for standard input), one JSON object per line with its line number.",
            valueName: "file"))
    var batch: String?

    @Flag(
        help: """
            Count every match. By default, past 1,000 matches, documents that cannot reach the hits are \
            skipped, and the count may say "at least".
            """)
    var exactTotal = false

    @Flag(help: "Every word and clause must match (AND); by default any may (OR), ranked.")
    var all = false

    @Option(
        name: .customLong("actor"),
        help: ArgumentHelp("An actor that must be mentioned (repeatable): a name, alias or ID.", valueName: "name"))
    var actors: [String] = []

    @Flag(help: "An actor also matches its members (Iran → IRGC → Quds Force).")
    var includeMembers = false

    @Flag(
        help:
            "Print one JSON object: {query, total, hits: [{rank, path, title, published, modified, byline, site, url, language, description, score, snippet, highlights}]}."
    )
    var json = false

    @Option(help: ArgumentHelp("Colour: auto, always or never (NO_COLOR is honoured).", valueName: "when"))
    var color: ColorChoice = .auto

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
        guard offset >= 0 else { throw ValidationError("--offset must be 0 or more") }
        if let k1, !(k1 >= 0 && k1 <= 100) { throw ValidationError("--k1 must be 0 to 100") }
        if let b, !(b >= 0 && b <= 1) { throw ValidationError("--b must be 0 to 1") }
        if let titleWeight, !(titleWeight >= 0 && titleWeight <= 100) {
            throw ValidationError("--title-weight must be 0 to 100")
        }
        guard passages >= 1 && passages <= 20 else { throw ValidationError("--passages must be 1 to 20") }
        if batch != nil && !query.isEmpty {
            throw ValidationError("--batch reads the queries from its file; give none")
        }
    }

    private var options: SearchOptions {
        var options = SearchOptions(
            limit: limit, actors: actors, includeMembers: includeMembers, all: all, offset: offset, k1: k1, b: b,
            explain: explain, passages: passages)
        if exactTotal { options.totalHitsThreshold = .max }
        if let titleWeight { options.titleWeight = titleWeight }
        return options
    }

    func run() throws {
        if let batch {
            try runBatch(batch)
            return
        }
        let text = query.joined(separator: " ")
        do {
            // A bad query is reported before any work (such as a first index build).
            // Stemming cannot make a query empty or not: validate without a stemmer.
            _ = try Query(
                text, actors: actors, analyzer: Analyzer(stemming: false), defaultOperator: all ? .and : .or)
            try ensureDefaultIndex(location)
            let reader = try IndexReader(directory: location.path)
            let started = ContinuousClock.now
            let searcher = Searcher(reader: reader)
            let results = try searcher.search(text, options)
            let took = ContinuousClock.now - started
            // The process ends after printing: freeing a parsed gazetteer
            // would cost an actor search 3 M instructions (callgrind) for nothing.
            ProcessLifetime.keep(searcher)
            if json {
                print(JSONOutput.render(results, took: took))
            } else {
                let useColor = Terminal.useColor(color)
                Style.use(color: useColor)
                printHuman(results, color: useColor)
            }
            if results.total == 0 { throw ExitCode(Terminal.Exit.noResults) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
    }

    /// `--batch`: one process, the index opened once, a JSON line per query.
    /// A query that fails gives `{"line", "query", "error"}` and the batch
    /// goes on; blank lines are skipped. Exit 0 unless the index or the file
    /// cannot be read.
    private func runBatch(_ path: String) throws {
        do {
            var lines: [String] = []
            if path == "-" {
                while let line = readLine(strippingNewline: true) { lines.append(line) }
            } else {
                switch SystemFiles.readFile(path) {
                case .success(let bytes):
                    // Split on the bytes: "\r\n" is one Character, which a String split would not cut.
                    lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
                        String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
                    }
                case .failure(let error):
                    throw IngestError(
                        error.isNotFound ? .notFound : .unreadable,
                        error.isNotFound ? "no such batch file" : "cannot read the batch file: \(error.reason)",
                        path: path)
                }
            }
            try ensureDefaultIndex(location)
            let searcher = Searcher(reader: try IndexReader(directory: location.path))
            for (index, text) in lines.enumerated() where !text.trimmingWhitespace.isEmpty {
                do {
                    let started = ContinuousClock.now
                    let results = try searcher.search(text, options)
                    print(JSONOutput.render(results, line: index + 1, took: ContinuousClock.now - started))
                } catch let error as SearchError {
                    print(
                        "{\"line\": \(index + 1), \"query\": \(JSONOutput.string(text)), \"error\": \(JSONOutput.string(error.message))}"
                    )
                }
            }
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
        let count = (results.totalExact ? "" : "At least ") + format(results.total)
        print("\(count) \(noun) \(what); showing \(results.hits.count)\(results.newestFirst ? ", newest first" : "").")
        let width = Terminal.outputWidth()
        for hit in results.hits {
            print("")
            let title = highlighted(hit.title, hit.titleHighlights, color: color, base: Style.title)
            print("\(hit.rank). \(title)")
            let path = color ? Style.path(hit.path) : hit.path
            // The publication day, then the score (none when listed by date).
            let facts = [hit.published?.day.iso8601, results.newestFirst ? nil : "score " + decimal(hit.score, 4)]
                .compactMap { $0 }.joined(separator: "  ")
            print("   \(path)  \(color ? Style.dim(facts) : facts)")
            // What the page says of itself: its site and byline.
            let source = [hit.metadata.site, hit.metadata.byline].compactMap { $0 }.joined(separator: " · ")
            if !source.isEmpty { print("   " + (color ? Style.dim(source) : source)) }
            for passage in hit.passages.isEmpty ? [hit.snippet] : hit.passages where !passage.text.isEmpty {
                // On a terminal, wrapped to its width under the three-space indent.
                for line in width.map({ passage.lines(width: max(20, $0 - 4)) }) ?? [passage] {
                    print("   " + highlighted(line.text, line.highlights, color: color))
                }
            }
            for (index, part) in (hit.explanation ?? []).enumerated() {
                print("   " + (index == 0 ? "= " : "+ ") + Self.describe(part))
            }
        }
    }
}

extension SearchCommand {
    /// One line of `--explain`: "0.7175  "foreign forces" (phrase): 2 matches, idf 2.31, …".
    static func describe(_ part: Contribution) -> String {
        let occurrences =
            switch part.kind {
            case .phrase, .near: "\(part.frequency) match\(part.frequency == 1 ? "" : "es")"
            case .actor: "\(part.frequency) weighted mentions"
            case .word, .prefix: "tf \(part.frequency)"
            }
        var line =
            "\(decimal(part.score, 4))  \(part.clause) (\(part.kind.rawValue)): \(occurrences), idf \(decimal(part.idf, 3)), "
            + "length \(part.length) (average \(decimal(part.averageLength, 1))), k1 \(decimal(part.k1, 2)), b \(decimal(part.b, 2))"
        if part.kind == .prefix || part.terms.count > 1 {
            line +=
                "; "
                + part.terms.map { "\($0.term) tf \($0.frequency) \(decimal($0.score, 4))" }.joined(separator: ", ")
        }
        return line
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
