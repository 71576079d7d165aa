import NewsCore

/// Where each document of a segment came from: the file's path, size,
/// modification time and content hash (IndexFileFormat.md, "Sources").
///
/// SourcesFile := Header, DocumentCount u32, Source^DocumentCount, Footer
/// Source := SharedLength VInt, SuffixLength VInt, Suffix, Document VInt,
///           Size VInt, ModificationTime VInt (two's complement), ContentHash u64
///
/// Sources are in walk order of their paths (``comparePaths(_:_:)``), each
/// naming its document, so that a sync can walk a folder and the index side
/// by side, as a merge of sorted lists, keeping neither in memory (format
/// version 4; version 3 listed sources in document order, without Document,
/// and is still read). A path is the previous path's first SharedLength
/// bytes followed by Suffix (the first path shares nothing): neighbours share
/// their folder, which on Reuters cuts the file to a fifth of the paths' size.
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

/// Writes a segment's source list, from sources given in walk order.
public final class SourceListWriter {
    private let file: IndexFileWriter
    private var entries: [UInt8] = []
    private var previous: [UInt8] = []
    public private(set) var count: UInt32 = 0

    public init(path: String, segmentID: SegmentID) throws(IndexError) {
        file = try IndexFileWriter(path: path, kind: .sources, segmentID: segmentID)
    }

    /// Adds a source; `path` must not precede the previous one in walk order.
    public func add(path: Span<UInt8>, document: UInt32, size: UInt64, modificationTime: Int64, contentHash: UInt64) {
        let last = previous
        let inOrder = count == 0 || comparePaths(last.span, path) <= 0
        precondition(inOrder, "sources arrive in walk order")
        var shared = 0
        while shared < min(path.count, previous.count), path[shared] == previous[shared] { shared += 1 }
        entries.appendVInt(UInt64(shared))
        entries.appendVInt(UInt64(path.count - shared))
        entries.append(path.extracting(shared...))
        previous.removeSubrange(shared...)
        previous.append(path.extracting(shared...))
        entries.appendVInt(UInt64(document))
        entries.appendVInt(size)
        entries.appendVInt(UInt64(bitPattern: modificationTime))
        entries.appendUInt64(contentHash)
        count += 1
    }

    public func finish() throws(IndexError) -> (length: Int, checksum: UInt32) {
        try file.writeUInt32(count)
        try file.write(entries)
        return try file.finish()
    }
}

/// The sources of a segment being built, which come in the order documents
/// are added: kept compactly (paths in one byte array) and sorted into walk
/// order when the segment is written.
public struct SourceBuffer: Sendable {
    private var paths: [UInt8] = []
    private var ends: [UInt32] = []
    private var fields: [(size: UInt64, time: Int64, hash: UInt64)] = []

    public init() {}

    public var count: Int { ends.count }
    /// What the buffer holds, in bytes, counted against the builder's memory budget.
    public var bytes: Int { paths.capacity + ends.capacity * 4 + fields.capacity * 24 }

    /// Records the source of the next document (number `count`).
    public mutating func append(_ source: SourceEntry) {
        paths.append(contentsOf: source.path.utf8)
        ends.append(UInt32(paths.count))
        fields.append((source.size, source.modificationTime, source.contentHash))
    }

    private func range(_ document: Int) -> Range<Int> {
        Int(document == 0 ? 0 : ends[document - 1])..<Int(ends[document])
    }

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        comparePaths(paths.span.extracting(range(a)), paths.span.extracting(range(b))) < 0
    }

    /// Adds every source to `writer`, in walk order.
    public func write(to writer: SourceListWriter) {
        // Documents usually arrive in walk order already (a sync feeds each
        // thread files in walk order): then there is nothing to sort.
        var order = Array(0..<count)
        if (1..<max(1, count)).contains(where: { precedes($0, $0 - 1) }) {
            order.sort { precedes($0, $1) }
        }
        for document in order {
            let (size, time, hash) = fields[document]
            writer.add(
                path: paths.span.extracting(range(document)), document: UInt32(document), size: size,
                modificationTime: time,
                contentHash: hash)
        }
    }
}

/// Reads a segment's source list in walk order, one source at a time: a sync
/// of a million files keeps no path of the index in memory but the current one.
///
/// A version 3 file (document order) is read whole and sorted, once.
public struct SourceCursor {
    private let file: MappedFile
    private var offset: Int
    private let end: Int
    private var remaining: UInt32
    /// A version 3 file's sources, in walk order, and the next to return.
    private var legacy: [(path: [UInt8], document: UInt32, size: UInt64, time: Int64, hash: UInt64)]? = nil
    private var legacyNext = 0
    public let documentCount: UInt32

    /// The current source (after `next()` returned true).
    public private(set) var path: [UInt8] = []
    public private(set) var document: UInt32 = 0
    public private(set) var size: UInt64 = 0
    public private(set) var modificationTime: Int64 = 0
    public private(set) var contentHash: UInt64 = 0

    /// Opens the list, checking its checksum (it is read whole) and count.
    public init(file: MappedFile, segmentID: SegmentID, documentCount: UInt32) throws(IndexError) {
        try IndexFileFooter.verify(file)
        let (header, start) = try IndexFileHeader.read(from: file, expecting: .sources)
        try checkSegment(header, segmentID, file)
        let count = try file.uint32(at: start)
        guard count == documentCount else {
            throw IndexError.corrupt(
                "sources file lists \(count) documents, the segment \(documentCount)", path: file.path, offset: start)
        }
        self.file = file
        self.documentCount = documentCount
        offset = start + 4
        end = file.count - IndexFileFooter.length
        remaining = count
        if header.version < 4 {
            var entries: [(path: [UInt8], document: UInt32, size: UInt64, time: Int64, hash: UInt64)] = []
            entries.reserveCapacity(Int(count))
            for document in 0..<count {
                try decode(documentNumbered: false)
                entries.append((path, document, size, modificationTime, contentHash))
            }
            try checkEnd()
            entries.sort { comparePaths($0.path.span, $1.path.span) < 0 }
            legacy = entries
        }
    }

    /// Moves to the next source in walk order; false after the last.
    public mutating func next() throws(IndexError) -> Bool {
        if let legacy {
            guard legacyNext < legacy.count else { return false }
            (path, document, size, modificationTime, contentHash) = legacy[legacyNext]
            legacyNext += 1
            return true
        }
        guard remaining > 0 else {
            try checkEnd()
            return false
        }
        try decode(documentNumbered: true)
        guard document < documentCount else {
            throw IndexError.corrupt(
                "a source names document \(document) of \(documentCount)", path: file.path, offset: offset)
        }
        return true
    }

    private mutating func decode(documentNumbered: Bool) throws(IndexError) {
        let shared = try file.vint(at: &offset, limit: end)
        let length = try file.vint(at: &offset, limit: end)
        guard shared <= UInt64(path.count), length <= UInt64(end - offset) else {
            throw IndexError.corrupt("a source path is out of bounds", path: file.path, offset: offset)
        }
        path.removeSubrange(Int(shared)...)
        _ = try file.withBytes(at: offset, count: Int(length)) { (suffix: Span<UInt8>) in path.append(suffix) }
        offset += Int(length)
        if documentNumbered {
            let number = try file.vint(at: &offset, limit: end)
            guard number <= UInt64(UInt32.max) else {
                throw IndexError.corrupt("a source's document number is out of range", path: file.path, offset: offset)
            }
            document = UInt32(number)
        }
        size = try file.vint(at: &offset, limit: end)
        modificationTime = Int64(bitPattern: try file.vint(at: &offset, limit: end))
        contentHash = try file.uint64(at: offset)
        offset += 8
        remaining -= 1
    }

    private func checkEnd() throws(IndexError) {
        guard offset == end else {
            throw IndexError.corrupt("unexpected bytes after the last source", path: file.path, offset: offset)
        }
    }
}

public enum SourceListReader {
    /// Every document's source, in document order (paths as Strings: for
    /// tools and tests; a sync reads through a ``SourceCursor``).
    public static func read(
        file: MappedFile, segmentID: SegmentID, documentCount: UInt32
    ) throws(IndexError) -> [SourceEntry] {
        var cursor = try SourceCursor(file: file, segmentID: segmentID, documentCount: documentCount)
        var sources = [SourceEntry?](repeating: nil, count: Int(documentCount))
        while try cursor.next() {
            guard sources[Int(cursor.document)] == nil else {
                throw IndexError.corrupt("two sources name document \(cursor.document)", path: file.path)
            }
            sources[Int(cursor.document)] = SourceEntry(
                path: cursor.path.span.string, size: cursor.size, modificationTime: cursor.modificationTime,
                contentHash: cursor.contentHash)
        }
        // documentCount sources, none twice: every document has one.
        return sources.map { $0! }
    }

    /// Checks the list's structure: sources in walk order, each document
    /// named once. Returns the number of sources.
    public static func verify(file: MappedFile, segmentID: SegmentID, documentCount: UInt32) throws(IndexError) {
        var cursor = try SourceCursor(file: file, segmentID: segmentID, documentCount: documentCount)
        var seen = [Bool](repeating: false, count: Int(documentCount))
        var previous: [UInt8] = []
        var first = true
        while try cursor.next() {
            guard first || comparePaths(previous.span, cursor.path.span) <= 0 else {
                throw IndexError.corrupt(
                    "sources are out of walk order at document \(cursor.document)", path: file.path)
            }
            guard !seen[Int(cursor.document)] else {
                throw IndexError.corrupt("two sources name document \(cursor.document)", path: file.path)
            }
            seen[Int(cursor.document)] = true
            previous = cursor.path
            first = false
        }
    }
}

/// The sources of the live documents of several segments, in walk order:
/// a merge of their ``SourceCursor``s through a binary heap, so a sync
/// compares each path of the folder with one of the index, whatever the
/// number of segments, and keeps one path per segment in memory.
public struct MergedSourceCursor {
    private let segments: [SegmentReader]
    private var cursors: [SourceCursor]
    /// Indices of the cursors that have a current source, as a min-heap on
    /// (path in walk order, segment index).
    private var heap: [Int] = []
    private var started = false

    public init(segments: [SegmentReader]) throws(IndexError) {
        self.segments = segments
        cursors = []
        for segment in segments { cursors.append(try segment.sourceCursor()) }
    }

    /// Index in `segments` of the current source's segment.
    public var segment: Int { heap[0] }
    public var path: [UInt8] { cursors[heap[0]].path }
    public var document: UInt32 { cursors[heap[0]].document }
    public var size: UInt64 { cursors[heap[0]].size }
    public var modificationTime: Int64 { cursors[heap[0]].modificationTime }
    public var contentHash: UInt64 { cursors[heap[0]].contentHash }

    /// Moves to the next live source in walk order; false after the last.
    public mutating func next() throws(IndexError) -> Bool {
        if !started {
            started = true
            for index in cursors.indices where try advance(index) { push(index) }
        } else if !heap.isEmpty {
            if try advance(heap[0]) {
                siftDown(0)
            } else {
                heap.swapAt(0, heap.count - 1)
                heap.removeLast()
                if !heap.isEmpty { siftDown(0) }
            }
        }
        return !heap.isEmpty
    }

    /// Moves cursor `index` to its next live source; false after its last.
    private mutating func advance(_ index: Int) throws(IndexError) -> Bool {
        while try cursors[index].next() {
            if !segments[index].isDeleted(cursors[index].document) { return true }
        }
        return false
    }

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let x = cursors[a].path
        let y = cursors[b].path
        let order = comparePaths(x.span, y.span)
        return order < 0 || (order == 0 && a < b)
    }

    private mutating func push(_ index: Int) {
        heap.append(index)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count && precedes(heap[left + 1], heap[left]) { smallest = left + 1 }
            guard precedes(heap[smallest], heap[parent]) else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
