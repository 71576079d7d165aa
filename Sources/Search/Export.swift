import IndexFormat
import NewsCore
import TextAnalysis

/// An actor an exported article names, and how many times.
public struct ArticleActor: Sendable, Equatable {
    public var actor: ActorCatalog.Entry
    public var mentions: Int
}

extension Searcher {
    /// Calls `body` with every live article of the index, in document order,
    /// and the actors it names (most mentioned first, then by id): what an
    /// export to another engine carries.
    ///
    /// The actors come from the postings of the actor terms, read once for
    /// the whole index and gathered by document before the stored articles
    /// are read in order, so that each is read once, block by block.
    public func forEachArticle(_ body: (Article, [ArticleActor]) -> Void) throws {
        let catalog = try catalog()
        var entries: [ActorCatalog.Entry] = []
        var named = [[(actor: Int32, mentions: UInt32)]](repeating: [], count: Int(reader.documentCount))
        for (id, infos) in try actorTerms() {
            guard let entry = try catalog.entry(id: id) else { continue }
            let actor = Int32(entries.count)
            entries.append(entry)
            try forEachDocument(infos) { document, mentions in named[Int(document)].append((actor, mentions)) }
        }
        for (position, segment) in reader.segments.enumerated() {
            let base = reader.bases[position]
            try segment.documents.forEachArticle { document, stored throws(IndexError) in
                guard !segment.isDeleted(document) else { return }
                // The date lives in the lengths column, not the stored record.
                var article = stored
                article.published = try segment.lengths.published(document)
                let actors = named[Int(base + document)]
                    .map { ArticleActor(actor: entries[Int($0.actor)], mentions: Int($0.mentions)) }
                    .sorted { $0.mentions != $1.mentions ? $0.mentions > $1.mentions : $0.actor.id < $1.actor.id }
                body(article, actors)
            }
        }
    }
}
