import NewsCore

/// Writes the stored documents: what results and snippets show
/// (IndexFileFormat.md, "Documents").
///
/// DocumentsFile := Header, Record^DocumentCount, Offset^(DocumentCount+1) u64,
///                  DocumentCount u64, OffsetsStart u64, Footer
/// Record := Format u8, SourceSize VInt, ModificationTime VInt (two's complement),
///           PathLength VInt, Path, TitleLength VInt, Title, BodyLength VInt, Body
///
/// Offset i is where record i starts; offset DocumentCount is where the table starts.
/// Call order: `add` for documents 0, 1, 2, …, then `finish`. Records stream to
/// disk as they come; only the offsets stay in memory.
public final class DocumentStoreWriter {
    private let file: IndexFileWriter
    private var offsets: [UInt64] = []
    private var record: [UInt8] = []

    public init(path: String, segmentID: SegmentID) throws(IndexError) {
        file = try IndexFileWriter(path: path, kind: .documents, segmentID: segmentID)
    }

    public var count: Int { offsets.count }

    public func add(_ article: Article) throws(IndexError) {
        offsets.append(UInt64(file.offset))
        record.removeAll(keepingCapacity: true)
        record.append(article.format.rawValue)
        record.appendVInt(article.sourceSize)
        record.appendVInt(UInt64(bitPattern: article.modificationTime))
        for text in [article.path, article.title, article.body] {
            record.appendVInt(UInt64(text.utf8.count))
            record.append(contentsOf: text.utf8)
        }
        try file.write(record)
    }

    public func finish() throws(IndexError) -> (length: Int, checksum: UInt32) {
        let tableStart = UInt64(file.offset)
        for offset in offsets { try file.writeUInt64(offset) }
        try file.writeUInt64(tableStart)
        try file.writeUInt64(UInt64(offsets.count))
        try file.writeUInt64(tableStart)
        return try file.finish()
    }
}

/// Reads stored documents from the mapped file, one record at a time.
public struct DocumentStore: Sendable {
    public let file: MappedFile
    public let count: Int
    private let tableStart: Int

    public init(file: MappedFile, segmentID: SegmentID) throws(IndexError) {
        self.file = file
        let (header, headerEnd) = try IndexFileHeader.read(from: file, expecting: .documents)
        try checkSegment(header, segmentID, file)
        let (_, bodyEnd) = try IndexFileFooter.read(from: file)
        let count = try file.uint64(at: bodyEnd - 16)
        let tableStart = try file.uint64(at: bodyEnd - 8)
        guard count < UInt64(Int32.max), tableStart >= UInt64(headerEnd), tableStart <= UInt64(bodyEnd),
            UInt64(bodyEnd) - tableStart == (count + 1) * 8 + 16
        else {
            throw IndexError.corrupt("document table does not fit the file", path: file.path, offset: bodyEnd - 16)
        }
        self.count = Int(count)
        self.tableStart = Int(tableStart)
    }

    /// The stored article number `document`.
    public func article(_ document: UInt32) throws(IndexError) -> Article {
        let index = Int(document)
        guard index < count else {
            throw IndexError.corrupt("document \(document) is past the last one (\(count))", path: file.path)
        }
        var offset = Int(truncatingIfNeeded: try file.uint64(at: tableStart + index * 8))
        let end = Int(truncatingIfNeeded: try file.uint64(at: tableStart + index * 8 + 8))
        guard offset >= 0, offset < end, end <= tableStart else {
            throw IndexError.corrupt(
                "document \(document) has a bad record offset", path: file.path, offset: tableStart + index * 8)
        }
        guard let format = SourceFormat(rawValue: try file.byte(at: offset)) else {
            throw IndexError.corrupt("document \(document) has an unknown format", path: file.path, offset: offset)
        }
        offset += 1
        let size = try file.vint(at: &offset, limit: end)
        let time = Int64(bitPattern: try file.vint(at: &offset, limit: end))
        var texts: [String] = []
        for _ in 0..<3 {
            let length = try file.vint(at: &offset, limit: end)
            guard length <= UInt64(end - offset) else {
                throw IndexError.corrupt(
                    "document \(document) has a field past its record", path: file.path, offset: offset)
            }
            let bytes = try file.bytes(at: offset, count: Int(length))
            texts.append(String(decoding: bytes, as: UTF8.self))
            offset += Int(length)
        }
        return Article(
            path: texts[0], title: texts[1], body: texts[2], format: format, sourceSize: size,
            modificationTime: time)
    }
}
