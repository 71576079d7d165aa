/// The encodings a news file comes in besides UTF-8, decoded to UTF-8 bytes
/// as browsers decode them (the WHATWG Encoding Standard).
enum TextEncoding {
    /// Labels that mean windows-1252: browsers read ISO-8859-1, Latin-1 and
    /// ASCII pages as windows-1252 (its 0x80-0x9F are curly quotes, dashes
    /// and €, which such pages use), and so does Gazette.
    static let windows1252Labels: Set<String> = [
        "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "iso-ir-100", "latin1",
        "l1", "ibm819", "cp819", "ascii", "us-ascii", "ansi_x3.4-1968", "iso-8859-15",
    ]

    /// windows-1252's 0x80-0x9F; the five unassigned bytes map to the C1
    /// control of the same number, as the WHATWG index does.
    private static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// `bytes` read as windows-1252, as UTF-8.
    static func windows1252(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte < 0x80 {
                out.append(byte)
                continue
            }
            let scalar = byte < 0xA0 ? high[Int(byte - 0x80)] : UInt32(byte)
            UTF8.encode(Unicode.Scalar(scalar)!) { out.append($0) }
        }
        return out
    }

    /// A UTF-16 file with its byte-order mark, as UTF-8 without it; nil
    /// without a UTF-16 mark. Unpaired surrogates become U+FFFD.
    static func utf16(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 2 else { return nil }
        let littleEndian: Bool
        switch (bytes[0], bytes[1]) {
        case (0xFF, 0xFE): littleEndian = true
        case (0xFE, 0xFF): littleEndian = false
        default: return nil
        }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var k = 2
        while k + 1 < bytes.count {
            let a = UInt16(bytes[k])
            let b = UInt16(bytes[k + 1])
            units.append(littleEndian ? a | b << 8 : a << 8 | b)
            k += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }
}
