import IndexFormat
import Indexing
import NewsCore
import TestSupport
import Testing

@testable import Search

/// A search's time limit (``Deadline``). The deadlines here pass when a
/// counter says so, not when a clock does: the tests count how often the
/// work looked at the clock, and never race it.
@Suite("Search deadlines")
struct DeadlineTests {
    /// 2,000 articles that all mention militias, Iran and Hezbollah, dated
    /// over 24 months. The directory goes once the reader has mapped it.
    static let index = Result { () throws -> Searcher in
        let directory = try TemporaryDirectory("deadline")
        defer { directory.remove() }
        let writer = try IndexWriter(directory: directory.path)
        for k in 0..<2000 {
            try writer.add(
                Article(
                    path: "a\(k).txt", title: "Report \(k)",
                    body:
                        "Iran said the militias met Hezbollah in Baghdad on day \(k). Oil prices rose \(k % 7) percent.",
                    format: .text,
                    published: PublicationDate(
                        day: CalendarDay(year: 2023 + k % 2, month: 1 + k % 12, day: 1 + k % 28)!)))
        }
        _ = try writer.commit()
        return Searcher(reader: try IndexReader(directory: directory.path))
    }

    var searcher: Searcher { get throws { try Self.index.get() } }

    /// A deadline whose clock reads are counted, and which has passed from
    /// the `passesAt`th read on (never, when nil).
    final class CountedDeadline: Sendable {
        let reads = Locked(0)
        let passesAt: Int?
        init(passesAt: Int?) { self.passesAt = passesAt }
        var deadline: Deadline {
            Deadline(limit: .milliseconds(250)) { [self] in
                let read = reads.withLock { reads in
                    reads += 1
                    return reads
                }
                return passesAt.map { read >= $0 } ?? false
            }
        }
        var count: Int { reads.withLock { $0 } }
    }

    func timedOut(_ body: () throws -> Void) -> SearchError? {
        do {
            try body()
            return nil
        } catch let error as SearchError where error.code == .timedOut {
            return error
        } catch {
            return nil
        }
    }

    @Test("past its deadline, each kind of request refuses with the limit and the query named")
    func passedDeadline() throws {
        let searcher = try searcher
        let passed = CountedDeadline(passesAt: 1).deadline
        var options = SearchOptions(limit: 10)
        options.deadline = passed
        var withActor = SearchOptions(limit: 10, actors: ["Iran"])
        withActor.deadline = passed
        let refusals = [
            timedOut { _ = try searcher.search("militias", options) },
            timedOut { _ = try searcher.search("", withActor) },
            timedOut { _ = try searcher.actorFacets("militias", options, limit: 5) },
            timedOut { _ = try searcher.actorFacets("", options, limit: 5) },
            timedOut { _ = try searcher.coMentions(with: "Hezbollah", limit: 5, deadline: passed) },
            timedOut { _ = try searcher.timeline("militias", options) },
        ]
        #expect(refusals.allSatisfy { $0 != nil }, "\(refusals)")
        let error = try #require(refusals[0])
        #expect(error.query == "militias")
        #expect(error.description.contains("limit of 250 ms"), "\(error)")
        #expect(refusals[4]?.query == "Hezbollah")
    }

    @Test("a deadline that does not pass changes nothing")
    func distantDeadline() throws {
        let searcher = try searcher
        let never = CountedDeadline(passesAt: nil)
        var options = SearchOptions(limit: 20)
        options.deadline = never.deadline
        let plain = SearchOptions(limit: 20)
        let (timed, untimed) = (
            try searcher.search("militias oil", options), try searcher.search("militias oil", plain)
        )
        #expect(timed.total == untimed.total && timed.total == 2000)
        #expect(timed.hits.map(\.path) == untimed.hits.map(\.path))
        #expect(timed.hits.map(\.score) == untimed.hits.map(\.score))
        #expect(
            try searcher.actorFacets("militias", options, limit: 0).actors
                == searcher.actorFacets("militias", plain, limit: 0).actors)
        #expect(
            try searcher.coMentions(with: "Hezbollah", limit: 0, deadline: never.deadline).sentence
                == searcher.coMentions(with: "Hezbollah", limit: 0).sentence)
        #expect(try searcher.timeline("oil", options).buckets == searcher.timeline("oil", plain).buckets)
        #expect(never.count > 0, "the deadline was asked")
    }

    @Test("matching stops within 256 candidates of the deadline, not at the end of the segment")
    func matchingStops() throws {
        let searcher = try searcher
        // Every match counted (no pruning): 2,000 candidates, a clock read
        // every 256, so 8 reads when the deadline never passes.
        let never = CountedDeadline(passesAt: nil)
        var options = SearchOptions(limit: 10)
        options.totalHitsThreshold = .max
        options.deadline = never.deadline
        _ = try searcher.search("militias", options)
        #expect(never.count >= 8)

        // Passed at the third read (candidate 512): the search gives up
        // there and reads the clock no more.
        let soon = CountedDeadline(passesAt: 3)
        options.deadline = soon.deadline
        #expect(timedOut { _ = try searcher.search("militias", options) } != nil)
        #expect(soon.count == 3)
    }

    @Test("co-mentions stop at the first article past the deadline")
    func coMentionsStop() throws {
        let searcher = try searcher
        // One read per actor term counted, then one per article of the
        // anchor's 2,000: passed at read 40, the loop has read at most 40
        // of them.
        let soon = CountedDeadline(passesAt: 40)
        #expect(timedOut { _ = try searcher.coMentions(with: "Hezbollah", limit: 5, deadline: soon.deadline) } != nil)
        #expect(soon.count == 40)
    }

    @Test("limits read as people write them")
    func format() {
        #expect(Deadline.format(.seconds(10)) == "10 s")
        #expect(Deadline.format(.milliseconds(2500)) == "2.5 s")
        #expect(Deadline.format(.milliseconds(250)) == "250 ms")
        #expect(Deadline.format(.microseconds(40)) == "40 µs")
        #expect(Deadline.format(.nanoseconds(1)) == "1 ns")
    }
}
