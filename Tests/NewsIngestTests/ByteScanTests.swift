import NewsCore
import Testing

/// The word-at-a-time scans (NewsCore's ByteScan) against the plain
/// definition, at every offset around the word boundaries.
@Suite("Byte scans")
struct ByteScanTests {
    @Test("a byte is found at every offset, and not outside the range asked")
    func firstIndexOfByte() {
        for length in [1, 15, 16, 17, 33, 100] {
            for at in 0..<length {
                var bytes = [UInt8](repeating: 0x20, count: length)
                bytes[at] = 0
                #expect(bytes.span.firstIndex(of: 0, from: 0) == at)
                #expect(bytes.span.firstIndex(of: 0, from: at) == at)
                #expect(bytes.span.firstIndex(of: 0, from: at + 1) == nil)
                #expect(bytes.span.firstIndex(of: 0, from: 0, to: at) == nil)
            }
        }
        #expect([UInt8]().span.firstIndex(of: 0, from: 0) == nil)
    }

    @Test("a pair of white-space bytes is found at every offset; single ones and high bytes are not pairs")
    func lowBytePairs() {
        for length in [2, 7, 8, 9, 15, 16, 17, 40] {
            for at in 0..<(length - 1) {
                var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: length)
                // Single spaces and bytes from 0x80 (whose low seven bits are
                // low) before the pair must not be taken for one.
                for k in stride(from: 0, to: at - 1, by: 2) { bytes[k] = k % 4 == 0 ? 0x20 : 0xA0 }
                bytes[at] = 0x20
                bytes[at + 1] = 0x0A
                #expect(bytes.span.firstLowBytePair(from: 0, to: length) == at, "pair at \(at) of \(length)")
                #expect(bytes.span.firstLowBytePair(from: 0, to: at + 1) == nil, "pair cut by the end")
                #expect(bytes.span.firstLowBytePair(from: at + 1, to: length) == nil)
            }
        }
        let alternating = (0..<64).map { $0 % 2 == 0 ? UInt8(0x20) : UInt8(0xA0) }
        #expect(alternating.span.firstLowBytePair(from: 0, to: 64) == nil)
    }
}
