import NewsCore
import TextAnalysis

/// A query as the user gave it: the parsed text (``QueryParser``) and the
/// actors given apart (`--actor`), which every result must name.
///
/// Words are analysed here with the index's analyser, so a query knows its
/// terms before it runs: the snippet highlights them, and a query whose words
/// are all punctuation is refused with a message. The text is parsed with the
/// bare-word rules (``QueryParser``): stop words dropped, single letters
/// joined into an abbreviation.
public struct Query: Sendable, Equatable {
    public var text: String
    /// The parsed text, words as typed; nil when the text is empty (an
    /// actor-only search with `--actor`).
    public var root: QueryNode?
    /// The distinct terms of the words and phrases that are not excluded, in
    /// the order they first appear: what snippets highlight.
    public var terms: [[UInt8]]
    /// The phrases that are not excluded (a quoted phrase, or a word that
    /// analyses into several terms), each as its terms: snippets mark each
    /// occurrence as one span.
    public var phrases: [[[UInt8]]]
    /// Every actor the query names, `actor:` clauses first, then `--actor`s.
    public var actorNames: [String]
    /// The `--actor` names: every result names each of them.
    public var requiredActors: [String]

    public init(
        _ text: String, actors: [String] = [], analyzer: Analyzer = Analyzer(),
        defaultOperator: QueryParser.DefaultOperator = .or
    ) throws(SearchError) {
        self.text = text
        requiredActors = actors
        for name in actors where name.trimmingWhitespace.isEmpty {
            throw SearchError(.emptyQuery, "an actor needs a name", query: name)
        }
        if text.trimmingWhitespace.isEmpty {
            guard !actors.isEmpty else { throw SearchError(.emptyQuery, "the query is empty", query: text) }
            root = nil
        } else {
            root = try QueryParser.parse(text, defaultOperator: defaultOperator, bareWordRules: true)
        }
        var terms: [[UInt8]] = []
        var phrases: [[[UInt8]]] = []
        var seen = Set<[UInt8]>()
        var named: [String] = []
        var searchable = false
        func visit(_ node: QueryNode, excluded: Bool) {
            switch node {
            case .word(let text), .phrase(let text):
                var parts: [[UInt8]] = []
                analyzer.analyze(text.utf8.span) { _, term in
                    searchable = true
                    let bytes = term.array
                    parts.append(bytes)
                    if !excluded && seen.insert(bytes).inserted { terms.append(bytes) }
                }
                if !excluded && parts.count > 1 { phrases.append(parts) }
            case .prefix: searchable = true
            case .title(let inner): visit(inner, excluded: excluded)
            case .actor(let name):
                searchable = true
                named.append(name)
            case .near(_, let operands): for operand in operands { visit(operand, excluded: excluded) }
            case .boolean(let clauses):
                for clause in clauses { visit(clause.node, excluded: excluded || clause.occur == .mustNot) }
            }
        }
        if let root { visit(root, excluded: false) }
        guard searchable || !actors.isEmpty else {
            throw SearchError(
                .emptyQuery, "the query has no searchable words (only punctuation or symbols)", query: text)
        }
        self.terms = terms
        self.phrases = phrases
        actorNames = named + actors
    }
}
