/// Maps non-ASCII scalars to their search form (case-folded, diacritics removed).
///
/// The data comes from `tools/gen_fold_table.py` (see that script for the exact
/// rules); it is parsed once, on first use, into a dictionary from scalar to a
/// run of UTF-8 bytes in one flat array. ASCII never reaches this table: the
/// tokenizer classifies and lower-cases it arithmetically.
struct FoldingTable: Sendable {
    /// The shared table. Swift initialises globals lazily and exactly once.
    static let shared = FoldingTable(parsing: encoded)

    private var ranges: [UInt32: (start: Int32, count: Int32)] = [:]
    private var bytes: [UInt8] = []

    init(parsing text: String) {
        // Entries look like "C9=65;" or "DF=73,73;" or "64B=;" (hex scalars).
        var key: UInt32 = 0
        var value: UInt32 = 0
        var hasValue = false
        var readingKey = true
        var start = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "="):
                readingKey = false
                start = bytes.count
            case UInt8(ascii: ","), UInt8(ascii: ";"):
                if hasValue, let scalar = Unicode.Scalar(value) {
                    // UTF-8 by hand: a String per value was half of building the table.
                    UTF8.encode(scalar) { bytes.append($0) }
                }
                value = 0
                hasValue = false
                if byte == UInt8(ascii: ";") {
                    ranges[key] = (Int32(start), Int32(bytes.count - start))
                    key = 0
                    readingKey = true
                }
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"):
                let digit = byte <= UInt8(ascii: "9") ? UInt32(byte - 48) : UInt32(byte - 55)
                if readingKey { key = key << 4 | digit } else { value = value << 4 | digit; hasValue = true }
            default:
                continue  // white space and line breaks of the literal
            }
        }
    }

    /// Appends the folded form of `scalar` to `output`; returns false when the
    /// scalar folds to itself (the caller then copies its source bytes).
    @inline(__always)
    func appendFolded(_ scalar: UInt32, to output: inout [UInt8]) -> Bool {
        guard let range = ranges[scalar] else { return false }
        let start = Int(range.start)
        output.append(contentsOf: bytes[start..<start + Int(range.count)])
        return true
    }

    /// The folded form as a string; for tests and documentation.
    func folded(_ scalar: Unicode.Scalar) -> String {
        var out: [UInt8] = []
        if !appendFolded(scalar.value, to: &out) { return String(scalar) }
        return String(decoding: out, as: UTF8.self)
    }
}
