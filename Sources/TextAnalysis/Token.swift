/// One token of analysed text. The term's bytes travel beside it (see
/// ``Tokenizer/tokenize(_:startPosition:_:)``) so that the hot loop allocates nothing.
public struct Token: Sendable, Equatable {
    /// Token position in the field: 0, 1, 2, … (phrase queries compare these).
    public var position: UInt32
    /// How many positions the token covers: always 1 for a word (a multi-word
    /// actor mention is a ``DocumentAnalysis/Mention``, with its own length).
    public var positionLength: UInt32
    /// Byte range of the token in the source text, for highlighting. A possessive
    /// "'s" is inside the range even though the term drops it, as in Lucene.
    public var sourceRange: Range<Int>

    public init(position: UInt32, positionLength: UInt32 = 1, sourceRange: Range<Int>) {
        self.position = position
        self.positionLength = positionLength
        self.sourceRange = sourceRange
    }
}
