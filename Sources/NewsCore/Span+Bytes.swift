extension Span<UInt8> {
    /// The bytes as a `String` (invalid UTF-8 is repaired); for the edges, not hot loops.
    public var string: String {
        String(decoding: array, as: UTF8.self)
    }

    /// The bytes' 64-bit FNV-1a hash: byte at a time, fast enough for the
    /// short keys it is used on (terms, class names).
    @inline(__always)
    public var fnv1a: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in indices { h = (h ^ UInt64(self[k])) &* 0x100_0000_01b3 }
        return h
    }

    /// A copy of the bytes.
    public var array: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for k in indices { bytes.append(self[k]) }
        return bytes
    }
}

/// Compares two byte strings as `memcmp` then length would: -1, 0 or 1. The
/// one bytewise order of the project (terms on disk, directory listings).
public func compareBytes(_ a: Span<UInt8>, _ b: Span<UInt8>) -> Int {
    let n = min(a.count, b.count)
    var i = 0
    while i < n {
        let x = a[i]
        let y = b[i]
        if x != y { return x < y ? -1 : 1 }
        i += 1
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

extension Array where Element == UInt8 {
    /// Appends the bytes of `span` in one copy (a loop of `append` checks
    /// uniqueness once per byte).
    @inline(__always)
    public mutating func append(_ span: Span<UInt8>) {
        // SAFETY: the buffer pointer is valid for the duration of the closure,
        // and append(contentsOf:) copies out of it before returning.
        unsafe span.withUnsafeBufferPointer { unsafe self.append(contentsOf: $0) }
    }
}

extension String {
    /// The string without leading and trailing white space.
    public var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

extension String {
    /// The runs of bytes between ASCII white space (space, tab, line feed,
    /// carriage return): the words of a built-in word list, split on bytes.
    /// `split(whereSeparator: \.isWhitespace)` asks Unicode properties of
    /// every Character, which made the stop-word list alone 2.2 M
    /// instructions of every `gazette search` process (callgrind).
    public var asciiWords: [[UInt8]] {
        var words: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in utf8 {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                if !current.isEmpty {
                    words.append(current)
                    current.removeAll(keepingCapacity: true)
                }
            } else {
                current.append(byte)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}

extension UInt8 {
    /// The byte with ASCII A-Z folded to a-z; every other byte as it is.
    @inline(__always)
    public var asciiLowercased: UInt8 { self &- UInt8(ascii: "A") < 26 ? self | 0x20 : self }
}

extension Array where Element == UInt8 {
    /// Where `needle` (lower-case ASCII when `ignoringCase`) first lies
    /// wholly inside `start..<end` (`end` nil: the array's end); nil if nowhere.
    public func firstIndex(
        of needle: [UInt8], from start: Int = 0, to end: Int? = nil, ignoringCase: Bool = false
    ) -> Int? {
        let end = Swift.min(end ?? count, count)
        guard !needle.isEmpty, start >= 0, needle.count <= end - start else { return nil }
        var at = start
        while at + needle.count <= end {
            if hasBytes(needle, at: at, ignoringCase: ignoringCase) { return at }
            at += 1
        }
        return nil
    }

    /// Whether `needle` (lower-case ASCII when `ignoringCase`) is at `at`.
    @inline(__always)
    public func hasBytes(_ needle: [UInt8], at: Int, ignoringCase: Bool = false) -> Bool {
        guard at >= 0, at + needle.count <= count else { return false }
        for k in 0..<needle.count {
            let byte = ignoringCase ? self[at + k].asciiLowercased : self[at + k]
            if byte != needle[k] { return false }
        }
        return true
    }
}
