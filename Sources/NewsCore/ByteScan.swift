#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The two scans every page goes through whole before parsing: finding a
/// byte (the NUL that marks a binary file, the `<` that starts a tag) and
/// skipping ASCII (the UTF-8 check). Byte by byte through a bounds-checked
/// span they cost 5 to 7 instructions a byte; this is 4% of extracting a
/// page corpus that averages 200 kB a page (callgrind), so they go a word at
/// a time, or through the C library's vectorised `memchr`.
extension Span<UInt8> {
    /// The first index at or after `start` (and before `end`) that holds
    /// `byte`, or nil.
    @inline(__always)
    public func firstIndex(of byte: UInt8, from start: Int, to end: Int? = nil) -> Int? {
        let end = Swift.min(end ?? count, count)
        guard start >= 0, start < end else { return nil }
        // SAFETY: memchr reads only buffer[start..<end], which lies inside the
        // buffer (0 <= start < end <= count); the pointer lives for the closure
        // and only an offset leaves it.
        return unsafe withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress,
                let found = unsafe memchr(base + start, Int32(byte), end - start)
            else { return nil }
            return unsafe UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        }
    }

    /// The index of the first byte at or after `start` that is not ASCII
    /// (0x80 or above), or `count`.
    @inline(__always)
    public func endOfASCII(from start: Int) -> Int {
        var i = start
        let n = count
        let raw = bytes
        while i + 16 <= n {
            // SAFETY: offsets i and i + 8 each have eight bytes before n, and
            // UInt64 has no invalid bit patterns, so any bytes load as a value.
            let a = unsafe raw.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self)
            let b = unsafe raw.unsafeLoadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
            if (a | b) & 0x8080_8080_8080_8080 != 0 { break }
            i += 16
        }
        while i < n, self[i] < 0x80 { i += 1 }
        return i
    }

    /// The first index `k` at or after `start`, with `k + 1 < end`, where
    /// both `self[k]` and `self[k + 1]` are 0x20 or below (white space or
    /// control bytes), or nil: where a run of white space may start.
    /// Eight bytes at a time, as most text has no such pair.
    public func firstLowBytePair(from start: Int, to end: Int) -> Int? {
        let end = Swift.min(end, count)
        var i = Swift.max(start, 0)
        let raw = bytes
        while i + 8 <= end {
            // SAFETY: eight bytes from offset i lie before end <= count, and
            // UInt64 has no invalid bit patterns.
            let word = unsafe raw.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self)
            // A byte's top bit: set if the byte is 0x20 or below. Adding 0x5F
            // to its low seven bits sets the top bit from 0x21 up, with no
            // carry out of the byte; bytes from 0x80 are masked by ~word.
            let low = ~((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x5F5F_5F5F_5F5F_5F5F) & ~word & 0x8080_8080_8080_8080
            let pairs = low & (low >> 8)  // byte j and byte j + 1 (little-endian), for j < 7
            if pairs != 0 { return i + pairs.trailingZeroBitCount / 8 }
            i += 7  // the pair starting at the word's last byte is the next word's first
        }
        while i + 1 < end {
            if self[i] <= 0x20 && self[i + 1] <= 0x20 { return i }
            i += 1
        }
        return nil
    }
}
