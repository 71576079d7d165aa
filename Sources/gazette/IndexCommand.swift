import ArgumentParser
import IndexFormat
import Indexing
import NewsCore
import NewsIngest
import TextAnalysis

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index a folder of articles (.txt, .html), replacing the index's previous contents.")

    @Argument(help: ArgumentHelp("Folder (or single file) of articles.", valueName: "folder"))
    var folder: String

    @OptionGroup var location: IndexLocation

    @Flag(name: .shortAndLong, help: "Print only the one-line summary, not skipped files or warnings.")
    var quiet = false

    @Option(
        help: ArgumentHelp(
            "An actors file that adds or overrides actors and aliases (default: <folder>/actors.txt if present).",
            valueName: "file"))
    var actors: String?

    @Flag(help: "Do not recognise actors (keyword search only).")
    var noActors = false

    func validate() throws {
        if noActors && actors != nil { throw ValidationError("--actors and --no-actors exclude each other") }
    }

    func run() throws {
        do {
            let result = try IndexBuilder.build(
                corpus: folder, index: location.path, actorsFile: actors, recogniseActors: !noActors)
            result.printSummary(corpus: folder, index: location.path, verbose: !quiet)
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
    }
}

/// Reads a corpus into a new commit of an index; shared by `index` and the
/// automatic first build of `search`.
struct IndexBuilder {
    var report: CorpusReader.Report
    var summary: IndexWriter.CommitSummary
    var elapsed: Duration
    /// The user's actors file that was merged, and how many actors it named.
    var actorsFile: (path: String, actors: Int)?
    var recognisesActors: Bool

    /// The user's actors file picked up from the top of a corpus folder.
    static let corpusActorsFile = "actors.txt"

    static func build(
        corpus: String, index: String, actorsFile: String? = nil, recogniseActors: Bool = true
    ) throws -> IndexBuilder {
        let clock = ContinuousClock()
        let start = clock.now
        // Fail on a missing or unlistable corpus before touching the index
        // directory; the reader walks it later, so only its root is checked here.
        try CorpusWalker(root: corpus).checkRoot()
        var gazetteer: Gazetteer? = nil
        var merged: (path: String, actors: Int)? = nil
        if recogniseActors {
            var actors = Gazetteer.bundled
            var file = actorsFile
            if file == nil, case .success(let status) = SystemFiles.status(corpus), status.kind == .directory {
                let candidate = (corpus.hasSuffix("/") ? corpus : corpus + "/") + corpusActorsFile
                if case .success(let found) = SystemFiles.status(candidate), found.kind == .file { file = candidate }
            }
            if let file {
                let text = try readActorsFile(file)
                merged = (file, try actors.merge(parsing: text, path: file))
            }
            gazetteer = actors
        }
        let writer = try IndexWriter(directory: index, analyzer: Analyzer(gazetteer: gazetteer))
        let report = try CorpusReader(root: corpus, excluding: [index] + (merged.map { [$0.path] } ?? [])).read {
            article in
            try writer.add(article)
        }
        // An empty commit would replace a good index with nothing: refuse it.
        guard writer.documentCount > 0 else {
            let skipped = report.skipped.count
            throw IngestError(
                .noArticles,
                "nothing to index: no readable .txt or .html file"
                    + (skipped > 0
                        ? " (\(skipped) skipped: \(report.skipped[0].reason)\(skipped > 1 ? ", …" : ""))" : "")
                    + "; the index was left as it was",
                path: corpus)
        }
        let summary = try writer.commit()
        return IndexBuilder(
            report: report, summary: summary, elapsed: clock.now - start, actorsFile: merged,
            recognisesActors: recogniseActors)
    }

    /// Reads a user's actors file, or fails naming it.
    static func readActorsFile(_ path: String) throws -> String {
        switch SystemFiles.readFile(path) {
        case .success(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw AnalysisError(.badActorsFile, "not valid UTF-8", path: path)
            }
            return text
        case .failure(let error):
            throw IngestError(
                error.isNotFound ? .notFound : .unreadable,
                error.isNotFound ? "no such actors file" : "cannot read the actors file: \(error.reason)", path: path)
        }
    }

    func printSummary(corpus: String, index: String, verbose: Bool) {
        let documents = summary.documentCount == 1 ? "1 document" : "\(format(summary.documentCount)) documents"
        print("Indexed \(documents) from \(corpus) into \(index) in \(seconds(elapsed))")
        let skipped = report.skipped.count
        print(
            "  files: \(format(summary.documentCount)) indexed, \(format(skipped)) skipped, \(format(report.warnings.count)) with warnings"
        )
        print(
            "  index: \(format(summary.termCount)) distinct terms, \(bytes(summary.bytesOnDisk)) on disk (commit \(summary.generation))"
        )
        if !recognisesActors {
            print("  actors: off (--no-actors)")
        } else {
            let learned = summary.learnedActorCount
            var line =
                "  actors: \(format(summary.actorTermCount)) recognised (\(format(learned)) learned from the text)"
            if let actorsFile { line += "; \(actorsFile.path) merged (\(actorsFile.actors) entries)" }
            print(line)
        }
        guard verbose else { return }
        for (label, problems) in [("skipped", report.skipped), ("warning", report.warnings)] {
            let shown = problems.prefix(50)
            for problem in shown { print("  \(label): \(problem.path): \(problem.reason)") }
            if problems.count > shown.count { print("  … and \(problems.count - shown.count) more \(label)") }
        }
    }
}

func format(_ value: Int) -> String {
    let digits = String(value)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return out
}

func bytes(_ value: UInt64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB"]
    var amount = Double(value)
    var unit = 0
    while amount >= 1000 && unit < units.count - 1 {
        amount /= 1000
        unit += 1
    }
    return unit == 0 ? "\(value) bytes" : "\(decimal(amount, 1)) \(units[unit])"
}

func seconds(_ duration: Duration) -> String {
    let (s, attoseconds) = duration.components
    let value = Double(s) + Double(attoseconds) / 1e18
    return value < 10 ? "\(decimal(value, 2)) s" : "\(decimal(value, 1)) s"
}

/// `value` with `places` decimals, without Foundation's formatters.
func decimal(_ value: Double, _ places: Int) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < places { text += String(repeating: "0", count: places - decimals) }
    } else if places > 0 {
        text += "." + String(repeating: "0", count: places)
    }
    return text
}
