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
    public var titleHighlights: [Range<Int>]
    public var snippet: Snippet
}

/// The answer to a query: how many documents matched, and the best of them.
public struct SearchResults: Sendable {
    public var query: String
    public var total: Int
    public var hits: [Hit]
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

/// Runs keyword queries against an open index.
///
/// Document-at-a-time evaluation: one postings cursor per query term, all
/// advanced in document order; each document's score is the BM25 sum over the
/// cursors positioned on it; a min-heap of size `limit` keeps the best so far
/// (O(n log k), not a full sort). Block-max pruning comes with issue "Query engine".
public struct Searcher: Sendable {
    public let reader: IndexReader
    public let analyzer: Analyzer
    public let similarity: BM25

    public init(reader: IndexReader, analyzer: Analyzer = Analyzer(), similarity: BM25 = .lucene) {
        self.reader = reader
        self.analyzer = analyzer
        self.similarity = similarity
    }

    /// Parses and runs `text`, returning at most `limit` hits with snippets.
    public func search(_ text: String, limit: Int = 10) throws -> SearchResults {
        let query = try Query(text, analyzer: analyzer)
        let (total, top) = try topDocuments(query, limit: limit)
        let snippets = SnippetBuilder(query: query, analyzer: analyzer)
        var hits: [Hit] = []
        for (index, scored) in top.enumerated() {
            let article = try reader.documents.article(scored.document)
            hits.append(
                Hit(
                    rank: index + 1, document: DocumentID(rawValue: scored.document), score: scored.score,
                    path: article.path, title: article.title,
                    titleHighlights: snippets.highlight(article.title),
                    snippet: snippets.snippet(of: article.body)))
        }
        return SearchResults(query: text, total: total, hits: hits)
    }

    /// The number of matching documents and the best `limit` of them, best first.
    func topDocuments(_ query: Query, limit: Int) throws(IndexError) -> (Int, [ScoredDocument]) {
        let documentCount = reader.documentCount
        let averageLength = reader.lengths.averageLength
        var cursors: [PostingsCursor] = []
        var weights: [Double] = []
        for term in query.terms {
            guard let info = try reader.terms.lookup(term) else { continue }
            var cursor = try reader.postings(for: info)
            if try cursor.next() {
                cursors.append(cursor)
                weights.append(similarity.idf(documentFrequency: info.documentFrequency, documentCount: documentCount))
            }
        }
        var heap = Heap<ScoredDocument>()
        var total = 0
        var active = Array(cursors.indices)
        while !active.isEmpty {
            var document = UInt32.max
            for c in active where cursors[c].document < document { document = cursors[c].document }
            let length = try reader.lengths.length(of: document)
            var score = 0.0
            var k = 0
            while k < active.count {
                let c = active[k]
                if cursors[c].document == document {
                    score += similarity.score(
                        idf: weights[c], frequency: cursors[c].frequency, length: length, averageLength: averageLength)
                    if try !cursors[c].next() {
                        active.remove(at: k)
                        continue
                    }
                }
                k += 1
            }
            total += 1
            guard limit > 0 else { continue }
            let scored = ScoredDocument(score: score, document: document)
            if heap.count < limit {
                heap.insert(scored)
            } else if let worst = heap.min, worst < scored {
                _ = heap.popMin()
                heap.insert(scored)
            }
        }
        var best: [ScoredDocument] = []
        best.reserveCapacity(heap.count)
        while let next = heap.popMax() { best.append(next) }
        return (total, best)
    }
}
