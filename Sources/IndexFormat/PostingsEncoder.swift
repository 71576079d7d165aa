/// Encodes one term's postings and positions in their on-disk form, as documents
/// arrive in increasing order (IndexFileFormat.md, "Postings" and "Positions").
///
/// TermPostings := VIntBlock                                  when DocFreq < 128
/// TermPostings := (SkipEntry, PackedBlock)^⌊DocFreq / 128⌋,
///                 [SkipEntry, VIntBlock when DocFreq mod 128 > 0]  when DocFreq ≥ 128
/// SkipEntry := VInt(LastDocDelta), VInt(BlockLength), VInt(PositionsLength),
///              VInt(MaxFreq), VInt(MinLength)
/// PackedBlock := DocBitWidth u8, FreqBitWidth u8, PackedInts(DocGap - 1), PackedInts(Freq - 1)
/// VIntBlock := (VInt(DocDelta << 1 | FreqIsOne), [VInt(Freq) if FreqIsOne = 0])^n
/// TermPositions := (VInt(PositionDelta))^Freq for each document, in order
///
/// A term in fewer than 128 documents costs exactly what it did before blocks
/// (and reads the same). Longer lists are cut into blocks of 128 documents
/// (Lucene's and tantivy's size), each preceded by a skip entry that lets a
/// cursor jump it, its positions included, and that bounds its BM25 score:
/// the highest frequency and the shortest document of the block, so k1 and b
/// stay free at query time.
///
/// Memory: the indexer keeps one encoder per term. The open block is kept in
/// its VInt form at the end of the postings bytes (as a short term's list
/// is), and is packed in place as soon as its 128th document arrives; the only
/// other state is a few counters (48 bytes an encoder, against 40 before).
public struct PostingsEncoder: Sendable {
    /// The closed blocks, each after its skip entry, then the open block's VInt entries.
    private var bytes: [UInt8] = []
    public private(set) var positions: [UInt8] = []
    public private(set) var totalTermFrequency: UInt64 = 0
    public private(set) var documentFrequency: UInt32 = 0
    private var lastDocument: UInt32 = 0
    /// Where the open block starts in `bytes` and in `positions`.
    private var openStart: UInt32 = 0
    private var openPositionsStart: UInt32 = 0
    /// The open block's highest frequency and shortest document.
    private var openMaxFrequency: UInt32 = 0
    private var openMinLength: UInt32 = .max

    /// Documents in a packed block.
    public static let blockSize = BitPacking.blockSize

    public init() {}

    /// Adds document `document` (greater than every earlier one), `length`
    /// tokens long, with the term's positions in it (increasing, at least one).
    public mutating func add(document: UInt32, positions termPositions: ArraySlice<UInt32>, length: UInt32) {
        precondition(!termPositions.isEmpty)
        precondition(documentFrequency == 0 || document > lastDocument, "documents arrive in order")
        precondition(termPositions.count <= Int(UInt32.max))
        let frequency = UInt32(termPositions.count)
        appendEntry(document: document, frequency: frequency)
        var previous: UInt32 = 0
        for position in termPositions {
            positions.appendVInt(UInt64(position - previous))
            previous = position
        }
        finishEntry(document: document, frequency: frequency, length: length)
    }

    /// Adds document `document` with `frequency` positions given as their
    /// encoded bytes (VInt deltas, as ``PostingsCursor/rawPositions(into:)``
    /// copies them): a merge moves a document's positions without decoding
    /// them, since they do not depend on its number.
    public mutating func add(document: UInt32, frequency: UInt32, rawPositions: Span<UInt8>, length: UInt32) {
        precondition(frequency > 0 && !rawPositions.isEmpty)
        precondition(documentFrequency == 0 || document > lastDocument, "documents arrive in order")
        appendEntry(document: document, frequency: frequency)
        positions.append(rawPositions)
        finishEntry(document: document, frequency: frequency, length: length)
    }

    /// The posting's VInt entry in the open block: its document delta and
    /// frequency (the low bit set when the frequency is 1).
    @inline(__always)
    private mutating func appendEntry(document: UInt32, frequency: UInt32) {
        let delta = UInt64(document - (documentFrequency == 0 ? 0 : lastDocument))
        if frequency == 1 {
            bytes.appendVInt(delta << 1 | 1)
        } else {
            bytes.appendVInt(delta << 1)
            bytes.appendVInt(UInt64(frequency))
        }
    }

    /// Counts the posting in, and packs the open block once it holds 128.
    @inline(__always)
    private mutating func finishEntry(document: UInt32, frequency: UInt32, length: UInt32) {
        lastDocument = document
        documentFrequency += 1
        totalTermFrequency += UInt64(frequency)
        openMaxFrequency = max(openMaxFrequency, frequency)
        openMinLength = min(openMinLength, length)
        if documentFrequency % UInt32(Self.blockSize) == 0 { packOpenBlock() }
    }

    /// The term's postings bytes, as the postings file stores them: each skip
    /// entry (made when its block was packed, or here for a long list's last,
    /// partial block) gets the block's impacts, from `length`, which gives
    /// a document's length in the segment by its number.
    ///
    /// The impacts are worked out here, at write time, from the blocks
    /// themselves: while indexing, an encoder knows only its current
    /// document's length, and keeping its open block's lengths would cost
    /// every one of the segment's terms up to 512 bytes.
    public func postings(length: (UInt32) -> UInt32) -> [UInt8] {
        guard documentFrequency >= Self.blockSize else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + bytes.count / 16 + 64)
        var offset = 0
        var previousLast: Int64 = -1
        var values = [UInt32](repeating: 0, count: 2 * Self.blockSize)
        var packed: [UInt8] = []
        let span = bytes.span
        for _ in 0..<(Int(documentFrequency) / Self.blockSize) {
            let lastDelta = readVInt(span, &offset, span.count)
            let blockLength = Int(readVInt(span, &offset, span.count))
            let positionsLength = readVInt(span, &offset, span.count)
            let maxFrequency = readVInt(span, &offset, span.count)
            let minLength = readVInt(span, &offset, span.count)
            // Unpack a copy with the unpacker's slack after it.
            let gapWidth = Int(bytes[offset])
            let frequencyWidth = Int(bytes[offset + 1])
            let gapsLength = BitPacking.packedLength(bitWidth: gapWidth)
            let frequenciesLength = BitPacking.packedLength(bitWidth: frequencyWidth)
            packed.removeAll(keepingCapacity: true)
            packed.append(contentsOf: bytes[(offset + 2)..<(offset + 2 + gapsLength)])
            packed.append(contentsOf: repeatElement(0, count: BitPacking.readSlack))
            _ = BitPacking.unpackDocuments(
                packed.span, bitWidth: gapWidth, after: UInt64(previousLast + 1), into: &values, at: 0)
            packed.removeAll(keepingCapacity: true)
            packed.append(contentsOf: bytes[(offset + 2 + gapsLength)..<(offset + 2 + gapsLength + frequenciesLength)])
            packed.append(contentsOf: repeatElement(0, count: BitPacking.readSlack))
            _ = BitPacking.unpackFrequencies(packed.span, bitWidth: frequencyWidth, into: &values, at: Self.blockSize)
            let impacts = Impacts.frontier(count: Self.blockSize, length: length) { i in
                (values[Self.blockSize + i], values[i])
            }
            Self.appendSkipEntry(
                lastDocumentDelta: lastDelta, blockLength: blockLength, positionsLength: positionsLength,
                maxFrequency: maxFrequency, minLength: minLength, impacts: impacts, to: &result)
            result.append(contentsOf: bytes[offset..<(offset + blockLength)])
            offset += blockLength
            previousLast += Int64(lastDelta)
        }
        let openCount = Int(documentFrequency) % Self.blockSize
        guard openCount > 0 else { return result }
        // A long list's last, partial block: VInt entries, each counting from the document before.
        let (lastDelta, gaps, frequencies) = Self.readVIntBlock(span.extracting(offset...), count: openCount)
        var document = previousLast
        var documents = InlineArray<128, UInt32>(repeating: 0)
        for i in 0..<openCount {
            document += Int64(gaps[i])
            documents[i] = UInt32(document)
        }
        let impacts = Impacts.frontier(count: openCount, length: length) { i in (frequencies[i], documents[i]) }
        Self.appendSkipEntry(
            lastDocumentDelta: lastDelta, blockLength: bytes.count - offset,
            positionsLength: UInt64(positions.count - Int(openPositionsStart)), maxFrequency: UInt64(openMaxFrequency),
            minLength: UInt64(openMinLength), impacts: impacts, to: &result)
        result.append(contentsOf: bytes[offset...])
        return result
    }

    /// A skip entry as the file stores it, impacts last (see the type's
    /// grammar); without `impacts`, as the encoder keeps it until `postings(length:)`.
    private static func appendSkipEntry(
        lastDocumentDelta: UInt64, blockLength: Int, positionsLength: UInt64, maxFrequency: UInt64,
        minLength: UInt64, impacts: [(frequency: UInt32, length: UInt32)]?, to output: inout [UInt8]
    ) {
        output.appendVInt(lastDocumentDelta)
        output.appendVInt(UInt64(blockLength))
        output.appendVInt(positionsLength)
        output.appendVInt(maxFrequency)
        output.appendVInt(minLength)
        guard let impacts else { return }
        output.appendVInt(UInt64(impacts.count))
        var previous: (frequency: UInt32, length: UInt32) = (0, 0)
        for impact in impacts {
            output.appendVInt(UInt64(impact.frequency - previous.frequency))
            output.appendVInt(UInt64(impact.length - previous.length))
            previous = impact
        }
    }

    /// The open block's skip entry as the encoder keeps it until `postings(length:)`: no impacts yet.
    private func appendSkipEntry(lastDocumentDelta: UInt64, blockLength: Int, to output: inout [UInt8]) {
        Self.appendSkipEntry(
            lastDocumentDelta: lastDocumentDelta, blockLength: blockLength,
            positionsLength: UInt64(positions.count - Int(openPositionsStart)), maxFrequency: UInt64(openMaxFrequency),
            minLength: UInt64(openMinLength), impacts: nil, to: &output)
    }

    /// Replaces the open block's 128 VInt entries with its skip entry and packed block.
    private mutating func packOpenBlock() {
        let open = Int(openStart)
        let isFirst = documentFrequency == UInt32(Self.blockSize)
        var (lastDocumentDelta, gaps, frequencies) = Self.readVIntBlock(
            bytes.span.extracting(open...), count: Self.blockSize)
        // Packed gaps count from the previous block's last document, or from
        // document -1 for the first block, minus one: a run of consecutive
        // documents packs at width 0. The VInt form counts the first document
        // of a list from 0, so the first block's first gap is already that.
        if isFirst { lastDocumentDelta += 1 }
        var gapWidthBits: UInt32 = 0
        var frequencyBits: UInt32 = 0
        for i in 0..<Self.blockSize {
            if i > 0 || !isFirst { gaps[i] -= 1 }
            frequencies[i] -= 1
            gapWidthBits |= gaps[i]
            frequencyBits |= frequencies[i]
        }
        let gapWidth = BitPacking.bitWidth(gapWidthBits)
        let frequencyWidth = BitPacking.bitWidth(frequencyBits)
        bytes.removeSubrange(open...)
        let blockLength =
            2 + BitPacking.packedLength(bitWidth: gapWidth) + BitPacking.packedLength(bitWidth: frequencyWidth)
        appendSkipEntry(lastDocumentDelta: lastDocumentDelta, blockLength: blockLength, to: &bytes)
        bytes.append(UInt8(gapWidth))
        bytes.append(UInt8(frequencyWidth))
        BitPacking.pack(gaps.span, bitWidth: gapWidth, into: &bytes)
        BitPacking.pack(frequencies.span, bitWidth: frequencyWidth, into: &bytes)
        precondition(
            bytes.count <= Int(UInt32.max) && positions.count <= Int(UInt32.max), "a term's postings under 4 GB")
        openStart = UInt32(bytes.count)
        openPositionsStart = UInt32(positions.count)
        openMaxFrequency = 0
        openMinLength = .max
    }

    /// Reads `count` VInt entries this encoder wrote: the sum of their document
    /// deltas, and each entry's delta and frequency.
    private static func readVIntBlock(_ entries: Span<UInt8>, count: Int) -> (
        UInt64, InlineArray<128, UInt32>, InlineArray<128, UInt32>
    ) {
        var gaps = InlineArray<128, UInt32>(repeating: 0)
        var frequencies = InlineArray<128, UInt32>(repeating: 1)
        var sum: UInt64 = 0
        var offset = 0
        for i in 0..<count {
            var code: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = entries[offset]
                offset += 1
                code |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            gaps[i] = UInt32(code >> 1)
            sum += code >> 1
            if code & 1 == 0 {
                // A frequency above 1: one more VInt (at most five bytes, a UInt32).
                var frequency: UInt32 = 0
                shift = 0
                while true {
                    let byte = entries[offset]
                    offset += 1
                    frequency |= UInt32(byte & 0x7F) << UInt32(shift)
                    if byte < 0x80 { break }
                    shift += 7
                }
                frequencies[i] = frequency
            }
        }
        return (sum, gaps, frequencies)
    }
}

/// A block's impacts: the (frequency, length) pairs of its documents that no
/// other document beats on both counts (a higher or equal frequency in a
/// shorter or equally long document). BM25 rises with the frequency and falls
/// with the length whatever k1 and b are, so the best score of any document
/// of the block is the best of its impacts' scores: a bound that holds for
/// every query's k1 and b (Lucene's competitive impacts).
enum Impacts {
    /// Impacts kept per block at most; beyond, neighbours merge.
    static let limit = 8

    /// The frontier of `count` documents, `pair(i)` giving the i-th one's
    /// frequency and number, in increasing frequency (and length) order. Over
    /// ``limit``, the two neighbours closest in length are replaced by their
    /// corner (the higher frequency with the shorter length), which still
    /// bounds both: the bound loosens a little, never breaks.
    static func frontier(count: Int, length: (UInt32) -> UInt32, _ pair: (Int) -> (UInt32, UInt32)) -> [(
        frequency: UInt32, length: UInt32
    )] {
        // The shortest length at each frequency, bucketed for frequencies up
        // to 64 (nearly all): no sort in the common case, which took 3.7% of
        // indexing. Higher ones are few and sorted.
        var shortest = InlineArray<65, UInt32>(repeating: .max)
        var highest: UInt32 = 0
        var rare: [(frequency: UInt32, length: UInt32)] = []
        for i in 0..<count {
            let (frequency, document) = pair(i)
            let documentLength = length(document)
            if frequency <= 64 {
                shortest[Int(frequency)] = min(shortest[Int(frequency)], documentLength)
                highest = max(highest, frequency)
            } else {
                rare.append((frequency, documentLength))
            }
        }
        // Highest frequency first, and for equal ones the shortest first; keep
        // each pair shorter than every pair before it.
        rare.sort { $0.frequency > $1.frequency || ($0.frequency == $1.frequency && $0.length < $1.length) }
        var frontier: [(frequency: UInt32, length: UInt32)] = []
        for candidate in rare where frontier.isEmpty || candidate.length < frontier.last!.length {
            frontier.append(candidate)
        }
        var frequency = highest
        while frequency >= 1 {
            let candidate = shortest[Int(frequency)]
            if candidate != .max && (frontier.isEmpty || candidate < frontier.last!.length) {
                frontier.append((frequency, candidate))
            }
            frequency -= 1
        }
        frontier.reverse()
        while frontier.count > limit {
            var closest = 0
            for i in 1..<(frontier.count - 1)
            where frontier[i + 1].length - frontier[i].length < frontier[closest + 1].length - frontier[closest].length
            {
                closest = i
            }
            frontier[closest + 1].length = frontier[closest].length
            frontier.remove(at: closest)
        }
        return frontier
    }
}
