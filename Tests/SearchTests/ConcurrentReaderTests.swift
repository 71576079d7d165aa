import Foundation
import IndexFormat
import Indexing
import NewsCore
import Search
import TestSupport
import Testing

@Suite("Readers during commits")
struct ConcurrentReaderTests {
    @Test("a reader opened while commits land sees a whole commit, never an error")
    func readersDuringCommits() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func commit(_ round: Int) throws {
            let writer = try IndexWriter(directory: directory.path, rebuild: true)
            for k in 0..<20 {
                try writer.add(
                    Article(path: "r\(round)-\(k).txt", title: "Round \(round)", body: "iran oil \(k)", format: .text))
            }
            _ = try writer.commit()
        }
        try commit(0)
        let done = ManagedAtomicFlag()
        let failures = LockedList()
        let readers = DispatchGroup()
        DispatchQueue.global().async(group: readers) {
            while !done.isSet {
                do {
                    let results = try Searcher(reader: IndexReader(directory: directory.path)).search("iran", limit: 5)
                    if results.total != 20 { failures.append("saw \(results.total) documents") }
                } catch {
                    failures.append("\(error)")
                }
            }
        }
        for round in 1...200 { try commit(round) }
        done.set()
        readers.wait()
        #expect(failures.items.isEmpty, "\(failures.items.prefix(3))")
    }
}

final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    var items: [String] { lock.withLock { list } }
    func append(_ item: String) { lock.withLock { list.append(item) } }
}
