/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of every
/// index file's footer: the same function as zlib's `crc32` and Lucene's footer.
///
/// Slicing-by-8 (Intel, "A Systematic Approach to Building High Performance
/// Software-based CRC Generators", 2005): eight table lookups per 8 input bytes.
public struct CRC32: Sendable {
    public private(set) var value: UInt32 = 0
    public init() {}

    public mutating func update(_ bytes: Span<UInt8>) {
        var crc = ~value
        var i = 0
        let count = bytes.count
        let t = crcTables
        while count - i >= 8 {
            let lo =
                (UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                    | UInt32(bytes[i + 3]) << 24) ^ crc
            crc =
                t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                ^ t[3 * 256 + Int(bytes[i + 4])] ^ t[2 * 256 + Int(bytes[i + 5])]
                ^ t[1 * 256 + Int(bytes[i + 6])] ^ t[Int(bytes[i + 7])]
            i += 8
        }
        while i < count {
            crc = t[Int((crc ^ UInt32(bytes[i])) & 0xFF)] ^ (crc >> 8)
            i += 1
        }
        value = ~crc
    }

    public mutating func update(_ bytes: [UInt8]) { update(bytes.span) }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }
}

private let crcTables: [UInt32] = {
    var table = [UInt32](repeating: 0, count: 8 * 256)
    for n in 0..<256 {
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        table[n] = c
    }
    for n in 0..<256 {
        for k in 1..<8 {
            let previous = table[(k - 1) * 256 + n]
            table[k * 256 + n] = table[Int(previous & 0xFF)] ^ (previous >> 8)
        }
    }
    return table
}()
