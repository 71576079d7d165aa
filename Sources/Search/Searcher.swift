import HeapModule
import IndexFormat
import NewsCore
import TextAnalysis

/// One ranked result.
public struct Hit: Sendable {
    public var rank: Int
    public var document: DocumentID
    public var score: Double
    public var path: String
    public var title: String
    /// When the article was published, if it says.
    public var published: PublicationDate?
    /// What its page says of itself: byline, site, canonical URL, language, …
    public var metadata = ArticleMetadata()
    public var titleHighlights: [Range<Int>]
    public var snippet: Snippet
    /// With `passages` above 1, every passage chosen (the first is `snippet`).
    public var passages: [Snippet] = []
    /// Each clause's part of the score, with `explain`.
    public var explanation: [Contribution]? = nil
}

/// The answer to a query: how many documents matched, and the best of them.
public struct SearchResults: Sendable {
    public var query: String
    /// Matching documents: all of them when `totalExact`, else a lower bound
    /// (pruning skipped documents that could not reach the hits, uncounted).
    public var total: Int
    public var totalExact: Bool = true
    public var hits: [Hit]
    /// The actors the query named, as resolved.
    public var actors: [ResolvedActor] = []
    /// Hits listed newest first, unscored: the query was `date:` clauses alone.
    public var newestFirst = false
}

/// A document and its score, ordered so that the better one is greater:
/// higher score, then lower document number (a stable order for ties).
struct ScoredDocument: Comparable {
    var score: Double
    var document: UInt32

    static func < (a: ScoredDocument, b: ScoredDocument) -> Bool {
        a.score < b.score || (a.score == b.score && a.document > b.document)
    }
}

/// What to search for besides the query text, and how much to return.
public struct SearchOptions: Sendable {
    /// Hits to return with snippets; 0 returns every match.
    public var limit: Int
    /// Actor names that must all be present (`--actor`).
    public var actors: [String]
    /// An actor also matches its members (Iran → IRGC → Quds Force).
    public var includeMembers: Bool
    /// Adjacent clauses must all match (`--all`); by default any may (OR, ranked).
    public var all: Bool
    /// Hits to skip before the first returned (`--offset`, for paging).
    public var offset: Int
    /// BM25's k1 and b for this query (`--k1`, `--b`), instead of the
    /// searcher's; norms are stored exactly, so any value needs no reindexing.
    /// Actor terms keep b = 0 and take k1.
    public var k1: Double?
    public var b: Double?
    /// Explain each hit's score, clause by clause (`--explain`).
    public var explain: Bool
    /// Passages to show per hit, best first chosen, in document order (`--passages`).
    public var passages: Int
    /// Matches counted exactly before pruning may skip documents that cannot
    /// reach the hits (Lucene's `totalHitsThreshold`, Elasticsearch's
    /// `track_total_hits`): past it, `total` may be a lower bound. `.max`
    /// counts every match (`--exact-total`).
    public var totalHitsThreshold: Int = 1000
    /// BM25F weight of a plain word's occurrences in the title: a word's
    /// frequency counts each of them this many times (one length norm for
    /// both fields; `--title-weight`). The default, 1 (off), is chosen by
    /// measurement: mean MAP on the eight test collections (tools/relevance)
    /// 0.405 at 1, 0.406 at 1.5, 0.407 at 2, 0.406 at 2.5 and at 3 (at 2,
    /// lisa +0.007, time +0.007, adi -0.003), while a weighted word reads its
    /// title term's list too: on the 1M corpus the common-word queries' p50
    /// went from 1.30 to 1.84 ms at 2 (same run, medians of 4 passes). Too
    /// little gain for the cost; a user who wants titles to count more asks.
    public var titleWeight = SearchOptions.defaultTitleWeight
    public static let defaultTitleWeight = 1.0
    /// When to give up (``Deadline``); nil: never. The server sets one per
    /// request (`gazette serve --timeout`).
    public var deadline: Deadline?

    public init(
        limit: Int = 10, actors: [String] = [], includeMembers: Bool = false, all: Bool = false, offset: Int = 0,
        k1: Double? = nil, b: Double? = nil, explain: Bool = false, passages: Int = 1, deadline: Deadline? = nil
    ) {
        self.deadline = deadline
        self.explain = explain
        self.passages = passages
        self.limit = limit
        self.actors = actors
        self.includeMembers = includeMembers
        self.all = all
        self.offset = offset
        self.k1 = k1
        self.b = b
    }
}

extension SearchOptions {
    /// These options, their deadline's error naming `query`.
    func naming(_ query: String) -> SearchOptions {
        var named = self
        named.deadline = deadline?.naming(query)
        return named
    }
}

/// An actor a query named, as resolved.
public struct ResolvedActor: Sendable, Equatable {
    public var actor: ActorCatalog.Entry
    /// The actor's ID and, with `includeMembers`, its members' IDs.
    public var ids: [String]
}

/// Runs keyword and actor queries against an open index.
///
/// Document-at-a-time evaluation: one postings cursor per query term (a
/// keyword's stem, or an actor's term `@ID`), all advanced in document order;
/// a document matches when it holds every actor named (any of an actor's IDs
/// when members are included) and, if the query has keywords, at least one of
/// them; its score is the BM25 sum over the cursors positioned on it. Actor
/// terms carry their zone weights in their frequencies (`ZoneWeights`),
/// so an article about Iran outranks one that names it once. A min-heap of size
/// `limit` keeps the best so far (O(n log k), not a full sort). Block-max
/// pruning comes with issue "Query engine".
public struct Searcher: Sendable {
    public let reader: IndexReader
    /// Analyses query words exactly as the index's words were (its stemmer).
    public let analyzer: Analyzer
    public var similarity: BM25
    /// BM25 for actor terms: no length normalisation (b = 0), as Lucene
    /// scores a field indexed without norms (`omitNorms`, the usual choice for
    /// tag-like fields). Whether an article is about Iran shows in where and
    /// how often it names Iran (the zone-weighted frequency), not in how long
    /// it is. On the Reuters labels (tools/eval_actors.py) b = 0.75 gives macro
    /// AP 0.912, b = 0.3 0.926, b = 0 0.929, with the zone weights anywhere
    /// from 2 to 10 changing it by under 0.003.
    public var actorSimilarity: BM25
    /// BM25F weight of a title occurrence of a plain word (`--title-weight`):
    /// the word's frequency counts its title occurrences this many times.
    public var titleWeight = SearchOptions.defaultTitleWeight

    public init(reader: IndexReader, similarity: BM25 = .standard, actorSimilarity: BM25 = .actors) {
        self.reader = reader
        self.analyzer = Analyzer(stemming: !reader.analysis.stemmer.isEmpty)
        self.similarity = similarity
        self.actorSimilarity = actorSimilarity
    }

    /// The index's actors: its gazetteer and the names learned from its text.
    /// Parsed on first use (a keyword search never pays for it) and kept.
    public func catalog() throws -> ActorCatalog {
        guard reader.analysis.recognisesActors else {
            throw SearchError(
                .noActors,
                "this index was built without actors (gazette index --no-actors); rebuild it to search by actor",
                query: "")
        }
        // Damage here is an IndexError, reported as a damaged index.
        return try catalogMemo.get { try ActorCatalog(files: reader.segments.map(\.analysisFile)) }
    }

    private let catalogMemo = Memo<ActorCatalog>()

    /// The searcher's analyser, recognising actors with the index's gazetteer and
    /// zone weights (for snippets and co-mentions, which re-analyse stored text).
    func actorAnalyzer(_ catalog: ActorCatalog, stemming: Bool = true) -> Analyzer {
        analyzer.recognising(catalog.gazetteer, zoneWeights: reader.analysis.zoneWeights, stemming: stemming)
    }

    /// Parses and runs `text`, returning at most `limit` hits with snippets.
    public func search(_ text: String, limit: Int = 10) throws -> SearchResults {
        try search(text, SearchOptions(limit: limit))
    }

    /// Parses and runs `text` with `options`.
    public func search(_ text: String, _ options: SearchOptions) throws -> SearchResults {
        var searcher = self
        if let k1 = options.k1 {
            searcher.similarity.k1 = k1
            searcher.actorSimilarity.k1 = k1
        }
        if let b = options.b { searcher.similarity.b = b }
        searcher.titleWeight = options.titleWeight
        return try searcher.run(text, options.naming(text))
    }

    /// The plan a search runs for `query`: its actors resolved, and the
    /// feedback terms added when a long query calls for them.
    func searchPlan(_ query: Query, _ options: SearchOptions) throws -> (QueryPlan, [ResolvedActor]) {
        var (plan, resolved) = try self.plan(query, includeMembers: options.includeMembers)
        if let expanded = try feedbackPlan(query, plan, deadline: options.deadline) { plan = expanded }
        return (plan, resolved)
    }

    /// Every document a search for `text` and `options.actors` matches (as
    /// its total counts them: a query of dates alone matches the dated
    /// articles in range), in no particular order, with the actors resolved.
    func allMatches(_ text: String, _ options: SearchOptions) throws -> (
        documents: [ScoredDocument], actors: [ResolvedActor]
    ) {
        let (plan, resolved) = try searchPlan(try query(text, options), options)
        let found =
            plan.root == nil
            ? try newestDocuments(plan.dates, limit: 0)
            : try topDocuments(plan, limit: 0, totalHitsThreshold: .max, deadline: options.deadline)
        return (found.documents, resolved)
    }

    private func run(_ text: String, _ options: SearchOptions) throws -> SearchResults {
        let query = try query(text, options)
        let (plan, resolved) = try searchPlan(query, options)
        // An actor-only query marks mentions, not words: its snippets need no stemming (a quarter of their time).
        let snippetAnalyzer =
            resolved.isEmpty
            ? analyzer
            : actorAnalyzer(try catalog(), stemming: !query.terms.isEmpty || plan.leaves.contains { !$0.actor })
        let limit = options.limit == 0 ? 0 : options.offset + options.limit
        let (total, exact, best) =
            plan.root == nil
            ? try newestDocuments(plan.dates, limit: limit)
            : try topDocuments(
                plan, limit: limit, totalHitsThreshold: options.totalHitsThreshold, deadline: options.deadline)
        let top = best.dropFirst(options.offset)
        // A prefix's words are marked too: "militias" and "military" for milit*.
        let expansions = plan.leaves.compactMap { leaf -> [[UInt8]]? in
            guard case .terms(.max) = leaf.kind, !leaf.actor else { return nil }
            return leaf.terms.map(\.bytes)
        }
        let snippets = SnippetBuilder(
            query: query, actorIDs: Set(resolved.flatMap(\.ids)), analyzer: snippetAnalyzer, expansions: expansions)
        var hits: [Hit] = []
        // One cursor for every hit: it keeps one zstd context (creating one
        // per hit cost more than decompressing the hit's block) and the last block.
        var articles = reader.articleCursor()
        var time = Deadline.Check(options.deadline, stride: 16)
        for (index, scored) in zip(options.offset..., top) {
            try time.check()
            let article = try articles.article(scored.document)
            let marked = snippets.mark(title: article.title, body: article.body, passages: options.passages)
            var hit = Hit(
                rank: index + 1, document: DocumentID(rawValue: scored.document), score: scored.score,
                path: article.path, title: article.title, published: article.published,
                metadata: article.metadata, titleHighlights: marked.title,
                snippet: marked.passages[0])
            if options.passages > 1 { hit.passages = marked.passages }
            if options.explain { hit.explanation = try explain(plan, document: scored.document) }
            hits.append(hit)
        }
        return SearchResults(
            query: text, total: total, totalExact: exact, hits: hits, actors: resolved, newestFirst: plan.root == nil)
    }

    /// `text` parsed with the index's analyser, the `--actor`s of `options`
    /// and its default operator.
    func query(_ text: String, _ options: SearchOptions) throws(SearchError) -> Query {
        try Query(text, actors: options.actors, analyzer: analyzer, defaultOperator: options.all ? .and : .or)
    }

    /// The number of matching documents and the best `limit` of them (all when
    /// `limit` is 0), best first, numbered index-wide.
    ///
    /// Segment by segment, with the statistics of the whole index (document
    /// frequencies summed over segments, one average length), so that a
    /// document scores the same whichever segment holds it. Deleted
    /// documents never match but, as in Lucene, still count in the
    /// statistics until a merge drops them. One collector serves every
    /// segment, so a later segment starts pruning from the scores the
    /// earlier ones set. `totalHitsThreshold` (``TopCollector``): matches
    /// counted exactly before pruning may start; `.max` never prunes. Past
    /// `deadline`, throws ``SearchError/Code/timedOut``.
    func topDocuments(
        _ plan: QueryPlan, limit: Int, totalHitsThreshold: Int = TopCollector.defaultTotalHitsThreshold,
        deadline: Deadline? = nil
    ) throws -> (total: Int, exact: Bool, documents: [ScoredDocument]) {
        let averageLength = reader.averageLength
        var collector = TopCollector(limit: limit, totalHitsThreshold: totalHitsThreshold, deadline: deadline)
        for position in reader.segments.indices {
            var matcher = try SegmentMatcher(
                plan: plan, segment: reader.segments[position], position: position, similarity: similarity,
                actorSimilarity: actorSimilarity, averageLength: averageLength)
            try matcher.collect(into: &collector, base: reader.bases[position])
            if collector.time.expired { throw collector.time.deadline!.error() }
        }
        return (collector.total, collector.exact, collector.result())
    }

    /// For a query of `date:` clauses alone: every live document the filter
    /// passes, newest first, as a news archive lists them: by the day each
    /// gives (what the results show), then by instant, then in index order.
    /// Nothing is scored, so each scores 0. The `limit` newest (all when 0)
    /// are kept in a heap as the dates are read, 10 bytes a document.
    func newestDocuments(
        _ dates: DateFilter, limit: Int
    ) throws(IndexError) -> (total: Int, exact: Bool, documents: [ScoredDocument]) {
        /// Newer is greater; of two at the same time, the earlier document.
        struct Dated: Comparable {
            var day: Int32
            var seconds: Int64
            var document: UInt32
            static func < (a: Dated, b: Dated) -> Bool {
                (a.day, a.seconds, b.document) < (b.day, b.seconds, a.document)
            }
        }
        var heap = Heap<Dated>()
        var everything: [Dated] = []
        var total = 0
        for (position, segment) in reader.segments.enumerated() {
            let base = reader.bases[position]
            for local in 0..<segment.documentCount where !segment.isDeleted(local) {
                let published = try segment.lengths.published(local)
                guard let published, dates.accepts(published) else { continue }
                total += 1
                let dated = Dated(day: published.day.number, seconds: published.seconds, document: base + local)
                if limit == 0 {
                    everything.append(dated)
                } else if heap.count < limit {
                    heap.insert(dated)
                } else if let oldest = heap.min, oldest < dated {
                    _ = heap.popMin()
                    heap.insert(dated)
                }
            }
        }
        var newest: [Dated] = []
        if limit == 0 {
            newest = everything.sorted(by: >)
        } else {
            while let next = heap.popMax() { newest.append(next) }
        }
        return (total, true, newest.map { ScoredDocument(score: 0, document: $0.document) })
    }

    /// The clauses that make up `document`'s score (index-wide number), as
    /// Lucene's explain does: the document's segment is matched again, for it alone.
    func explain(_ plan: QueryPlan, document: UInt32) throws(IndexError) -> [Contribution] {
        let (position, local) = reader.locate(document)
        var matcher = try SegmentMatcher(
            plan: plan, segment: reader.segments[position], position: position, similarity: similarity,
            actorSimilarity: actorSimilarity, averageLength: reader.averageLength)
        return try matcher.explain(document: local) ?? []
    }
}

/// The best documents seen so far (a min-heap of size `limit`), or all of
/// them when `limit` is 0, and how many matched.
///
/// As Lucene's `TopScoreDocCollector`, it counts every match until it is
/// full and has counted `totalHitsThreshold`; from then on the matcher may
/// skip documents that cannot enter (``SegmentMatcher/collect(into:base:)``),
/// and the count becomes a lower bound once it does (`exact` false).
struct TopCollector {
    let limit: Int
    /// Matches counted exactly before pruning may start (Lucene's default, 1,000).
    let totalHitsThreshold: Int
    var heap = Heap<ScoredDocument>()
    var everything: [ScoredDocument] = []
    var total = 0
    /// Whether `total` counts every match (false once a document was skipped).
    var exact = true

    static let defaultTotalHitsThreshold = SearchOptions().totalHitsThreshold

    /// The search's deadline: the matcher asks once per candidate and stops
    /// once it has passed.
    var time: Deadline.Check

    init(limit: Int, totalHitsThreshold: Int = defaultTotalHitsThreshold, deadline: Deadline? = nil) {
        self.limit = limit
        self.totalHitsThreshold = totalHitsThreshold
        time = Deadline.Check(deadline)
    }

    /// Whether documents that cannot beat ``threshold`` may be skipped.
    /// Kept up to date by `add`: the matcher asks once per candidate.
    private(set) var canPrune = false

    /// The worst score in the top k; a document must score above it to enter
    /// (ties go to the earlier document, which is already in). Valid while `canPrune`.
    private(set) var threshold = -Double.infinity

    /// A possibly matching document was skipped: `total` is now a lower bound.
    mutating func skipped() { exact = false }

    mutating func add(_ scored: ScoredDocument) {
        total += 1
        if limit == 0 {
            everything.append(scored)
            return
        }
        if heap.count < limit {
            heap.insert(scored)
        } else if let worst = heap.min, worst < scored {
            _ = heap.popMin()
            heap.insert(scored)
        } else {
            if !canPrune { canPrune = total >= totalHitsThreshold }
            return
        }
        if heap.count == limit {
            threshold = heap.min!.score
            canPrune = total >= totalHitsThreshold
        }
    }

    /// The collected documents, best first.
    mutating func result() -> [ScoredDocument] {
        if limit == 0 { return everything.sorted(by: >) }
        var best: [ScoredDocument] = []
        best.reserveCapacity(heap.count)
        while let next = heap.popMax() { best.append(next) }
        return best
    }
}
