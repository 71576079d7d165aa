import IndexFormat
import NewsCore
import TextAnalysis

/// How many matching articles were published in each month: the data of a
/// date histogram (Elasticsearch's `date_histogram` at `calendar_interval:
/// month`), for the browser app's chart.
public struct Timeline: Sendable {
    public struct Month: Sendable, Equatable {
        public var year: Int
        public var month: Int
        public var articles: Int
        /// "2024-04": the form a `date:` filter takes for the same month.
        public var name: String {
            let month = month < 10 ? "0\(month)" : "\(month)"
            return "\(year)-\(month)"
        }
    }

    public var query: String
    /// The matching articles, dated or not.
    public var documents: Int
    /// Those without a publication date (not in any month).
    public var undated: Int
    /// Every month from the first to the last with an article, in order,
    /// empty months included (so that a chart's gaps show).
    public var months: [Month]
}

/// An actor named in an article: where, and which actor.
public struct ActorMention: Sendable {
    public var field: Field
    /// Bytes of the field's UTF-8 text.
    public var range: Range<Int>
    public var actor: ActorCatalog.Entry
}

extension Searcher {
    /// The articles matching `text` and `options.actors` (every live article
    /// when both are empty), counted by their month of publication, in the
    /// article's own calendar (its local date, as a `date:` filter reads it).
    public func timeline(_ text: String, _ options: SearchOptions) throws -> Timeline {
        var counts: [Int: Int] = [:]  // year * 12 + month - 1 → articles
        var undated = 0
        var documents = 0
        func count(_ published: PublicationDate?) {
            documents += 1
            guard let published else {
                undated += 1
                return
            }
            let day = published.day.components
            counts[day.year * 12 + day.month - 1, default: 0] += 1
        }
        if text.trimmingWhitespace.isEmpty && options.actors.isEmpty {
            for segment in reader.segments {
                for local in 0..<segment.documentCount where !segment.isDeleted(local) {
                    count(try segment.lengths.published(local))
                }
            }
        } else {
            let (plan, _) = try self.plan(try query(text, options), includeMembers: options.includeMembers)
            for scored in try topDocuments(plan, limit: 0).documents {
                let (position, local) = reader.locate(scored.document)
                count(try reader.segments[position].lengths.published(local))
            }
        }
        var months: [Timeline.Month] = []
        if let first = counts.keys.min(), let last = counts.keys.max() {
            for key in first...last {
                months.append(Timeline.Month(year: key / 12, month: key % 12 + 1, articles: counts[key] ?? 0))
            }
        }
        return Timeline(query: text, documents: documents, undated: undated, months: months)
    }

    /// Every actor mention in an article's title and text, as indexing
    /// recognised them (the index's gazetteer and learned names), in order.
    public func actorMentions(title: String, body: String) throws -> [ActorMention] {
        let catalog = try catalog()
        var analysis = DocumentAnalysis()
        actorAnalyzer(catalog, stemming: false).analyze(title: title, body: body, into: &analysis)
        return analysis.mentions.map { mention in
            ActorMention(
                field: mention.field, range: mention.sourceRange,
                actor: ActorCatalog.Entry(analysis.actor(of: mention.actor, in: catalog.gazetteer)))
        }
    }
}
