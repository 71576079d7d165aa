/// Checks UTF-8 and repairs it: each maximal invalid subsequence becomes U+FFFD
/// (the Unicode standard's "best practice", which `String(decoding:)` follows).
public enum UTF8Repair {
    public struct Report: Sendable, Equatable {
        /// Invalid sequences found.
        public var invalidSequences: Int
        /// Byte offset of the first one.
        public var firstOffset: Int?
        /// Valid sequences of two bytes or more: a file with invalid bytes
        /// and none of these was written in another encoding, not damaged.
        public var multibyteSequences = 0
    }

    /// Validates `bytes`; the count and first offset of invalid sequences.
    public static func check(_ bytes: Span<UInt8>) -> Report {
        var report = Report(invalidSequences: 0, firstOffset: nil)
        var i = 0
        let n = bytes.count
        while i < n {
            // ASCII runs (most of a page's markup) a word at a time.
            i = bytes.endOfASCII(from: i)
            guard i < n else { break }
            let length = validSequenceLength(bytes, at: i)
            if length == 0 {
                report.invalidSequences += 1
                if report.firstOffset == nil { report.firstOffset = i }
                i += maximalSubpartLength(bytes, at: i)
            } else {
                report.multibyteSequences += 1
                i += length
            }
        }
        return report
    }

    /// Length of the maximal subpart of an ill-formed sequence at `i`: the
    /// longest prefix of a well-formed sequence (at least 1 byte). Each becomes
    /// one U+FFFD (Unicode §3.9, "U+FFFD Substitution of Maximal Subparts"), as
    /// `String(decoding:as:)` does, so the count reported matches the text.
    static func maximalSubpartLength(_ b: Span<UInt8>, at i: Int) -> Int {
        let lead = b[i]
        let (needed, low, high): (Int, UInt8, UInt8)
        switch lead {
        case 0xC2...0xDF: (needed, low, high) = (1, 0x80, 0xBF)
        case 0xE0: (needed, low, high) = (2, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (needed, low, high) = (2, 0x80, 0xBF)
        case 0xED: (needed, low, high) = (2, 0x80, 0x9F)
        case 0xF0: (needed, low, high) = (3, 0x90, 0xBF)
        case 0xF1...0xF3: (needed, low, high) = (3, 0x80, 0xBF)
        case 0xF4: (needed, low, high) = (3, 0x80, 0x8F)
        default: return 1
        }
        var length = 1
        while length <= needed, i + length < b.count {
            let byte = b[i + length]
            let ok = length == 1 ? (byte >= low && byte <= high) : (byte & 0xC0 == 0x80)
            guard ok else { break }
            length += 1
        }
        return length
    }

    /// Length of the valid sequence at `i`, or 0 (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
    static func validSequenceLength(_ b: Span<UInt8>, at i: Int) -> Int {
        let n = b.count
        let lead = b[i]
        func cont(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            i + k < n && b[i + k] >= low && b[i + k] <= high
        }
        switch lead {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    /// `bytes` as a string, repaired; and what was wrong.
    public static func decode(_ bytes: [UInt8]) -> (String, Report) {
        let report = check(bytes.span)
        return (String(decoding: bytes, as: UTF8.self), report)
    }
}
