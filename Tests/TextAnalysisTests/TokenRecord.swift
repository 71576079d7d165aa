import TextAnalysis

/// One token as the tests look at it: its term, where it sits, and the source
/// text its byte range covers.
struct TokenRecord: Equatable, CustomStringConvertible {
    var term: String
    var position: UInt32
    var positionLength: UInt32
    var sourceRange: Range<Int>
    /// The original bytes in `sourceRange`, decoded.
    var source: String

    var description: String { "\(term)@\(position) \(sourceRange) \"\(source)\"" }
}

/// Tokenizes `bytes` and records every token; also returns the position after the last one.
func tokenize(bytes: [UInt8], startPosition: UInt32 = 0) -> (tokens: [TokenRecord], end: UInt32) {
    var tokens: [TokenRecord] = []
    let end = Tokenizer().tokenize(bytes.span, startPosition: startPosition) { token, term in
        tokens.append(
            TokenRecord(
                term: term.string, position: token.position, positionLength: token.positionLength,
                sourceRange: token.sourceRange,
                source: String(decoding: bytes[token.sourceRange], as: UTF8.self)))
    }
    return (tokens, end)
}

func tokenize(_ text: String, startPosition: UInt32 = 0) -> (tokens: [TokenRecord], end: UInt32) {
    tokenize(bytes: Array(text.utf8), startPosition: startPosition)
}

/// The terms of `text`, through the span API (not the `terms(_:)` convenience).
func terms(_ text: String) -> [String] {
    tokenize(text).tokens.map(\.term)
}
