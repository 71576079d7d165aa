// swift-format-ignore-file: NeverUseForceTry
// (Setting up the harness must not fail: if it does, the crash says where.)
// libFuzzer harness: the query language (parser, plan, matching, BM25,
// snippets) against a small index built at start. Built and run by
// tools/fuzz; see tools/fuzzing/README.md.
import CFuzzer
import Glibc
import IndexFormat
import Indexing
import NewsCore
import Search

/// A searcher over a small index of real-looking articles, built once.
nonisolated(unsafe) let searcher: Searcher = {
    let directory = "/tmp/gazette-fuzz-query-\(getpid())"
    let writer = try! IndexWriter(directory: directory)
    let bodies = [
        "TEHRAN, March 3 - Iran demanded the withdrawal of foreign forces from Iraq on Sunday.",
        "Proxy militias aligned with Tehran attacked bases hosting U.S. forces in Syria and Iraq.",
        "OPEC agreed to extend output cuts as oil prices slid for a third week, ministers said.",
        "The IAEA said inspectors had lost continuity of knowledge in Iran's nuclear programme.",
        "Hezbollah and Israel traded fire across the border; the UN urged calm in Lebanon.",
        "Qasem Soleimani, the Quds Force commander, was killed in a strike near Baghdad airport.",
    ]
    for (index, body) in bodies.enumerated() {
        let day = CalendarDay(year: 2024, month: index + 1, day: 10).map { PublicationDate(day: $0) }
        try! writer.add(
            Article(path: "a\(index).txt", title: "Article \(index)", body: body, format: .text, published: day))
    }
    _ = try! writer.commit()
    return Searcher(reader: try! IndexReader(directory: directory))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size <= 4096 else { return -1 }  // the server's limit on a query
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? QueryParser.parse(text, bareWordRules: true)
    _ = try? searcher.search(text, SearchOptions(limit: 3))
    _ = try? searcher.search(text, SearchOptions(limit: 2, actors: ["Iran"], offset: 1))
    _ = try? searcher.actorFacets(text, SearchOptions(limit: 0), limit: 5)
    _ = try? searcher.timeline(text, SearchOptions(limit: 0))
    return 0
}

/// The program's entry (SwiftPM links main to `<module>_main`): libFuzzer's driver.
@_cdecl("fuzz_query_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    _ = searcher  // the index is built before the first input
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
