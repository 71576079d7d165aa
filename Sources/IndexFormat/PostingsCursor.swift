/// Iterates one term's postings in document order, decoding straight from the
/// mapped postings file (the format ``PostingsEncoder`` writes).
///
/// Call order: `next()` until it returns false; after a successful `next()`,
/// `document` and `frequency` describe the current posting and `positions()`
/// may be called once. Every decoded value is checked against the segment, so a
/// damaged file throws ``IndexError/Code/corruptIndex`` and never yields a
/// document number out of range.
public struct PostingsCursor: Sendable {
    private let postingsFile: MappedFile
    private let positionsFile: MappedFile
    private var offset: Int
    private let end: Int
    private var positionsOffset: Int
    private let positionsEnd: Int
    /// Positions of earlier documents not yet skipped in the positions stream.
    private var pendingPositions: Int = 0
    /// Whether `positions()` consumed the current document's positions.
    private var consumedPositions = true
    private var remaining: UInt32
    private let documentLimit: UInt32

    public private(set) var document: UInt32 = 0
    public private(set) var frequency: UInt32 = 0
    private var started = false

    public init(
        info: TermInfo, postings: MappedFile, positions: MappedFile, documentCount: UInt32
    ) throws(IndexError) {
        postingsFile = postings
        positionsFile = positions
        remaining = info.documentFrequency
        documentLimit = documentCount
        // Offsets come from disk: compare before adding, so no sum can overflow.
        let postingsLimit = postings.count - IndexFileFooter.length
        let positionsLimit = positions.count - IndexFileFooter.length
        guard info.postingsStart >= 0, info.postingsStart <= postingsLimit,
            info.postingsLength >= 0, info.postingsLength <= postingsLimit - info.postingsStart,
            info.positionsStart >= 0, info.positionsStart <= positionsLimit,
            info.positionsLength >= 0, info.positionsLength <= positionsLimit - info.positionsStart,
            info.documentFrequency <= documentCount
        else {
            throw IndexError.corrupt(
                "term entry points outside the postings", path: postings.path, offset: info.postingsStart)
        }
        offset = info.postingsStart
        end = info.postingsStart + info.postingsLength
        positionsOffset = info.positionsStart
        positionsEnd = info.positionsStart + info.positionsLength
    }

    /// After the last posting, with every document's positions read: whether
    /// the term's postings and positions were used to their last byte, as a
    /// well-formed segment's are (`gazette verify`).
    public var usedExactly: Bool { offset == end && positionsOffset == positionsEnd && pendingPositions == 0 }

    /// Number of documents left, the current one excluded.
    public var remainingCount: UInt32 { remaining }

    /// Advances to the next posting; false at the end.
    @inline(__always)
    public mutating func next() throws(IndexError) -> Bool {
        guard remaining > 0 else { return false }
        remaining -= 1
        if !consumedPositions { pendingPositions += Int(frequency) }
        consumedPositions = false
        let code = try postingsFile.vint(at: &offset, limit: end)
        let delta = code >> 1
        let freq: UInt64 = code & 1 == 1 ? 1 : try postingsFile.vint(at: &offset, limit: end)
        let next = (started ? UInt64(document) : 0) + delta
        guard next < UInt64(documentLimit), freq >= 1, freq <= UInt64(UInt32.max),
            !started || delta > 0
        else {
            throw IndexError.corrupt("posting out of order or out of range", path: postingsFile.path, offset: offset)
        }
        started = true
        document = UInt32(next)
        frequency = UInt32(freq)
        return true
    }

    /// The positions of the term in the current document, increasing.
    public mutating func positions() throws(IndexError) -> [UInt32] {
        precondition(started && !consumedPositions, "positions() once per document, after next()")
        while pendingPositions > 0 {
            _ = try positionsFile.vint(at: &positionsOffset, limit: positionsEnd)
            pendingPositions -= 1
        }
        var result: [UInt32] = []
        result.reserveCapacity(Int(frequency))
        var position: UInt64 = 0
        for _ in 0..<frequency {
            let delta = try positionsFile.vint(at: &positionsOffset, limit: positionsEnd)
            guard delta <= UInt64(UInt32.max), position + delta <= UInt64(UInt32.max) else {
                throw IndexError.corrupt("position out of range", path: positionsFile.path, offset: positionsOffset)
            }
            position += delta
            result.append(UInt32(position))
        }
        consumedPositions = true
        return result
    }
}
