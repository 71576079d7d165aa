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
    static func pack(_ values: borrowing InlineArray<128, UInt32>, bitWidth: Int, into bytes: inout [UInt8]) {
        precondition(bitWidth >= 0 && bitWidth <= 32)
        guard bitWidth > 0 else { return }
        var buffer: UInt64 = 0
        var filled = 0
        for i in 0..<blockSize {
            // `buffer` holds fewer than 8 pending bits, so a 32-bit value fits above them.
            buffer |= UInt64(values[i]) << UInt64(filled)
            filled += bitWidth
            while filled >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                filled -= 8
            }
        }
        // 128 · bitWidth bits are a whole number of bytes.
        assert(filled == 0)
    }

    /// Unpacks a block packed at `bitWidth` from the start of `packed` into
    /// `values`. `packed` must hold the block and ``readSlack`` bytes after it.
    ///
    /// This is the postings' hot loop: the whole block in one pass, with no
    /// bounds check per value (the one check is the precondition on the span's
    /// length, which callers guarantee from the file's layout).
    @inline(__always)
    static func unpack(_ packed: Span<UInt8>, bitWidth: Int, into values: inout InlineArray<128, UInt32>) {
        precondition(bitWidth >= 0 && bitWidth <= 32)
        precondition(packed.count >= packedLength(bitWidth: bitWidth) + readSlack)
        var output = values.mutableSpan
        guard bitWidth > 0 else {
            for i in 0..<blockSize { output[i] = 0 }
            return
        }
        let mask: UInt64 = (1 << UInt64(bitWidth)) - 1
        // SAFETY: `output` has exactly `blockSize` elements and `i < blockSize`.
        // The last load starts at byte (127·w) / 8 and reads 8 bytes, ending
        // before 16·w + 8 bytes, which the precondition above guarantees `packed`
        // holds; loadUnaligned has no alignment requirement and UInt64 has no
        // invalid bit patterns. Both pointers live only inside their closures.
        unsafe output.withUnsafeMutableBufferPointer { out in
            unsafe packed.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                var bit = 0
                for i in 0..<blockSize {
                    let word = UInt64(
                        littleEndian: unsafe base.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
                    unsafe out[i] = UInt32(truncatingIfNeeded: (word &>> UInt64(bit & 7)) & mask)
                    bit &+= bitWidth
                }
            }
        }
    }
}
