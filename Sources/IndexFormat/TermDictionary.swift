import NewsCore

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
/// TermsFile := Header, Block^BlockCount, BlockIndex, Trailer, Footer
/// Block := TermsLength VInt, TermEntry^n (TermsLength bytes), InfoEntry^n
/// TermEntry := Shared VInt, SuffixLength VInt, Suffix
/// InfoEntry := Head VInt, [TotalTermFreq VInt], [PostingsGap VInt, PositionsGap VInt],
///              PostingsLength VInt, PositionsLength VInt
/// Head := DocFreq << 2 | IsContiguous << 1 | HasSameFrequency
/// BlockIndex := (SeparatorLength VInt, Separator, BlockLength VInt)^BlockCount
/// BlockTable := (BlockStart u64, EntryStart u32)^BlockCount        (version 6 on)
/// Trailer := TermCount u64, BlockIndexStart u64, BlockTableStart u64, BlockSize u32
///            (before version 6: TermCount u64, BlockIndexStart u64, BlockSize u32)
///
/// Call order: `add` for each term in strictly increasing bytewise order, then `finish`.
/// Terms go in blocks of `blockSize`, each front-coded against the term before
/// it and decodable on its own; the block index (one short separator and one
/// length a block) is what a lookup binary-searches, through the block
/// table's fixed-width entries, straight from the mapping. The layout follows
/// the block-based dictionaries of Lucene (`BlockTree`) and tantivy
/// (`sstable`): a lookup costs a binary search and the decoding of one block.
public final class TermDictionaryWriter {
    /// Terms per block unless the caller asks otherwise. Measured on Reuters-21578
    /// (77k terms): 64 would save 3% of the file for 1.3 to 1.6 times the
    /// instructions a lookup, 16 cost 6% more bytes for 0.7 to 0.8 times them
    /// (IndexFileFormat.md, "Terms", "Block size").
    public static let defaultBlockSize = 32
    /// The largest block size a reader accepts: blocks are meant to be decoded whole.
    public static let maximumBlockSize = 4096

    private let file: IndexFileWriter
    private let blockSize: Int
    private var count = 0
    private var previous: [UInt8] = []
    /// The block being filled: its term entries, its info entries, and how many.
    private var termEntries: [UInt8] = []
    private var infoEntries: [UInt8] = []
    private var termsInBlock = 0
    private var separator: [UInt8] = []
    /// Where the block's last term's postings and positions end (for the gaps).
    private var postingsEnd = 0
    private var positionsEnd = 0
    private var blockIndex: [UInt8] = []
    /// Each block's file offset and its block index entry's offset in `blockIndex`.
    private var blockTable: [UInt8] = []

    public convenience init(path: String, segmentID: SegmentID) throws(IndexError) {
        try self.init(path: path, segmentID: segmentID, blockSize: Self.defaultBlockSize)
    }

    /// A writer with `blockSize` terms a block (tests and measurements; 1 to
    /// ``maximumBlockSize``).
    public init(path: String, segmentID: SegmentID, blockSize: Int) throws(IndexError) {
        precondition(blockSize >= 1 && blockSize <= Self.maximumBlockSize, "block size out of range")
        self.blockSize = blockSize
        file = try IndexFileWriter(path: path, kind: .terms, segmentID: segmentID)
    }

    public func add(term: Span<UInt8>, info: TermInfo) throws(IndexError) {
        precondition(term.count <= 0xFFFF, "terms are at most 65,535 bytes")
        precondition(
            info.postingsStart >= 0 && info.postingsLength >= 0 && info.positionsStart >= 0
                && info.positionsLength >= 0, "negative offset or length")
        var shared = 0
        let limit = min(previous.count, term.count)
        while shared < limit && previous[shared] == term[shared] { shared += 1 }
        precondition(
            count == 0 || (shared < term.count && (shared == previous.count || term[shared] > previous[shared])),
            "terms must be added in strictly increasing bytewise order")
        if termsInBlock == 0 {
            // The shortest prefix of the block's first term that is greater than
            // the previous block's last term: the first `shared` bytes are equal,
            // so one more byte decides. The first block's separator is empty.
            separator.removeAll(keepingCapacity: true)
            if count > 0 { separator.append(term.extracting(0...shared)) }
            shared = 0
        }
        termEntries.appendVInt(UInt64(shared))
        termEntries.appendVInt(UInt64(term.count - shared))
        termEntries.append(term.extracting(shared..<term.count))

        // Starts are gaps from where the previous term of the block ends (from
        // 0 for a block's first term), so that a block decodes on its own.
        let postingsGap = info.postingsStart - postingsEnd
        let positionsGap = info.positionsStart - positionsEnd
        let isContiguous = postingsGap == 0 && positionsGap == 0
        let hasSameFrequency = info.totalTermFrequency == UInt64(info.documentFrequency)
        infoEntries.appendVInt(
            UInt64(info.documentFrequency) << 2 | (isContiguous ? 2 : 0) | (hasSameFrequency ? 1 : 0))
        if !hasSameFrequency { infoEntries.appendVInt(info.totalTermFrequency) }
        if !isContiguous {
            infoEntries.appendVInt(zigzag(postingsGap))
            infoEntries.appendVInt(zigzag(positionsGap))
        }
        infoEntries.appendVInt(UInt64(info.postingsLength))
        infoEntries.appendVInt(UInt64(info.positionsLength))
        postingsEnd = info.postingsStart + info.postingsLength
        positionsEnd = info.positionsStart + info.positionsLength

        previous.removeAll(keepingCapacity: true)
        previous.append(term)
        termsInBlock += 1
        count += 1
        if termsInBlock == blockSize { try finishBlock() }
    }

    private func finishBlock() throws(IndexError) {
        let start = file.offset
        blockTable.appendUInt64(UInt64(start))
        blockTable.appendUInt32(UInt32(blockIndex.count))
        try file.writeVInt(UInt64(termEntries.count))
        try file.write(termEntries)
        try file.write(infoEntries)
        blockIndex.appendVInt(UInt64(separator.count))
        blockIndex.append(contentsOf: separator)
        blockIndex.appendVInt(UInt64(file.offset - start))
        termEntries.removeAll(keepingCapacity: true)
        infoEntries.removeAll(keepingCapacity: true)
        termsInBlock = 0
        postingsEnd = 0
        positionsEnd = 0
    }

    public func finish() throws(IndexError) -> (length: Int, checksum: UInt32) {
        if termsInBlock > 0 { try finishBlock() }
        let blockIndexStart = file.offset
        precondition(blockIndex.count <= UInt32.max, "a block index under 4 GiB")
        try file.write(blockIndex)
        let blockTableStart = file.offset
        try file.write(blockTable)
        try file.writeUInt64(UInt64(count))
        try file.writeUInt64(UInt64(blockIndexStart))
        try file.writeUInt64(UInt64(blockTableStart))
        try file.writeUInt32(UInt32(blockSize))
        return try file.finish()
    }
}

/// Reads the term dictionary from its mapped file.
///
/// Opening reads the trailer only. A lookup binary-searches the separators
/// through the block table (version 6 on: fixed-width entries, so nothing is
/// decoded ahead), then decodes the one block that may hold the term, all
/// straight from the mapping; term number `n` is in block `n / blockSize`.
/// Before version 6 the block index had no table, and opening decodes it
/// into memory: on the 1M-article index's 100k blocks, 7.4 M instructions,
/// a fifth of a whole `gazette search` process (callgrind), which is why
/// version 6 added the table.
///
/// Every value decoded from disk is checked; damage throws
/// ``IndexError/Code/corruptIndex`` with the file and the byte offset. Lookups
/// check what they decode (VInts inside their block, prefix lengths, lengths
/// inside the block); ``TermIterator`` (used by `verify`) also checks the order
/// of every term, the separators and that each block is used to its last byte.
public struct TermDictionary: Sendable {
    public let file: MappedFile
    public let count: Int
    /// Terms per block (the last block may hold fewer).
    public let blockSize: Int
    public let blockCount: Int
    /// Where the first block starts (the header's end).
    private let blocksStart: Int
    /// Where the block index starts: the end of the last block.
    private let blockIndexStart: Int
    /// Version 6 on: where the block table starts (its end is the trailer's start).
    private let blockTableStart: Int?
    /// Before version 6: the block index, decoded at open.
    private let loaded: LoadedBlockIndex?

    /// A block index decoded whole: the file offset of each block, then the
    /// end of the last; the separators concatenated, block `b`'s ending at `ends[b]`.
    struct LoadedBlockIndex: Sendable {
        var starts: [Int]
        var separators: [UInt8]
        var ends: [Int]
    }

    static let trailerLength = 20
    static let tableTrailerLength = 28
    static let tableEntryLength = 12

    public init(file: MappedFile, segmentID: SegmentID) throws(IndexError) {
        self.file = file
        let (header, _) = try IndexFileHeader.read(from: file, expecting: .terms)
        try checkSegment(header, segmentID, file)
        let (_, bodyEnd) = try IndexFileFooter.read(from: file)
        let blocksStart = header.encodedLength
        let hasTable = header.version >= 6
        let trailer = bodyEnd - (hasTable ? Self.tableTrailerLength : Self.trailerLength)
        guard trailer >= blocksStart else {
            throw IndexError.corrupt("term dictionary too short for its trailer", path: file.path, offset: trailer)
        }
        let count = try file.uint64(at: trailer)
        let blockIndexStart = try file.uint64(at: trailer + 8)
        let tableStart = hasTable ? try file.uint64(at: trailer + 16) : UInt64(trailer)
        let blockSize = try file.uint32(at: trailer + (hasTable ? 24 : 16))
        // Every term costs at least 5 bytes (two term VInts and three info VInts)
        // and every block index entry 2, which bounds what is allocated below.
        guard blockSize >= 1, blockSize <= TermDictionaryWriter.maximumBlockSize,
            blockIndexStart >= UInt64(blocksStart), blockIndexStart <= tableStart, tableStart <= UInt64(trailer),
            count <= (blockIndexStart - UInt64(blocksStart)) / 5
        else {
            throw IndexError.corrupt("term dictionary trailer does not fit the file", path: file.path, offset: trailer)
        }
        self.count = Int(count)
        self.blockSize = Int(blockSize)
        let blockCount = (self.count + self.blockSize - 1) / self.blockSize
        self.blockCount = blockCount
        self.blocksStart = blocksStart
        self.blockIndexStart = Int(blockIndexStart)
        guard blockCount <= (Int(tableStart) - self.blockIndexStart) / 2 else {
            throw IndexError.corrupt(
                "block index too short for \(blockCount) blocks", path: file.path, offset: self.blockIndexStart)
        }
        if hasTable {
            guard Int(tableStart) + blockCount * Self.tableEntryLength == trailer else {
                throw IndexError.corrupt(
                    "block table does not hold \(blockCount) entries", path: file.path, offset: Int(tableStart))
            }
            blockTableStart = Int(tableStart)
            loaded = nil
        } else {
            blockTableStart = nil
            loaded = try Self.decodeBlockIndex(
                file, blocksStart: blocksStart, indexStart: self.blockIndexStart, end: trailer, blockCount: blockCount)
        }
    }

    /// Decodes a block index whole, checking that the separators increase
    /// and that the block lengths add up to the blocks exactly.
    static func decodeBlockIndex(
        _ file: MappedFile, blocksStart: Int, indexStart: Int, end: Int, blockCount: Int
    ) throws(IndexError) -> LoadedBlockIndex {
        let path = file.path
        return try file.withBytes(at: indexStart, count: end - indexStart) {
            (bytes: Span<UInt8>) throws(IndexError) -> LoadedBlockIndex in
            var starts: [Int] = []
            var separators: [UInt8] = []
            var ends: [Int] = []
            starts.reserveCapacity(blockCount + 1)
            ends.reserveCapacity(blockCount)
            separators.reserveCapacity(bytes.count - 2 * blockCount)
            starts.append(blocksStart)
            var position = 0
            var previous = 0..<0
            for block in 0..<blockCount {
                let entry = indexStart + position
                let separatorLength = readVInt(bytes, &position, bytes.count)
                guard position <= bytes.count, separatorLength <= UInt64(bytes.count - position) else {
                    throw IndexError.corrupt(
                        "block \(block)'s separator runs past the block index", path: path, offset: entry)
                }
                let current = position..<(position + Int(separatorLength))
                if block > 0 && compareBytes(bytes.extracting(previous), bytes.extracting(current)) >= 0 {
                    throw IndexError.corrupt(
                        "block \(block)'s separator is not after block \(block - 1)'s", path: path, offset: entry)
                }
                separators.append(bytes.extracting(current))
                ends.append(separators.count)
                previous = current
                position += Int(separatorLength)
                let length = readVInt(bytes, &position, bytes.count)
                guard position <= bytes.count, length >= 1, length <= UInt64(indexStart - starts[block]) else {
                    throw IndexError.corrupt(
                        "block \(block)'s length is zero or runs past the blocks", path: path, offset: entry)
                }
                starts.append(starts[block] + Int(length))
            }
            guard position == bytes.count, starts[blockCount] == indexStart else {
                throw IndexError.corrupt(
                    "the block lengths do not add up to the blocks, or the block index has bytes to spare",
                    path: path, offset: indexStart + position)
            }
            return LoadedBlockIndex(starts: starts, separators: separators, ends: ends)
        }.get()
    }

    /// Checks the block table (version 6) against the block index it
    /// summarises, which is decoded whole: `verify`'s part, since a search
    /// reads the table without decoding the index.
    public func verifyBlockTable() throws(IndexError) {
        guard let blockTableStart else { return }
        let decoded = try Self.decodeBlockIndex(
            file, blocksStart: blocksStart, indexStart: blockIndexStart, end: blockTableStart,
            blockCount: blockCount)
        var entryStart = 0
        for block in 0..<blockCount {
            let separator = decoded.separators[(block == 0 ? 0 : decoded.ends[block - 1])..<decoded.ends[block]]
            guard try blockStart(block) == decoded.starts[block], try self.separator(of: block) == Array(separator),
                try file.uint32(at: blockTableStart + block * Self.tableEntryLength + 8) == UInt32(entryStart)
            else {
                throw IndexError.corrupt(
                    "block table entry \(block) disagrees with the block index", path: file.path,
                    offset: blockTableStart + block * Self.tableEntryLength)
            }
            var entry: [UInt8] = []
            entry.appendVInt(UInt64(separator.count))
            entry.appendVInt(UInt64(decoded.starts[block + 1] - decoded.starts[block]))
            entryStart += entry.count + separator.count
        }
    }

    /// The block that holds `key` if any block does: the last whose separator
    /// is not greater than `key` (block 0 for a key before every separator).
    private func block(for key: Span<UInt8>) throws(IndexError) -> Int {
        var low = 0
        var high = blockCount
        while low < high {
            let middle = (low + high) / 2
            let order = try withSeparator(of: middle) { separator in compareBytes(separator, key) }
            if order <= 0 {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return max(low - 1, 0)
    }

    /// Calls `body` with the separator of `block`, from memory (before
    /// version 6) or from the mapping through the block table.
    private func withSeparator<R>(of block: Int, _ body: (Span<UInt8>) -> R) throws(IndexError) -> R {
        if let loaded {
            let range = (block == 0 ? 0 : loaded.ends[block - 1])..<loaded.ends[block]
            return body(loaded.separators.span.extracting(range))
        }
        let entryStart = Int(try file.uint32(at: blockTableStart! + block * Self.tableEntryLength + 8))
        let limit = blockTableStart! - blockIndexStart
        guard entryStart < limit else {
            throw IndexError.corrupt(
                "block \(block)'s index entry is past the block index", path: file.path,
                offset: blockTableStart! + block * Self.tableEntryLength)
        }
        let path = file.path
        return try file.withBytes(at: blockIndexStart + entryStart, count: limit - entryStart) {
            (bytes: Span<UInt8>) throws(IndexError) -> R in
            var position = 0
            let length = readVInt(bytes, &position, bytes.count)
            guard position <= bytes.count, length <= UInt64(bytes.count - position) else {
                throw IndexError.corrupt(
                    "block \(block)'s separator runs past the block index", path: path,
                    offset: blockIndexStart + entryStart)
            }
            return body(bytes.extracting(position..<(position + Int(length))))
        }.get()
    }

    /// The bytes of term number `index` (terms are numbered in sorted order).
    public func term(at index: Int) throws(IndexError) -> [UInt8] {
        precondition(index >= 0 && index < count, "term number out of range")
        let block = index / blockSize
        let path = file.path
        let separator = try separator(of: block)
        let inBlock = index - block * blockSize
        return try withBlock(block) { (bytes: Span<UInt8>, layout: BlockLayout) throws(IndexError) -> [UInt8] in
            var term = TermBuffer()
            var position = layout.termsStart
            for k in 0...inBlock {
                try Self.decodeTerm(bytes, &position, layout, isFirst: k == 0, into: &term, path: path)
                if k == 0 && term.compare(with: separator.span) < 0 {
                    throw IndexError.corrupt(
                        "block \(block)'s first term is before its separator", path: path, offset: layout.start)
                }
            }
            return term.array
        }
    }

    /// What the dictionary knows of term number `index`.
    public func info(at index: Int) throws(IndexError) -> TermInfo {
        precondition(index >= 0 && index < count, "term number out of range")
        let block = index / blockSize
        let inBlock = index - block * blockSize
        let path = file.path
        return try withBlock(block) { (bytes: Span<UInt8>, layout: BlockLayout) throws(IndexError) -> TermInfo in
            try Self.decodeInfos(bytes, layout, upTo: inBlock, path: path)
        }
    }

    /// Finds `term`; nil if the index does not contain it.
    public func lookup(_ term: Span<UInt8>) throws(IndexError) -> TermInfo? {
        guard count > 0 else { return nil }
        let path = file.path
        return try withBlock(try block(for: term)) {
            (bytes: Span<UInt8>, layout: BlockLayout) throws(IndexError) -> TermInfo? in
            let (index, found) = try Self.scan(bytes, layout, for: term, path: path)
            return found ? try Self.decodeInfos(bytes, layout, upTo: index, path: path) : nil
        }
    }

    public func lookup(_ term: [UInt8]) throws(IndexError) -> TermInfo? {
        try lookup(term.span)
    }

    /// The number of the first term not less than `term` (bytewise): where a
    /// scan of the terms with a prefix starts.
    public func lowerBound(_ term: [UInt8]) throws(IndexError) -> Int {
        guard count > 0 else { return 0 }
        let block = try block(for: term.span)
        let path = file.path
        let index = try withBlock(block) { (bytes: Span<UInt8>, layout: BlockLayout) throws(IndexError) -> Int in
            try Self.scan(bytes, layout, for: term.span, path: path).index
        }
        return block * blockSize + index
    }

    /// The numbers of the terms that start with `byte`: a contiguous run of
    /// the sorted dictionary (the actor terms are those starting with "@").
    public func range(withPrefix byte: UInt8) throws(IndexError) -> Range<Int> {
        let first = try lowerBound([byte])
        return byte == 0xFF ? first..<count : first..<(try lowerBound([byte + 1]))
    }

    /// An iterator over the terms in order from term number `start`.
    public func makeIterator(from start: Int = 0) -> TermIterator {
        TermIterator(self, from: start)
    }

    /// The file offset of `block`; of `blockCount`, the end of the last block.
    func blockStart(_ block: Int) throws(IndexError) -> Int {
        if let loaded { return loaded.starts[block] }
        if block == blockCount { return blockIndexStart }
        let entry = blockTableStart! + block * Self.tableEntryLength
        let start = try file.uint64(at: entry)
        guard start >= UInt64(blocksStart), start < UInt64(blockIndexStart) else {
            throw IndexError.corrupt("block \(block)'s start is outside the blocks", path: file.path, offset: entry)
        }
        return Int(start)
    }

    func separator(of block: Int) throws(IndexError) -> [UInt8] {
        try withSeparator(of: block) { $0.array }
    }
}

func checkSegment(_ header: IndexFileHeader, _ expected: SegmentID, _ file: MappedFile) throws(IndexError) {
    guard header.segmentID == expected else {
        throw IndexError.corrupt(
            "belongs to segment \(header.segmentID), not to the committed segment \(expected)", path: file.path)
    }
}
