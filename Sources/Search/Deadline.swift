/// A time limit on one search, facet count, co-mention count or timeline:
/// past it, the work stops and throws ``SearchError/Code/timedOut`` (as
/// Lucene's `QueryTimeout` and Solr's `timeAllowed` stop a query).
///
/// The work asks ``Check/passed()`` as it goes: once per candidate
/// document in the matching loops, once per actor term when counting
/// facets, once per article re-read for co-mentions or a snippet. The clock
/// is read on the first ask, then on every 256th in the matching loops,
/// every 16th hit's snippet, and every ask in the facet and co-mention
/// loops (each of whose steps reads a posting list or analyses an
/// article). A search past its limit is stopped within 256 candidates, 16
/// snippets, one posting list or one article. The asking costs little:
/// with no deadline, 0.07% more instructions over ten Reuters queries
/// (callgrind, `gazette search --batch`, against the build before it).
///
/// Why give up rather than return what was found in time (Elasticsearch's
/// `timed_out: true`): a ranked list cut short is not the best hits with a
/// few missing but the best of the articles that happened to be read
/// first, and counts cut short are wrong counts. A clear refusal lets the
/// caller narrow the query.
public struct Deadline: Sendable {
    /// The limit, for the message.
    public let limit: Duration
    private let hasPassed: @Sendable () -> Bool
    /// The query the error names: set by the public entry point that was
    /// asked (``naming(_:)``), since the loops that find the time passed do
    /// not know it.
    private var query = ""

    /// `limit` from now.
    public init(after limit: Duration) {
        let end = ContinuousClock.now.advanced(by: limit)
        self.limit = limit
        hasPassed = { ContinuousClock.now >= end }
    }

    /// A deadline that passes when `hasPassed` says so (tests count asks
    /// with it instead of racing a clock).
    init(limit: Duration, hasPassed: @escaping @Sendable () -> Bool) {
        self.limit = limit
        self.hasPassed = hasPassed
    }

    /// This deadline, its error naming `query`.
    func naming(_ query: String) -> Deadline {
        var named = self
        named.query = query
        return named
    }

    /// The error a search that ran out of time throws.
    func error() -> SearchError {
        SearchError(
            .timedOut,
            "the search ran longer than its limit of \(Self.format(limit)); ask for less (rarer words, an actor, dates) or allow more time",
            query: query)
    }

    /// "10 s", "2.5 s", "250 ms", "40 µs", "1 ns".
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        for (unit, size) in [("s", Int64(1_000_000_000)), ("ms", 1_000_000), ("µs", 1000)] where nanoseconds >= size {
            let whole = nanoseconds / size
            let tenths = nanoseconds % size * 10 / size
            return tenths == 0 ? "\(whole) \(unit)" : "\(whole).\(tenths) \(unit)"
        }
        return "\(nanoseconds) ns"
    }

    /// One loop's view of a deadline (or of none): asking is a counter
    /// increment, and a clock read every `stride`th time.
    struct Check {
        let deadline: Deadline?
        private let mask: UInt32
        private var asks: UInt32 = 0
        /// Whether the deadline was found passed (it stays passed).
        private(set) var expired = false

        /// `stride`, a power of two: 256 for loops over documents (a step
        /// is a few postings), 1 for loops whose every step is long (an
        /// article analysed, a whole posting list read).
        init(_ deadline: Deadline?, stride: UInt32 = 256) {
            precondition(stride > 0 && stride & (stride - 1) == 0, "a deadline's stride is a power of two")
            self.deadline = deadline
            mask = stride - 1
        }

        /// Whether the deadline has passed.
        @inline(__always)
        mutating func passed() -> Bool {
            guard let deadline else { return false }
            if expired { return true }
            defer { asks &+= 1 }
            guard asks & mask == 0 else { return false }
            expired = deadline.hasPassed()
            return expired
        }

        /// Throws the time-out error once the deadline has passed.
        mutating func check() throws(SearchError) {
            if passed() { throw deadline!.error() }
        }
    }
}
