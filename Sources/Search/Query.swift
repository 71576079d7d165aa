import TextAnalysis

/// A parsed keyword query: the distinct terms of the text the user typed, in
/// the order they first appear.
///
/// Every term is optional (OR): a document matches if it contains any term, and
/// ranks by the sum of its terms' BM25 scores. The boolean and phrase syntax of
/// the query language arrives with issue "Query engine".
public struct Query: Sendable, Equatable {
    public var text: String
    public var terms: [[UInt8]]

    public init(_ text: String, analyzer: Analyzer = Analyzer()) throws(SearchError) {
        self.text = text
        var seen = Set<[UInt8]>()
        var terms: [[UInt8]] = []
        analyzer.analyze(text.utf8.span) { _, term in
            let bytes = term.array
            if seen.insert(bytes).inserted { terms.append(bytes) }
        }
        guard !terms.isEmpty else {
            let trimmed = text.trimmingWhitespace
            throw SearchError(
                .emptyQuery,
                trimmed.isEmpty
                    ? "the query is empty" : "the query has no searchable words (only punctuation or symbols)",
                query: text)
        }
        self.terms = terms
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
