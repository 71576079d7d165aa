import NewsCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read-only memory map of one index file, with bounds-checked little-endian reads.
///
/// This is the one place where the index reads raw memory. Every read checks its
/// range against the mapping and throws ``IndexError/Code/corruptIndex`` instead
/// of trapping, because the bytes come from disk and are never trusted.
///
/// The mapping is private and read-only and lives exactly as long as the object;
/// readers keep a strong reference, so no pointer outlives it. A file replaced
/// by a later commit stays mapped (the kernel keeps an unlinked file's pages), so
/// a reader keeps seeing the commit it opened.
@safe public final class MappedFile: @unchecked Sendable {
    // SAFETY (@unchecked Sendable): the mapping is PROT_READ and never changes
    // after init; all members are immutable.
    public let path: String
    public let count: Int
    private let base: UnsafeRawPointer

    public init(path: String) throws(IndexError) {
        self.path = path
        let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT {
                throw IndexError(.corruptIndex, "file named by the manifest is missing", path: path)
            }
            throw FileSystem.ioError("open", path)
        }
        defer { close(fd) }
        var info = stat()
        guard unsafe fstat(fd, &info) == 0 else { throw FileSystem.ioError("stat", path) }
        let size = Int(info.st_size)
        guard size > 0 else { throw IndexError.corrupt("file is empty", path: path) }
        let address = unsafe mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address = unsafe address, unsafe address != MAP_FAILED else { throw FileSystem.ioError("mmap", path) }
        // SAFETY: mmap succeeded, so [address, address + size) is readable until munmap.
        unsafe base = UnsafeRawPointer(address)
        count = size
    }

    /// Drops the pages read so far from this process's resident memory
    /// (they stay in the kernel's page cache, and a later read maps them
    /// again). A merge calls it as it goes, so that reading every input
    /// segment once does not add their whole size to the indexer's peak
    /// memory.
    public func releaseResidentPages() {
        guard count > 0 else { return }
        // SAFETY: [base, base + count) is this object's own read-only private
        // file mapping, alive until deinit. MADV_DONTNEED on it discards only
        // the process's copies of clean file pages; the next load faults them
        // in again from the file, so every read stays valid.
        _ = unsafe madvise(UnsafeMutableRawPointer(mutating: base), count, MADV_DONTNEED)
    }

    deinit {
        unsafe munmap(UnsafeMutableRawPointer(mutating: base), count)
    }

    @inline(__always)
    private func check(_ offset: Int, _ length: Int) throws(IndexError) {
        guard offset >= 0, length >= 0, offset <= count - length else {
            throw IndexError.corrupt(
                "read of \(length) bytes runs past the end of the file (\(count) bytes)",
                path: path, offset: offset)
        }
    }

    @inline(__always)
    public func byte(at offset: Int) throws(IndexError) -> UInt8 {
        try check(offset, 1)
        // SAFETY: checked above that offset is inside the mapping.
        return unsafe base.load(fromByteOffset: offset, as: UInt8.self)
    }

    @inline(__always)
    public func uint32(at offset: Int) throws(IndexError) -> UInt32 {
        try check(offset, 4)
        // SAFETY: checked above; loadUnaligned has no alignment requirement.
        return UInt32(littleEndian: unsafe base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    public func uint64(at offset: Int) throws(IndexError) -> UInt64 {
        try check(offset, 8)
        // SAFETY: checked above; loadUnaligned has no alignment requirement.
        return UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Reads a LEB128 variable-length integer at `offset` and moves `offset` past it.
    /// At most 10 bytes; a longer run, or one that crosses `limit`, is corruption.
    @inline(__always)
    public func vint(at offset: inout Int, limit: Int) throws(IndexError) -> UInt64 {
        guard let value = readVInt(at: &offset, end: min(limit, count)) else {
            throw IndexError.corrupt("variable-length integer runs past its block", path: path, offset: offset)
        }
        return value
    }

    /// The VInt at `offset`, moving past it; nil (offset where it stopped)
    /// if it runs to `end` (at most `count`) or past 10 bytes. The one VInt
    /// loop of the reader: ``vint(at:limit:)``, ``decodeDeltas(_:at:limit:into:)``
    /// and ``keepStarts(_:startCount:shift:count:at:limit:)`` all use it.
    @inline(__always)
    private func readVInt(at offset: inout Int, end: Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end, shift < 64 else { return nil }
            // SAFETY: 0 <= offset < end <= count, inside the mapping.
            let byte = unsafe base.load(fromByteOffset: offset, as: UInt8.self)
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// Decodes `count` VInt deltas at `offset` (moved past them, not beyond
    /// `limit`) into `out` as running sums: a document's positions. Nil if
    /// a VInt runs past `limit` or a position past UInt32; `offset` is then
    /// where it stopped. One call per document instead of one per position.
    public func decodeDeltas(_ count: Int, at offset: inout Int, limit: Int, into out: inout [UInt32]) -> Bool {
        let end = min(limit, self.count)
        var at = offset
        var position: UInt64 = 0
        defer { offset = at }
        for _ in 0..<count {
            guard let value = readVInt(at: &at, end: end) else { return false }
            position += value
            guard position <= UInt64(UInt32.max) else { return false }
            out.append(UInt32(position))
        }
        return true
    }

    /// Walks up to `count` delta-coded positions at `offset` (as
    /// ``decodeDeltas(_:at:limit:into:)`` reads them) against the first
    /// `startCount` of `starts`, in increasing order: keeps, at the front,
    /// the starts `s` for which `s + shift` is one of the positions, sets
    /// `startCount` to their number, and stops reading once the last start
    /// is decided, so that a phrase's common word is read only as far as its
    /// rare word needs. The array is not resized (a phrase calls this for
    /// every candidate document). Returns the number of positions read (the
    /// rest are the caller's to skip), or nil for a position out of range or
    /// VInts running past `limit`.
    public func keepStarts(
        _ starts: inout [UInt32], startCount: inout Int, shift: UInt32, count: Int, at offset: inout Int, limit: Int
    ) -> Int? {
        precondition(startCount <= starts.count)
        let end = min(limit, self.count)
        var at = offset
        defer { offset = at }
        var position: UInt64 = 0
        var read = 0
        var kept = 0
        var next = 0
        // Whether a position has been read yet.
        var hasCurrent = false
        while next < startCount {
            let wanted = UInt64(starts[next]) + UInt64(shift)
            while !hasCurrent || position < wanted {
                guard read < count else {
                    startCount = kept
                    return read
                }
                guard let value = readVInt(at: &at, end: end) else { return nil }
                position += value
                guard position <= UInt64(UInt32.max) else { return nil }
                read += 1
                hasCurrent = true
            }
            if position == wanted {
                starts[kept] = starts[next]
                kept += 1
            }
            next += 1
        }
        startCount = kept
        return read
    }

    /// Moves `offset` past `count` VInts, not beyond `limit`: positions of
    /// documents a cursor skips. A VInt ends at its first byte below 0x80, so
    /// eight bytes at a time the ends are counted (the clear high bits of a
    /// word), never decoded: a phrase's common word skips thousands of
    /// positions between two candidates.
    public func skipVInts(_ count: Int, at offset: inout Int, limit: Int) throws(IndexError) {
        var remaining = count
        var at = offset
        let end = min(limit, self.count)
        while remaining > 0 {
            guard at < end else {
                throw IndexError.corrupt("variable-length integers run past their block", path: path, offset: at)
            }
            if end - at >= 8 {
                // SAFETY: at + 8 <= end <= count, inside the mapping;
                // loadUnaligned has no alignment requirement.
                let word = UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
                var ends = ~word & 0x8080_8080_8080_8080
                let found = ends.nonzeroBitCount
                if found < remaining {
                    remaining -= found
                    at += 8
                    continue
                }
                // The remaining-th end is in this word: drop the ends before it.
                for _ in 1..<remaining { ends &= ends &- 1 }
                at += ends.trailingZeroBitCount / 8 + 1
                remaining = 0
            } else {
                // SAFETY: at < end <= count, inside the mapping.
                if unsafe base.load(fromByteOffset: at, as: UInt8.self) < 0x80 { remaining -= 1 }
                at += 1
            }
        }
        offset = at
    }

    /// Calls `body` with a span over `length` bytes at `offset`; the span must not escape.
    public func withBytes<R, E: Error>(
        at offset: Int, count length: Int, _ body: (Span<UInt8>) throws(E) -> R
    ) throws(IndexError) -> Result<R, E> {
        try check(offset, length)
        // SAFETY: the range is inside the mapping, which outlives this call; the
        // span is confined to `body`.
        let buffer = unsafe UnsafeBufferPointer(
            start: base.advanced(by: offset).assumingMemoryBound(to: UInt8.self), count: length)
        let span = unsafe buffer.span
        do throws(E) {
            return .success(try body(span))
        } catch {
            return .failure(error)
        }
    }

    /// A copy of `length` bytes at `offset`.
    public func bytes(at offset: Int, count length: Int) throws(IndexError) -> [UInt8] {
        try withBytes(at: offset, count: length) { (span: Span<UInt8>) -> [UInt8] in span.array }.get()
    }

    /// Compares `length` bytes at `offset` with `key`, bytewise (as memcmp, shorter first).
    public func compare(at offset: Int, count length: Int, with key: Span<UInt8>) throws(IndexError) -> Int {
        try withBytes(at: offset, count: length) { (stored: Span<UInt8>) -> Int in compareBytes(stored, key) }.get()
    }

    /// CRC-32 of `length` bytes at `offset`.
    public func checksum(at offset: Int, count length: Int) throws(IndexError) -> UInt32 {
        try withBytes(at: offset, count: length) { (span: Span<UInt8>) -> UInt32 in
            var crc = CRC32()
            crc.update(span)
            return crc.value
        }.get()
    }
}
