import NewsCore
import NewsIngest
import TestSupport
import Testing

@Suite("UTF8Repair")
struct UTF8RepairTests {
    @Test("valid UTF-8 reports nothing", arguments: ["", "plain ASCII", "café Москва 伊朗 🇮🇷 \u{10FFFF}"])
    func valid(text: String) {
        let bytes = Array(text.utf8)
        let report = UTF8Repair.check(bytes.span)
        #expect(report.invalidSequences == 0)
        #expect(report.firstOffset == nil)
        #expect(UTF8Repair.decode(bytes).0 == text)
    }

    @Test(
        "ill-formed sequences are found at their first byte",
        arguments: [
            ([0x61, 0xFF, 0x62] as [UInt8], 1),  // never a UTF-8 byte
            ([0x61, 0x62, 0xC3], 2),  // truncated at the end
            ([0xC0, 0xAF], 0),  // overlong "/"
            ([0x61, 0xED, 0xA0, 0x80], 1),  // UTF-16 surrogate
            ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
            ([0x63, 0x61, 0x66, 0xE9, 0x20], 3),  // Latin-1 "café "
        ])
    func firstOffset(bytes: [UInt8], offset: Int) {
        let report = UTF8Repair.check(bytes.span)
        #expect(report.invalidSequences >= 1)
        #expect(report.firstOffset == offset)
        #expect(UTF8Repair.decode(bytes).0.unicodeScalars.contains("\u{FFFD}"))
    }

    @Test("separate bad bytes are counted separately")
    func separateSequences() {
        let bytes: [UInt8] = [0xFF, 0x61, 0xC3, 0x62, 0xE2, 0x82]
        let (text, report) = UTF8Repair.decode(bytes)
        #expect(report.invalidSequences == 3)
        #expect(report.firstOffset == 0)
        #expect(text == "\u{FFFD}a\u{FFFD}b\u{FFFD}")
    }

    /// The report is what the reader's warning says ("N invalid UTF-8 sequences
    /// replaced with U+FFFD"), so it should count the U+FFFDs the text receives.
    @Test(
        "the count matches the U+FFFDs that decoding inserts",
        arguments: [
            [0x80, 0x80, 0x61] as [UInt8],  // two lone continuation bytes: two U+FFFD
            [0xF0, 0x80, 0x80, 0x61],  // F0 80 is no valid start: three U+FFFD
            [0xED, 0xA0, 0x80],  // a surrogate: three U+FFFD
        ])
    func countMatchesReplacements(bytes: [UInt8]) {
        let (text, report) = UTF8Repair.decode(bytes)
        let replacements = text.unicodeScalars.filter { $0 == "\u{FFFD}" }.count
        #expect(report.invalidSequences == replacements)
    }

    /// The check skips ASCII sixteen bytes at a time: a bad byte must be
    /// found wherever it falls in or after a word, and a good sequence
    /// must not be split by the word boundary.
    @Test("a bad or multi-byte sequence is found at every offset of a long ASCII run")
    func everyOffset() {
        for length in [1, 15, 16, 17, 31, 32, 33, 64] {
            for at in 0..<length {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                bytes[at] = 0xFF
                #expect(UTF8Repair.check(bytes.span).firstOffset == at, "0xFF at \(at) of \(length)")
                if at + 2 <= length {
                    bytes[at] = 0xC3
                    bytes[at + 1] = 0xA9  // é
                    let report = UTF8Repair.check(bytes.span)
                    #expect(report.invalidSequences == 0 && report.multibyteSequences == 1, "é at \(at) of \(length)")
                }
            }
        }
    }
}
