import ArgumentParser
import GazetteCLI
import IndexFormat
import Indexing
import NewsCore
import NewsIngest
import TextAnalysis

#if canImport(Glibc)
    import Glibc
#endif

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index a folder of articles (.txt, .html), or bring its index up to date.",
        discussion: """
            On an existing index, only new and changed files are read (a file whose size and \
            modification time are unchanged is skipped; one whose bytes are unchanged counts as \
            unchanged), documents of files no longer in the folder are deleted, and files that \
            failed before are retried only once they change. --rebuild starts over.
            """)

    @Argument(help: ArgumentHelp("Folder (or single file) of articles.", valueName: "folder"))
    var folder: String

    @OptionGroup var location: IndexLocation

    @Flag(name: .shortAndLong, help: "Print only the summary: no progress line, failed files or warnings.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "List every file as it is read (indexed or failed), on standard error.")
    var verbose = false

    @Flag(help: "Print the summary as one JSON object, with every failed, skipped and warned file.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "An actors file that adds or overrides actors and aliases (default: <folder>/actors.txt if present).",
            valueName: "file"))
    var actors: String?

    @Flag(help: "Do not recognise actors (keyword search only).")
    var noActors = false

    @Flag(help: "Index every file again, replacing the index's contents.")
    var rebuild = false

    @Option(help: ArgumentHelp("Threads that read and analyse files (default: one per core).", valueName: "n"))
    var threads: Int?

    @Option(
        help: ArgumentHelp(
            "Memory for the postings being built, in MB, all threads together; a segment is written whenever it fills.",
            valueName: "MB"))
    var memory: Int = IndexBuilder.defaultMemory

    func validate() throws {
        if noActors && actors != nil { throw ValidationError("--actors and --no-actors exclude each other") }
        if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be 1 to 256") }
        if memory < 16 || memory > 1 << 20 { throw ValidationError("--memory must be 16 to 1048576 (MB)") }
    }

    func run() throws {
        do {
            let progress = IndexProgress(
                showsLine: !quiet && IndexProgress.standardErrorIsTerminal, verbose: verbose)
            let result = try IndexBuilder.build(
                corpus: folder, index: location.path, actorsFile: actors, recogniseActors: !noActors,
                rebuild: rebuild, threads: threads ?? IndexBuilder.defaultThreads, memoryMB: memory,
                progress: progress)
            if json {
                print(result.json(corpus: folder, index: location.path))
            } else {
                result.printSummary(corpus: folder, index: location.path, verbose: !quiet)
            }
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
    }
}

/// Brings an index in line with a corpus folder; shared by `index` and the
/// automatic first build of `search`.
struct IndexBuilder {
    var sync: CorpusSync.Summary
    /// Files that are no articles (unsupported types) and folders or links
    /// that could not be walked: reported, never remembered.
    var skipped: [IngestProblem]
    var elapsed: Duration
    /// The user's actors file that was merged, and how many actors it named.
    var actorsFile: (path: String, actors: Int)?
    var recognisesActors: Bool
    var rebuildReason: String?
    var threads: Int

    /// The user's actors file picked up from the top of a corpus folder.
    static let corpusActorsFile = "actors.txt"
    /// MB. Indexing Reuters (19,043 articles) takes about 100 MB of postings
    /// in memory, so a default of 256 writes one segment for it and a few
    /// dozen for a million articles, which merges fold back.
    static let defaultMemory = 256
    static var defaultThreads: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    static func build(
        corpus: String, index: String, actorsFile: String? = nil, recogniseActors: Bool = true,
        rebuild: Bool = false, threads: Int = defaultThreads, memoryMB: Int = defaultMemory,
        progress: IndexProgress? = nil
    ) throws -> IndexBuilder {
        let clock = ContinuousClock()
        let start = clock.now
        // Fail on a missing or unlistable corpus before touching the index directory.
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
        let writer = try IndexWriter(directory: index, analyzer: Analyzer(gazetteer: gazetteer), rebuild: rebuild)
        let excluded = [index] + (merged.map { [$0.path] } ?? [])
        let walker = CorpusWalker(root: corpus, excluding: excluded)
        progress?.countFiles(root: corpus, excluding: excluded)
        defer { progress?.finish() }
        var skipped: [IngestProblem] = []
        var walkError: IngestError? = nil
        let reader = ArticleReader()
        // The folder is walked as it is indexed, never listed whole: a million
        // paths would take hundreds of MB (see CorpusSync.run).
        let sync = try CorpusSync(threads: threads, memoryBudget: memoryMB << 20).run(writer: writer) { visit in
            do throws(IngestError) {
                try walker.walk(problem: { skipped.append($0) }) { path, status in
                    // One look at each extension: files of other types are reported, not read.
                    if case .failure(let problem) = ArticleReader.format(of: path) {
                        skipped.append(problem)
                        return true
                    }
                    progress?.walked(path)
                    return visit(path, status)
                }
            } catch {
                walkError = error
            }
        } read: { path, status in
            switch reader.read(path: path, status: status) {
            case .article(let article, let warnings):
                progress?.read(path, bytes: status.size, failure: nil)
                return .article(article, warnings: warnings.map(\.reason))
            case .skipped(let problem):
                progress?.read(path, bytes: status.size, failure: problem.reason)
                return .failed(problem.reason)
            }
        }
        // The root was checked above, so it has gone since; with no file walked,
        // the sync committed nothing (it never empties an index).
        if let walkError { throw walkError }
        // An empty commit would replace a good index with nothing: the sync refuses it.
        if sync.wouldEmpty {
            throw IngestError(
                .noArticles,
                "nothing to index: no readable .txt or .html file"
                    + (sync.failures.isEmpty && skipped.isEmpty
                        ? ""
                        : " (\((sync.failures.first.map { ($0.path, $0.reason) } ?? (skipped[0].path, skipped[0].reason)).1)\(sync.failures.count + skipped.count > 1 ? ", …" : ""))")
                    + "; the index was left as it was",
                path: corpus)
        }
        return IndexBuilder(
            sync: sync, skipped: skipped, elapsed: clock.now - start, actorsFile: merged,
            recognisesActors: recogniseActors, rebuildReason: writer.rebuildReason, threads: threads)
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

    /// The summary as JSON: the counts `printSummary` prints, and every
    /// failed, skipped and warned file (the text form shows 50 of each).
    func json(corpus: String, index: String) -> String {
        func problems(_ list: [(path: String, reason: String)]) -> String {
            "["
                + list.map { "{\"path\": \(JSONOutput.string($0.path)), \"reason\": \(JSONOutput.string($0.reason))}" }
                .joined(separator: ", ") + "]"
        }
        let counts: [(String, Int)] = [
            ("indexed", sync.indexed), ("added", sync.added), ("updated", sync.updated), ("deleted", sync.deleted),
            ("unchanged", sync.unchanged), ("failed", sync.failed), ("failed_before", sync.failedBefore),
            ("skipped", skipped.count), ("with_warnings", sync.warnings.count), ("merges", sync.merges),
        ]
        let commit = sync.commit.map {
            "{\"generation\": \($0.generation), \"documents\": \($0.documentCount), \"segments\": \($0.segmentCount), \"bytes\": \($0.bytesOnDisk)}"
        }
        return "{\"corpus\": \(JSONOutput.string(corpus)), \"index\": \(JSONOutput.string(index)), "
            + "\"committed\": \(sync.committed), \"rebuild_reason\": \(JSONOutput.string(rebuildReason)), "
            + "\"seconds\": \(decimal(secondsValue(elapsed), 3)), "
            + counts.map { "\"\($0.0)\": \($0.1), " }.joined()
            + "\"commit\": \(commit ?? "null"), "
            + "\"actors\": \(JSONOutput.string(recognisesActors ? (actorsFile?.path ?? "bundled") : "off")), "
            + "\"failures\": \(problems(sync.failures)), "
            + "\"skipped_files\": \(problems(skipped.map { ($0.path, $0.reason) })), "
            + "\"warnings\": \(problems(sync.warnings))}"
    }

    func printSummary(corpus: String, index: String, verbose: Bool) {
        let documents = sync.indexed == 1 ? "1 document" : "\(format(sync.indexed)) documents"
        if let reason = rebuildReason, reason != "--rebuild" { print("Rebuilding \(index): \(reason).") }
        if sync.committed {
            print("Indexed \(documents) from \(corpus) into \(index) in \(seconds(elapsed))")
        } else {
            print("\(index) is up to date with \(corpus) (checked in \(seconds(elapsed)))")
        }
        print(
            "  files: \(format(sync.added)) added, \(format(sync.updated)) updated, \(format(sync.deleted)) deleted, \(format(sync.unchanged)) unchanged, \(format(sync.failed)) failed"
                + (sync.failedBefore > 0 ? " (\(format(sync.failedBefore)) as before, not retried)" : "")
                + (skipped.isEmpty ? "" : "; \(format(skipped.count)) skipped")
                + (sync.warnings.isEmpty ? "" : "; \(format(sync.warnings.count)) with warnings"))
        if let commit = sync.commit {
            let segments = commit.segmentCount == 1 ? "1 segment" : "\(commit.segmentCount) segments"
            print(
                "  index: \(format(commit.documentCount)) documents in \(segments), \(bytes(commit.bytesOnDisk)) on disk (commit \(commit.generation))"
                    + (sync.merges > 0 ? "; \(sync.merges) merge\(sync.merges == 1 ? "" : "s")" : ""))
        }
        if !recognisesActors {
            print("  actors: off (--no-actors)")
        } else if let actorsFile {
            print("  actors: \(actorsFile.path) merged (\(actorsFile.actors) entries)")
        }
        guard verbose else { return }
        let problems: [(String, [(path: String, reason: String)])] = [
            ("failed", sync.failures), ("skipped", skipped.map { ($0.path, $0.reason) }), ("warning", sync.warnings),
        ]
        for (label, list) in problems {
            let shown = list.prefix(50)
            for problem in shown { print("  \(label): \(problem.path): \(problem.reason)") }
            if list.count > shown.count { print("  … and \(list.count - shown.count) more \(label)") }
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
    let value = secondsValue(duration)
    return value < 10 ? "\(decimal(value, 2)) s" : "\(decimal(value, 1)) s"
}

/// `duration` in seconds.
func secondsValue(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) / 1e18
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
