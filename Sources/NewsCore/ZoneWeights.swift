/// Where in an article a mention stands: the title, the lead (dateline and
/// first sentence) or the rest of the body.
public enum Zone: UInt8, Sendable {
    case title, lead, body
}

/// How much a mention counts by its zone: an actor named in the title or the
/// lead is what the story is about, as wire editors' labels show. The weights
/// multiply the mention's term frequency before BM25 saturates it (the BM25F
/// idea: weight, then saturate; Robertson, Zaragoza and Taylor, 2004).
///
/// Shared vocabulary: the index writer applies the weights, and the index records
/// them (IndexFileFormat.md, "Analysis") so that queries know what they were.
public struct ZoneWeights: Sendable, Equatable {
    public var title: UInt32
    public var lead: UInt32
    public var body: UInt32

    public static let standard = ZoneWeights(title: 3, lead: 3, body: 1)

    public init(title: UInt32, lead: UInt32, body: UInt32) {
        self.title = title
        self.lead = lead
        self.body = body
    }

    public func weight(_ zone: Zone) -> UInt32 {
        switch zone {
        case .title: title
        case .lead: lead
        case .body: body
        }
    }
}
