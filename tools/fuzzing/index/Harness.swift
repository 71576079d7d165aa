// swift-format-ignore-file: NeverUseForceTry
// (Setting up the harness must not fail: if it does, the crash says where.)
// libFuzzer harness: the index readers fed damaged index files. An input is
// one byte choosing a file of a small committed index (a segment file of each
// kind, the deletions file or MANIFEST), then that file's new contents; the
// other files stay as written. The index is then opened, searched and
// verified: every outcome is an answer or an IndexError, never a crash.
// Built and run by tools/fuzz (which seeds the corpus with the real files,
// from GAZETTE_FUZZ_SEEDS); see tools/fuzzing/README.md.
import CFuzzer
import Glibc
import IndexFormat
import Indexing
import NewsCore
import Search

/// The index this process damages, a copy of the pristine one.
let directory = "/tmp/gazette-fuzz-index-\(getpid())"

/// The index as committed, built once and kept (GAZETTE_FUZZ_INDEX; tools/fuzz
/// gives a folder of its work directory): a segment file names its segment's
/// random ID, so seeds are only valid next to the files they were taken from.
let pristine = getenv("GAZETTE_FUZZ_INDEX").map { String(cString: $0) } ?? "/tmp/gazette-fuzz-index"

/// The index's files: name and original bytes, in a fixed order.
nonisolated(unsafe) let files: [(name: String, bytes: [UInt8])] = {
    if access(pristine + "/MANIFEST", F_OK) != 0 { build(pristine) }
    let manifest = try! Manifest.read(directory: pristine)
    var names: [String] = []
    for segment in manifest.segments {
        names += IndexFileKind.allCases.filter { $0 != .manifest && $0 != .deletions }.map { segment.fileName($0) }
        if let deletions = segment.deletionsFileName { names.append(deletions) }
    }
    names.append(Manifest.fileName)
    let found = names.map { name in (name, try! readAll(pristine + "/" + name)) }
    mkdir(directory, 0o755)
    for (name, bytes) in found { try! writeAll(directory + "/" + name, bytes) }
    if let seeds = getenv("GAZETTE_FUZZ_SEEDS") {
        for (index, file) in found.enumerated() {
            try! writeAll(String(cString: seeds) + "/seed-\(index)", [UInt8(index)] + file.1)
        }
    }
    return found
}()

/// Commits three dated articles to `directory`, then two more (a second
/// segment), then deletes one of the first (a deletions file).
func build(_ directory: String) {
    var writer: IndexWriter? = try! IndexWriter(directory: directory)
    let bodies = [
        "TEHRAN, March 3 - Iran demanded the withdrawal of foreign forces from Iraq on Sunday.",
        "Proxy militias aligned with Tehran attacked bases hosting U.S. forces in Syria and Iraq.",
        "OPEC agreed to extend output cuts as oil prices slid for a third week, ministers said.",
        "The IAEA said inspectors had lost continuity of knowledge in Iran's nuclear programme.",
    ]
    for (index, body) in bodies.enumerated() {
        let day = CalendarDay(year: 2024, month: index + 1, day: 10).map { PublicationDate(day: $0) }
        try! writer!.add(
            Article(path: "a\(index).txt", title: "Article \(index)", body: body, format: .text, published: day))
        if index == 2 { _ = try! writer!.commit() }
    }
    _ = try! writer!.commit()
    writer = nil  // its lock goes
    let again = try! IndexWriter(directory: directory)
    var indexed = try! again.indexedFiles()
    while try! indexed.next() {
        if String(decoding: indexed.path, as: UTF8.self) == "a1.txt" { again.delete(indexed.location) }
    }
    _ = try! again.commit()
}

func readAll(_ path: String) throws -> [UInt8] {
    try SystemFiles.readFile(path, limit: 1 << 30).get()
}

func writeAll(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0, "cannot write \(path)")
    defer { close(fd) }
    var written = 0
    while written < bytes.count {
        let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        precondition(n > 0, "write \(path)")
        written += n
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size >= 1 else { return -1 }
    let choice = Int(data[0]) % files.count
    let path = directory + "/" + files[choice].name
    try! writeAll(path, Array(UnsafeBufferPointer(start: data + 1, count: size - 1)))
    defer { try! writeAll(path, files[choice].bytes) }
    do {
        let reader = try IndexReader(directory: directory)
        let searcher = Searcher(reader: reader)
        for query in ["foreign forces", "iran", "\"oil prices\" opec", "tehran -syria", "date:2024-02..2024-03"] {
            // The hits as the CLI prints them: dates too.
            for hit in (try? searcher.search(query, SearchOptions(limit: 3)))?.hits ?? [] {
                _ = hit.published?.iso8601
            }
        }
        // Actor searches parse the gazetteer (milliseconds): for one input in two.
        if data[0] & 0x80 != 0 {
            _ = try? searcher.search("", SearchOptions(limit: 3, actors: ["Iran"]))
            _ = try? searcher.actorFacets("", SearchOptions(limit: 0), limit: 5)
        }
        var articles = reader.articleCursor()
        for document in 0..<reader.documentCount { _ = (try? articles.article(document))?.published?.iso8601 }
        _ = try? reader.verifyStructure()
        _ = try? reader.verifyChecksums()
    } catch {
        // Refused at open: what a damaged index must do.
    }
    return 0
}

/// The program's entry (SwiftPM links main to `<module>_main`): libFuzzer's driver.
@_cdecl("fuzz_index_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    _ = files  // the index is built (and the seeds written) before the first input
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
