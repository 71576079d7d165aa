/// Walks the dictionary's terms in order, decoding each block once: what
/// `verify` and a segment merge need.
///
/// Call `next()` until it returns false; after it returns true, `ordinal`,
/// `term` and `info` describe the current term. Besides what every read
/// checks, the iterator checks that each term is greater than the one before
/// it (across blocks too), that each block's separator lies between the
/// blocks it separates, and that each block is used to its last byte.
public struct TermIterator: Sendable {
    private let dictionary: TermDictionary
    private let start: Int
    /// The current term's number (before the first `next()`, one less than the
    /// first term of the block where the walk starts).
    public private(set) var ordinal: Int
    /// The current term's dictionary entry.
    public private(set) var info = TermInfo(
        documentFrequency: 0, totalTermFrequency: 0, postingsStart: 0, postingsLength: 0, positionsStart: 0,
        positionsLength: 0)
    /// The current term's bytes, overwritten in place by each step.
    private var buffer = TermDictionary.TermBuffer()
    /// Where the next term entry and the next info entry of the current block start.
    private var termPosition = 0
    private var infoCursor = TermDictionary.InfoCursor()
    private var hasPrevious = false

    /// The current term's bytes (a copy: read it once per term, or use `withTerm`).
    public var term: [UInt8] { buffer.array }

    /// Calls `body` with the current term's bytes, without copying them.
    public func withTerm<R, E: Error>(_ body: (Span<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(buffer.bytes.span.extracting(0..<buffer.count))
    }

    init(_ dictionary: TermDictionary, from start: Int) {
        precondition(start >= 0 && start <= dictionary.count, "term number out of range")
        self.dictionary = dictionary
        self.start = start
        // Decoding starts at the block's first term, which holds absolute values.
        ordinal = start - start % dictionary.blockSize - 1
    }

    /// Moves to the next term; false after the last.
    public mutating func next() throws(IndexError) -> Bool {
        repeat {
            guard ordinal + 1 < dictionary.count else { return false }
            try step()
        } while ordinal < start
        return true
    }

    private mutating func step() throws(IndexError) {
        ordinal += 1
        let block = ordinal / dictionary.blockSize
        let index = ordinal - block * dictionary.blockSize
        let path = dictionary.file.path
        let separator = try dictionary.separator(of: block)
        let checksPrevious = hasPrevious
        // The closure works on locals (the buffer moved out, so it stays
        // uniquely referenced), not on `self`.
        var buffer = TermDictionary.TermBuffer(capacity: 0)
        swap(&buffer, &self.buffer)
        var termPosition = termPosition
        var infoCursor = infoCursor
        info = try dictionary.withBlock(block) {
            (bytes: Span<UInt8>, layout: TermDictionary.BlockLayout) throws(IndexError) -> TermInfo in
            if index == 0 {
                termPosition = layout.termsStart
                infoCursor = TermDictionary.InfoCursor(layout)
                if checksPrevious && buffer.compare(with: separator.span) >= 0 {
                    throw IndexError.corrupt(
                        "block \(block)'s separator is not after the block before it", path: path,
                        offset: layout.start)
                }
            }
            try TermDictionary.decodeTerm(bytes, &termPosition, layout, isFirst: index == 0, into: &buffer, path: path)
            if index == 0 && buffer.compare(with: separator.span) < 0 {
                throw IndexError.corrupt(
                    "block \(block)'s first term is before its separator", path: path, offset: layout.start)
            }
            let info = try TermDictionary.decodeInfo(bytes, &infoCursor, layout, path: path)
            if index == layout.termCount - 1 {
                guard termPosition == layout.termsEnd, infoCursor.position == bytes.count else {
                    throw IndexError.corrupt(
                        "block \(block) holds more bytes than its \(layout.termCount) terms use", path: path,
                        offset: layout.start)
                }
            }
            return info
        }
        self.buffer = buffer
        self.termPosition = termPosition
        self.infoCursor = infoCursor
        hasPrevious = true
    }
}
