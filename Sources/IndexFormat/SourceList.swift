import NewsCore

/// Where each document of a segment came from: the file's path, size,
/// modification time and content hash (IndexFileFormat.md, "Sources").
///
/// SourcesFile := Header, DocumentCount u32, Source^DocumentCount, Footer
/// Source := SharedLength VInt, SuffixLength VInt, Suffix, Size VInt,
///           ModificationTime VInt (two's complement), ContentHash u64
///
/// A path is the previous path's first SharedLength bytes followed by Suffix
/// (the first path shares nothing): documents arrive in walk order, so
/// neighbours share their folder, which on Reuters cuts the file from 1.3 MB
/// to a fifth of it.
/// `gazette index` on an existing index reads these lists (not the compressed
/// document store) to find what changed: a file whose size and time match is
/// unchanged; one whose bytes hash the same was only touched.
public struct SourceEntry: Equatable, Sendable {
    public var path: String
    public var size: UInt64
    public var modificationTime: Int64
    public var contentHash: UInt64

    public init(path: String, size: UInt64, modificationTime: Int64, contentHash: UInt64) {
        self.path = path
        self.size = size
        self.modificationTime = modificationTime
        self.contentHash = contentHash
    }

    public init(_ article: Article) {
        self.init(
            path: article.path, size: article.sourceSize, modificationTime: article.modificationTime,
            contentHash: article.contentHash)
    }
}

/// Streams a segment's source list to disk as documents arrive.
public final class SourceListWriter {
    private let file: IndexFileWriter
    private var entries: [UInt8] = []
    private var previous: [UInt8] = []
    public private(set) var count: UInt32 = 0

    public init(path: String, segmentID: SegmentID) throws(IndexError) {
        file = try IndexFileWriter(path: path, kind: .sources, segmentID: segmentID)
    }

    public func add(_ source: SourceEntry) {
        let path = Array(source.path.utf8)
        var shared = 0
        while shared < min(path.count, previous.count), path[shared] == previous[shared] { shared += 1 }
        entries.appendVInt(UInt64(shared))
        entries.appendVInt(UInt64(path.count - shared))
        entries.append(contentsOf: path[shared...])
        previous = path
        entries.appendVInt(source.size)
        entries.appendVInt(UInt64(bitPattern: source.modificationTime))
        entries.appendUInt64(source.contentHash)
        count += 1
    }

    public func finish() throws(IndexError) -> (length: Int, checksum: UInt32) {
        try file.writeUInt32(count)
        try file.write(entries)
        return try file.finish()
    }
}

/// Reads a segment's source list, checksummed in full (it is read whole).
public enum SourceListReader {
    /// Calls `body` with each document's path bytes, size, modification time
    /// and content hash, in document order, making no String: a sync of a
    /// million files keeps no path of the index in memory.
    public static func forEach(
        file: MappedFile, segmentID: SegmentID, documentCount: UInt32,
        _ body: (_ document: UInt32, _ path: Span<UInt8>, _ size: UInt64, _ time: Int64, _ hash: UInt64) -> Void
    ) throws(IndexError) {
        try IndexFileFooter.verify(file)
        let (header, start) = try IndexFileHeader.read(from: file, expecting: .sources)
        try checkSegment(header, segmentID, file)
        let count = try file.uint32(at: start)
        guard count == documentCount else {
            throw IndexError.corrupt(
                "sources file lists \(count) documents, the segment \(documentCount)", path: file.path, offset: start)
        }
        let end = file.count - IndexFileFooter.length
        var offset = start + 4
        var path: [UInt8] = []
        for document in 0..<count {
            let shared = try file.vint(at: &offset, limit: end)
            let length = try file.vint(at: &offset, limit: end)
            guard shared <= UInt64(path.count), length <= UInt64(end - offset) else {
                throw IndexError.corrupt("a source path is out of bounds", path: file.path, offset: offset)
            }
            path.removeSubrange(Int(shared)...)
            _ = try file.withBytes(at: offset, count: Int(length)) { (suffix: Span<UInt8>) in path.append(suffix) }
            offset += Int(length)
            let size = try file.vint(at: &offset, limit: end)
            let time = Int64(bitPattern: try file.vint(at: &offset, limit: end))
            let hash = try file.uint64(at: offset)
            offset += 8
            body(document, path.span, size, time, hash)
        }
        guard offset == end else {
            throw IndexError.corrupt("unexpected bytes after the last source", path: file.path, offset: offset)
        }
    }

    /// Every document's source, in document order (paths as Strings).
    public static func read(
        file: MappedFile, segmentID: SegmentID, documentCount: UInt32
    ) throws(IndexError) -> [SourceEntry] {
        var sources: [SourceEntry] = []
        sources.reserveCapacity(Int(documentCount))
        try forEach(file: file, segmentID: segmentID, documentCount: documentCount) { _, path, size, time, hash in
            sources.append(SourceEntry(path: path.string, size: size, modificationTime: time, contentHash: hash))
        }
        return sources
    }
}
