/// A 64-bit hash of a file's bytes, kept in the index so that `gazette index`
/// can tell a file that was only touched (new modification time, same bytes)
/// from one that changed, without storing the file.
///
/// Not cryptographic: it guards against accidents, not adversaries. Two
/// independent lanes each take 8 bytes per step (a multiply and a
/// xor-shift, as in SplitMix64's finaliser), so it runs at several bytes per
/// cycle in safe code, which matters because every new file of a corpus is
/// hashed as it is read. The length is mixed in, so inputs that differ only
/// in trailing zero bytes differ.
public enum ContentHash {
    /// - Parameter seed: another seed gives an independent hash (two of them
    ///   make a 128-bit key).
    public static func hash(_ bytes: Span<UInt8>, seed: UInt64 = 0) -> UInt64 {
        var lane0: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count) ^ mix(seed)
        var lane1: UInt64 = 0xC2B2_AE3D_27D4_EB4F ^ seed
        var i = 0
        let count = bytes.count
        while i + 16 <= count {
            lane0 = mix(lane0 ^ word(bytes, i))
            lane1 = mix(lane1 ^ word(bytes, i + 8))
            i += 16
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            if shift == 64 {
                lane0 = mix(lane0 ^ tail)
                tail = 0
                shift = 0
            }
            i += 1
        }
        lane1 = mix(lane1 ^ tail ^ 0xFF)
        return mix(lane0 ^ (lane1 << 29 | lane1 >> 35))
    }

    public static func hash(_ bytes: [UInt8]) -> UInt64 { hash(bytes.span) }

    @inline(__always)
    private static func word(_ bytes: Span<UInt8>, _ at: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(bytes[at + k]) << UInt64(k * 8) }
        return value
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 31)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 29)
    }
}
