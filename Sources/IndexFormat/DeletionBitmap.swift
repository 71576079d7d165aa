/// Which documents of a segment are deleted (IndexFileFormat.md, "Deletions").
///
/// DeletionsFile := Header, DocumentCount u32, DeletedCount u32, Word^⌈DocumentCount/64⌉ (u64), Footer
///
/// Bit `d % 64` of word `d / 64` is set when document `d` is deleted; bits past
/// the last document are zero. A segment's files never change once written, so
/// deleting documents writes a new deletions file, named by the commit's
/// generation (`seg-<number>_<generation>.del`), and the manifest points at it.
/// Lucene keeps its live-docs bitset the same way (`_<segment>_<gen>.liv`).
public struct DeletionBitmap: Sendable, Equatable {
    public private(set) var words: [UInt64]
    public let documentCount: UInt32
    public private(set) var deletedCount: UInt32 = 0

    public init(documentCount: UInt32) {
        self.documentCount = documentCount
        words = [UInt64](repeating: 0, count: (Int(documentCount) + 63) / 64)
    }

    @inline(__always)
    public func isDeleted(_ document: UInt32) -> Bool {
        words[Int(document >> 6)] & (1 << UInt64(document & 63)) != 0
    }

    /// Marks `document` deleted; false if it already was.
    @discardableResult
    public mutating func delete(_ document: UInt32) -> Bool {
        precondition(document < documentCount)
        let bit: UInt64 = 1 << UInt64(document & 63)
        guard words[Int(document >> 6)] & bit == 0 else { return false }
        words[Int(document >> 6)] |= bit
        deletedCount += 1
        return true
    }

    public func write(path: String, segmentID: SegmentID) throws(IndexError) -> (length: Int, checksum: UInt32) {
        let file = try IndexFileWriter(path: path, kind: .deletions, segmentID: segmentID)
        try file.writeUInt32(documentCount)
        try file.writeUInt32(deletedCount)
        for word in words { try file.writeUInt64(word) }
        return try file.finish()
    }

    /// Reads and checksums a deletions file (it is small: one bit a document),
    /// checking it against the segment it belongs to.
    public init(file: MappedFile, segmentID: SegmentID, documentCount: UInt32, deletedCount: UInt32) throws(IndexError)
    {
        try IndexFileFooter.verify(file)
        let (header, start) = try IndexFileHeader.read(from: file, expecting: .deletions)
        try checkSegment(header, segmentID, file)
        let storedCount = try file.uint32(at: start)
        let storedDeleted = try file.uint32(at: start + 4)
        let wordCount = (Int(documentCount) + 63) / 64
        guard storedCount == documentCount, storedDeleted == deletedCount,
            start + 8 + wordCount * 8 == file.count - IndexFileFooter.length
        else {
            throw IndexError.corrupt(
                "deletions file does not match its segment (documents or deleted count)", path: file.path,
                offset: start)
        }
        self.documentCount = documentCount
        words = []
        words.reserveCapacity(wordCount)
        var counted = 0
        for index in 0..<wordCount {
            let word = try file.uint64(at: start + 8 + index * 8)
            if index == wordCount - 1, documentCount % 64 != 0 {
                guard word >> UInt64(documentCount % 64) == 0 else {
                    throw IndexError.corrupt(
                        "deletions file marks documents past the segment's end", path: file.path,
                        offset: start + 8 + index * 8)
                }
            }
            counted += word.nonzeroBitCount
            words.append(word)
        }
        guard counted == Int(deletedCount) else {
            throw IndexError.corrupt(
                "deletions file marks \(counted) documents but says \(deletedCount)", path: file.path, offset: start)
        }
        self.deletedCount = deletedCount
    }
}
