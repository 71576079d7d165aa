import NewsCore
import TextAnalysis

/// A parsed query: keyword terms, and the actors it names.
///
/// - Keywords: the distinct (stemmed) terms of the text, in the order they
///   first appear. Any of them may match (OR); a document ranks by the sum of
///   its terms' BM25 scores.
/// - Actors: `actor:Iran` or `actor:"Quds Force"` in the text, and the names
///   given with `--actor`. Every actor named must be present (AND). When both
///   are given, a document must hold every actor and at least one keyword.
///
/// The boolean and phrase syntax of the query language arrives with issue
/// "Query engine".
public struct Query: Sendable, Equatable {
    public var text: String
    public var terms: [[UInt8]]
    /// Actor names, as typed, in order.
    public var actorNames: [String]

    public init(_ text: String, actors: [String] = [], analyzer: Analyzer = Analyzer()) throws(SearchError) {
        self.text = text
        let (keywords, named) = try Self.splitActors(text)
        var seen = Set<[UInt8]>()
        var terms: [[UInt8]] = []
        analyzer.analyze(keywords.utf8.span) { _, term in
            let bytes = term.array
            if seen.insert(bytes).inserted { terms.append(bytes) }
        }
        actorNames = named + actors
        for name in actorNames where name.trimmingWhitespace.isEmpty {
            throw SearchError(.emptyQuery, "an actor needs a name", query: name)
        }
        guard !terms.isEmpty || !actorNames.isEmpty else {
            let trimmed = keywords.trimmingWhitespace
            throw SearchError(
                .emptyQuery,
                trimmed.isEmpty
                    ? "the query is empty" : "the query has no searchable words (only punctuation or symbols)",
                query: text)
        }
        self.terms = terms
    }

    /// Takes the `actor:NAME` and `actor:"NAME WITH SPACES"` clauses out of `text`.
    static func splitActors(_ text: String) throws(SearchError) -> (keywords: String, actors: [String]) {
        var keywords = ""
        var actors: [String] = []
        var rest = Substring(text)
        let prefix = "actor:"
        while !rest.isEmpty {
            // A clause starts a word.
            let atWordStart = keywords.isEmpty || keywords.last!.isWhitespace
            if atWordStart, rest.count > prefix.count, rest.prefix(prefix.count).lowercased() == prefix {
                rest = rest.dropFirst(prefix.count)
                if rest.first == "\"" {
                    rest = rest.dropFirst()
                    guard let close = rest.firstIndex(of: "\"") else {
                        throw SearchError(.badQuery, "actor:\" has no closing quote", query: text)
                    }
                    actors.append(String(rest[..<close]))
                    rest = rest[rest.index(after: close)...]
                } else {
                    let end = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
                    actors.append(String(rest[..<end]))
                    rest = rest[end...]
                }
                keywords.append(" ")
                continue
            }
            keywords.append(rest.removeFirst())
        }
        return (keywords, actors)
    }
}
