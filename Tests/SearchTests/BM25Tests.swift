import IndexFormat
import Indexing
import NewsCore
import Search
import TestSupport
import Testing

/// Indexes `bodies` (empty titles) into a fresh directory and opens a searcher
/// (Lucene's k1 and b unless told otherwise: the hand-worked figures use them).
func searcher(_ bodies: [String], in directory: TemporaryDirectory, similarity: BM25 = .lucene) throws -> Searcher {
    let writer = try IndexWriter(directory: directory.path)
    for (index, body) in bodies.enumerated() {
        try writer.add(Article(path: "doc\(index).txt", title: "", body: body, format: .text))
    }
    _ = try writer.commit()
    return Searcher(reader: try IndexReader(directory: directory.path), similarity: similarity)
}

@Suite("BM25")
struct BM25Tests {
    // N = 3 documents of lengths 3, 2 and 4: avgdl = 3.
    let bodies = ["apple apple banana", "banana cherry", "cherry cherry cherry date"]

    /// Expected scores, worked by hand from Lucene's definitions (k1 = 1.2, b = 0.75):
    /// idf(apple)  = ln(1 + (3 − 1 + 0.5) / (1 + 0.5)) = ln(2.6667) = 0.980829
    /// idf(banana) = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln(1.6)    = 0.470004
    /// apple in d0:  0.980829 · 2 / (2 + 1.2 · (0.25 + 0.75 · 3/3)) = 0.980829 · 2/3.2 = 0.613018
    /// banana in d0: 0.470004 · 1 / (1 + 1.2)                        = 0.213638
    /// banana in d1: 0.470004 · 1 / (1 + 1.2 · (0.25 + 0.75 · 2/3))  = 0.470004 / 1.9 = 0.247370
    /// cherry in d2: 0.470004 · 3 / (3 + 1.2 · (0.25 + 0.75 · 4/3))  = 1.410012 / 4.5 = 0.313336
    @Test("scores equal the values computed by hand")
    func handComputed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let search = try searcher(bodies, in: directory)

        let apple = try search.search("apple")
        #expect(apple.total == 1)
        #expect(abs(apple.hits[0].score - 0.613018) < 1e-6)

        let banana = try search.search("banana")
        #expect(banana.total == 2)
        #expect(banana.hits.map(\.path) == ["doc1.txt", "doc0.txt"])
        #expect(abs(banana.hits[0].score - 0.247370) < 1e-6)
        #expect(abs(banana.hits[1].score - 0.213638) < 1e-6)

        // OR semantics: the sum over the query's terms.
        let both = try search.search("apple banana")
        #expect(both.total == 2)
        #expect(both.hits[0].path == "doc0.txt")
        #expect(abs(both.hits[0].score - (0.613018 + 0.213638)) < 1e-6)

        let cherry = try search.search("Cherry")
        #expect(cherry.hits.map(\.path) == ["doc2.txt", "doc1.txt"])
        #expect(abs(cherry.hits[0].score - 0.313336) < 1e-6)
    }

    /// apple in d0 with k1 = 1.5, b = 0.6: 0.980829 · 2 / (2 + 1.5 · (0.4 + 0.6 · 3/3)) = 0.980829 · 2/3.5 = 0.560474
    @Test("the default is k1 = 1.5, b = 0.6")
    func defaults() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try searcher(bodies, in: directory)
        let search = Searcher(reader: try IndexReader(directory: directory.path))
        #expect(search.similarity == .standard && BM25.standard == BM25(k1: 1.5, b: 0.6))
        #expect(abs(try search.search("apple").hits[0].score - 0.560474) < 1e-6)
    }

    @Test("the formula itself, independently of the index")
    func formula() {
        let bm25 = BM25.lucene
        #expect(bm25.k1 == 1.2 && bm25.b == 0.75)
        #expect(abs(bm25.idf(documentFrequency: 1, documentCount: 3) - 0.980829) < 1e-6)
        // A term in every document still has a small positive idf (Lucene's +1 inside the log).
        #expect(bm25.idf(documentFrequency: 3, documentCount: 3) > 0)
        #expect(abs(bm25.score(idf: 1, frequency: 1, length: 3, averageLength: 3) - 1 / 2.2) < 1e-12)
    }

    /// As in Lucene's BooleanQuery, FTS5 and bm25s, a word typed twice is two
    /// clauses and counts twice (tantivy's parser merges them, which costs it
    /// ranking quality on long, verbose queries).
    @Test("repeated query words count each time; unknown words are ignored")
    func duplicates() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let search = try searcher(bodies, in: directory)
        let once = try search.search("apple")
        let twice = try search.search("apple APPLE zebra")
        #expect(twice.total == once.total)
        #expect(abs(twice.hits[0].score - 2 * once.hits[0].score) < 1e-12)
        #expect(try search.search("zebra").total == 0)
    }

    @Test("empty and punctuation-only queries are errors")
    func emptyQuery() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let search = try searcher(bodies, in: directory)
        for query in ["", "   ", "?!-"] {
            let error = try #require(throws: SearchError.self) { try search.search(query) }
            #expect(error.code == .emptyQuery)
        }
    }

    @Test("top-k with a heap equals a full sort, ties broken by document order")
    func topK() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 200 documents with varied lengths and frequencies; many exact ties.
        var generator = SplitMix(seed: 42)
        var bodies: [String] = []
        for _ in 0..<200 {
            let words = (0..<Int(generator.next() % 12 + 1)).map { _ in
                ["red", "green", "blue", "grey"][Int(generator.next() % 4)]
            }
            bodies.append(words.joined(separator: " "))
        }
        let search = try searcher(bodies, in: directory)
        let all = try search.search("red blue", limit: 1000)
        for limit in [1, 3, 10, 57] {
            let top = try search.search("red blue", limit: limit)
            #expect(top.total == all.total)
            #expect(top.hits.map(\.path) == Array(all.hits.prefix(limit)).map(\.path))
        }
        // Best first; equal scores in increasing document order.
        for (a, b) in zip(all.hits, all.hits.dropFirst()) {
            #expect(a.score > b.score || (a.score == b.score && a.document < b.document))
        }
        // --limit 0 returns every match, in the same order.
        let every = try search.search("red blue", limit: 0)
        #expect(every.hits.count == all.total)
        #expect(every.hits.map(\.path) == all.hits.map(\.path))
    }
}
