#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes one index file: the header, then the caller's bytes, then the CRC-32
/// footer (IndexFileFormat.md, "Header and footer").
///
/// Call order: `init` (writes the header) → `write…` any number of times →
/// `finish()` (writes the footer, `fsync`s, closes). A writer dropped without
/// `finish()` leaves a file without a footer, which no reader accepts, and which
/// no manifest names.
public final class IndexFileWriter {
    public let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var crc = CRC32()
    /// Bytes written so far, header included: the offset of the next byte.
    public private(set) var offset: Int = 0

    public init(path: String, kind: IndexFileKind, segmentID: SegmentID) throws(IndexError) {
        self.path = path
        fd = unsafe open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystem.ioError("create", path) }
        buffer.reserveCapacity(1 << 20)
        IndexFileHeader(kind: kind, version: IndexFileHeader.currentVersion, segmentID: segmentID)
            .encode(into: &buffer)
        offset = buffer.count
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    @inline(__always)
    public func write(_ byte: UInt8) throws(IndexError) {
        buffer.append(byte)
        offset += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func write(_ bytes: [UInt8]) throws(IndexError) {
        buffer.append(contentsOf: bytes)
        offset += bytes.count
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func write(_ bytes: Span<UInt8>) throws(IndexError) {
        buffer.append(bytes)
        offset += bytes.count
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func writeUInt32(_ value: UInt32) throws(IndexError) {
        buffer.appendUInt32(value)
        offset += 4
    }

    public func writeUInt64(_ value: UInt64) throws(IndexError) {
        buffer.appendUInt64(value)
        offset += 8
    }

    public func writeVInt(_ value: UInt64) throws(IndexError) {
        let before = buffer.count
        buffer.appendVInt(value)
        offset += buffer.count - before
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Pads with zero bytes up to a multiple of `alignment`.
    public func align(to alignment: Int) throws(IndexError) {
        while offset % alignment != 0 { try write(0) }
    }

    private func flush() throws(IndexError) {
        crc.update(buffer.span)
        var written = 0
        while written < buffer.count {
            let n = unsafe buffer.withUnsafeBytes { raw in
                unsafe Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystem.ioError("write", path)
            }
            written += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the footer, makes the file durable and closes it.
    /// - Returns: the file's length and its CRC-32 (as stored in the footer).
    @discardableResult
    public func finish() throws(IndexError) -> (length: Int, checksum: UInt32) {
        buffer.appendUInt32(IndexFileFooter.magic)
        buffer.appendUInt32(IndexFileFooter.algorithmCRC32)
        offset += 8
        try flush()
        let checksum = crc.value
        buffer.appendUInt32(checksum)
        offset += 4
        try flush()
        guard fsync(fd) == 0 else { throw FileSystem.ioError("fsync", path) }
        close(fd)
        fd = -1
        return (offset, checksum)
    }
}

extension [UInt8] {
    @inline(__always)
    public mutating func appendUInt32(_ value: UInt32) {
        let v = value.littleEndian
        append(UInt8(truncatingIfNeeded: v))
        append(UInt8(truncatingIfNeeded: v >> 8))
        append(UInt8(truncatingIfNeeded: v >> 16))
        append(UInt8(truncatingIfNeeded: v >> 24))
    }

    @inline(__always)
    public mutating func appendUInt64(_ value: UInt64) {
        appendUInt32(UInt32(truncatingIfNeeded: value))
        appendUInt32(UInt32(truncatingIfNeeded: value >> 32))
    }

    /// LEB128: seven bits a byte, low bits first, high bit set on all but the last.
    @inline(__always)
    public mutating func appendVInt(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }
}
