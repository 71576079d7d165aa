import IndexFormat
import NewsCore
import TextAnalysis

/// A query bound to an index: its words analysed, its actors resolved, its
/// prefixes expanded, and every term looked up in every segment with its
/// index-wide idf. Built once per search; matched segment by segment.
struct QueryPlan {
    enum Combine { case sum, max }

    struct Term {
        var bytes: [UInt8]
        var infos: [TermInfo?]
        var idf: Double
    }

    /// Part of a NEAR: positions where it occurs, from its terms.
    struct Operand {
        /// Its terms, as indices into the leaf's `terms`.
        var terms: Range<Int>
        /// A phrase's offset per term; nil for "any of the terms" (a word, an actor).
        var offsets: [UInt32]?
    }

    enum Kind {
        /// Any of the terms (a word: one term; an actor: its IDs, scores
        /// summed; a prefix: its expansions, the best counts).
        case terms(Combine)
        /// Every term at its offset from a common start.
        case phrase(offsets: [UInt32])
        /// Every operand within `distance` positions of the others.
        case near(distance: Int, operands: [Operand])
    }

    struct Leaf {
        var kind: Kind
        var terms: [Term]
        /// Scored as an actor (no length normalisation).
        var actor: Bool
        /// The idf a phrase or NEAR match scores with: the sum of its parts'.
        var idf: Double
        /// The clause as the query wrote it, for `--explain`.
        var label = ""
        /// A `title:` clause: title terms, scored without length norms (b =
        /// 0), since no title lengths are stored; titles are short and alike.
        var title = false
        /// A plain word weighted BM25F-style: its terms are the word's term
        /// and its title term, and a title occurrence counts this many times
        /// (1: not weighted, one term).
        var titleWeight = 1.0
    }

    indirect enum Node {
        case leaf(Int)
        case boolean(must: [Node], should: [Node], mustNot: [Node])
    }

    var leaves: [Leaf] = []
    /// Nil for a query of `date:` clauses alone, which lists the documents
    /// in the range (``Searcher``).
    var root: Node? = nil
    /// The `date:` clauses: a filter every match passes.
    var dates = DateFilter()

    /// Prefix expansions allowed per prefix (Lucene's default clause limit).
    static let maximumExpansions = 1024
}

extension Searcher {
    /// Binds `query` to the index. Actors are resolved through `catalog`
    /// (needed only when the query names one).
    func plan(_ query: Query, includeMembers: Bool) throws -> (QueryPlan, [ResolvedActor]) {
        var plan = QueryPlan()
        var resolved: [ResolvedActor] = []
        let catalog = query.actorNames.isEmpty ? nil : try self.catalog()
        let documentCount = reader.documentCount

        func term(_ bytes: [UInt8]) throws(IndexError) -> QueryPlan.Term {
            let infos = try reader.lookup(bytes)
            let frequency = infos.reduce(UInt32(0)) { $0 + ($1?.documentFrequency ?? 0) }
            let idf = frequency == 0 ? 0 : similarity.idf(documentFrequency: frequency, documentCount: documentCount)
            return QueryPlan.Term(bytes: bytes, infos: infos, idf: idf)
        }
        /// A text's terms and their positions relative to the first.
        func analysed(_ text: String) -> [(bytes: [UInt8], offset: UInt32)] {
            var out: [(bytes: [UInt8], offset: UInt32)] = []
            analyzer.analyze(text.utf8.span) { token, bytes in out.append((bytes.array, token.position)) }
            guard let first = out.first else { return out }
            return out.map { ($0.bytes, $0.offset - first.offset) }
        }
        func actorIDs(_ name: String) throws -> [String] {
            let actor = try catalog!.resolve([name], includeMembers: includeMembers)[0]
            resolved.append(actor)
            return actor.ids
        }
        var label = ""
        func addLeaf(_ leaf: QueryPlan.Leaf) -> QueryPlan.Node {
            var leaf = leaf
            leaf.label = label
            plan.leaves.append(leaf)
            return .leaf(plan.leaves.count - 1)
        }
        func words(_ text: String, title: Bool = false) throws -> QueryPlan.Node? {
            let parts = analysed(text)
            if parts.isEmpty { return nil }
            var terms: [QueryPlan.Term] = []
            for part in parts { terms.append(try term(title ? TitleTerm.bytes(part.bytes) : part.bytes)) }
            var leaf =
                parts.count == 1
                ? QueryPlan.Leaf(kind: .terms(.sum), terms: terms, actor: false, idf: terms[0].idf)
                : QueryPlan.Leaf(
                    kind: .phrase(offsets: parts.map(\.offset)), terms: terms, actor: false,
                    idf: terms.reduce(0) { $0 + $1.idf })
            leaf.title = title
            if !title && parts.count == 1 && titleWeight != 1 {
                // BM25F: the word's title occurrences count titleWeight times.
                leaf.terms.append(try term(TitleTerm.bytes(parts[0].bytes)))
                leaf.titleWeight = titleWeight
            }
            return addLeaf(leaf)
        }
        func bind(_ node: QueryNode) throws -> QueryPlan.Node? {
            label = Self.label(node)
            switch node {
            case .word(let text), .phrase(let text): return try words(text)
            case .title(.word(let text)), .title(.phrase(let text)): return try words(text, title: true)
            case .title: preconditionFailure("the parser puts only a word or a phrase after title:")
            case .date: preconditionFailure("Query takes the date: clauses out of the tree")
            case .actor(let name):
                let terms = try actorIDs(name).map { id throws(IndexError) in try term(ActorTerm.bytes(id: id)) }
                return addLeaf(
                    QueryPlan.Leaf(
                        kind: .terms(.sum), terms: terms, actor: true, idf: terms.map(\.idf).max() ?? 0))
            case .prefix(let text):
                let terms = try expand(prefix: text, query: query.text).map { bytes throws(IndexError) in
                    try term(bytes)
                }
                return addLeaf(
                    QueryPlan.Leaf(kind: .terms(.max), terms: terms, actor: false, idf: terms.map(\.idf).max() ?? 0))
            case .near(let distance, let operands):
                var terms: [QueryPlan.Term] = []
                var parts: [QueryPlan.Operand] = []
                var idf = 0.0
                for operand in operands {
                    let start = terms.count
                    switch operand {
                    case .actor(let name):
                        for id in try actorIDs(name) { terms.append(try term(ActorTerm.bytes(id: id))) }
                        idf += terms[start...].map(\.idf).max() ?? 0
                        parts.append(QueryPlan.Operand(terms: start..<terms.count, offsets: nil))
                    case .word(let text), .phrase(let text):
                        let analysed = analysed(text)
                        // A NEAR operand with no searchable word cannot be satisfied.
                        if analysed.isEmpty { return nil }
                        for part in analysed { terms.append(try term(part.bytes)) }
                        idf += terms[start...].reduce(0) { $0 + $1.idf }
                        parts.append(
                            QueryPlan.Operand(
                                terms: start..<terms.count, offsets: analysed.count == 1 ? nil : analysed.map(\.offset))
                        )
                    default: preconditionFailure("the parser lets only words, phrases and actors into NEAR")
                    }
                }
                return addLeaf(
                    QueryPlan.Leaf(
                        kind: .near(distance: distance, operands: parts), terms: terms, actor: false, idf: idf))
            case .boolean(let clauses):
                var must: [QueryPlan.Node] = []
                var should: [QueryPlan.Node] = []
                var mustNot: [QueryPlan.Node] = []
                for clause in clauses {
                    guard let child = try bind(clause.node) else { continue }
                    switch clause.occur {
                    case .must: must.append(child)
                    case .should: should.append(child)
                    case .mustNot: mustNot.append(child)
                    }
                }
                if must.isEmpty && should.isEmpty { return nil }
                return .boolean(must: must, should: should, mustNot: mustNot)
            }
        }

        var root = try query.root.flatMap { root throws in try bind(root) }
        if !query.requiredActors.isEmpty {
            var must: [QueryPlan.Node] = root.map { [$0] } ?? []
            for name in query.requiredActors {
                must.append(try bind(.actor(name))!)
            }
            root = .boolean(must: must, should: [], mustNot: [])
        }
        plan.dates = query.dates
        if !query.dates.isEmpty && !reader.hasDates {
            throw SearchError(
                .badQuery,
                "this index was built before publication dates were stored; run gazette index to rebuild it for date:",
                query: query.text)
        }
        if root == nil && !query.dates.isEmpty { return (plan, resolved) }
        guard let root else {
            throw SearchError(
                .emptyQuery, "the query has no searchable words (only punctuation or symbols)", query: query.text)
        }
        plan.root = root
        return (plan, resolved)
    }

    /// A leaf clause as it reads in the query language.
    static func label(_ node: QueryNode) -> String {
        switch node {
        case .word(let text): return text
        case .title(let inner): return "title:" + label(inner)
        case .phrase(let text): return "\"\(text)\""
        case .prefix(let text): return text + "*"
        case .actor(let name): return name.contains(" ") ? "actor:\"\(name)\"" : "actor:\(name)"
        case .near(let distance, let operands): return operands.map(label).joined(separator: " NEAR/\(distance) ")
        case .boolean: return ""
        case .date(let range): return range.label
        }
    }

    /// The word terms of the index that start with `text` folded (not
    /// stemmed), at most ``QueryPlan/maximumExpansions``.
    func expand(prefix text: String, query: String) throws -> [[UInt8]] {
        var folded: [[UInt8]] = []
        Analyzer(stemming: false).analyze(text.utf8.span) { _, term in folded.append(term.array) }
        guard folded.count == 1, let prefix = folded.first else {
            throw SearchError(
                .badQuery, "\"\(text)*\" must be one word before the \"*\"", query: query)
        }
        var terms = Set<[UInt8]>()
        for segment in reader.segments {
            var iterator = segment.terms.makeIterator(from: try segment.terms.lowerBound(prefix))
            while try iterator.next() {
                let term = iterator.term
                guard term.starts(with: prefix) else { break }
                terms.insert(term)
                if terms.count > QueryPlan.maximumExpansions {
                    throw SearchError(
                        .badQuery,
                        "\"\(text)*\" matches more than \(QueryPlan.maximumExpansions) terms; make the prefix longer",
                        query: query)
                }
            }
        }
        return terms.sorted { compareBytes($0.span, $1.span) < 0 }
    }
}
