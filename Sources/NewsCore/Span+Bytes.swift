extension Span<UInt8> {
    /// The bytes as a `String` (invalid UTF-8 is repaired); for the edges, not hot loops.
    public var string: String {
        String(decoding: array, as: UTF8.self)
    }

    /// A copy of the bytes.
    public var array: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for k in indices { bytes.append(self[k]) }
        return bytes
    }
}
