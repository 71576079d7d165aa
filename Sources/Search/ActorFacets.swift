import IndexFormat
import NewsCore
import TextAnalysis

/// An actor and how often it appears in a set of articles.
public struct ActorCount: Sendable, Equatable {
    public var actor: ActorCatalog.Entry
    /// Articles that mention it.
    public var articles: Int
    /// For co-mentions: sentences in which it stands with the anchor actor.
    public var sentences: Int = 0
}

/// The actors of a set of articles (`gazette actors`).
public struct ActorFacets: Sendable {
    /// What the set is: "the whole index", or the query.
    public var query: String
    /// Articles in the set.
    public var documents: Int
    /// Actors by articles, most first (ties by ID).
    public var actors: [ActorCount]
    /// The query's own actors, left out of `actors`.
    public var queried: [ResolvedActor]
}

/// The actors mentioned together with one actor (`gazette actors --with`).
public struct CoMentions: Sendable {
    public var anchor: ResolvedActor
    /// Articles that mention the anchor.
    public var documents: Int
    /// Actors in the same sentence as the anchor, by sentences, then articles.
    public var sentence: [ActorCount]
    /// Actors in the same article, by articles.
    public var article: [ActorCount]
}

extension Searcher {
    /// Every actor term of the index: its ID and, for each segment, its
    /// dictionary entry there (nil where the segment never mentions it).
    /// Actor terms start with `@`, so they are one contiguous run of each
    /// sorted dictionary.
    func actorTerms() throws(IndexError) -> [(id: String, infos: [TermInfo?])] {
        var byID: [String: [TermInfo?]] = [:]
        for (position, segment) in reader.segments.enumerated() {
            // One pass over the run: the dictionary decodes each of its blocks once.
            let run = try segment.terms.range(withPrefix: ActorTerm.prefix)
            var iterator = segment.terms.makeIterator(from: run.lowerBound)
            while try iterator.next(), iterator.ordinal < run.upperBound {
                guard let id = ActorTerm.id(iterator.term) else { continue }
                var infos = byID[id] ?? [TermInfo?](repeating: nil, count: reader.segments.count)
                infos[position] = iterator.info
                byID[id] = infos
            }
        }
        return byID.map { ($0.key, $0.value) }.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    }

    /// Calls `body` with each live document (index-wide number) of the
    /// term's postings (`infos`, one per segment), and its frequency there.
    func forEachDocument(_ infos: [TermInfo?], _ body: (_ document: UInt32, _ frequency: UInt32) -> Void)
        throws(IndexError)
    {
        for (position, segment) in reader.segments.enumerated() {
            guard let info = infos[position] else { continue }
            var cursor = try segment.postings(for: info)
            let base = reader.bases[position]
            while try cursor.next() {
                if !segment.isDeleted(cursor.document) { body(base + cursor.document, cursor.frequency) }
            }
        }
    }

    /// How many live documents of `set` the term's postings hold.
    func count(_ infos: [TermInfo?], in set: [Bool]) throws(IndexError) -> Int {
        var articles = 0
        try forEachDocument(infos) { document, _ in if set[Int(document)] { articles += 1 } }
        return articles
    }

    /// How many live documents mention the term: the document frequencies,
    /// unless some documents are deleted.
    func liveCount(_ infos: [TermInfo?]) throws(IndexError) -> Int {
        if reader.manifest.deletedCount == 0 {
            return infos.reduce(0) { $0 + Int($1?.documentFrequency ?? 0) }
        }
        var articles = 0
        try forEachDocument(infos) { _, _ in articles += 1 }
        return articles
    }

    /// The actors most mentioned in the whole index (no query, no actors), or
    /// in the articles matching `text` and `options.actors`.
    public func actorFacets(_ text: String, _ options: SearchOptions, limit: Int) throws -> ActorFacets {
        let options = options.naming(text)
        let catalog = try catalog()
        let terms = try actorTerms()
        var counts: [ActorCount] = []
        var documents = Int(reader.liveCount)
        var queried: [ResolvedActor] = []
        if text.trimmingWhitespace.isEmpty && options.actors.isEmpty {
            var time = Deadline.Check(options.deadline, stride: 1)
            for (id, infos) in terms {
                try time.check()
                guard let entry = try catalog.entry(id: id) else { continue }
                let articles = try liveCount(infos)
                if articles > 0 { counts.append(ActorCount(actor: entry, articles: articles)) }
            }
        } else {
            let (matching, resolved) = try allMatches(text, options)
            queried = resolved
            documents = matching.count
            var inSet = [Bool](repeating: false, count: Int(reader.documentCount))
            for scored in matching { inSet[Int(scored.document)] = true }
            let skip = Set(queried.flatMap(\.ids))
            for (id, articles) in try articleCounts(terms, in: inSet, skipping: skip, deadline: options.deadline) {
                if let entry = try catalog.entry(id: id) { counts.append(ActorCount(actor: entry, articles: articles)) }
            }
        }
        counts.sort(by: Self.byArticles)
        return ActorFacets(query: text, documents: documents, actors: limited(counts, limit), queried: queried)
    }

    /// The actors named with `name`: in the same sentence (found by analysing
    /// the stored text of each article that mentions it again, with the index's
    /// gazetteer) and in the same article (from the postings). Past
    /// `deadline`, throws ``SearchError/Code/timedOut``.
    public func coMentions(
        with name: String, includeMembers: Bool = false, limit: Int, deadline: Deadline? = nil
    ) throws -> CoMentions {
        let deadline = deadline?.naming(name)
        let catalog = try catalog()
        let anchor = try catalog.resolve([name], includeMembers: includeMembers)[0]
        let anchorIDs = Set(anchor.ids)
        let terms = try actorTerms()

        // The anchor's articles, in document order.
        var inSet = [Bool](repeating: false, count: Int(reader.documentCount))
        for (id, infos) in terms where anchorIDs.contains(id) {
            try forEachDocument(infos) { document, _ in inSet[Int(document)] = true }
        }
        let anchorDocuments = inSet.indices.filter { inSet[$0] }.map { UInt32($0) }

        // Same article: postings intersected with the anchor's articles.
        let articleCounts = try articleCounts(terms, in: inSet, skipping: anchorIDs, deadline: deadline)

        // Same sentence: analyse each article again.
        let analyzer = actorAnalyzer(catalog, stemming: false)
        var analysis = DocumentAnalysis()
        var sentenceCounts: [String: Int] = [:]
        var sentenceArticles: [String: Int] = [:]
        // In document order, through one cursor: each compressed block is decompressed once.
        var articles = reader.articleCursor()
        var time = Deadline.Check(deadline, stride: 1)
        for document in anchorDocuments {
            try time.check()
            let article = try articles.article(document)
            analyzer.analyze(title: article.title, body: article.body, into: &analysis)
            func id(_ mention: DocumentAnalysis.Mention) -> String {
                analysis.id(of: mention.actor, in: catalog.gazetteer)
            }
            var anchorSentences = Set<UInt32>()
            for mention in analysis.mentions where anchorIDs.contains(id(mention)) {
                anchorSentences.insert(mention.sentence)
            }
            var pairs = Set<String>()  // "id sentence", each counted once
            var inArticle = Set<String>()
            for mention in analysis.mentions where anchorSentences.contains(mention.sentence) {
                let other = id(mention)
                guard !anchorIDs.contains(other) else { continue }
                if pairs.insert(other + " \(mention.sentence)").inserted { sentenceCounts[other, default: 0] += 1 }
                if inArticle.insert(other).inserted { sentenceArticles[other, default: 0] += 1 }
            }
        }
        func entries(_ counts: [String: Int], sentences: [String: Int]) throws -> [ActorCount] {
            try counts.compactMap { id, articles in
                try catalog.entry(id: id).map {
                    ActorCount(actor: $0, articles: articles, sentences: sentences[id] ?? 0)
                }
            }
        }
        var sentence = try entries(sentenceArticles, sentences: sentenceCounts)
        sentence.sort {
            ($0.sentences, $0.articles, $1.actor.id) > ($1.sentences, $1.articles, $0.actor.id)
        }
        var article = try entries(articleCounts, sentences: sentenceCounts)
        article.sort(by: Self.byArticles)
        return CoMentions(
            anchor: anchor, documents: anchorDocuments.count, sentence: limited(sentence, limit),
            article: limited(article, limit))
    }

    /// For each actor term not in `skip`, how many articles of `inSet` mention
    /// it (actors that none mentions are left out).
    private func articleCounts(
        _ terms: [(id: String, infos: [TermInfo?])], in inSet: [Bool], skipping skip: Set<String>,
        deadline: Deadline?
    ) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        var time = Deadline.Check(deadline, stride: 1)
        for (id, infos) in terms where !skip.contains(id) {
            try time.check()
            let articles = try count(infos, in: inSet)
            if articles > 0 { counts[id] = articles }
        }
        return counts
    }

    /// Most articles first; equal counts in ID order.
    private static func byArticles(_ a: ActorCount, _ b: ActorCount) -> Bool {
        a.articles != b.articles ? a.articles > b.articles : a.actor.id < b.actor.id
    }

}

/// The first `limit` of a ranked list; all of it for a limit of 0.
private func limited(_ counts: [ActorCount], _ limit: Int) -> [ActorCount] {
    limit > 0 ? Array(counts.prefix(limit)) : counts
}
