import NewsCore

/// Writes the per-document numbers (IndexFileFormat.md, "Norms"): BM25's
/// field norms, the document lengths, and from version 6 the publication dates.
///
/// NormsFile := Header, DocumentCount u32, Length^DocumentCount (u32), SumOfLengths u64,
///              Published^DocumentCount (i64), Offset^DocumentCount (i16), Footer
///
/// Lengths are exact token counts. Lucene and tantivy squeeze them into one
/// byte each (a lossy float); we keep 4 bytes a document so that BM25 uses the
/// true length, at 4 MB per million documents. Dates are columns, as Lucene's
/// numeric doc values are, so that a `date:` filter reads 10 bytes a candidate.
public enum DocumentLengthsWriter {
    /// `Published` of a document without a date.
    public static let noDate = Int64.min
    /// `Offset` of a date without a time.
    public static let noTime = Int16.min

    public static func write(
        _ lengths: [UInt32], published: [PublicationDate?], path: String, segmentID: SegmentID
    ) throws(IndexError) -> (length: Int, checksum: UInt32) {
        precondition(published.count == lengths.count, "a date (or none) for every document")
        let file = try IndexFileWriter(path: path, kind: .norms, segmentID: segmentID)
        try file.writeUInt32(UInt32(lengths.count))
        var sum: UInt64 = 0
        for length in lengths {
            try file.writeUInt32(length)
            sum += UInt64(length)
        }
        try file.writeUInt64(sum)
        for date in published { try file.writeUInt64(UInt64(bitPattern: date?.seconds ?? noDate)) }
        var offsets: [UInt8] = []
        offsets.reserveCapacity(published.count * 2)
        for date in published {
            let offset = UInt16(bitPattern: date.map { $0.offsetMinutes ?? noTime } ?? 0)
            offsets.append(UInt8(truncatingIfNeeded: offset))
            offsets.append(UInt8(truncatingIfNeeded: offset >> 8))
        }
        try file.write(offsets)
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

    /// Whether the file has the publication-date columns (version 6 on):
    /// without them no document has a known date.
    public let hasDates: Bool
    private let publishedStart: Int
    private let offsetStart: Int

    public init(file: MappedFile, segmentID: SegmentID) throws(IndexError) {
        self.file = file
        let (header, offset) = try IndexFileHeader.read(from: file, expecting: .norms)
        try checkSegment(header, segmentID, file)
        documentCount = try file.uint32(at: offset)
        start = offset + 4
        let sumOffset = start + Int(documentCount) * 4
        hasDates = header.version >= 6
        publishedStart = sumOffset + 8
        offsetStart = publishedStart + (hasDates ? Int(documentCount) * 8 : 0)
        let end = offsetStart + (hasDates ? Int(documentCount) * 2 : 0)
        guard end == file.count - IndexFileFooter.length else {
            throw IndexError.corrupt("norms length does not match its document count", path: file.path, offset: offset)
        }
        sumOfLengths = try file.uint64(at: sumOffset)
        // Each length is a UInt32: a larger sum is damage (and summed over
        // segments it could overflow).
        guard sumOfLengths <= UInt64(documentCount) * UInt64(UInt32.max) else {
            throw IndexError.corrupt(
                "the sum of the lengths, \(sumOfLengths), is more than \(documentCount) lengths can add up to",
                path: file.path, offset: sumOffset)
        }
    }

    /// The publication date of `document`; nil if it has none, or the
    /// file predates dates (``hasDates``).
    public func published(_ document: UInt32) throws(IndexError) -> PublicationDate? {
        guard hasDates else { return nil }
        let seconds = Int64(bitPattern: try file.uint64(at: publishedStart + Int(document) * 8))
        if seconds == DocumentLengthsWriter.noDate { return nil }
        guard PublicationDate.validSeconds.contains(seconds) else {
            throw IndexError.corrupt(
                "document \(document)'s publication date is \(seconds) seconds from 1970, outside years 1 to 9999",
                path: file.path, offset: publishedStart + Int(document) * 8)
        }
        let low = try file.byte(at: offsetStart + Int(document) * 2)
        let high = try file.byte(at: offsetStart + Int(document) * 2 + 1)
        let offset = Int16(bitPattern: UInt16(low) | UInt16(high) << 8)
        if offset == DocumentLengthsWriter.noTime { return PublicationDate(seconds: seconds, offsetMinutes: nil) }
        guard abs(Int(offset)) <= Int(PublicationDate.maximumOffsetMinutes) else {
            throw IndexError.corrupt(
                "document \(document)'s time zone offset is \(offset) minutes", path: file.path,
                offset: offsetStart + Int(document) * 2)
        }
        return PublicationDate(seconds: seconds, offsetMinutes: offset)
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
