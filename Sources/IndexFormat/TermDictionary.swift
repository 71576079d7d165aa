/// What the dictionary knows of one term.
public struct TermInfo: Equatable, Sendable {
    public var documentFrequency: UInt32
    public var totalTermFrequency: UInt64
    public var postingsStart: Int
    public var postingsLength: Int
    public var positionsStart: Int
    public var positionsLength: Int

    public init(
        documentFrequency: UInt32, totalTermFrequency: UInt64, postingsStart: Int, postingsLength: Int,
        positionsStart: Int, positionsLength: Int
    ) {
        self.documentFrequency = documentFrequency
        self.totalTermFrequency = totalTermFrequency
        self.postingsStart = postingsStart
        self.postingsLength = postingsLength
        self.positionsStart = positionsStart
        self.positionsLength = positionsLength
    }
}

/// Writes the term dictionary (IndexFileFormat.md, "Terms").
///
/// TermsFile := Header, TermBytes, Padding, TermEntry^TermCount, Trailer, Footer
/// TermEntry := TermStart u32, TermLength u32, DocFreq u32, PostingsLength u32,
///              TotalTermFreq u64, PostingsStart u64, PositionsStart u64, PositionsLength u64
/// Trailer := TermCount u64, TermBytesStart u64, EntriesStart u64
///
/// Call order: `add` for each term in strictly increasing bytewise order, then `finish`.
/// Entries have a fixed width (48 bytes) so that a reader binary-searches them
/// in the mapped file without loading the dictionary.
public final class TermDictionaryWriter {
    static let entryLength = 48
    private let file: IndexFileWriter
    private var entries: [UInt8] = []
    private var count: UInt64 = 0
    private let termBytesStart: Int
    private var previous: [UInt8]? = nil

    public init(path: String, segmentID: SegmentID) throws(IndexError) {
        file = try IndexFileWriter(path: path, kind: .terms, segmentID: segmentID)
        termBytesStart = file.offset
    }

    public func add(term: Span<UInt8>, info: TermInfo) throws(IndexError) {
        precondition(term.count <= 0xFFFF)
        let termStart = file.offset - termBytesStart
        try file.write(term)
        entries.appendUInt32(UInt32(termStart))
        entries.appendUInt32(UInt32(term.count))
        entries.appendUInt32(info.documentFrequency)
        entries.appendUInt32(UInt32(info.postingsLength))
        entries.appendUInt64(info.totalTermFrequency)
        entries.appendUInt64(UInt64(info.postingsStart))
        entries.appendUInt64(UInt64(info.positionsStart))
        entries.appendUInt64(UInt64(info.positionsLength))
        count += 1
    }

    public func finish() throws(IndexError) -> (length: Int, checksum: UInt32) {
        try file.align(to: 8)
        let entriesStart = file.offset
        try file.write(entries)
        try file.writeUInt64(count)
        try file.writeUInt64(UInt64(termBytesStart))
        try file.writeUInt64(UInt64(entriesStart))
        return try file.finish()
    }
}

/// Reads the term dictionary from its mapped file; lookups binary-search the
/// fixed-width entries in place (O(log n) page touches, nothing loaded up front).
public struct TermDictionary: Sendable {
    public let file: MappedFile
    public let count: Int
    private let termBytesStart: Int
    private let entriesStart: Int

    public init(file: MappedFile, segmentID: SegmentID) throws(IndexError) {
        self.file = file
        let (header, _) = try IndexFileHeader.read(from: file, expecting: .terms)
        try checkSegment(header, segmentID, file)
        let (_, bodyEnd) = try IndexFileFooter.read(from: file)
        let trailer = bodyEnd - 24
        let count = try file.uint64(at: trailer)
        termBytesStart = Int(truncatingIfNeeded: try file.uint64(at: trailer + 8))
        entriesStart = Int(truncatingIfNeeded: try file.uint64(at: trailer + 16))
        guard count <= UInt64(Int.max / TermDictionaryWriter.entryLength),
            entriesStart >= termBytesStart, termBytesStart >= header.encodedLength, entriesStart <= trailer,
            (trailer - entriesStart) / TermDictionaryWriter.entryLength == Int(count),
            (trailer - entriesStart) % TermDictionaryWriter.entryLength == 0
        else {
            throw IndexError.corrupt("term dictionary trailer does not fit the file", path: file.path, offset: trailer)
        }
        self.count = Int(count)
    }

    private func entryOffset(_ index: Int) -> Int { entriesStart + index * TermDictionaryWriter.entryLength }

    /// The bytes of term number `index` (terms are numbered in sorted order).
    public func term(at index: Int) throws(IndexError) -> [UInt8] {
        let entry = entryOffset(index)
        let start = Int(try file.uint32(at: entry))
        let length = Int(try file.uint32(at: entry + 4))
        guard start + length <= entriesStart - termBytesStart else {
            throw IndexError.corrupt("term \(index) points outside the term bytes", path: file.path, offset: entry)
        }
        return try file.bytes(at: termBytesStart + start, count: length)
    }

    public func info(at index: Int) throws(IndexError) -> TermInfo {
        let entry = entryOffset(index)
        return TermInfo(
            documentFrequency: try file.uint32(at: entry + 8),
            totalTermFrequency: try file.uint64(at: entry + 16),
            postingsStart: Int(truncatingIfNeeded: try file.uint64(at: entry + 24)),
            postingsLength: Int(try file.uint32(at: entry + 12)),
            positionsStart: Int(truncatingIfNeeded: try file.uint64(at: entry + 32)),
            positionsLength: Int(truncatingIfNeeded: try file.uint64(at: entry + 40)))
    }

    /// Compares term number `index` with `key`, bytewise: -1, 0 or 1.
    private func compare(term index: Int, with key: Span<UInt8>) throws(IndexError) -> Int {
        let entry = entryOffset(index)
        let start = Int(try file.uint32(at: entry))
        let length = Int(try file.uint32(at: entry + 4))
        guard start + length <= entriesStart - termBytesStart else {
            throw IndexError.corrupt("term \(index) points outside the term bytes", path: file.path, offset: entry)
        }
        return try file.compare(at: termBytesStart + start, count: length, with: key)
    }

    /// Finds `term` by binary search; nil if the index does not contain it.
    public func lookup(_ term: Span<UInt8>) throws(IndexError) -> TermInfo? {
        var low = 0
        var high = count - 1
        while low <= high {
            let middle = (low + high) / 2
            let order = try compare(term: middle, with: term)
            if order == 0 { return try info(at: middle) }
            if order < 0 { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    /// The number of the first term not less than `term` (bytewise): where a
    /// scan of the terms with a prefix starts.
    public func lowerBound(_ term: [UInt8]) throws(IndexError) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if try compare(term: middle, with: term.span) < 0 {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    /// The numbers of the terms that start with `byte`: a contiguous run of
    /// the sorted dictionary (the actor terms are those starting with "@").
    public func range(withPrefix byte: UInt8) throws(IndexError) -> Range<Int> {
        let first = try lowerBound([byte])
        return byte == 0xFF ? first..<count : first..<(try lowerBound([byte + 1]))
    }

    public func lookup(_ term: [UInt8]) throws(IndexError) -> TermInfo? {
        try lookup(term.span)
    }
}

func checkSegment(_ header: IndexFileHeader, _ expected: SegmentID, _ file: MappedFile) throws(IndexError) {
    guard header.segmentID == expected else {
        throw IndexError.corrupt(
            "belongs to segment \(header.segmentID), not to the committed segment \(expected)", path: file.path)
    }
}
