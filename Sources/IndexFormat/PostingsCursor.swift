/// Iterates one term's postings in document order, decoding straight from the
/// mapped postings file (the format ``PostingsEncoder`` writes).
///
/// Call order: `next()` or `advance(to:)` until it returns false; after a
/// successful one, `document` and `frequency` describe the current posting and
/// `positions()` may be called once. `advanceShallow(to:)` may be called at any
/// time; it moves only the skip pointer that the `block…` properties describe.
///
/// Postings are decoded a block (up to 128 documents) at a time into fixed
/// buffers; `advance(to:)` jumps whole blocks by their skip entries without
/// decoding them, and their positions with them. Every decoded value is checked
/// against the segment, so a damaged file throws ``IndexError/Code/corruptIndex``
/// and never yields a document number out of range.
public struct PostingsCursor: Sendable {
    /// One block's skip entry, and where the next block's entry starts: the skip
    /// pointer. A term without skip data (fewer than 128 documents) has one
    /// block, described from its dictionary entry.
    struct SkipPointer: Sendable {
        /// The block's number in the term's list; -1 before the first.
        var number = -1
        /// The last document of the block before (-1 before the first block).
        var previousLastDocument: Int64 = -1
        var lastDocument: Int64 = -1
        var start = 0
        var length = 0
        var positionsStart = 0
        var positionsLength = 0
        var maxFrequency: UInt32 = 0
        var minLength: UInt32 = 0
        /// Where the next block's skip entry, and its positions, start.
        var nextStart: Int
        var nextPositionsStart: Int
    }

    private let postingsFile: MappedFile
    private let positionsFile: MappedFile
    private let documentLimit: UInt32
    private let documentFrequency: UInt32
    private let end: Int
    private let positionsEnd: Int
    private let hasSkipData: Bool
    private let blockCount: Int
    /// Blocks stored packed: all but a partial last block of a term with skip data.
    private let packedBlockCount: Int

    /// The decoded block's entry, and the skip pointer `advanceShallow` moves
    /// (never behind the decoded block).
    private var current: SkipPointer
    private var shallow: SkipPointer
    private var documents = InlineArray<128, UInt32>(repeating: 0)
    private var frequencies = InlineArray<128, UInt32>(repeating: 0)
    /// Postings in the decoded block, and the current one's index (-1 before its first).
    private var bufferCount = 0
    private var index = -1

    private var positionsOffset = 0
    private var blockPositionsEnd = 0
    /// Positions of earlier documents of the block not yet skipped in the positions stream.
    private var pendingPositions = 0
    /// Whether `positions()` consumed the current document's positions.
    private var consumedPositions = true
    private var remaining: UInt32
    /// Set when `next()` or `advance(to:)` returned false.
    private var isExhausted = false

    public private(set) var document: UInt32 = 0
    public private(set) var frequency: UInt32 = 0

    public init(
        info: TermInfo, postings: MappedFile, positions: MappedFile, documentCount: UInt32
    ) throws(IndexError) {
        postingsFile = postings
        positionsFile = positions
        remaining = info.documentFrequency
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
        let blockSize = PostingsEncoder.blockSize
        hasSkipData = info.documentFrequency >= blockSize
        blockCount =
            hasSkipData
            ? (Int(info.documentFrequency) + blockSize - 1) / blockSize : min(Int(info.documentFrequency), 1)
        packedBlockCount = hasSkipData ? Int(info.documentFrequency) / blockSize : 0
        current = SkipPointer(nextStart: info.postingsStart, nextPositionsStart: info.positionsStart)
        shallow = current
        positionsOffset = info.positionsStart
        blockPositionsEnd = info.positionsStart
    }

    /// After the last posting, with every document's positions read: whether
    /// the term's postings and positions were used to their last byte, as a
    /// well-formed segment's are (`gazette verify`).
    public var usedExactly: Bool {
        current.number == blockCount - 1 && current.nextStart == end && positionsOffset == positionsEnd
            && pendingPositions == 0
    }

    /// Number of documents left, the current one excluded.
    public var remainingCount: UInt32 { remaining }

    // MARK: Skip data of the block under the skip pointer

    /// The last document of the block under the skip pointer: the decoded
    /// block, or a later one `advanceShallow(to:)` moved to. Valid after a
    /// successful `next()`, `advance(to:)` or `advanceShallow(to:)`.
    public var blockLastDocument: UInt32 { UInt32(truncatingIfNeeded: shallow.lastDocument) }

    /// The highest term frequency in the block under the skip pointer.
    public var blockMaxFrequency: UInt32 { shallow.maxFrequency }

    /// The length (in tokens) of the shortest document of the block under the
    /// skip pointer; 0 for a term in fewer than 128 documents, which stores no
    /// skip data (a bound, as every length is at least 0).
    public var blockMinLength: UInt32 { shallow.minLength }

    /// Moves the skip pointer to the first block whose last document is at
    /// least `target` (or to the last block), reading skip entries only: the
    /// current posting does not change (Lucene's `advanceShallow`). A term
    /// without skip data decodes its one block, so that the `block…`
    /// properties are exact.
    public mutating func advanceShallow(to target: UInt32) throws(IndexError) {
        guard blockCount > 0 else { return }
        if !hasSkipData {
            if current.number < 0 { try loadNextBlock() }
            return
        }
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
            select()
            return true
        }
        guard !isExhausted, current.number + 1 < blockCount else {
            exhaust()
            return false
        }
        try loadNextBlock()
        index = 0
        select()
        return true
    }

    /// Moves to the first posting whose document is at least `target` (staying
    /// on the current one if it already is); false if there is none. Whole
    /// blocks before the target are skipped by their skip entries, undecoded.
    public mutating func advance(to target: UInt32) throws(IndexError) -> Bool {
        if isExhausted { return false }
        if index >= 0 && document >= target { return true }
        if current.number < 0 || current.lastDocument < Int64(target) {
            try advanceShallow(to: target)
            if hasSkipData {
                guard shallow.lastDocument >= Int64(target) else {
                    exhaust()
                    return false
                }
                if shallow.number != current.number {
                    try load(shallow)
                }
            }
            if current.lastDocument < Int64(target) {
                exhaust()
                return false
            }
        }
        // The decoded block ends at or after the target: scan it from the
        // posting after the current one, whose positions are then skipped.
        if index >= 0 && !consumedPositions { pendingPositions += Int(frequency) }
        var i = index + 1
        while documents[i] < target {
            pendingPositions += Int(frequencies[i])
            i += 1
        }
        index = i
        select()
        return true
    }

    /// Makes posting `index` of the buffer the current one.
    @inline(__always)
    private mutating func select() {
        document = documents[index]
        frequency = frequencies[index]
        consumedPositions = false
        remaining = documentFrequency - UInt32(max(current.number, 0) * PostingsEncoder.blockSize + index + 1)
    }

    private mutating func exhaust() {
        isExhausted = true
        remaining = 0
        index = bufferCount - 1
        consumedPositions = true
    }

    /// Decodes the block after the decoded one.
    private mutating func loadNextBlock() throws(IndexError) {
        if hasSkipData {
            var next = current
            if shallow.number == current.number + 1 {
                next = shallow
            } else {
                try readEntry(after: &next)
            }
            try load(next)
        } else {
            var block = current
            block.number = 0
            block.start = block.nextStart
            block.length = end - block.start
            block.positionsStart = block.nextPositionsStart
            block.positionsLength = positionsEnd - block.positionsStart
            block.nextStart = end
            block.nextPositionsStart = positionsEnd
            try load(block)
        }
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
        let number = pointer.number + 1
        let count =
            number + 1 < blockCount
            ? PostingsEncoder.blockSize : Int(documentFrequency) - number * PostingsEncoder.blockSize
        let previous = pointer.lastDocument
        // Compare before adding: every value is bounded first, so no sum overflows.
        guard lastDelta >= UInt64(count), lastDelta <= UInt64(documentLimit),
            previous + Int64(lastDelta) < Int64(documentLimit),
            length <= UInt64(end - offset),
            positionsLength <= UInt64(positionsEnd - pointer.nextPositionsStart),
            maxFrequency >= 1, maxFrequency <= UInt64(UInt32.max), minLength <= UInt64(UInt32.max)
        else {
            throw IndexError.corrupt(
                "skip entry of block \(number) is out of range", path: postingsFile.path, offset: entryStart)
        }
        pointer.number = number
        pointer.previousLastDocument = previous
        pointer.lastDocument = previous + Int64(lastDelta)
        pointer.start = offset
        pointer.length = Int(length)
        pointer.positionsStart = pointer.nextPositionsStart
        pointer.positionsLength = Int(positionsLength)
        pointer.maxFrequency = UInt32(maxFrequency)
        pointer.minLength = UInt32(minLength)
        pointer.nextStart = offset + Int(length)
        pointer.nextPositionsStart = pointer.positionsStart + Int(positionsLength)
    }

    /// Decodes `block` into the buffers and makes it the current block, its
    /// first posting not yet selected.
    private mutating func load(_ block: SkipPointer) throws(IndexError) {
        current = block
        if block.number < packedBlockCount {
            try decodePackedBlock(block)
            bufferCount = PostingsEncoder.blockSize
        } else {
            let count = Int(documentFrequency) - block.number * PostingsEncoder.blockSize
            let maxFrequency = try decodeVIntBlock(block, count: count)
            if !hasSkipData {
                // The one block of a short list: its bounds come from decoding it.
                current.lastDocument = Int64(documents[count - 1])
                current.maxFrequency = maxFrequency
            }
        }
        if shallow.number < current.number { shallow = current }
        index = -1
        positionsOffset = block.positionsStart
        blockPositionsEnd = block.positionsStart + block.positionsLength
        pendingPositions = 0
        consumedPositions = true
    }

    private mutating func decodePackedBlock(_ block: SkipPointer) throws(IndexError) {
        guard block.length >= 2 else {
            throw IndexError.corrupt("packed block is too short", path: postingsFile.path, offset: block.start)
        }
        let gapWidth = Int(try postingsFile.byte(at: block.start))
        let frequencyWidth = Int(try postingsFile.byte(at: block.start + 1))
        guard gapWidth <= 32, frequencyWidth <= 32,
            block.length
                == 2 + BitPacking.packedLength(bitWidth: gapWidth) + BitPacking.packedLength(bitWidth: frequencyWidth)
        else {
            throw IndexError.corrupt(
                "packed block's bit widths (\(gapWidth), \(frequencyWidth)) disagree with its length \(block.length)",
                path: postingsFile.path, offset: block.start)
        }
        // The block ends inside the term's bytes, so at least the footer follows
        // it: the unpacker's slack is inside the file.
        let gapsStart = block.start + 2
        let frequenciesStart = gapsStart + BitPacking.packedLength(bitWidth: gapWidth)
        try postingsFile.withBytes(
            at: gapsStart, count: BitPacking.packedLength(bitWidth: gapWidth) + BitPacking.readSlack
        ) { packed in
            BitPacking.unpack(packed, bitWidth: gapWidth, into: &documents)
        }.get()
        try postingsFile.withBytes(
            at: frequenciesStart, count: BitPacking.packedLength(bitWidth: frequencyWidth) + BitPacking.readSlack
        ) { packed in
            BitPacking.unpack(packed, bitWidth: frequencyWidth, into: &frequencies)
        }.get()
        // Gaps minus one, from the block before's last document: running sums
        // in 64 bits cannot wrap, and they increase strictly, so the last one
        // matching the skip entry's (checked in range) puts all in range.
        var next = UInt64(block.previousLastDocument + 1)
        var output = documents.mutableSpan
        for i in 0..<BitPacking.blockSize {
            let value = next &+ UInt64(output[i])
            output[i] = UInt32(truncatingIfNeeded: value)
            next = value &+ 1
        }
        guard next == UInt64(block.lastDocument + 1) else {
            throw IndexError.corrupt(
                "packed block's documents disagree with its skip entry", path: postingsFile.path, offset: block.start)
        }
        var frequencyOutput = frequencies.mutableSpan
        var zero = false
        for i in 0..<BitPacking.blockSize {
            let value = frequencyOutput[i] &+ 1
            zero = zero || value == 0
            frequencyOutput[i] = value
        }
        if zero {
            throw IndexError.corrupt("frequency out of range", path: postingsFile.path, offset: frequenciesStart)
        }
    }

    /// Decodes a block of `count` VInt entries; returns its highest frequency.
    private mutating func decodeVIntBlock(_ block: SkipPointer, count: Int) throws(IndexError) -> UInt32 {
        var offset = block.start
        let blockEnd = block.start + block.length
        // The first document counts from the block before's last, or from 0.
        var previous: UInt64 = block.previousLastDocument < 0 ? 0 : UInt64(block.previousLastDocument)
        var started = block.previousLastDocument >= 0
        var maxFrequency: UInt32 = 0
        for i in 0..<count {
            let code = try postingsFile.vint(at: &offset, limit: blockEnd)
            let delta = code >> 1
            let freq: UInt64 = code & 1 == 1 ? 1 : try postingsFile.vint(at: &offset, limit: blockEnd)
            guard delta < UInt64(documentLimit), previous + delta < UInt64(documentLimit), freq >= 1,
                freq <= UInt64(UInt32.max), !started || delta > 0
            else {
                throw IndexError.corrupt(
                    "posting out of order or out of range", path: postingsFile.path, offset: offset)
            }
            previous += delta
            started = true
            documents[i] = UInt32(previous)
            frequencies[i] = UInt32(freq)
            maxFrequency = max(maxFrequency, UInt32(freq))
        }
        guard offset == blockEnd, !hasSkipData || Int64(previous) == block.lastDocument else {
            throw IndexError.corrupt(
                "postings block disagrees with its length or skip entry", path: postingsFile.path, offset: offset)
        }
        bufferCount = count
        return maxFrequency
    }

    // MARK: Positions

    /// The positions of the term in the current document, increasing.
    public mutating func positions() throws(IndexError) -> [UInt32] {
        precondition(index >= 0 && !consumedPositions, "positions() once per document, after next()")
        while pendingPositions > 0 {
            _ = try positionsFile.vint(at: &positionsOffset, limit: blockPositionsEnd)
            pendingPositions -= 1
        }
        var result: [UInt32] = []
        result.reserveCapacity(Int(frequency))
        var position: UInt64 = 0
        for _ in 0..<frequency {
            let delta = try positionsFile.vint(at: &positionsOffset, limit: blockPositionsEnd)
            guard delta <= UInt64(UInt32.max), position + delta <= UInt64(UInt32.max) else {
                throw IndexError.corrupt("position out of range", path: positionsFile.path, offset: positionsOffset)
            }
            position += delta
            result.append(UInt32(position))
        }
        consumedPositions = true
        return result
    }

    // MARK: Verification

    /// On the last posting of a block, after its positions were read: checks
    /// the block's skip entry against the decoded block (last document,
    /// highest frequency, shortest document by `lengths`, and the end of its
    /// positions). Does nothing on other postings, or for a term without skip
    /// data (`gazette verify`).
    public func verifyBlock(lengths: DocumentLengths) throws(IndexError) {
        guard hasSkipData, index == bufferCount - 1, index >= 0 else { return }
        var maxFrequency: UInt32 = 0
        var minLength = UInt32.max
        for i in 0..<bufferCount {
            maxFrequency = max(maxFrequency, frequencies[i])
            minLength = min(minLength, try lengths.length(of: documents[i]))
        }
        guard Int64(documents[index]) == current.lastDocument, maxFrequency == current.maxFrequency,
            minLength == current.minLength, consumedPositions, positionsOffset == blockPositionsEnd
        else {
            throw IndexError.corrupt(
                "skip entry of block \(current.number) disagrees with the block (last document, highest "
                    + "frequency, shortest document or positions length)",
                path: postingsFile.path, offset: current.start)
        }
    }
}
