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
    /// The `date:` clauses, taken out of `root`: a filter every result passes.
    public var dates = DateFilter()

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
            let parsed = try QueryParser.parse(text, defaultOperator: defaultOperator, bareWordRules: true)
            (root, dates) = try Self.takingDates(from: parsed, text: text)
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
            case .date: break
            case .boolean(let clauses):
                for clause in clauses { visit(clause.node, excluded: excluded || clause.occur == .mustNot) }
            }
        }
        if let root { visit(root, excluded: false) }
        guard searchable || !actors.isEmpty || (root == nil && !dates.isEmpty) else {
            throw SearchError(
                .emptyQuery, "the query has no searchable words (only punctuation or symbols)", query: text)
        }
        self.terms = terms
        self.phrases = phrases
        actorNames = named + actors
    }

    /// The `date:` clauses of the query's top level, as a filter, and the
    /// rest of the query (nil if nothing else is left). A date clause is a
    /// filter of the whole query, as Elasticsearch's `filter` context: it
    /// takes no part in scores, and `-date:` or `NOT date:` excludes the range
    /// (documents without a date pass an exclusion, as in Lucene). Inside
    /// parentheses, OR or NEAR it would mean something else, so it is refused there.
    static func takingDates(from node: QueryNode, text: String) throws(SearchError) -> (QueryNode?, DateFilter) {
        func refuseNested(_ node: QueryNode) throws(SearchError) {
            switch node {
            case .date(let range):
                throw SearchError(
                    .badQuery, DateRange.misplaced,
                    query: text, position: range.position)
            case .boolean(let clauses): for clause in clauses { try refuseNested(clause.node) }
            case .near(_, let operands): for operand in operands { try refuseNested(operand) }
            case .title(let inner): try refuseNested(inner)
            case .word, .phrase, .prefix, .actor: break
            }
        }
        var filter = DateFilter()
        switch node {
        case .date(let range):
            filter.include.append(range)
            return (nil, filter)
        case .boolean(let clauses):
            var kept: [QueryClause] = []
            for clause in clauses {
                if case .date(let range) = clause.node {
                    if clause.occur == .mustNot { filter.exclude.append(range) } else { filter.include.append(range) }
                } else {
                    try refuseNested(clause.node)
                    kept.append(clause)
                }
            }
            if kept.isEmpty { return (nil, filter) }
            guard kept.contains(where: { $0.occur != .mustNot }) else {
                throw SearchError(
                    .badQuery, "excluded clauses and a date: filter rank nothing; add something to search for",
                    query: text, position: 0)
            }
            return (QueryParser.simplify(.boolean(kept)), filter)
        default:
            try refuseNested(node)
            return (node, filter)
        }
    }
}

/// The `date:` clauses of a query: a document passes when it was published
/// on a day in every included range and in no excluded one. A document
/// without a publication date passes exclusions only.
public struct DateFilter: Sendable, Equatable {
    public var include: [DateRange] = []
    public var exclude: [DateRange] = []

    public init(include: [DateRange] = [], exclude: [DateRange] = []) {
        self.include = include
        self.exclude = exclude
    }

    public var isEmpty: Bool { include.isEmpty && exclude.isEmpty }

    @inline(__always)
    public func accepts(_ date: PublicationDate?) -> Bool {
        guard let date else { return include.isEmpty }
        let day = date.day
        for range in include where !range.contains(day) { return false }
        for range in exclude where range.contains(day) { return false }
        return true
    }
}
