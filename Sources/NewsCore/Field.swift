/// The parts of an article that Gazette stores and searches.
///
/// Issue "Gazette end to end" indexes title and body as one searchable stream
/// (title first, then a position gap, then the body); the enum names them so
/// that later per-field scoring (BM25F) has a vocabulary to grow into.
public enum Field: UInt8, Sendable, CaseIterable {
    case path = 0
    case title = 1
    case body = 2
}

/// Gap in token positions between the title and the body, so that a phrase can
/// never match across the two (Lucene's `positionIncrementGap` plays this role).
public let titleBodyPositionGap: UInt32 = 16
