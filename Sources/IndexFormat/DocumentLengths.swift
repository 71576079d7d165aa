/// Writes the document lengths, BM25's field norms (IndexFileFormat.md, "Norms").
///
/// NormsFile := Header, DocumentCount u32, Length^DocumentCount (u32), SumOfLengths u64, Footer
///
/// Lengths are exact token counts. Lucene and tantivy squeeze them into one
/// byte each (a lossy float); we keep 4 bytes a document so that BM25 uses the
/// true length, at 4 MB per million documents.
public enum DocumentLengthsWriter {
    public static func write(
        _ lengths: [UInt32], path: String, segmentID: SegmentID
    ) throws(IndexError) -> (length: Int, checksum: UInt32) {
        let file = try IndexFileWriter(path: path, kind: .norms, segmentID: segmentID)
        try file.writeUInt32(UInt32(lengths.count))
        var sum: UInt64 = 0
        for length in lengths {
            try file.writeUInt32(length)
            sum += UInt64(length)
        }
        try file.writeUInt64(sum)
        return try file.finish()
    }
}

/// Reads document lengths from the mapped norms file. Opening checks its
/// structure, not its CRC (4 MB for a million documents: 2.5 ms of every
/// `gazette search` process); `verify` does, as Lucene's CheckIndex does for
/// its norms. A damaged length is still bounds-checked when read.
public struct DocumentLengths: Sendable {
    public let file: MappedFile
    public let documentCount: UInt32
    public let sumOfLengths: UInt64
    private let start: Int

    public init(file: MappedFile, segmentID: SegmentID) throws(IndexError) {
        self.file = file
        let (header, offset) = try IndexFileHeader.read(from: file, expecting: .norms)
        try checkSegment(header, segmentID, file)
        documentCount = try file.uint32(at: offset)
        start = offset + 4
        let sumOffset = start + Int(documentCount) * 4
        guard sumOffset + 8 == file.count - IndexFileFooter.length else {
            throw IndexError.corrupt("norms length does not match its document count", path: file.path, offset: offset)
        }
        sumOfLengths = try file.uint64(at: sumOffset)
    }

    @inline(__always)
    public func length(of document: UInt32) throws(IndexError) -> UInt32 {
        try file.uint32(at: start + Int(document) * 4)
    }

    /// Mean length; BM25's avgdl. 1 for an index whose documents are all empty.
    public var averageLength: Double {
        documentCount == 0 || sumOfLengths == 0 ? 1 : Double(sumOfLengths) / Double(documentCount)
    }
}
