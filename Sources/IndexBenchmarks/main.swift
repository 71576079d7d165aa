// Benchmarks: `swift run -c release IndexBenchmarks [corpus-folder] [runs]`.
//
// Each benchmark has a setUp, a value-returning run() whose result is checked
// (so the work cannot be optimised away or silently break), and a tearDown; it
// is timed with ContinuousClock and prints one line with the median of its runs.
// Indexing with actors on against off is also measured interleaved article by
// article (`interleavedRatios`), the measure that holds still on a shared VM.
// Never part of `swift test`.

import Foundation
import IndexFormat
import Indexing
import NewsIngest
import Search
import TextAnalysis

let arguments = CommandLine.arguments
let corpus = arguments.count > 1 ? arguments[1] : "../shared/corpora/reuters21578"
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
/// A third argument `interleaved` runs only the interleaved on/off comparison.
let onlyInterleaved = arguments.count > 3 && arguments[3] == "interleaved"

protocol Benchmark {
    var name: String { get }
    mutating func setUp() throws
    mutating func run() throws -> Int
    mutating func tearDown()
    /// Checks run()'s result.
    func check(_ result: Int) -> Bool
}

@discardableResult
func measure<B: Benchmark>(_ benchmark: inout B, runs: Int) throws -> Double {
    try benchmark.setUp()
    defer { benchmark.tearDown() }
    let clock = ContinuousClock()
    var times: [Duration] = []
    var last = 0
    for _ in 0..<runs {
        let start = clock.now
        last = try benchmark.run()
        times.append(clock.now - start)
        precondition(benchmark.check(last), "\(benchmark.name): unexpected result \(last)")
    }
    times.sort()
    let median = times[times.count / 2]
    let ms = Double(median.components.seconds) * 1e3 + Double(median.components.attoseconds) / 1e15
    print("\(benchmark.name): median \(String(format: "%.3f", ms)) ms over \(runs) runs (result \(last))")
    return ms
}

/// Reading, analysing, inverting and committing the whole corpus.
struct IndexCorpus: Benchmark {
    let name: String
    let analyzer: Analyzer
    var directory = ""
    init(actors: Bool) {
        name = "index \(corpus) (actors \(actors ? "on" : "off"))"
        // Parse the gazetteer outside the timed runs, as a long-lived process would.
        analyzer = Analyzer(gazetteer: actors ? Gazetteer.bundled : nil)
    }
    mutating func setUp() throws {
        directory = NSTemporaryDirectory() + "gazette-bench-\(UUID().uuidString)"
    }
    mutating func run() throws -> Int {
        try? FileManager.default.removeItem(atPath: directory)
        let writer = try IndexWriter(directory: directory, analyzer: analyzer)
        let builder = writer.builder()
        _ = try CorpusReader(root: corpus).read { try builder.add($0) }
        try builder.flush()
        return try writer.commit().documentCount
    }
    mutating func tearDown() { try? FileManager.default.removeItem(atPath: directory) }
    func check(_ result: Int) -> Bool { result > 0 }
}

/// In-process queries against an open index: ranking and snippets, no start-up.
struct Queries: Benchmark {
    let name: String
    let queries: [String]
    var directory = ""
    var searcher: Searcher? = nil

    let actors: [String]

    init(_ queries: [String], actors: [String] = []) {
        self.queries = queries
        self.actors = actors
        name =
            actors.isEmpty
            ? "search \(queries.count) queries (top 10 with snippets)"
            : "search \(actors.count) actor queries (top 10 with snippets)"
    }
    mutating func setUp() throws {
        directory = NSTemporaryDirectory() + "gazette-bench-\(UUID().uuidString)"
        let writer = try IndexWriter(directory: directory)
        let builder = writer.builder()
        _ = try CorpusReader(root: corpus).read { try builder.add($0) }
        try builder.flush()
        _ = try writer.commit()
        searcher = Searcher(reader: try IndexReader(directory: directory))
    }
    mutating func run() throws -> Int {
        var total = 0
        for query in queries { total += try searcher!.search(query, limit: 10).total }
        for actor in actors { total += try searcher!.search("", SearchOptions(limit: 10, actors: [actor])).total }
        return total
    }
    mutating func tearDown() { try? FileManager.default.removeItem(atPath: directory) }
    func check(_ result: Int) -> Bool { result > 0 }
}

if !onlyInterleaved {
    // Actors on and off alternate, so that drift in the machine's speed hits both.
    var withActors = IndexCorpus(actors: true)
    var withoutActors = IndexCorpus(actors: false)
    var on: [Double] = []
    var off: [Double] = []
    for _ in 0..<max(1, runs) {
        off.append(try measure(&withoutActors, runs: 1))
        on.append(try measure(&withActors, runs: 1))
    }
    on.sort()
    off.sort()
    let medianOn = on[on.count / 2]
    let medianOff = off[off.count / 2]
    print(
        "index: actors on \(String(format: "%.1f", medianOn)) ms, off \(String(format: "%.1f", medianOff)) ms, "
            + "ratio \(String(format: "%.3f", medianOn / medianOff)) (median of \(on.count) each)")
}

/// Actors on and off in one pass over the corpus, interleaved article by
/// article: each article is read once, then added to a writer with actors and
/// to one without (which goes first alternates), and each writer's time is
/// summed; the two commits follow, in alternating order too. The machine's
/// speed drifts over seconds on a shared VM; interleaving at the scale of a
/// millisecond makes the drift hit both sides alike, where whole alternating
/// runs seconds apart do not. The reading time, the same work for both, is
/// added to each side. Returns on / off for each run.
func interleavedRatios(runs: Int) throws -> [(on: Double, off: Double)] {
    let withActors = Analyzer(gazetteer: Gazetteer.bundled)
    let withoutActors = Analyzer(gazetteer: nil)
    let clock = ContinuousClock()
    func ms(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15
    }
    var results: [(on: Double, off: Double)] = []
    for run in 0..<runs {
        let base = NSTemporaryDirectory() + "gazette-bench-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: base + "-on")
            try? FileManager.default.removeItem(atPath: base + "-off")
        }
        let onWriter = try IndexWriter(directory: base + "-on", analyzer: withActors)
        let offWriter = try IndexWriter(directory: base + "-off", analyzer: withoutActors)
        let on = onWriter.builder()
        let off = offWriter.builder()
        var onTime = Duration.zero
        var offTime = Duration.zero
        var readTime = Duration.zero
        var onFirst = run % 2 == 0
        var last = clock.now
        _ = try CorpusReader(root: corpus).read { article in
            let start = clock.now
            readTime += start - last
            let (first, second) = onFirst ? (on, off) : (off, on)
            try first.add(article)
            let middle = clock.now
            try second.add(article)
            last = clock.now
            onTime += onFirst ? middle - start : last - middle
            offTime += onFirst ? last - middle : middle - start
            onFirst.toggle()
        }
        let writers =
            run % 2 == 0
            ? [(on, onWriter, true), (off, offWriter, false)] : [(off, offWriter, false), (on, onWriter, true)]
        for (builder, writer, isOn) in writers {
            let start = clock.now
            try builder.flush()
            let summary = try writer.commit()
            precondition(summary.documentCount > 0)
            if isOn { onTime += clock.now - start } else { offTime += clock.now - start }
        }
        results.append((ms(readTime + onTime), ms(readTime + offTime)))
    }
    return results
}
let pairs = try interleavedRatios(runs: max(1, runs))
let ratios = pairs.map { $0.on / $0.off }.sorted()
print(
    "index, interleaved per article: actors on \(String(format: "%.1f", pairs.map(\.on).sorted()[pairs.count / 2])) ms, "
        + "off \(String(format: "%.1f", pairs.map(\.off).sorted()[pairs.count / 2])) ms, "
        + "ratio median \(String(format: "%.3f", ratios[ratios.count / 2])) over \(ratios.count) runs "
        + "(from \(String(format: "%.3f", ratios.first!)) to \(String(format: "%.3f", ratios.last!)))")
if !onlyInterleaved {
    var queries = Queries([
        "oil prices", "opec output quota", "interest rates bundesbank", "iran iraq war", "trade deficit japan",
        "the", "temporao", "coffee cocoa sugar", "merger acquisition shares", "grain exports soviet union",
    ])
    try measure(&queries, runs: max(runs, 20))
    var actorQueries = Queries(
        [],
        actors: [
            "Iran", "Japan", "West Germany", "OPEC", "United Kingdom", "Brazil", "USSR", "Canada", "China", "Iraq",
        ])
    try measure(&actorQueries, runs: max(runs, 20))
}
