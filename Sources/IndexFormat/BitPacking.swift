/// Packs and unpacks blocks of 128 unsigned integers at one bit width
/// (IndexFileFormat.md, "Postings": `PackedInts`).
///
/// Value `i` of a block packed at width `w` occupies bits `i·w ..< (i+1)·w` of
/// the block's `16·w` bytes, counting from the least significant bit of the
/// first byte (a little-endian bit stream). Width 0 stores nothing: every value
/// is 0. This is the plain horizontal layout (tantivy's `BitPacker1x`), not
/// Lucene's `ForUtil` lane interleaving: it needs no SIMD to decode quickly,
/// one unaligned 64-bit load, shift and mask per value.
enum BitPacking {
    /// Values in a packed block (Lucene's and tantivy's block size).
    static let blockSize = 128

    /// Bytes that must follow a packed run in the mapping: the unpacker reads
    /// whole 64-bit words, so the last values' loads run up to 7 bytes past the
    /// run. Every postings run is followed at least by the file's 12-byte footer.
    static let readSlack = 8

    /// Bytes of a block packed at `bitWidth`.
    @inline(__always)
    static func packedLength(bitWidth: Int) -> Int { bitWidth * (blockSize / 8) }

    /// The bits needed to hold `value` (0 for 0).
    @inline(__always)
    static func bitWidth(_ value: UInt32) -> Int { UInt32.bitWidth - value.leadingZeroBitCount }

    /// Appends the first ``blockSize`` values of `values` packed at `bitWidth`
    /// (which must hold every value).
    /// (A span, not the InlineArray itself: a borrowed InlineArray's
    /// subscript copied the whole array on every read.)
    static func pack(_ values: Span<UInt32>, bitWidth: Int, into bytes: inout [UInt8]) {
        precondition(bitWidth >= 0 && bitWidth <= 32 && values.count >= blockSize)
        guard bitWidth > 0 else { return }
        // Grown once, then written through one span: appending byte by byte
        // checked the array's capacity and uniqueness on every byte.
        var at = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: packedLength(bitWidth: bitWidth)))
        var output = bytes.mutableSpan
        var buffer: UInt64 = 0
        var filled = 0
        for i in 0..<blockSize {
            // `buffer` holds fewer than 8 pending bits, so a 32-bit value fits above them.
            buffer |= UInt64(values[i]) << UInt64(filled)
            filled += bitWidth
            while filled >= 8 {
                output[at] = UInt8(truncatingIfNeeded: buffer)
                at += 1
                buffer >>= 8
                filled -= 8
            }
        }
        // 128 · bitWidth bits are a whole number of bytes.
        assert(filled == 0 && at == output.count)
    }

    /// Unpacks a block of document gaps minus one into document numbers at
    /// `values[start..<start + 128]`: each document is the previous one plus
    /// its value plus one, the first `next` plus its value. Returns the
    /// number after the last document. Sums run in 64 bits and cannot wrap;
    /// documents past UInt32 are stored truncated, so the caller checks the
    /// returned number (a strictly increasing run ends in range only if all of
    /// it is). `packed` must hold the block and ``readSlack`` bytes after it.
    static func unpackDocuments(
        _ packed: Span<UInt8>, bitWidth: Int, after next: UInt64, into values: inout [UInt32], at start: Int
    ) -> UInt64 {
        var running = next
        forEachValue(packed, bitWidth: bitWidth, into: &values, at: start) { value in
            let document = running &+ value
            running = document &+ 1
            return UInt32(truncatingIfNeeded: document)
        }
        return running
    }

    /// Unpacks a block of frequencies minus one into frequencies at
    /// `values[start..<start + 128]`. Returns false if one does not fit in a
    /// UInt32 (a value of UInt32.max at width 32: damage).
    static func unpackFrequencies(
        _ packed: Span<UInt8>, bitWidth: Int, into values: inout [UInt32], at start: Int
    ) -> Bool {
        var fits = true
        forEachValue(packed, bitWidth: bitWidth, into: &values, at: start) { value in
            fits = fits && value < UInt64(UInt32.max)
            return UInt32(truncatingIfNeeded: value &+ 1)
        }
        return fits
    }

    /// The postings' hot loop: unpacks the whole block in one pass and stores
    /// `transform` of each value, with no bounds check per value (the checks
    /// are the preconditions, which callers guarantee from the file's layout).
    @inline(__always)
    private static func forEachValue(
        _ packed: Span<UInt8>, bitWidth: Int, into values: inout [UInt32], at start: Int,
        _ transform: (UInt64) -> UInt32
    ) {
        precondition(bitWidth >= 0 && bitWidth <= 32)
        precondition(packed.count >= packedLength(bitWidth: bitWidth) + readSlack)
        precondition(start >= 0 && start <= values.count - blockSize)
        let mask: UInt64 = (1 << UInt64(bitWidth)) &- 1
        // SAFETY: `out` covers `values`, and every index written is below
        // start + blockSize <= values.count. The last load starts at byte
        // 15·w + (7·w) / 8 = (127·w) / 8 and reads 8
        // bytes, ending before 16·w + 8 bytes, which `packed` holds (checked
        // above); loadUnaligned has no alignment requirement and UInt64 has no
        // invalid bit patterns. At width 0 every load reads the first 8 bytes,
        // which `packed` holds too (its slack). Both pointers live only inside
        // their closures.
        unsafe values.withUnsafeMutableBufferPointer { out in
            unsafe packed.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                // Eight values take exactly `bitWidth` bytes, so within each
                // group of eight the k-th value's byte offset and shift are the
                // same: the unrolled inner loop's are computed once per block.
                var groupStart = 0
                var index = start
                for _ in 0..<(blockSize / 8) {
                    for k in 0..<8 {
                        let bit = k &* bitWidth
                        let word = UInt64(
                            littleEndian: unsafe base.loadUnaligned(
                                fromByteOffset: groupStart &+ (bit &>> 3), as: UInt64.self))
                        unsafe out[index &+ k] = transform((word &>> UInt64(bit & 7)) & mask)
                    }
                    groupStart &+= bitWidth
                    index &+= 8
                }
            }
        }
    }
}
