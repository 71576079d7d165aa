// Benchmarks: `swift run -c release IndexBenchmarks [corpus-folder] [runs]`.
//
// Each benchmark has a setUp, a value-returning run() whose result is checked
// (so the work cannot be optimised away or silently break), and a tearDown; it
// is timed with ContinuousClock and prints one line with the median of its runs.
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
        _ = try CorpusReader(root: corpus).read { try writer.add($0) }
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
        _ = try CorpusReader(root: corpus).read { try writer.add($0) }
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
var queries = Queries([
    "oil prices", "opec output quota", "interest rates bundesbank", "iran iraq war", "trade deficit japan",
    "the", "temporao", "coffee cocoa sugar", "merger acquisition shares", "grain exports soviet union",
])
try measure(&queries, runs: max(runs, 20))
var actorQueries = Queries(
    [],
    actors: ["Iran", "Japan", "West Germany", "OPEC", "United Kingdom", "Brazil", "USSR", "Canada", "China", "Iraq"])
try measure(&actorQueries, runs: max(runs, 20))
