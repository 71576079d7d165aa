import IndexFormat
import NewsCore
import TextAnalysis

/// How many matching articles were published in each month (or year): the
/// data of a date histogram (Elasticsearch's `date_histogram`), for the
/// browser app's chart.
public struct Timeline: Sendable {
    /// Months while the dates span at most ``maximumBuckets`` of them; years
    /// beyond that, so that one stray date (year 1, year 9999) cannot make
    /// a chart of a hundred thousand bars.
    public enum Interval: String, Sendable { case month, year }

    public struct Bucket: Sendable, Equatable {
        /// "2024-04" or "2024": the form a `date:` filter takes for it.
        public var key: String
        public var articles: Int
    }

    /// The most buckets listed with the empty ones between them; a wider
    /// span of years lists its years with articles only.
    public static let maximumBuckets = 240

    public var query: String
    /// The matching articles, dated or not.
    public var documents: Int
    /// Those without a publication date (in no bucket).
    public var undated: Int
    public var interval: Interval
    /// In order of time, from the first bucket with an article to the last,
    /// the empty ones between included (so that a chart's gaps show).
    public var buckets: [Bucket]
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
    /// when both are empty), counted by their month (or year, see
    /// ``Timeline/Interval``) of publication, in the article's own calendar
    /// (its local date, as a `date:` filter reads it).
    public func timeline(_ text: String, _ options: SearchOptions) throws -> Timeline {
        let options = options.naming(text)
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
            for scored in try allMatches(text, options).documents {
                let (position, local) = reader.locate(scored.document)
                count(try reader.segments[position].lengths.published(local))
            }
        }
        func padded(_ number: Int, _ digits: Int) -> String {
            String(repeating: "0", count: max(0, digits - "\(number)".count)) + "\(number)"
        }
        var buckets: [Timeline.Bucket] = []
        var interval = Timeline.Interval.month
        if let first = counts.keys.min(), let last = counts.keys.max() {
            if last - first < Timeline.maximumBuckets {
                for key in first...last {
                    buckets.append(
                        Timeline.Bucket(
                            key: padded(key / 12, 4) + "-" + padded(key % 12 + 1, 2), articles: counts[key] ?? 0))
                }
            } else {
                interval = .year
                var years: [Int: Int] = [:]
                for (key, articles) in counts { years[key / 12, default: 0] += articles }
                let (firstYear, lastYear) = (first / 12, last / 12)
                let all =
                    lastYear - firstYear < Timeline.maximumBuckets ? Array(firstYear...lastYear) : years.keys.sorted()
                buckets = all.map { Timeline.Bucket(key: padded($0, 4), articles: years[$0] ?? 0) }
            }
        }
        return Timeline(query: text, documents: documents, undated: undated, interval: interval, buckets: buckets)
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
