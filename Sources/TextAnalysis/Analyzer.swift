/// The analysis chain shared by indexing and querying: one place decides what a
/// term is, so the two can never disagree.
///
/// Today: ``Tokenizer`` (split, lower-case, fold, drop possessives). The chain
/// grows here, in this order, in later issues:
/// 1. English Snowball stemming of word terms (issue "Search by actor"),
///    applied to the term bytes before `body` sees them;
/// 2. actor recognition, which emits extra entity tokens at the position of
///    the words they cover, with `positionLength` > 1, while the word tokens stay.
public struct Analyzer: Sendable {
    public let tokenizer: Tokenizer

    public init() {
        tokenizer = Tokenizer()
    }

    /// Analyses `text`, calling `body` with each token and its term bytes.
    /// - Returns: the position after the last token.
    @discardableResult
    public func analyze(
        _ text: Span<UInt8>, startPosition: UInt32 = 0, _ body: (Token, Span<UInt8>) -> Void
    ) -> UInt32 {
        tokenizer.tokenize(text, startPosition: startPosition, body)
    }

    /// The terms of `text` as strings, in order (duplicates kept).
    public func terms(_ text: String) -> [String] {
        tokenizer.terms(text)
    }
}
