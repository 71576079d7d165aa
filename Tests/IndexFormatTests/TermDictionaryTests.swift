import IndexFormat
import NewsCore
import TestSupport
import Testing

/// A dictionary written to a temporary file, with the terms and infos it holds.
struct WrittenDictionary {
    let directory: TemporaryDirectory
    let path: String
    let terms: [[UInt8]]
    let infos: [TermInfo]
    static let segmentID = SegmentID(bytes: Array(0..<16))

    init(_ terms: [[UInt8]], blockSize: Int? = nil, seed: UInt64 = 1) throws {
        directory = try TemporaryDirectory()
        path = directory.path + "/t.terms"
        self.terms = terms
        infos = makeInfos(count: terms.count, seed: seed)
        let writer =
            try blockSize.map { try TermDictionaryWriter(path: path, segmentID: Self.segmentID, blockSize: $0) }
            ?? TermDictionaryWriter(path: path, segmentID: Self.segmentID)
        for (term, info) in zip(terms, infos) { try writer.add(term: term.span, info: info) }
        _ = try writer.finish()
    }

    func open() throws(IndexError) -> TermDictionary {
        try TermDictionary(file: MappedFile(path: path), segmentID: Self.segmentID)
    }
}

/// Infos as a postings writer makes them (starts following the previous
/// term's end), with now and then a gap or a jump back, an empty positions
/// range, a frequency equal to the document frequency, and values of every width.
func makeInfos(count: Int, seed: UInt64) -> [TermInfo] {
    var generator = SplitMix(seed: seed)
    var postings = 41
    var positions = 42
    var infos: [TermInfo] = []
    for _ in 0..<count {
        let r = generator.next()
        let documentFrequency = r % 7 == 0 ? UInt32.max - UInt32(r % 3) : UInt32(1 + r % 300)
        let totalTermFrequency = r % 3 == 0 ? UInt64(documentFrequency) : UInt64(documentFrequency) + r % 100_000
        let postingsLength = Int(generator.next() % (r % 11 == 0 ? 1 << 40 : 500))
        let positionsLength = r % 5 == 0 ? 0 : Int(generator.next() % 5000)
        switch r % 13 {
        case 0: postings += Int(generator.next() % 1000)  // a gap
        case 1: postings = max(0, postings - Int(generator.next() % 1000))  // back
        default: break
        }
        if r % 17 == 0 { positions = Int(generator.next() % (1 << 50)) }
        infos.append(
            TermInfo(
                documentFrequency: documentFrequency, totalTermFrequency: totalTermFrequency,
                postingsStart: postings, postingsLength: postingsLength, positionsStart: positions,
                positionsLength: positionsLength))
        postings += postingsLength
        positions += positionsLength
    }
    return infos
}

/// Sorted, distinct random terms: `count` of them, from `alphabet`, 0 to `maximumLength` bytes.
func randomTerms(count: Int, alphabet: [UInt8], maximumLength: Int, seed: UInt64) -> [[UInt8]] {
    var generator = SplitMix(seed: seed)
    var terms = Set<[UInt8]>()
    while terms.count < count {
        let length = Int(generator.next() % UInt64(maximumLength + 1))
        terms.insert((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
    return terms.sorted { $0.lexicographicallyPrecedes($1) }
}

/// The number of the first term not less than `key`, in a sorted array.
func modelLowerBound(_ terms: [[UInt8]], _ key: [UInt8]) -> Int {
    var low = 0
    var high = terms.count
    while low < high {
        let middle = (low + high) / 2
        if terms[middle].lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
    }
    return low
}

/// Keys near the terms: each term, and each changed a little (a byte added,
/// dropped, raised or lowered), plus the extremes.
func probes(_ terms: [[UInt8]], limit: Int, seed: UInt64) -> [[UInt8]] {
    var generator = SplitMix(seed: seed)
    var keys: [[UInt8]] = [[], [0], [0xFF], [0xFF, 0xFF, 0xFF], Array("@".utf8), Array("m".utf8)]
    let step = max(1, terms.count / limit)
    for term in stride(from: 0, to: terms.count, by: step).map({ terms[$0] }) {
        keys.append(term)
        keys.append(term + [0])
        keys.append(term + [UInt8(truncatingIfNeeded: generator.next())])
        if !term.isEmpty {
            keys.append(Array(term.dropLast()))
            var raised = term
            raised[raised.count - 1] &+= 1
            keys.append(raised)
            var lowered = term
            lowered[Int(generator.next() % UInt64(term.count))] &-= 1
            keys.append(lowered)
        }
    }
    return keys
}

/// Checks everything the dictionary answers against the sorted terms.
func checkAgainstModel(_ written: WrittenDictionary, ordinalLimit: Int = 1000) throws {
    let dictionary = try written.open()
    let terms = written.terms
    #expect(dictionary.count == terms.count)
    // Ordinal access: all of a small set; a spread of a large one.
    let step = max(1, terms.count / ordinalLimit)
    for index in stride(from: 0, to: terms.count, by: step) + (terms.isEmpty ? [] : [terms.count - 1]) {
        #expect(try dictionary.term(at: index) == terms[index], "term \(index)")
        #expect(try dictionary.info(at: index) == written.infos[index], "info \(index)")
    }
    // Sequential: every term once, in order.
    var iterator = dictionary.makeIterator()
    var seen = 0
    while try iterator.next() {
        #expect(iterator.ordinal == seen)
        let same = iterator.withTerm { $0.array == terms[seen] }
        if !same || iterator.term != terms[seen] || iterator.info != written.infos[seen] {
            Issue.record("iterator differs at \(seen)")
            break
        }
        seen += 1
    }
    #expect(seen == terms.count)
    // From the middle of a block, and from the end.
    for start in [terms.count / 2 + 1, terms.count].filter({ $0 <= terms.count }) {
        var partial = dictionary.makeIterator(from: start)
        var expected = start
        while try partial.next() {
            #expect(partial.ordinal == expected && partial.term == terms[expected])
            expected += 1
        }
        #expect(expected == terms.count)
    }
    // Lookups and lower bounds, present and absent.
    let present = Set(terms)
    for key in probes(terms, limit: 600, seed: 9) {
        let found = try dictionary.lookup(key)
        if present.contains(key) {
            #expect(found == written.infos[modelLowerBound(terms, key)], "lookup \(key.prefix(20))")
        } else {
            #expect(found == nil, "absent \(key.prefix(20)) found")
        }
        #expect(try dictionary.lookup(key.span) == found)
        #expect(try dictionary.lowerBound(key) == modelLowerBound(terms, key), "lowerBound \(key.prefix(20))")
    }
    for byte: UInt8 in [0, 1, 0x40, 0x61, 0x62, 0x7A, 0xFE, 0xFF] {
        let first = modelLowerBound(terms, [byte])
        let end = byte == 0xFF ? terms.count : modelLowerBound(terms, [byte + 1])
        #expect(try dictionary.range(withPrefix: byte) == first..<end, "range(withPrefix: \(byte))")
    }
}

@Suite("Term dictionary")
struct TermDictionaryTests {
    static let n = TermDictionaryWriter.defaultBlockSize
    static let letters = Array("abcdefghijklmnopqrstuvwxyz".utf8)

    @Test("empty, one term, the empty term, a block exactly full, and one term over")
    func sizesAroundABlock() throws {
        let words = randomTerms(count: 4 * Self.n + 3, alphabet: Self.letters, maximumLength: 9, seed: 3)
        for count in [0, 1, 2, Self.n - 1, Self.n, Self.n + 1, 2 * Self.n, 2 * Self.n + 1, 4 * Self.n + 3] {
            try checkAgainstModel(WrittenDictionary(Array(words.prefix(count))))
        }
        try checkAgainstModel(WrittenDictionary([[]]))
        try checkAgainstModel(WrittenDictionary([[], [0], [0, 0], [1]]))
    }

    @Test("many thousands of terms, any block size", arguments: [1, 2, 3, 16, 64, 128, 1000])
    func manyTerms(blockSize: Int) throws {
        // Few letters: long runs of shared prefixes, and terms that are prefixes of others.
        let few = randomTerms(count: 4000, alphabet: Array("ab@".utf8), maximumLength: 14, seed: 5)
        try checkAgainstModel(WrittenDictionary(few, blockSize: blockSize, seed: 6))
        // Every byte value, 0x00 and 0xFF included.
        let bytes = randomTerms(count: 4000, alphabet: Array(0...255), maximumLength: 6, seed: 7)
        try checkAgainstModel(WrittenDictionary(bytes, blockSize: blockSize, seed: 8))
    }

    @Test("twenty thousand words")
    func largeSet() throws {
        let words = randomTerms(count: 20_000, alphabet: Self.letters, maximumLength: 12, seed: 11)
        try checkAgainstModel(WrittenDictionary(words, seed: 12), ordinalLimit: 500)
    }

    @Test("long shared prefixes, 0xFF runs and terms of 65,535 bytes")
    func extremes() throws {
        let long = [UInt8](repeating: UInt8(ascii: "q"), count: 1000)
        var terms: [[UInt8]] = (0..<300).map { long + Array(String($0 * 7919 % 1_000_003).utf8) }
        terms += (1...200).map { [UInt8](repeating: 0xFF, count: $0) }
        terms += [[0xFE], [0xFE, 0xFF], [0xFE, 0xFF, 0xFF]]
        // Prefixes of one another: every suffix is one byte, every shared length the whole predecessor.
        terms += (1...150).map { [UInt8](repeating: UInt8(ascii: "a"), count: $0) }
        let big = [UInt8](repeating: UInt8(ascii: "z"), count: 65_534)
        terms += [big, big + [0], big + [1], [UInt8](repeating: UInt8(ascii: "y"), count: 65_535), [0x7A, 0x7B]]
        terms.sort { $0.lexicographicallyPrecedes($1) }
        for blockSize in [7, Self.n] {
            try checkAgainstModel(WrittenDictionary(terms, blockSize: blockSize))
        }
    }

    @Test("the file is far smaller than a fixed-width entry a term")
    func compact() throws {
        let words = randomTerms(count: 10_000, alphabet: Self.letters, maximumLength: 10, seed: 13)
        let written = try WrittenDictionary(words)
        let size = try readBytes(written.path).count
        let termBytes = words.reduce(0) { $0 + $1.count }
        #expect(size < termBytes + 48 * words.count / 3, "\(size) bytes")
    }
}

/// Where the parts of a terms file lie (IndexFileFormat.md, "Terms"): what a
/// test needs to damage one value on purpose.
struct TermsFileLayout {
    struct Entry {
        /// Offsets of the entry and of its suffix; the suffix's length.
        var offset: Int
        var suffixOffset: Int
        var suffixLength: Int
    }
    var blocksStart: Int
    var blockStarts: [Int] = []
    var termEntries: [[Entry]] = []
    /// Offsets of each info entry's VInts, in order (4 to 6 of them), and its head.
    var infoEntries: [[[Int]]] = []
    var infoHeads: [[UInt64]] = []
    var separators: [[UInt8]] = []
    var blockLengths: [Int] = []
    var blockIndexStart: Int
    var blockTableStart: Int
    var trailer: Int

    init(_ bytes: [UInt8]) {
        func vint(_ position: inout Int) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        func uint64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        blocksStart = 4 + 1 + Int(bytes[4]) + 4 + 16
        // Version 6: TermCount u64, BlockIndexStart u64, BlockTableStart u64, BlockSize u32.
        trailer = bytes.count - IndexFileFooter.length - 28
        let count = uint64(trailer)
        blockIndexStart = uint64(trailer + 8)
        blockTableStart = uint64(trailer + 16)
        let blockSize = (0..<4).reduce(0) { $0 | Int(bytes[trailer + 24 + $1]) << (8 * $1) }
        var position = blockIndexStart
        while position < blockTableStart {
            let separatorLength = Int(vint(&position))
            separators.append(Array(bytes[position..<(position + separatorLength)]))
            position += separatorLength
            blockLengths.append(Int(vint(&position)))
        }
        var start = blocksStart
        for (block, length) in blockLengths.enumerated() {
            blockStarts.append(start)
            let terms = min(blockSize, count - block * blockSize)
            var position = start
            let termsLength = Int(vint(&position))
            let termsEnd = position + termsLength
            var entries: [Entry] = []
            for _ in 0..<terms {
                let offset = position
                _ = vint(&position)
                let suffixLength = Int(vint(&position))
                entries.append(Entry(offset: offset, suffixOffset: position, suffixLength: suffixLength))
                position += suffixLength
            }
            precondition(position == termsEnd)
            var infos: [[Int]] = []
            var heads: [UInt64] = []
            for _ in 0..<terms {
                var offsets = [position]
                let head = vint(&position)
                heads.append(head)
                // Two lengths, the frequency unless bit 0 is set, two gaps unless bit 1 is.
                for _ in 0..<(2 + (head & 1 == 1 ? 0 : 1) + (head & 2 == 2 ? 0 : 2)) {
                    offsets.append(position)
                    _ = vint(&position)
                }
                infos.append(offsets)
            }
            infoHeads.append(heads)
            precondition(position == start + length)
            termEntries.append(entries)
            infoEntries.append(infos)
            start += length
        }
    }

    /// The file with its block index replaced by `separators` and `lengths`
    /// and its block table made to agree (block starts summed from the
    /// lengths, as a writer with that bug would), the trailer's table start
    /// moved, resealed.
    func withBlockIndex(_ bytes: [UInt8], separators: [[UInt8]], lengths: [Int]) -> [UInt8] {
        var index: [UInt8] = []
        var table: [UInt8] = []
        var start = blocksStart
        for (separator, length) in zip(separators, lengths) {
            table.appendUInt64(UInt64(truncatingIfNeeded: start))
            table.appendUInt32(UInt32(index.count))
            index.appendVInt(UInt64(separator.count))
            index += separator
            index.appendVInt(UInt64(length))
            start += length
        }
        var tail = Array(bytes[trailer...])
        let tableStart = UInt64(blockIndexStart + index.count)
        for k in 0..<8 { tail[16 + k] = UInt8(truncatingIfNeeded: tableStart >> (8 * UInt64(k))) }
        var result = Array(bytes[..<blockIndexStart]) + index + table + tail
        reseal(&result)
        return result
    }
}

@Suite("Term dictionary damage")
struct TermDictionaryDamageTests {
    /// A hundred and twenty terms in blocks of 16.
    static func sample() throws -> (WrittenDictionary, [UInt8]) {
        let terms = randomTerms(count: 120, alphabet: Array("abc@".utf8), maximumLength: 8, seed: 21)
        let written = try WrittenDictionary(terms, blockSize: 16, seed: 22)
        return (written, try readBytes(written.path))
    }

    /// Opens the dictionary and reads all of it: every term in order, every
    /// lookup. Returns the first error.
    static func readAll(_ written: WrittenDictionary) -> IndexError? {
        do {
            let dictionary = try written.open()
            // What `verify` adds to a search's reads: the block table against the block index.
            try dictionary.verifyBlockTable()
            var iterator = dictionary.makeIterator()
            while try iterator.next() {}
            for (index, term) in written.terms.enumerated() where index % 3 == 0 {
                _ = try dictionary.lookup(term)
                _ = try dictionary.lowerBound(term + [0])
                _ = try dictionary.term(at: index)
                _ = try dictionary.info(at: index)
            }
            return nil
        } catch {
            return error
        }
    }

    @Test("the intact sample reads")
    func intact() throws {
        let (written, _) = try Self.sample()
        #expect(Self.readAll(written) == nil)
    }

    @Test("a flipped byte anywhere never traps, and the checksum or the structure catches it")
    func flip() throws {
        let (written, original) = try Self.sample()
        var structural = 0
        for offset in 0..<original.count {
            var bytes = original
            bytes[offset] ^= 0x41
            try writeBytes(written.path, bytes)
            if let error = Self.readAll(written) {
                #expect([.corruptIndex, .formatTooNew, .formatTooOld].contains(error.code), "\(error)")
                #expect(error.description.contains("t.terms"))
                structural += 1
            } else {
                let file = try MappedFile(path: written.path)
                #expect(throws: IndexError.self, "flip at \(offset) went unnoticed") {
                    try IndexFileFooter.verify(file)
                }
            }
        }
        // Term bytes and info values may change into other valid ones; most damage is structural.
        #expect(structural > original.count / 4, "\(structural) of \(original.count)")
    }

    @Test("a flipped byte resealed with a fresh checksum never traps")
    func sealedFlip() throws {
        let (written, original) = try Self.sample()
        for offset in 0..<(original.count - 4) {
            var bytes = original
            bytes[offset] ^= 0x41
            reseal(&bytes)
            try writeBytes(written.path, bytes)
            if let error = Self.readAll(written) { #expect(error.code != .io, "\(error)") }
        }
    }

    @Test("a truncated file is refused")
    func truncated() throws {
        let (written, original) = try Self.sample()
        for length in [0, 1, 20, 60, original.count / 2, original.count - 13, original.count - 1] {
            try writeBytes(written.path, Array(original.prefix(length)))
            let error = try #require(Self.readAll(written))
            #expect(error.code == .corruptIndex)
        }
    }

    @Test("a bad block offset is found at open or when its block is read")
    func badBlockOffset() throws {
        let (written, original) = try Self.sample()
        let layout = TermsFileLayout(original)
        #expect(layout.blockLengths.count == 8)
        var variants: [[Int]] = []
        var longer = layout.blockLengths
        longer[3] += 1  // no longer adds up to the blocks
        variants.append(longer)
        var huge = layout.blockLengths
        huge[0] = 1 << 40  // past the end
        variants.append(huge)
        var zero = layout.blockLengths
        zero[5] = 0
        variants.append(zero)
        var shifted = layout.blockLengths
        shifted[2] -= 1  // adds up, but blocks 2 and 3 meet in the wrong place
        shifted[3] += 1
        variants.append(shifted)
        for lengths in variants {
            try writeBytes(
                written.path, layout.withBlockIndex(original, separators: layout.separators, lengths: lengths))
            let error = try #require(Self.readAll(written), "\(lengths)")
            #expect(error.code == .corruptIndex)
        }
        // A block table entry pointing at another block, or at another
        // block's separator: the table disagrees with the block index.
        for (offset, delta) in [
            (layout.blockTableStart + 3 * 12, -layout.blockLengths[2]), (layout.blockTableStart + 3 * 12 + 8, 1),
        ] {
            var bytes = original
            var value = (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) } + delta
            for k in 0..<4 {
                bytes[offset + k] = UInt8(truncatingIfNeeded: value)
                value >>= 8
            }
            reseal(&bytes)
            try writeBytes(written.path, bytes)
            let error = try #require(Self.readAll(written), "table entry at \(offset)")
            #expect(error.code == .corruptIndex)
        }
        // A block index with a block too few or too many.
        for (separators, lengths) in [
            (Array(layout.separators.dropLast()), Array(layout.blockLengths.dropLast())),
            (layout.separators + [[0xFF]], layout.blockLengths + [1]),
        ] {
            try writeBytes(written.path, layout.withBlockIndex(original, separators: separators, lengths: lengths))
            #expect(throws: IndexError.self) { try written.open() }
        }
    }

    @Test("separators out of order, or not between their blocks, are found")
    func badSeparators() throws {
        let (written, original) = try Self.sample()
        let layout = TermsFileLayout(original)
        var swapped = layout.separators
        swapped.swapAt(4, 5)
        var tooHigh = layout.separators
        tooHigh[6] = written.terms[6 * 16] + [0]  // after the block's first term
        var tooLow = layout.separators
        tooLow[6] = written.terms[6 * 16 - 1]  // not after the previous block's last term
        for separators in [swapped, tooHigh, tooLow] {
            try writeBytes(
                written.path, layout.withBlockIndex(original, separators: separators, lengths: layout.blockLengths))
            let error = try #require(Self.readAll(written))
            #expect(error.code == .corruptIndex)
        }
    }

    /// Sets one byte, reseals, and reads everything.
    func damage(_ offset: Int, to value: UInt8) throws -> IndexError? {
        let (written, original) = try Self.sample()
        var bytes = original
        bytes[offset] = value
        reseal(&bytes)
        try writeBytes(written.path, bytes)
        return Self.readAll(written)
    }

    @Test("prefix lengths beyond the previous term, suffixes past the block, terms out of order")
    func badTermEntries() throws {
        let (written, original) = try Self.sample()
        let layout = TermsFileLayout(original)
        let entry = layout.termEntries[2][5]
        // Shared longer than the previous term (terms are at most 8 bytes).
        var error = try damage(entry.offset, to: 9)
        #expect(error?.message.contains("shares more bytes") == true, "\(String(describing: error))")
        // A block's first term sharing bytes.
        error = try damage(layout.termEntries[3][0].offset, to: 1)
        #expect(error?.code == .corruptIndex)
        // A suffix length running past the block's term entries.
        error = try damage(entry.suffixOffset - 1, to: 0x7F)
        #expect(error?.message.contains("past") == true, "\(String(describing: error))")
        // A first suffix byte lowered below the previous term's: out of order.
        // (Needs a term that is not its predecessor extended.)
        let block: [[UInt8]] = Array(written.terms[32..<48])
        let found: Int? = (1..<16).first { (k: Int) -> Bool in !block[k].starts(with: block[k - 1]) }
        let k = try #require(found)
        error = try damage(layout.termEntries[2][k].suffixOffset, to: 0)
        #expect(error?.message.contains("out of order") == true, "\(String(describing: error))")
    }

    @Test("a trailer that does not fit the blocks is refused")
    func badTrailer() throws {
        let (written, original) = try Self.sample()
        let layout = TermsFileLayout(original)
        for (offset, value) in [
            (layout.trailer, UInt8(121)),  // TermCount 120 → 121: the last block is short of a term
            (layout.trailer, 119),  // … or has a term too many
            (layout.trailer, 255),  // a block more than the index holds
            (layout.trailer + 7, 0x10),  // a count beyond the file
            (layout.trailer + 8, original[layout.trailer + 8] &+ 1),  // BlockIndexStart
            (layout.trailer + 16, original[layout.trailer + 16] &+ 1),  // BlockTableStart
            (layout.trailer + 24, 0),  // BlockSize 0
            (layout.trailer + 24, 17),  // BlockSize 16 → 17
            (layout.trailer + 26, 1),  // BlockSize beyond the maximum
        ] {
            var bytes = original
            bytes[offset] = value
            reseal(&bytes)
            try writeBytes(written.path, bytes)
            let error = try #require(Self.readAll(written), "trailer byte \(offset - layout.trailer) = \(value)")
            #expect(error.code == .corruptIndex)
        }
    }

    @Test("an info VInt running past its block is refused")
    func badInfo() throws {
        let (written, original) = try Self.sample()
        let layout = TermsFileLayout(original)
        // The last byte of the last block (of its last info VInt) gets a
        // continuation bit: the VInt runs past the block.
        let last = try #require(layout.blockStarts.last) + layout.blockLengths.last! - 1
        let error = try damage(last, to: original[last] | 0x80)
        #expect(error?.message.contains("past its block") == true, "\(String(describing: error))")
        _ = written
    }
}
