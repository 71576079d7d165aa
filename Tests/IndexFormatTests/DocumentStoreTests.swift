import NewsCore
import TestSupport
import Testing

@testable import IndexFormat

/// The compressed document store (IndexFileFormat.md, "Documents"): round
/// trips across block boundaries, and damage that must throw, never trap.
@Suite("Document store")
struct DocumentStoreTests {
    let segment = SegmentID(bytes: Array(0..<16))

    /// Articles of varied sizes: empty texts, unicode, a body several blocks
    /// long, then `smallCount` short ones.
    func variedArticles(smallCount: Int) -> [Article] {
        var random = SplitMix(seed: 42)
        var articles = [
            Article(path: "", title: "", body: "", format: .text),
            Article(
                path: "wörld/日本.html", title: "Ünïcode — ✓ 🇮🇷 e\u{301}", body: "Тегеран 😀\n\nمرحبا", format: .html,
                sourceSize: UInt64.max, modificationTime: Int64.min,
                metadata: ArticleMetadata(
                    byline: "Jane Doe, Ōno Kenji",
                    modified: PublicationDate(seconds: -86_400 * 365, offsetMinutes: -570),
                    site: "Daily ✓", url: "https://example.org/a?b=c", language: "ja",
                    description: "Tehran — \u{0}nul and all")),

            Article(
                path: "big.txt", title: "Big",
                body: (0..<40_000).map { "w\($0 % 977) " }.joined(), format: .text, sourceSize: 1 << 40,
                modificationTime: -1),
        ]
        for index in 0..<smallCount {
            let words = Int(random.next() % 40)
            articles.append(
                Article(
                    path: "reuters/\(index).txt", title: "Title \(index)",
                    body: (0..<words).map { _ in "word\(random.next() % 100)" }.joined(separator: " "),
                    format: index % 3 == 0 ? .html : .text, sourceSize: random.next() % 100_000,
                    modificationTime: Int64(bitPattern: random.next()),
                    metadata: index == 5
                        ? ArticleMetadata(
                            modified: PublicationDate(seconds: 1_700_000_000, offsetMinutes: nil), language: "en")
                        : ArticleMetadata()))
        }
        return articles
    }

    /// Writes `articles` with the given block size (or the default) and opens the store.
    func write(
        _ articles: [Article], in directory: TemporaryDirectory, blockSize: Int? = nil
    ) throws -> (DocumentStore, String) {
        let path = directory.url("store.docs")
        let writer =
            if let blockSize {
                try DocumentStoreWriter(
                    path: path, segmentID: segment, blockSize: blockSize, level: DocumentStoreWriter.compressionLevel)
            } else {
                try DocumentStoreWriter(path: path, segmentID: segment)
            }
        for article in articles { try writer.add(article) }
        #expect(writer.count == articles.count)
        _ = try writer.finish()
        return (try open(path), path)
    }

    func open(_ path: String) throws -> DocumentStore {
        try DocumentStore(file: try MappedFile(path: path), segmentID: segment)
    }

    /// Every article, read one by one and all in order.
    func readAll(_ store: DocumentStore) throws -> (byNumber: [Article], inOrder: [Article]) {
        var inOrder: [Article] = []
        try store.forEachArticle { (document, article) throws(IndexError) in
            #expect(Int(document) == inOrder.count)
            inOrder.append(article)
        }
        return (try (0..<UInt32(store.count)).map { try store.article($0) }, inOrder)
    }

    /// The block index read straight from the file's bytes, as the spec lays it out.
    func blockIndex(_ bytes: [UInt8]) -> [(firstDocument: Int, start: Int)] {
        func integer(at offset: Int, _ width: Int) -> Int {
            (0..<width).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        let trailer = bytes.count - IndexFileFooter.length - 24
        let blockCount = integer(at: trailer + 8, 8)
        let indexStart = integer(at: trailer + 16, 8)
        #expect(indexStart + 12 * blockCount == trailer)
        return (0..<blockCount).map { (integer(at: indexStart + 12 * $0, 4), integer(at: indexStart + 12 * $0 + 4, 8)) }
    }

    @Test("varied articles round-trip, one by one and in order, with the default block size")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let articles = variedArticles(smallCount: 3_000)
        let (store, path) = try write(articles, in: directory)
        #expect(store.count == articles.count)
        let (byNumber, inOrder) = try readAll(store)
        #expect(byNumber == articles)
        #expect(inOrder == articles)
        let blocks = blockIndex(try readBytes(path))
        #expect(blocks.count > 5)
        #expect(blocks.first?.firstDocument == 0)
        // The big body (document 2) shares no block with document 3.
        #expect(blocks.contains { $0.firstDocument == 3 })
        // Compression pays: the file is under half the size of the texts alone.
        let texts = articles.reduce(0) { $0 + $1.path.utf8.count + $1.title.utf8.count + $1.body.utf8.count }
        #expect(try readBytes(path).count < texts / 2)
    }

    @Test("documents at every block boundary, with tiny blocks", arguments: [1, 100, 1_000])
    func blockBoundaries(blockSize: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let articles = variedArticles(smallCount: 400)
        let (store, path) = try write(articles, in: directory, blockSize: blockSize)
        let blocks = blockIndex(try readBytes(path))
        if blockSize == 1 { #expect(blocks.count == articles.count) }
        for (index, block) in blocks.enumerated() {
            if index > 0 {
                #expect(block.firstDocument > blocks[index - 1].firstDocument)
                #expect(block.start > blocks[index - 1].start)
            }
            for document in [block.firstDocument - 1, block.firstDocument, block.firstDocument + 1]
            where document >= 0 && document < articles.count {
                #expect(try store.article(UInt32(document)) == articles[document])
            }
        }
        #expect(try readAll(store).inOrder == articles)
        #expect(throws: IndexError.self) { try store.article(UInt32(articles.count)) }
    }

    @Test("a cursor reads documents in any order: increasing, repeated, backwards, jumping")
    func cursor() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let articles = variedArticles(smallCount: 500)
        let (store, _) = try write(articles, in: directory, blockSize: 2_000)
        var random = SplitMix(seed: 7)
        let orders: [[Int]] = [
            Array(articles.indices),
            articles.indices.filter { $0 % 3 == 0 },
            articles.indices.reversed(),
            [5, 5, 4, 6, 0, 502, 1, 502],
            (0..<1_000).map { _ in Int(random.next() % UInt64(articles.count)) },
        ]
        for order in orders {
            var cursor = DocumentStore.Cursor(store)
            for document in order { #expect(try cursor.article(UInt32(document)) == articles[document]) }
            #expect(throws: IndexError.self) { try cursor.article(UInt32(articles.count)) }
        }
    }

    @Test("an empty store opens, holds nothing, and refuses document 0")
    func empty() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, path) = try write([], in: directory)
        #expect(store.count == 0)
        #expect(blockIndex(try readBytes(path)).isEmpty)
        #expect(try readAll(store).inOrder.isEmpty)
        #expect(throws: IndexError.self) { try store.article(0) }
    }

    /// The error reading every document of the file at `path` (one by one,
    /// then in order) raises, opening included; nil if all of them read.
    func damage(at path: String) -> IndexError? {
        do {
            let store = try open(path)
            for document in 0..<UInt32(store.count) { _ = try store.article(document) }
            try store.forEachArticle { (_, _) throws(IndexError) in }
            return nil
        } catch let error as IndexError {
            return error
        } catch {
            Issue.record("not an IndexError: \(error)")
            return nil
        }
    }

    func expectCorrupt(_ path: String, at offset: Int? = nil, _ comment: Comment? = nil) {
        let error = damage(at: path)
        #expect(error?.code == .corruptIndex, comment)
        #expect(error?.path == path, comment)
        if let offset { #expect(error?.offset == offset, comment) }
    }

    /// zstd ignores a few bits (bitstream padding, parts of an unused table
    /// description), so a flip there changes nothing that is read; every other
    /// flip must be refused: zstd's frame checksum covers the decoded bytes.
    @Test("a flipped bit anywhere in a compressed block is refused, or changes nothing read")
    func flippedBitInBlock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let articles = variedArticles(smallCount: 60)
        let (_, path) = try write(articles, in: directory, blockSize: 1_000)
        let original = try readBytes(path)
        let blocks = blockIndex(original)
        var refused = 0
        var harmless = 0
        // Block 1, every byte: its UncompressedLength, then its frame.
        for offset in blocks[1].start..<blocks[2].start {
            for bit in [0x01, 0x80] as [UInt8] {
                var bytes = original
                bytes[offset] ^= bit
                try writeBytes(path, bytes)
                if let error = damage(at: path) {
                    #expect(error.code == .corruptIndex && error.path == path && error.offset == blocks[1].start)
                    refused += 1
                } else {
                    #expect(try readAll(try open(path)).inOrder == articles, "flip of \(bit) at \(offset)")
                    harmless += 1
                }
            }
        }
        #expect(harmless < refused / 20)
        print("zstd flips: \(refused) refused, \(harmless) harmless")
    }

    @Test("a file cut short anywhere is refused")
    func truncated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (_, path) = try write(variedArticles(smallCount: 30), in: directory, blockSize: 500)
        let original = try readBytes(path)
        for length in stride(from: 0, to: original.count, by: 7) {
            try writeBytes(path, Array(original.prefix(length)))
            let error = damage(at: path)
            #expect(error?.code == .corruptIndex, "cut at \(length)")
        }
    }

    /// Writes a store of 60 articles in 1 000-byte blocks, lets `change` edit
    /// its bytes (given the block index), and returns the path.
    func damaged(
        in directory: TemporaryDirectory, _ change: (inout [UInt8], [(firstDocument: Int, start: Int)]) -> Void
    ) throws -> String {
        // 64 articles: the last block must hold two records or more.
        let (_, path) = try write(variedArticles(smallCount: 64), in: directory, blockSize: 1_000)
        var bytes = try readBytes(path)
        change(&bytes, blockIndex(bytes))
        reseal(&bytes)
        try writeBytes(path, bytes)
        return path
    }

    func put(_ value: UInt64, width: Int, at offset: Int, in bytes: inout [UInt8]) {
        for k in 0..<width { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
    }

    func entryOffset(_ bytes: [UInt8], _ block: Int) -> Int {
        let trailer = bytes.count - IndexFileFooter.length - 24
        return (0..<8).reduce(0) { $0 | Int(bytes[trailer + 16 + $1]) << (8 * $1) } + 12 * block
    }

    @Test(
        "a block index entry pointing outside the blocks, or out of order, is refused by name",
        arguments: [
            UInt64.max, UInt64(Int64.max), 1 << 40, 0, 10,
        ])
    func blockStartOutside(value: UInt64) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var entry = 0
        let path = try damaged(in: directory) { bytes, _ in
            entry = entryOffset(bytes, 3)
            put(value, width: 8, at: entry + 4, in: &bytes)
        }
        expectCorrupt(path, "BlockStart \(value)")
        // The block before reaches to this one's start, so it is refused as well: read it alone.
        let store = try open(path)
        let error = try #require(throws: IndexError.self) {
            for document in 0..<UInt32(store.count) { _ = try store.article(document) }
        }
        #expect([entry, entry - 12].contains(error.offset))
    }

    @Test("a block start past the index, and first documents out of order, are refused")
    func blockEntriesDisagree() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The last block ending where the index starts, its start just past it.
        var path = try damaged(in: directory) { bytes, blocks in
            put(UInt64(entryOffset(bytes, 0) + 1), width: 8, at: entryOffset(bytes, blocks.count - 1) + 4, in: &bytes)
        }
        expectCorrupt(path)
        // Block 2 claiming to start with a document before block 1's.
        path = try damaged(in: directory) { bytes, _ in
            put(0, width: 4, at: entryOffset(bytes, 2), in: &bytes)
        }
        expectCorrupt(path)
        // Block 2 claiming documents past the last one.
        path = try damaged(in: directory) { bytes, _ in
            put(UInt64(UInt32.max), width: 4, at: entryOffset(bytes, 2), in: &bytes)
        }
        expectCorrupt(path)
    }

    @Test(
        "an uncompressed length that is absurd or off by one is refused before decompressing",
        arguments: [UInt64(UInt32.max), 1 << 30, 0])
    func absurdLength(value: UInt64) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var start = 0
        let path = try damaged(in: directory) { bytes, blocks in
            start = blocks[1].start
            put(value, width: 4, at: start, in: &bytes)
        }
        expectCorrupt(path, at: start)
        let offByOne = try damaged(in: directory) { bytes, blocks in
            bytes[blocks[1].start] &+= 1
        }
        expectCorrupt(offByOne, at: start)
    }

    @Test("a block with bytes after its records is found when reading in order")
    func bytesAfterRecords() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The trailer says one document fewer: the last block holds a record too many.
        let path = try damaged(in: directory) { bytes, _ in
            let trailer = bytes.count - IndexFileFooter.length - 24
            bytes[trailer] &-= 1
        }
        let store = try open(path)
        #expect(try store.article(0).path == "")
        let error = try #require(throws: IndexError.self) { try store.forEachArticle { (_, _) throws(IndexError) in } }
        #expect(error.code == .corruptIndex)
        #expect(error.message.contains("after its"))
    }

    @Test("a trailer that does not fit the file is refused at open")
    func badTrailer() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (field, value) in [(0, UInt64.max), (8, 0), (8, 1 << 33), (16, 0), (16, UInt64.max)] {
            let path = try damaged(in: directory) { bytes, _ in
                put(value, width: 8, at: bytes.count - IndexFileFooter.length - 24 + field, in: &bytes)
            }
            let error = try #require(throws: IndexError.self) { try open(path) }
            #expect(error.code == .corruptIndex)
        }
    }
}
