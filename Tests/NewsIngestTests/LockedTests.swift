import Dispatch
import NewsCore
import Testing

/// NewsCore's `Locked`, the lock behind the indexer's work queue and tally,
/// the writer's state and the server's searcher. Under
/// `swift test --sanitize=thread` these are also the check that
/// ThreadSanitizer sees the lock: the same contended appends under the
/// standard library's `Mutex` are reported as a race on every run on Linux
/// (see `Locked`'s documentation).
@Suite("Locked")
struct LockedTests {
    struct Tally {
        var count = 0
        var entries: [(thread: Int, step: Int)] = []
    }

    @Test("contended read-modify-writes from four threads lose nothing and keep each thread's order")
    func contendedUpdates() {
        let threads = 4
        let steps = 20_000
        let tally = Locked(Tally())
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for step in 0..<steps {
                tally.withLock { tally in
                    // A read, then a write: without the lock, two threads
                    // would read the same count and one increment would be lost.
                    let seen = tally.count
                    tally.entries.append((thread, step))
                    tally.count = seen + 1
                }
            }
        }
        let (count, entries) = tally.withLock { ($0.count, $0.entries) }
        #expect(count == threads * steps)
        #expect(entries.count == threads * steps)
        var next = [Int](repeating: 0, count: threads)
        for entry in entries {
            #expect(entry.step == next[entry.thread])
            next[entry.thread] += 1
        }
        #expect(next == [Int](repeating: steps, count: threads))
    }

    struct Refused: Error, Equatable {}

    @Test("an error thrown inside the lock reaches the caller, typed, and leaves the lock free")
    func throwingBody() {
        let value = Locked(1)
        #expect(throws: Refused()) {
            try value.withLock { (value: inout Int) throws(Refused) in
                value = 2
                throw Refused()
            }
        }
        // Would wait for ever had the throw left the lock held.
        #expect(value.withLock { $0 } == 2)
    }
}
