/// Iterates one term's postings in document order, decoding straight from the
/// mapped postings file (the format ``PostingsEncoder`` writes).
///
/// Call order: `next()` or `advance(to:)` until it returns false; after a
/// successful one, `document` and `frequency` describe the current posting and
/// `positions()` may be called once. `advanceShallow(to:)` may be called at any
/// time; it moves only the skip pointer that the `block…` properties describe.
///
/// A packed block is decoded whole, 128 documents and frequencies in one pass,
/// into a buffer (allocated on the first packed block, so a short list costs
/// no allocation); VInt entries are decoded one by one, as they are read.
/// `advance(to:)` jumps whole blocks by their skip entries without decoding
/// them, and their positions with them. Every decoded value is checked against
/// the segment, so a damaged file throws ``IndexError/Code/corruptIndex`` and
/// never yields a document number out of range.
public struct PostingsCursor: Sendable {
    /// A block's skip entry, and where the next block's starts: a skip pointer.
    /// Before the first block: empty at the term's start, so that the next
    /// block starts there. Narrow fields keep the cursor small: it is copied
    /// whole when made and returned.
    struct SkipPointer: Sendable {
        /// The last document of the block before (-1 before the first block).
        var previousLastDocument: Int64 = -1
        var lastDocument: Int64 = -1
        /// The block's bytes after its skip entry, and its positions.
        var start: Int
        var positionsStart: Int
        var length: UInt32 = 0
        var positionsLength: UInt32 = 0
        var maxFrequency: UInt32 = 0
        var minLength: UInt32 = 0
        /// The block's number in the term's list; -1 before the first.
        var number: Int32 = -1
        /// Its impacts (format 5): how many, and where in the postings file (0: none).
        var impactCount: UInt8 = 0
        var impactsStart = 0

        /// Where the next block's skip entry, and its positions, start.
        var nextStart: Int { start + Int(length) }
        var nextPositionsStart: Int { positionsStart + Int(positionsLength) }
    }

    private static let blockSize = PostingsEncoder.blockSize

    private let postingsFile: MappedFile
    private let positionsFile: MappedFile
    private let documentLimit: UInt32
    private let documentFrequency: UInt32
    private let end: Int
    private let positionsEnd: Int
    private let blockCount: Int32
    /// Blocks stored packed: all but a partial last block of a term with skip data.
    private let packedBlockCount: Int32
    private let hasSkipData: Bool
    /// Skip entries carry impacts (format 5 and later).
    private let hasImpacts: Bool

    /// The block being read, and the skip pointer `advanceShallow` moves
    /// (never behind the block being read). For a list without skip data,
    /// `shallow` holds bounds derived from its dictionary entry.
    private var current: SkipPointer
    private var shallow: SkipPointer

    /// A decoded packed block: its documents, then its frequencies; and the
    /// current posting's index in it (-1 before its first). Empty until the
    /// first packed block; `bufferCount` is 0 while VInt entries are read.
    private var buffer: [UInt32] = []
    private var bufferCount = 0
    private var index = -1

    /// The VInt block being read: next entry, end, entries left, and the
    /// document before the next entry (-1: none, the first counts from 0).
    private var entryOffset = 0
    private var entriesLeft = 0
    private var entryPrevious: Int64 = -1

    private var positionsOffset = 0
    /// Positions of earlier documents of the block not yet skipped in the positions stream.
    private var pendingPositions = 0
    /// Whether `positions()` consumed the current document's positions (true
    /// too while no posting is current).
    private var consumedPositions = true
    /// Whether a posting is current (`document` and `frequency` describe it).
    private var isPositioned = false
    /// Set when `next()` or `advance(to:)` returned false.
    private var isExhausted = false

    /// What `verifyBlock` saw of the current block so far.
    private var verifiedCount: UInt32 = 0
    private var verifiedMaxFrequency: UInt32 = 0
    private var verifiedMinLength = UInt32.max

    public private(set) var document: UInt32 = 0
    public private(set) var frequency: UInt32 = 0

    /// `impacts`: whether the file's skip entries carry impacts (format 5 on).
    public init(
        info: TermInfo, postings: MappedFile, positions: MappedFile, documentCount: UInt32, impacts: Bool = true
    ) throws(IndexError) {
        hasImpacts = impacts
        postingsFile = postings
        positionsFile = positions
        documentFrequency = info.documentFrequency
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
        end = info.postingsStart + info.postingsLength
        positionsEnd = info.positionsStart + info.positionsLength
        let df = Int(info.documentFrequency)
        hasSkipData = df >= Self.blockSize
        blockCount = Int32(hasSkipData ? (df + Self.blockSize - 1) / Self.blockSize : min(df, 1))
        packedBlockCount = Int32(hasSkipData ? df / Self.blockSize : 0)
        current = SkipPointer(start: info.postingsStart, positionsStart: info.positionsStart)
        positionsOffset = info.positionsStart
        guard !hasSkipData, df > 0 else {
            shallow = current
            return
        }
        // A short list: its one block, its VInt entries, is read from here.
        // The dictionary's PostingsLength is a u32; so must its positions be.
        guard info.positionsLength <= Int(UInt32.max) else {
            throw IndexError.corrupt(
                "term's positions are too long for its postings", path: positions.path, offset: info.positionsStart)
        }
        current.number = 0
        current.length = UInt32(info.postingsLength)
        current.positionsLength = UInt32(info.positionsLength)
        entryOffset = info.postingsStart
        entriesLeft = df
        // No skip data: the block's bounds from the dictionary entry. It may
        // reach the last document; no frequency exceeds the total less one for
        // each other document; no length bound.
        shallow = current
        shallow.lastDocument = Int64(documentCount) - 1
        let others = UInt64(df - 1)
        shallow.maxFrequency =
            UInt32(clamping: info.totalTermFrequency > others ? info.totalTermFrequency - others : 1)
        shallow.minLength = 0
    }

    /// After the last posting, with every document's positions read: whether
    /// the term's postings and positions were used to their last byte, as a
    /// well-formed segment's are (`gazette verify`).
    public var usedExactly: Bool {
        current.number == blockCount - 1 && current.nextStart == end && entriesLeft == 0
            && positionsOffset == positionsEnd && pendingPositions == 0
    }

    /// Number of documents left, the current one excluded.
    public var remainingCount: UInt32 {
        if isExhausted { return 0 }
        if current.number < 0 { return documentFrequency }
        // A VInt block is always a list's last: what is left of it is what is left.
        if bufferCount == 0 { return UInt32(entriesLeft) }
        return documentFrequency - UInt32(Int(current.number) * Self.blockSize + index + 1)
    }

    // MARK: Skip data of the block under the skip pointer

    /// The last document of the block under the skip pointer: the block being
    /// read, or a later one `advanceShallow(to:)` moved to. Valid after a
    /// successful `next()`, `advance(to:)`, or `advanceShallow(to:)`. For a
    /// list under 128 documents (no skip data), the segment's last document.
    public var blockLastDocument: UInt32 { UInt32(truncatingIfNeeded: shallow.lastDocument) }

    /// The highest term frequency in the block under the skip pointer. For a
    /// list under 128 documents, a bound from its dictionary entry: the total
    /// term frequency less one for each other document (exact for one document).
    public var blockMaxFrequency: UInt32 { shallow.maxFrequency }

    /// The length (in tokens) of the shortest document of the block under the
    /// skip pointer. For a list under 128 documents, 0 (every length is at least that).
    public var blockMinLength: UInt32 { shallow.minLength }

    /// The highest `score(frequency, length)` over the impacts of the block
    /// under the skip pointer: for a score that rises with the frequency and
    /// falls with the length (BM25, any k1 and b), the best any of its
    /// documents can get. Without impacts (a list under 128 documents, or
    /// format 4), the score of the highest frequency at the shortest length.
    public func blockMaxScore(_ score: (_ frequency: UInt32, _ length: UInt32) -> Double) throws(IndexError) -> Double {
        guard shallow.impactCount > 0 else { return score(shallow.maxFrequency, shallow.minLength) }
        var best = -Double.infinity
        try forEachImpact(of: shallow) { frequency, length in
            best = max(best, score(frequency, length))
            return true
        }
        return best
    }

    /// Calls `body` with each impact of `block`, in increasing frequency,
    /// until it returns false. Checked when the skip entry was read: in
    /// range and increasing.
    private func forEachImpact(of block: SkipPointer, _ body: (UInt32, UInt32) -> Bool) throws(IndexError) {
        var offset = block.impactsStart
        var frequency: UInt64 = 0
        var length: UInt64 = 0
        for _ in 0..<block.impactCount {
            frequency += try postingsFile.vint(at: &offset, limit: end)
            length += try postingsFile.vint(at: &offset, limit: end)
            guard body(UInt32(truncatingIfNeeded: frequency), UInt32(truncatingIfNeeded: length)) else { return }
        }
    }

    /// Whether an impact of the current block bounds a document with
    /// `frequency` occurrences in `length` tokens (`gazette verify`).
    private func impactsBound(frequency: UInt32, length: UInt32) throws(IndexError) -> Bool {
        guard current.impactCount > 0 else { return true }
        // The first impact at least as frequent is the shortest of those that are.
        var bounded = false
        try forEachImpact(of: current) { impactFrequency, impactLength in
            guard impactFrequency >= frequency else { return true }
            bounded = impactLength <= length
            return false
        }
        return bounded
    }

    /// Moves the skip pointer to the first block whose last document is at
    /// least `target` (or to the last block), reading skip entries only; the
    /// current posting does not change (Lucene's `advanceShallow`).
    public mutating func advanceShallow(to target: UInt32) throws(IndexError) {
        guard hasSkipData else { return }
        if shallow.number < 0 { try readEntry(after: &shallow) }
        while shallow.lastDocument < Int64(target), shallow.number + 1 < blockCount {
            try readEntry(after: &shallow)
        }
    }

    // MARK: Iteration

    /// Advances to the next posting; false at the end.
    @inline(__always)
    public mutating func next() throws(IndexError) -> Bool {
        if index + 1 < bufferCount {
            if !consumedPositions { pendingPositions += Int(frequency) }
            index += 1
            document = buffer[index]
            frequency = buffer[Self.blockSize + index]
            consumedPositions = false
            return true
        }
        if entriesLeft > 0 {
            try readEntry()
            return true
        }
        return try nextBlock()
    }

    /// `next()` at the end of a block: moves to the next block's first posting.
    private mutating func nextBlock() throws(IndexError) -> Bool {
        guard !isExhausted, current.number + 1 < blockCount else {
            exhaust()
            return false
        }
        try loadNextBlock()
        if bufferCount > 0 {
            index = 0
            document = buffer[0]
            frequency = buffer[Self.blockSize]
            consumedPositions = false
            isPositioned = true
        } else {
            try readEntry()
        }
        return true
    }

    /// Moves to the first posting whose document is at least `target` (staying
    /// on the current one if it already is); false if there is none. Whole
    /// blocks before the target are skipped by their skip entries, undecoded.
    public mutating func advance(to target: UInt32) throws(IndexError) -> Bool {
        if isExhausted { return false }
        if isPositioned && document >= target { return true }
        if hasSkipData && (current.number < 0 || current.lastDocument < Int64(target)) {
            try advanceShallow(to: target)
            guard shallow.lastDocument >= Int64(target) else {
                exhaust()
                return false
            }
            if shallow.number != current.number { try load(shallow) }
        }
        if bufferCount > 0 {
            // A packed block ending at or after the target: scan it from the
            // posting after the current one, skipping positions on the way.
            if !consumedPositions { pendingPositions += Int(frequency) }
            var i = index + 1
            while buffer[i] < target {
                pendingPositions += Int(buffer[Self.blockSize + i])
                i += 1
            }
            index = i
            document = buffer[i]
            frequency = buffer[Self.blockSize + i]
            consumedPositions = false
            isPositioned = true
            return true
        }
        // VInt entries: read on (a long list's last block ends at or after the
        // target; a short list may end first).
        while entriesLeft > 0 {
            try readEntry()
            if document >= target { return true }
        }
        exhaust()
        return false
    }

    private mutating func exhaust() {
        isExhausted = true
        bufferCount = 0
        entriesLeft = 0
        index = -1
        consumedPositions = true
        isPositioned = false
    }

    /// Starts reading the block after the current one, of a list with skip
    /// data (a short list's one block is set up by `init`).
    private mutating func loadNextBlock() throws(IndexError) {
        var next = current
        if shallow.number == current.number + 1 {
            next = shallow
        } else {
            try readEntry(after: &next)
        }
        try load(next)
    }

    /// Reads the skip entry after `pointer`'s block into `pointer`.
    private func readEntry(after pointer: inout SkipPointer) throws(IndexError) {
        var offset = pointer.nextStart
        let entryStart = offset
        let lastDelta = try postingsFile.vint(at: &offset, limit: end)
        let length = try postingsFile.vint(at: &offset, limit: end)
        let positionsLength = try postingsFile.vint(at: &offset, limit: end)
        let maxFrequency = try postingsFile.vint(at: &offset, limit: end)
        let minLength = try postingsFile.vint(at: &offset, limit: end)
        var impactCount: UInt64 = 0
        var impactsStart = offset
        if hasImpacts {
            // Increasing in both frequency and length, from the shortest
            // document's length to the highest frequency (PostingsEncoder).
            impactCount = try postingsFile.vint(at: &offset, limit: end)
            impactsStart = offset
            var frequency: UInt64 = 0
            var length: UInt64 = 0
            var ordered = impactCount >= 1 && impactCount <= UInt64(Self.blockSize)
            for k in 0..<(ordered ? impactCount : 0) {
                let frequencyDelta = try postingsFile.vint(at: &offset, limit: end)
                let lengthDelta = try postingsFile.vint(at: &offset, limit: end)
                frequency += min(frequencyDelta, UInt64(UInt32.max))
                length += min(lengthDelta, UInt64(UInt32.max))
                ordered =
                    ordered && frequencyDelta >= 1 && (k == 0 || lengthDelta >= 1)
                    && (k > 0 || length == minLength) && frequency <= maxFrequency
            }
            guard ordered, frequency == maxFrequency else {
                throw IndexError.corrupt(
                    "impacts of block \(pointer.number + 1) are out of order or disagree with its skip entry",
                    path: postingsFile.path, offset: entryStart)
            }
        }
        let number = pointer.number + 1
        let count = number < packedBlockCount ? Self.blockSize : Int(documentFrequency) - Int(number) * Self.blockSize
        let previous = pointer.lastDocument
        // Compare before adding: every value is bounded first, so no sum overflows.
        guard lastDelta >= UInt64(count), lastDelta <= UInt64(documentLimit),
            previous + Int64(lastDelta) < Int64(documentLimit),
            length <= UInt64(end - offset),
            positionsLength <= UInt64(positionsEnd - pointer.nextPositionsStart),
            length <= UInt64(UInt32.max), positionsLength <= UInt64(UInt32.max),
            maxFrequency >= 1, maxFrequency <= UInt64(UInt32.max), minLength <= UInt64(UInt32.max)
        else {
            throw IndexError.corrupt(
                "skip entry of block \(number) is out of range", path: postingsFile.path, offset: entryStart)
        }
        pointer.number = number
        pointer.previousLastDocument = previous
        pointer.lastDocument = previous + Int64(lastDelta)
        pointer.start = offset
        pointer.length = UInt32(length)
        pointer.positionsStart = pointer.nextPositionsStart
        pointer.positionsLength = UInt32(positionsLength)
        pointer.maxFrequency = UInt32(maxFrequency)
        pointer.minLength = UInt32(minLength)
        pointer.impactCount = UInt8(impactCount)
        pointer.impactsStart = impactsStart
    }

    /// Makes `block` the current block, no posting of it selected yet: decodes
    /// it if packed, else sets up the reading of its VInt entries.
    private mutating func load(_ block: SkipPointer) throws(IndexError) {
        current = block
        if shallow.number < block.number { shallow = block }
        index = -1
        if block.number < packedBlockCount {
            try decodePackedBlock(block)
            bufferCount = Self.blockSize
            entriesLeft = 0
        } else {
            bufferCount = 0
            entryOffset = block.start
            entriesLeft = Int(documentFrequency) - Int(block.number) * Self.blockSize
            entryPrevious = block.previousLastDocument
        }
        positionsOffset = block.positionsStart
        pendingPositions = 0
        consumedPositions = true
        isPositioned = false
        verifiedCount = 0
        verifiedMaxFrequency = 0
        verifiedMinLength = .max
    }

    private mutating func decodePackedBlock(_ block: SkipPointer) throws(IndexError) {
        guard block.length >= 2 else {
            throw IndexError.corrupt("packed block is too short", path: postingsFile.path, offset: block.start)
        }
        let gapWidth = Int(try postingsFile.byte(at: block.start))
        let frequencyWidth = Int(try postingsFile.byte(at: block.start + 1))
        let gapsLength = BitPacking.packedLength(bitWidth: gapWidth)
        let frequenciesLength = BitPacking.packedLength(bitWidth: frequencyWidth)
        guard gapWidth <= 32, frequencyWidth <= 32, Int(block.length) == 2 + gapsLength + frequenciesLength else {
            throw IndexError.corrupt(
                "packed block's bit widths (\(gapWidth), \(frequencyWidth)) disagree with its length \(block.length)",
                path: postingsFile.path, offset: block.start)
        }
        if buffer.isEmpty { buffer = Array(repeating: 0, count: 2 * Self.blockSize) }
        // The block ends inside the term's bytes, so at least the file's footer
        // follows it: the unpacker's slack is inside the file.
        let gapsStart = block.start + 2
        let first = UInt64(block.previousLastDocument + 1)
        let after = try postingsFile.withBytes(at: gapsStart, count: gapsLength + BitPacking.readSlack) { packed in
            BitPacking.unpackDocuments(packed, bitWidth: gapWidth, after: first, into: &buffer, at: 0)
        }.get()
        // Strictly increasing: the last in range (its skip entry's, checked) puts all in range.
        guard after == UInt64(block.lastDocument + 1) else {
            throw IndexError.corrupt(
                "packed block's documents disagree with its skip entry", path: postingsFile.path, offset: block.start)
        }
        let frequenciesStart = gapsStart + gapsLength
        let fits = try postingsFile.withBytes(
            at: frequenciesStart, count: frequenciesLength + BitPacking.readSlack
        ) { packed in
            BitPacking.unpackFrequencies(packed, bitWidth: frequencyWidth, into: &buffer, at: Self.blockSize)
        }.get()
        guard fits else {
            throw IndexError.corrupt("frequency out of range", path: postingsFile.path, offset: frequenciesStart)
        }
    }

    /// Reads the next VInt entry of the current block and selects it.
    @inline(__always)
    private mutating func readEntry() throws(IndexError) {
        if !consumedPositions { pendingPositions += Int(frequency) }
        let code = try postingsFile.vint(at: &entryOffset, limit: current.nextStart)
        let delta = code >> 1
        let freq: UInt64 = code & 1 == 1 ? 1 : try postingsFile.vint(at: &entryOffset, limit: current.nextStart)
        // The first entry of a list counts from 0; any other from the document before.
        let base = max(entryPrevious, 0)
        guard delta < UInt64(documentLimit), base + Int64(delta) < Int64(documentLimit), freq >= 1,
            freq <= UInt64(UInt32.max), entryPrevious < 0 || delta > 0
        else {
            throw IndexError.corrupt(
                "posting out of order or out of range", path: postingsFile.path, offset: entryOffset)
        }
        entryPrevious = base + Int64(delta)
        entriesLeft -= 1
        if entriesLeft == 0 {
            guard entryOffset == current.nextStart, !hasSkipData || entryPrevious == current.lastDocument else {
                throw IndexError.corrupt(
                    "postings block disagrees with its length or skip entry", path: postingsFile.path,
                    offset: entryOffset)
            }
        }
        document = UInt32(entryPrevious)
        frequency = UInt32(freq)
        consumedPositions = false
        isPositioned = true
    }

    // MARK: Positions

    /// The positions of the term in the current document, increasing.
    public mutating func positions() throws(IndexError) -> [UInt32] {
        var result: [UInt32] = []
        try positions(into: &result)
        return result
    }

    /// Replaces `out`'s contents with the positions of the term in the
    /// current document, increasing (its storage reused: no allocation per
    /// document once it is large enough).
    public mutating func positions(into out: inout [UInt32]) throws(IndexError) {
        precondition(isPositioned && !consumedPositions, "positions() once per document, after next()")
        try positionsFile.skipVInts(pendingPositions, at: &positionsOffset, limit: current.nextPositionsStart)
        pendingPositions = 0
        out.removeAll(keepingCapacity: true)
        // A damaged frequency may be up to UInt32.max: reserve no more than
        // the block's positions bytes could hold (one byte a position at least).
        out.reserveCapacity(min(Int(frequency), current.nextPositionsStart - positionsOffset))
        guard
            positionsFile.decodeDeltas(
                Int(frequency), at: &positionsOffset, limit: current.nextPositionsStart, into: &out)
        else {
            throw IndexError.corrupt("position out of range", path: positionsFile.path, offset: positionsOffset)
        }
        consumedPositions = true
    }

    /// Keeps the phrase starts `s` (the first `startCount`, increasing) for
    /// which this term is at position `s + shift` in the current document, at
    /// the front, and sets `startCount` to their number, reading its positions
    /// only as far as the last start needs (``MappedFile/keepStarts``); the
    /// positions not read are stepped over when the cursor moves on. Like
    /// ``positions(into:)``, once per document.
    public mutating func keepStarts(
        _ starts: inout [UInt32], startCount: inout Int, shift: UInt32
    ) throws(IndexError) {
        precondition(isPositioned && !consumedPositions, "positions once per document, after next()")
        try positionsFile.skipVInts(pendingPositions, at: &positionsOffset, limit: current.nextPositionsStart)
        pendingPositions = 0
        guard
            let read = positionsFile.keepStarts(
                &starts, startCount: &startCount, shift: shift, count: Int(frequency), at: &positionsOffset,
                limit: current.nextPositionsStart)
        else {
            throw IndexError.corrupt("position out of range", path: positionsFile.path, offset: positionsOffset)
        }
        pendingPositions = Int(frequency) - read
        consumedPositions = true
    }

    /// Appends the encoded positions of the term in the current document (its
    /// `frequency` VInt deltas, as stored) to `out`, instead of decoding them
    /// (``positions()``): what a merge copies. Each VInt is bounded and
    /// checked to end inside the block's positions.
    public mutating func rawPositions(into out: inout [UInt8]) throws(IndexError) {
        precondition(isPositioned && !consumedPositions, "rawPositions(into:) once per document, after next()")
        try positionsFile.skipVInts(pendingPositions, at: &positionsOffset, limit: current.nextPositionsStart)
        pendingPositions = 0
        let start = positionsOffset
        for _ in 0..<frequency {
            let delta = try positionsFile.vint(at: &positionsOffset, limit: current.nextPositionsStart)
            guard delta <= UInt64(UInt32.max) else {
                throw IndexError.corrupt("position out of range", path: positionsFile.path, offset: positionsOffset)
            }
        }
        _ = try positionsFile.withBytes(at: start, count: positionsOffset - start) { (bytes: Span<UInt8>) in
            out.append(bytes)
        }
        consumedPositions = true
    }

    // MARK: Verification

    /// For `gazette verify`: called once for every posting, after its
    /// positions were read. On a block's last posting, checks the block's skip
    /// entry against what the block held (last document, highest frequency,
    /// shortest document by `lengths`, and the end of its positions). Does
    /// nothing for a list without skip data.
    public mutating func verifyBlock(lengths: DocumentLengths) throws(IndexError) {
        guard hasSkipData, current.number >= 0 else { return }
        verifiedCount += 1
        verifiedMaxFrequency = max(verifiedMaxFrequency, frequency)
        let length = try lengths.length(of: document)
        verifiedMinLength = min(verifiedMinLength, length)
        guard try impactsBound(frequency: frequency, length: length) else {
            throw IndexError.corrupt(
                "impacts of block \(current.number) do not bound document \(document) (frequency \(frequency), "
                    + "length \(length))",
                path: postingsFile.path, offset: current.start)
        }
        let count =
            current.number < packedBlockCount
            ? Self.blockSize : Int(documentFrequency) - Int(current.number) * Self.blockSize
        guard verifiedCount == count else { return }
        guard Int64(document) == current.lastDocument, verifiedMaxFrequency == current.maxFrequency,
            verifiedMinLength == current.minLength, consumedPositions, positionsOffset == current.nextPositionsStart
        else {
            throw IndexError.corrupt(
                "skip entry of block \(current.number) disagrees with the block (last document, highest "
                    + "frequency, shortest document or positions length)",
                path: postingsFile.path, offset: current.start)
        }
    }
}
