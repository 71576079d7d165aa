import NewsCore

/// Decoding one block of the term dictionary (IndexFileFormat.md, "Terms"),
/// straight from the mapped bytes: the scan a lookup makes, and the term and
/// info entries an ordinal read or the iterator decodes.
///
/// Every read stays inside the block's span and every value is checked before
/// it is used as a length or an offset, so damage throws and never traps.
extension TermDictionary {
    /// Where the parts of one block lie, relative to its first byte.
    struct BlockLayout {
        var block: Int
        /// The file offset of the block's first byte.
        var start: Int
        var termCount: Int
        /// The term entries are `termsStart..<termsEnd`; the info entries run from
        /// `termsEnd` to the end of the block.
        var termsStart: Int
        var termsEnd: Int
    }

    /// Calls `body` with the bytes of `block` and where its parts lie.
    func withBlock<R>(
        _ block: Int, _ body: (Span<UInt8>, BlockLayout) throws(IndexError) -> R
    ) throws(IndexError) -> R {
        let start = try blockStart(block)
        let termCount = min(blockSize, count - block * blockSize)
        let path = file.path
        let end = try blockStart(block + 1)
        guard end > start else {
            throw IndexError.corrupt("block \(block) ends before it starts", path: file.path, offset: start)
        }
        return try file.withBytes(at: start, count: end - start) {
            (bytes: Span<UInt8>) throws(IndexError) -> R in
            var position = 0
            let termsLength = readVInt(bytes, &position, bytes.count)
            guard position <= bytes.count, termsLength <= UInt64(bytes.count - position) else {
                throw IndexError.corrupt("block \(block)'s term entries run past the block", path: path, offset: start)
            }
            let layout = BlockLayout(
                block: block, start: start, termCount: termCount, termsStart: position,
                termsEnd: position + Int(termsLength))
            return try body(bytes, layout)
        }.get()
    }

    /// Scans a block's terms for `key`: the index in the block of the first
    /// term not less than `key` (`termCount` if none is), and whether it
    /// equals `key`.
    ///
    /// The terms are not rebuilt: `matched` is how many bytes the last term
    /// passed (less than `key`) shares with `key`. A term that keeps fewer
    /// bytes of its predecessor than that differs from `key` where it differs
    /// from its predecessor, upwards, so it is greater; one that keeps more
    /// is still less; only one that keeps exactly `matched` bytes needs its
    /// suffix compared. (This relies on `Shared` being exact, which the
    /// iterator checks; damage here gives a wrong answer, never a bad read.)
    static func scan(
        _ bytes: Span<UInt8>, _ layout: BlockLayout, for key: Span<UInt8>, path: String
    ) throws(IndexError) -> (index: Int, found: Bool) {
        let termsEnd = layout.termsEnd
        var position = layout.termsStart
        var matched = 0
        var previousLength = 0
        var index = 0
        while index < layout.termCount {
            let entry = position
            let shared = readVInt(bytes, &position, termsEnd)
            let suffixLength = readVInt(bytes, &position, termsEnd)
            guard position <= termsEnd, suffixLength <= UInt64(termsEnd - position) else {
                throw IndexError.corrupt(
                    "term entry runs past its block's term entries", path: path, offset: layout.start + entry)
            }
            guard shared <= UInt64(previousLength) else {
                throw IndexError.corrupt(
                    "term shares more bytes than the term before it has", path: path, offset: layout.start + entry)
            }
            let keep = Int(shared)
            let length = Int(suffixLength)
            let suffixStart = position
            position += length
            previousLength = keep + length
            if keep < matched { return (index, false) }
            index += 1
            if keep > matched { continue }
            var j = 0
            let n = min(length, key.count - matched)
            while j < n && bytes[suffixStart + j] == key[matched + j] { j += 1 }
            if j == length {
                if matched + j == key.count { return (index - 1, true) }
                matched += j  // the term is a proper prefix of the key: less
                continue
            }
            // The key is a prefix of the term, or they differ at `j`.
            if matched + j == key.count || bytes[suffixStart + j] > key[matched + j] { return (index - 1, false) }
            matched += j
        }
        return (layout.termCount, false)
    }

    /// A term being decoded: `bytes` grows to the longest term met and is
    /// overwritten in place (each entry rewrites only its suffix); the term
    /// is its first `count` bytes.
    struct TermBuffer {
        var bytes: [UInt8]
        var count = 0

        /// By default, room for most terms, so that growing is rare; a
        /// capacity of 0 allocates nothing.
        init(capacity: Int = 48) { bytes = [UInt8](repeating: 0, count: capacity) }

        var array: [UInt8] { Array(bytes[0..<count]) }

        /// Compares the term with `other`, bytewise: -1, 0 or 1.
        func compare(with other: Span<UInt8>) -> Int { compareBytes(bytes.span.extracting(0..<count), other) }
    }

    /// Decodes the term entry at `position`, which follows `term` (its
    /// predecessor in the block, or nothing for a block's first), into `term`.
    /// Checks that the entry lies in the block's term entries and that the new
    /// term is greater than the old and shares exactly `Shared` bytes with it.
    static func decodeTerm(
        _ bytes: Span<UInt8>, _ position: inout Int, _ layout: BlockLayout, isFirst: Bool,
        into term: inout TermBuffer, path: String
    ) throws(IndexError) {
        let entry = position
        let shared = readVInt(bytes, &position, layout.termsEnd)
        let suffixLength = readVInt(bytes, &position, layout.termsEnd)
        guard position <= layout.termsEnd, suffixLength <= UInt64(layout.termsEnd - position) else {
            throw IndexError.corrupt(
                "term entry runs past its block's term entries", path: path, offset: layout.start + entry)
        }
        let keep = Int(truncatingIfNeeded: shared)
        let length = Int(suffixLength)
        if isFirst {
            guard shared == 0 else {
                throw IndexError.corrupt(
                    "a block's first term shares bytes with a term of another block", path: path,
                    offset: layout.start + entry)
            }
        } else {
            guard shared <= UInt64(term.count) else {
                throw IndexError.corrupt(
                    "term shares more bytes than the term before it has", path: path, offset: layout.start + entry)
            }
            // Greater, and sharing exactly `shared` bytes: a longer suffix after
            // the whole predecessor, or a greater byte at `shared`.
            guard length > 0 && (keep == term.count || bytes[position] > term.bytes[keep]) else {
                throw IndexError.corrupt(
                    "term is not after the term before it: the dictionary is out of order", path: path,
                    offset: layout.start + entry)
            }
        }
        let count = keep + length
        if count > term.bytes.count {
            term.bytes.append(contentsOf: repeatElement(0, count: count - term.bytes.count))
        }
        var out = term.bytes.mutableSpan
        var k = 0
        while k < length {
            out[keep + k] = bytes[position + k]
            k += 1
        }
        term.count = count
        position += length
    }

    /// Where the decoding of a block's info entries stands: the next entry,
    /// and where the last term's postings and positions end (the gaps count
    /// from there; from 0 for a block's first term).
    struct InfoCursor {
        var position: Int
        var postingsEnd = 0
        var positionsEnd = 0

        /// At the first info entry of the block laid out as `layout`.
        init(_ layout: BlockLayout) { position = layout.termsEnd }

        /// Nowhere yet: set from a layout before use.
        init() { position = 0 }
    }

    /// Decodes the info entry at `cursor` and moves past it.
    @inline(__always)
    static func decodeInfo(
        _ bytes: Span<UInt8>, _ cursor: inout InfoCursor, _ layout: BlockLayout, path: String
    ) throws(IndexError) -> TermInfo {
        let end = bytes.count
        var position = cursor.position
        let head = readVInt(bytes, &position, end)
        let documentFrequency = head >> 2
        let totalTermFrequency = head & 1 == 0 ? readVInt(bytes, &position, end) : documentFrequency
        var postingsGap: UInt64 = 0
        var positionsGap: UInt64 = 0
        if head & 2 == 0 {
            postingsGap = readVInt(bytes, &position, end)
            positionsGap = readVInt(bytes, &position, end)
        }
        let postingsLength = readVInt(bytes, &position, end)
        let positionsLength = readVInt(bytes, &position, end)
        guard position <= end else {
            throw IndexError.corrupt(
                "term info runs past its block", path: path, offset: layout.start + cursor.position)
        }
        let (postingsStart, postingsOverflow) = cursor.postingsEnd.addingReportingOverflow(unzigzag(postingsGap))
        let (positionsStart, positionsOverflow) = cursor.positionsEnd.addingReportingOverflow(
            unzigzag(positionsGap))
        let (postingsEnd, postingsEndOverflow) = postingsStart.addingReportingOverflow(
            Int(truncatingIfNeeded: postingsLength))
        let (positionsEnd, positionsEndOverflow) = positionsStart.addingReportingOverflow(
            Int(truncatingIfNeeded: positionsLength))
        guard documentFrequency <= UInt64(UInt32.max), postingsLength <= UInt64(Int.max),
            positionsLength <= UInt64(Int.max), postingsStart >= 0, positionsStart >= 0,
            !(postingsOverflow || positionsOverflow || postingsEndOverflow || positionsEndOverflow)
        else {
            throw IndexError.corrupt(
                "term info holds a frequency, offset or length beyond any file", path: path,
                offset: layout.start + cursor.position)
        }
        cursor.position = position
        cursor.postingsEnd = postingsEnd
        cursor.positionsEnd = positionsEnd
        return TermInfo(
            documentFrequency: UInt32(truncatingIfNeeded: documentFrequency), totalTermFrequency: totalTermFrequency,
            postingsStart: postingsStart, postingsLength: Int(truncatingIfNeeded: postingsLength),
            positionsStart: positionsStart, positionsLength: Int(truncatingIfNeeded: positionsLength))
    }

    /// Decodes the info entries of a block up to number `index`.
    static func decodeInfos(
        _ bytes: Span<UInt8>, _ layout: BlockLayout, upTo index: Int, path: String
    ) throws(IndexError) -> TermInfo {
        var cursor = InfoCursor(layout)
        var k = 0
        while true {
            let info = try decodeInfo(bytes, &cursor, layout, path: path)
            if k == index { return info }
            k += 1
        }
    }
}

/// A signed gap as an unsigned VInt value: 0, -1, 1, -2, … → 0, 1, 2, 3, …
@inline(__always)
func zigzag(_ value: Int) -> UInt64 {
    UInt64(bitPattern: Int64((value << 1) ^ (value >> (Int.bitWidth - 1))))
}

@inline(__always)
func unzigzag(_ value: UInt64) -> Int {
    Int(truncatingIfNeeded: value >> 1) ^ -Int(truncatingIfNeeded: value & 1)
}

/// Reads a LEB128 VInt from `bytes` at `position`, which it advances, not past
/// `end` (at most `bytes.count`). A VInt that runs past `end` or beyond 64 bits
/// reads as 0 and leaves `position` at `Int.max`, which every later read also
/// leaves alone: callers check `position <= end` once after a run of reads.
@inline(__always)
func readVInt(_ bytes: Span<UInt8>, _ position: inout Int, _ end: Int) -> UInt64 {
    if position < end {
        let byte = bytes[position]
        if byte < 0x80 {
            position += 1
            return UInt64(byte)
        }
    }
    return readLongVInt(bytes, &position, end)
}

@inline(never)
func readLongVInt(_ bytes: Span<UInt8>, _ position: inout Int, _ end: Int) -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while position < end {
        let byte = bytes[position]
        position += 1
        if shift == 63 && byte > 1 { break }
        result |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return result }
        shift += 7
        if shift > 63 { break }
    }
    position = Int.max
    return 0
}
