import IndexFormat

/// Which segments to merge: a tiered (logarithmic) policy, in the manner of
/// Lucene's `LogMergePolicy`.
///
/// A segment's tier is ⌊log_f(live documents / floor)⌋ for the merge factor
/// f, every segment under `floorDocuments` counting as tier 0. When a tier
/// holds f segments, its f smallest are merged into one, which lands a tier
/// up. So each tier holds fewer than f segments, and an index of n documents
/// has fewer than f · (log_f(n / floor) + 1) segments: logarithmic in its size,
/// while each document is rewritten about log_f(n / floor) times in all.
/// A segment with more than `maximumDeletedFraction` of its documents deleted
/// is rewritten on its own, so deleted documents do not linger.
public struct MergePolicy: Sendable {
    public var mergeFactor: Int
    public var floorDocuments: Int
    public var maximumDeletedFraction: Double

    public init(mergeFactor: Int = 10, floorDocuments: Int = 2_000, maximumDeletedFraction: Double = 0.3) {
        precondition(mergeFactor >= 2 && floorDocuments >= 1)
        self.mergeFactor = mergeFactor
        self.floorDocuments = floorDocuments
        self.maximumDeletedFraction = maximumDeletedFraction
    }

    public func tier(_ segment: SegmentInfo) -> Int {
        var size = max(Int(segment.liveCount), floorDocuments) / floorDocuments
        var tier = 0
        while size >= mergeFactor {
            size /= mergeFactor
            tier += 1
        }
        return tier
    }

    /// The numbers of the segments to merge next, or nil when none need it.
    public func pick(_ segments: [SegmentInfo]) -> [UInt64]? {
        var tiers: [Int: [SegmentInfo]] = [:]
        for segment in segments { tiers[tier(segment), default: []].append(segment) }
        for level in tiers.keys.sorted() {
            let members = tiers[level]!
            guard members.count >= mergeFactor else { continue }
            let smallest = members.sorted { ($0.liveCount, $0.number) < ($1.liveCount, $1.number) }
            return smallest.prefix(mergeFactor).map(\.number)
        }
        if let worn = segments.first(where: {
            $0.documentCount > 0 && Double($0.deletedCount) / Double($0.documentCount) > maximumDeletedFraction
        }) {
            return [worn.number]
        }
        return nil
    }
}
