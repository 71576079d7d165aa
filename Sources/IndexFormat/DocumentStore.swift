import Dispatch
import NewsCore

/// Writes the stored documents, what results and snippets show, in
/// zstd-compressed blocks (IndexFileFormat.md, "Documents").
///
/// DocumentsFile := Header, Block^BlockCount, BlockEntry^BlockCount, Trailer, Footer
/// Block := UncompressedLength u32, Frame (one zstd frame of the block's records)
/// Record := Format u8, SourceSize VInt, ModificationTime VInt (two's complement),
///           PathLength VInt, Path, TitleLength VInt, Title, BodyLength VInt, Body,
///           MetadataLength VInt, Metadata                           (version 7 on)
/// Metadata := Present u8, (FieldLength VInt, Field)^(text bits set),
///             [ModifiedSeconds VInt (zigzag), ModifiedOffset VInt (zigzag minutes, +1; 0 none)]
/// BlockEntry := FirstDocument u32, BlockStart u64
/// Trailer := DocumentCount u64, BlockCount u64, BlockIndexStart u64
///
/// Records accumulate, uncompressed, until they pass ``blockSize`` bytes; the
/// block is then compressed into one frame and written. A reader finds a
/// document's block by binary search on FirstDocument, decompresses it and
/// skips the records before the document's.
///
/// Call order: `add` for documents 0, 1, 2, …, then `finish`, which reports
/// any error writing a block. Only the block being filled, the blocks being
/// compressed (``blocksInFlight``) and the block index (12 bytes a block)
/// stay in memory.
public final class DocumentStoreWriter {
    /// Uncompressed bytes after which a block is compressed and written: 16 KiB,
    /// the block of Lucene's fast (default) stored-fields mode, where its
    /// high-compression mode takes 60 KiB.
    ///
    /// Measured on Reuters-21578 (19,045 articles, 18.4 MB of records, about
    /// 1 KB each), level 3: the documents file, then the instructions
    /// (callgrind) to write it, to read one random document, and to run the 20
    /// queries of `IndexBenchmarks` (top 10 with snippets: 10 documents read a
    /// query):
    ///
    ///     block     size      write   read one                20 queries
    ///     none      18.42 MB  0.20 G  0.02 M (1.3–2.4 µs)     184 M  (uncompressed)
    ///     16 KiB     8.20 MB  0.97 G  0.28 M (29–43 µs)       233 M
    ///     32 KiB     7.77 MB  0.92 G  0.52 M (45–75 µs)       280 M
    ///     60 KiB     7.41 MB  0.87 G  0.90 M (75–123 µs)      356 M
    ///    128 KiB     7.08 MB  0.88 G  2.17 M (150–260 µs)
    ///
    /// (The times are medians of 20,000 random reads in a warm process, as
    /// far apart as this shared machine's runs spread them.)
    ///
    /// Each doubling saves about 5% of the store and doubles the cost of one
    /// document, which snippets pay ten times a query: queries cost 26% more
    /// than with the uncompressed store at 16 KiB, 93% more at 60 KiB, whose
    /// store is only 0.8 MB smaller. Compression costs about the same at every
    /// size, and reading in order (``DocumentStore/Cursor``,
    /// ``DocumentStore/forEachArticle(_:)``) decompresses each block once.
    static let blockSize = 16 << 10
    /// zstd's compression level. At 16 KiB blocks: level 1, 8.50 MB, 0.84 G
    /// instructions to write, 0.24 M to read one document; level 3, 8.20 MB,
    /// 0.97 G, 0.28 M; level 6, 7.94 MB, 2.92 G, 0.32 M; level 9, 7.89 MB,
    /// 3.65 G, 0.31 M. Level 3, zstd's default: level 1 saves 1.4% of
    /// `gazette index` (9.2 G instructions in all) for a store 4% larger, and
    /// level 6 costs a fifth more for one 3% smaller.
    static let compressionLevel: Int32 = 3

    private let blockSize: Int
    /// Compresses and writes full blocks on a thread of its own.
    private let backend: Backend
    /// The records of the block being filled.
    private var block: [UInt8] = []
    private var blockFirstDocuments: [UInt32] = []
    public private(set) var count = 0

    /// Blocks handed to the backend and not yet written, at most: with 16 KiB
    /// blocks, under 100 KB of records and frames waiting.
    static let blocksInFlight = 4

    /// The compressing side: it owns the file from `init` to `finish`, and
    /// works on a serial queue, so compression (a tenth of indexing's
    /// instructions) overlaps the indexing thread's analysis, as tantivy's
    /// store writer does with its compressor thread.
    ///
    /// `@unchecked Sendable`: every stored property is used only by blocks on
    /// `queue`, one at a time, except in `finish`, which first waits for the
    /// queue to drain (`queue.sync`), so no two threads ever touch it at once.
    private final class Backend: @unchecked Sendable {
        let queue = DispatchQueue(label: "gazette.documents.compress")
        let slots = DispatchSemaphore(value: DocumentStoreWriter.blocksInFlight)
        let file: IndexFileWriter
        let compressor: Zstd.Compressor
        /// The frame of the last block compressed (reused).
        var frame: [UInt8] = []
        var blockStarts: [UInt64] = []
        /// The first error writing a block; later blocks are dropped.
        var error: IndexError? = nil

        init(file: IndexFileWriter, level: Int32) {
            self.file = file
            compressor = Zstd.Compressor(level: level)
        }

        /// Compresses and writes `block` after the blocks before it.
        func write(_ block: [UInt8]) {
            slots.wait()
            queue.async {
                defer { self.slots.signal() }
                guard self.error == nil else { return }
                do throws(IndexError) {
                    self.blockStarts.append(UInt64(self.file.offset))
                    self.compressor.compress(block, into: &self.frame)
                    try self.file.writeUInt32(UInt32(block.count))
                    try self.file.write(self.frame)
                } catch {
                    self.error = error
                }
            }
        }

        /// Waits for every block to be written; the first error, if any.
        func drain() -> IndexError? { queue.sync { self.error } }
    }

    public convenience init(path: String, segmentID: SegmentID) throws(IndexError) {
        try self.init(path: path, segmentID: segmentID, blockSize: Self.blockSize, level: Self.compressionLevel)
    }

    /// A writer with another block size or level: for tests and measurements.
    init(path: String, segmentID: SegmentID, blockSize: Int, level: Int32) throws(IndexError) {
        precondition(blockSize > 0 && blockSize < Int(UInt32.max) / 2)
        backend = Backend(
            file: try IndexFileWriter(path: path, kind: .documents, segmentID: segmentID), level: level)
        self.blockSize = blockSize
        block.reserveCapacity(blockSize + blockSize / 2)
    }

    /// Adds the next document. A block must stay under 4 GiB, so a record
    /// must too (ingestion refuses files over 64 MiB: no article comes near).
    /// The current record's metadata (reused).
    private var metadata: [UInt8] = []

    public func add(_ article: Article) throws(IndexError) {
        if block.isEmpty { blockFirstDocuments.append(UInt32(count)) }
        block.append(article.format.rawValue)
        block.appendVInt(article.sourceSize)
        block.appendVInt(UInt64(bitPattern: article.modificationTime))
        for text in [article.path, article.title, article.body] {
            block.appendVInt(UInt64(text.utf8.count))
            block.append(contentsOf: text.utf8)
        }
        metadata.removeAll(keepingCapacity: true)
        StoredMetadata.encode(article.metadata, into: &metadata)
        block.appendVInt(UInt64(metadata.count))
        block.append(contentsOf: metadata)
        precondition(block.count < Int(UInt32.max), "a block of documents must stay under 4 GiB")
        count += 1
        if block.count >= blockSize { writeBlock() }
    }

    /// Hands the full block to the backend and starts a new one.
    private func writeBlock() {
        var full: [UInt8] = []
        full.reserveCapacity(blockSize + blockSize / 2)
        swap(&full, &block)
        backend.write(full)
    }

    public func finish() throws(IndexError) -> (length: Int, checksum: UInt32) {
        if !block.isEmpty { writeBlock() }
        if let error = backend.drain() { throw error }
        let file = backend.file
        let indexStart = UInt64(file.offset)
        for (first, start) in zip(blockFirstDocuments, backend.blockStarts) {
            try file.writeUInt32(first)
            try file.writeUInt64(start)
        }
        try file.writeUInt64(UInt64(count))
        try file.writeUInt64(UInt64(backend.blockStarts.count))
        try file.writeUInt64(indexStart)
        return try file.finish()
    }
}

/// Reads stored documents from the mapped file, a compressed block at a time.
///
/// Every number read from disk is checked before it is used: a block's entry
/// against its neighbours and the file (documents and offsets increasing and
/// in range), its uncompressed length against the frame's own header and
/// against what its compressed size can hold (before anything is allocated),
/// the frame's checksum by zstd, and each record against its block. Damage
/// throws ``IndexError/Code/corruptIndex`` naming the file and the block's offset.
public struct DocumentStore: Sendable {
    public let file: MappedFile
    public let count: Int
    /// Whether records carry page metadata (byline, site, …): version 7 on.
    public let hasMetadata: Bool
    private let blockCount: Int
    /// Where the first block starts: the end of the header.
    private let blocksStart: Int
    private let indexStart: Int

    static let entryLength = 12
    static let trailerLength = 24

    public init(file: MappedFile, segmentID: SegmentID) throws(IndexError) {
        self.file = file
        let (header, headerEnd) = try IndexFileHeader.read(from: file, expecting: .documents)
        try checkSegment(header, segmentID, file)
        hasMetadata = header.version >= 7
        let (_, bodyEnd) = try IndexFileFooter.read(from: file)
        let trailer = bodyEnd - Self.trailerLength
        let count = try file.uint64(at: trailer)
        let blockCount = try file.uint64(at: trailer + 8)
        let indexStart = try file.uint64(at: trailer + 16)
        guard count < UInt64(Int32.max), blockCount <= count, (count == 0) == (blockCount == 0),
            indexStart >= UInt64(headerEnd), indexStart <= UInt64(trailer),
            UInt64(trailer) - indexStart == blockCount * UInt64(Self.entryLength)
        else {
            throw IndexError.corrupt("document block index does not fit the file", path: file.path, offset: trailer)
        }
        self.count = Int(count)
        self.blockCount = Int(blockCount)
        self.blocksStart = headerEnd
        self.indexStart = Int(indexStart)
    }

    /// The stored article number `document`. Decompresses its block: to read
    /// many documents in increasing order, a ``Cursor`` decompresses each block once.
    public func article(_ document: UInt32) throws(IndexError) -> Article {
        var cursor = Cursor(self)
        return try cursor.article(document)
    }

    /// Reads documents by number, keeping the last block it decompressed (and
    /// where it stopped in it), so that documents read in increasing order cost
    /// one decompression per block. Any order is correct, only slower.
    public struct Cursor {
        public let store: DocumentStore
        private let decompressor = Zstd.Decompressor()
        private var block: Block? = nil
        private var blockIndex = 0
        private var records = RecordCursor(bytes: [], hasMetadata: false)
        /// The document whose record `records` is at.
        private var next = 0

        public init(_ store: DocumentStore) {
            self.store = store
        }

        public mutating func article(_ document: UInt32) throws(IndexError) -> Article {
            let target = Int(document)
            guard target < store.count else {
                throw IndexError.corrupt(
                    "document \(document) is past the last one (\(store.count))", path: store.file.path)
            }
            let block: Block
            if let cached = self.block, cached.firstDocument <= target,
                target < cached.firstDocument + cached.documentCount
            {
                block = cached
                if target < next {
                    records.position = 0
                    next = block.firstDocument
                }
            } else {
                self.block = nil
                let index = try store.blockIndex(of: target)
                block = try store.block(index)
                records = RecordCursor(
                    bytes: try store.decompress(block, with: decompressor), hasMetadata: store.hasMetadata)
                blockIndex = index
                next = block.firstDocument
                self.block = block
            }
            while next < target {
                guard records.skip() else {
                    self.block = nil  // the block is damaged: the next call decodes it afresh (and fails again)
                    throw store.damagedRecord(next, in: block, blockIndex)
                }
                next += 1
            }
            guard let article = records.article() else {
                self.block = nil
                throw store.damagedRecord(target, in: block, blockIndex)
            }
            next += 1
            return article
        }
    }

    /// The block that holds `document` (< count): the last one whose first
    /// document is at most `document`, by binary search on the block index.
    private func blockIndex(of document: Int) throws(IndexError) -> Int {
        var low = 0
        var high = blockCount
        while high - low > 1 {
            let middle = (low + high) / 2
            if Int(try file.uint32(at: indexStart + middle * Self.entryLength)) <= document {
                low = middle
            } else {
                high = middle
            }
        }
        let block = try self.block(low)
        guard block.firstDocument <= document, document < block.firstDocument + block.documentCount else {
            throw IndexError.corrupt(
                "document block index is out of order (block \(low) does not hold document \(document))",
                path: file.path, offset: indexStart + low * Self.entryLength)
        }
        return low
    }

    /// Calls `body` with every stored article in document order, decompressing
    /// each block once (segment merges and `gazette verify` read them all).
    /// Also checks that each block holds exactly its records, nothing after them.
    public func forEachArticle(
        _ body: (_ document: UInt32, _ article: Article) throws(IndexError) -> Void
    ) throws(IndexError) {
        let decompressor = Zstd.Decompressor()
        for index in 0..<blockCount {
            let block = try self.block(index)
            var records = RecordCursor(bytes: try decompress(block, with: decompressor), hasMetadata: hasMetadata)
            for document in block.firstDocument..<block.firstDocument + block.documentCount {
                guard let article = records.article() else { throw damagedRecord(document, in: block, index) }
                try body(UInt32(document), article)
            }
            guard records.isAtEnd else {
                throw IndexError.corrupt(
                    "document block \(index) holds bytes after its \(block.documentCount) records",
                    path: file.path, offset: block.start)
            }
        }
    }

    /// Where block `index` lies and which documents it holds, from its entry
    /// and the next one's (or the trailer's, for the last block), checked.
    fileprivate func block(_ index: Int) throws(IndexError) -> Block {
        let entry = indexStart + index * Self.entryLength
        let first = Int(try file.uint32(at: entry))
        let start = Int(truncatingIfNeeded: try file.uint64(at: entry + 4))
        let next: Int
        let end: Int
        if index + 1 < blockCount {
            next = Int(try file.uint32(at: entry + Self.entryLength))
            end = Int(truncatingIfNeeded: try file.uint64(at: entry + Self.entryLength + 4))
        } else {
            next = count
            end = indexStart
        }
        // Documents and offsets increase from block to block (each block holds
        // at least one record and a frame), the first block starts both, and
        // no block reaches into the index.
        guard first < next, next <= count, index > 0 || first == 0,
            start >= blocksStart, index > 0 || start == blocksStart, end <= indexStart, start < end, end - start > 4
        else {
            throw IndexError.corrupt(
                "document block \(index) has a bad entry (documents \(first)..<\(next), bytes \(start)..<\(end))",
                path: file.path, offset: entry)
        }
        return Block(firstDocument: first, documentCount: next - first, start: start, end: end)
    }

    /// The records of `block`, decompressed and checked.
    fileprivate func decompress(_ block: Block, with decompressor: Zstd.Decompressor) throws(IndexError) -> [UInt8] {
        let length = Int(try file.uint32(at: block.start))
        let frameLength = block.end - block.start - 4
        // Bounded before anything is allocated: no zstd frame expands further.
        guard length > 0, length <= frameLength * Zstd.maximumRatio else {
            throw IndexError.corrupt(
                "document block's length \(length) cannot come from its \(frameLength) compressed bytes",
                path: file.path, offset: block.start)
        }
        let result = try file.withBytes(at: block.start + 4, count: frameLength) {
            (frame: Span<UInt8>) -> Result<[UInt8], Zstd.Failure> in
            decompressor.decompress(frame, length: length)
        }.get()
        switch result {
        case .success(let bytes): return bytes
        case .failure(let failure):
            throw IndexError.corrupt("document block \(failure.message)", path: file.path, offset: block.start)
        }
    }

    fileprivate func damagedRecord(_ document: Int, in block: Block, _ index: Int) -> IndexError {
        IndexError.corrupt(
            "document \(document) runs past the end of block \(index), or has an unknown format",
            path: file.path, offset: block.start)
    }

    fileprivate struct Block {
        var firstDocument: Int
        var documentCount: Int
        /// The offset of the block's UncompressedLength, and of the next block.
        var start: Int
        var end: Int
    }
}

/// Reads the records of one decompressed block in order; `nil` for a record
/// that is damaged (runs past the block, or has an unknown format).
private struct RecordCursor {
    private(set) var bytes: [UInt8]
    /// Whether each record ends with its metadata (version 7 on).
    let hasMetadata: Bool
    var position = 0

    var isAtEnd: Bool { position == bytes.count }

    private mutating func vint() -> UInt64? { decodeVInt(bytes, &position) }

    /// Moves past the next length-prefixed field; the range of its bytes.
    private mutating func field() -> Range<Int>? {
        guard let length = vint(), length <= UInt64(bytes.count - position) else { return nil }
        let start = position
        position += Int(length)
        return start..<position
    }

    /// Moves past the next record without decoding its texts.
    mutating func skip() -> Bool {
        guard position < bytes.count, SourceFormat(rawValue: bytes[position]) != nil else { return false }
        position += 1
        return vint() != nil && vint() != nil && field() != nil && field() != nil && field() != nil
            && (!hasMetadata || field() != nil)
    }

    mutating func article() -> Article? {
        guard position < bytes.count, let format = SourceFormat(rawValue: bytes[position]) else { return nil }
        position += 1
        guard let size = vint(), let time = vint(), let path = field(), let title = field(), let body = field()
        else { return nil }
        var metadata = ArticleMetadata()
        if hasMetadata {
            guard let range = field(), let decoded = StoredMetadata.decode(bytes[range]) else { return nil }
            metadata = decoded
        }
        return Article(
            path: String(decoding: bytes[path], as: UTF8.self), title: String(decoding: bytes[title], as: UTF8.self),
            body: String(decoding: bytes[body], as: UTF8.self), format: format, sourceSize: size,
            modificationTime: Int64(bitPattern: time), metadata: metadata)
    }
}

/// The VInt (7 bits a byte, low bits first) at `position` in a decompressed
/// block, `position` moved past it; nil if it runs past the bytes.
private func decodeVInt<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ position: inout Int) -> UInt64?
where Bytes.Index == Int {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while position < bytes.endIndex, shift < 64 {
        let byte = bytes[position]
        position += 1
        result |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return result }
        shift += 7
    }
    return nil
}

/// A record's page metadata (IndexFileFormat.md, "Documents"): a byte of
/// which fields are present, the present texts, then the modified date.
enum StoredMetadata {
    private static let byline: UInt8 = 1
    private static let site: UInt8 = 2
    private static let url: UInt8 = 4
    private static let language: UInt8 = 8
    private static let description: UInt8 = 16
    private static let modified: UInt8 = 32

    static func encode(_ metadata: ArticleMetadata, into out: inout [UInt8]) {
        let texts: [(UInt8, String?)] = [
            (byline, metadata.byline), (site, metadata.site), (url, metadata.url), (language, metadata.language),
            (description, metadata.description),
        ]
        var present: UInt8 = metadata.modified == nil ? 0 : modified
        for (bit, text) in texts where text?.isEmpty == false { present |= bit }
        out.append(present)
        for (_, text) in texts {
            guard let text, !text.isEmpty else { continue }
            out.appendVInt(UInt64(text.utf8.count))
            out.append(contentsOf: text.utf8)
        }
        if let date = metadata.modified {
            out.appendVInt(zigzag(date.seconds))
            out.appendVInt(date.offsetMinutes.map { zigzag(Int64($0)) + 1 } ?? 0)
        }
    }

    /// The metadata in `bytes`; nil if they do not hold exactly one, well formed.
    static func decode(_ bytes: ArraySlice<UInt8>) -> ArticleMetadata? {
        var position = bytes.startIndex
        func vint() -> UInt64? { decodeVInt(bytes, &position) }
        func text() -> String? {
            guard let length = vint(), length <= UInt64(bytes.endIndex - position) else { return nil }
            defer { position += Int(length) }
            return String(decoding: bytes[position..<position + Int(length)], as: UTF8.self)
        }
        guard position < bytes.endIndex else { return nil }
        let present = bytes[position]
        position += 1
        guard present & ~0x3F == 0 else { return nil }
        var metadata = ArticleMetadata()
        for (bit, path) in [
            (byline, \ArticleMetadata.byline), (site, \.site), (url, \.url), (language, \.language),
            (description, \.description),
        ] where present & bit != 0 {
            guard let value = text() else { return nil }
            metadata[keyPath: path] = value
        }
        if present & modified != 0 {
            guard let seconds = vint(), let offset = vint(), offset <= 2 * 24 * 60 * 2 else { return nil }
            metadata.modified = PublicationDate(
                seconds: unzigzag(seconds), offsetMinutes: offset == 0 ? nil : Int16(unzigzag(offset - 1)))
        }
        return position == bytes.endIndex ? metadata : nil
    }

    private static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    private static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(value & 1) }
}
