import IndexFormat
import Indexing
import NewsCore
import Search
import TestSupport
import Testing

/// Random articles over a small vocabulary with actors in it, so that every
/// query below matches many documents in every segment.
func randomArticles(_ count: Int, seed: UInt64) -> [Article] {
    let words = [
        "forces", "militia", "oil", "prices", "talks", "border", "strike", "minister", "embassy", "drone",
        "sanctions", "ceasefire", "troops", "withdrawal", "election", "parliament", "exports", "convoy",
        "Iran", "Iraq", "Tehran", "Hezbollah", "Israel", "Syria", "OPEC", "Baghdad", "the", "and", "of", "in",
    ]
    var generator = SplitMix(seed: seed)
    return (0..<count).map { index in
        func sentence(_ length: Int) -> String {
            (0..<length).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ")
        }
        var body = (0..<(1 + Int(generator.next() % 6))).map { _ in sentence(4 + Int(generator.next() % 20)) + "." }
        // Every fifth article names a person the analyser learns: twenty of
        // them, spread over every segment, which a merge must keep.
        if index % 5 == 0 {
            let first = ["Nasser", "Dana", "Omar", "Lena"][Int(generator.next() % 4)]
            let last = ["Kanaani", "Haddad", "Farouk", "Meier", "Novak"][Int(generator.next() % 5)]
            body.append("Spokesman \(first) \(last) told reporters.")
        }
        return Article(
            path: "doc\(index).txt", title: sentence(3 + Int(generator.next() % 5)), body: body.joined(separator: " "),
            format: .text, sourceSize: UInt64(index), modificationTime: Int64(index), contentHash: UInt64(index))
    }
}

@Suite("Segments, deletions and merges")
struct SegmentTests {
    static let queries = [
        "forces", "oil prices", "militia border strike", "talks", "zzz", "Iran troops",
        // Positions, copied as bytes by merges: phrases and proximity.
        "\"oil prices\"", "troops NEAR/2 border", "+militia -\"the strike\"",
    ]
    static let actorQueries = [["Iran"], ["Hezbollah", "Israel"]]

    /// Builds an index of `articles` from one thread, flushing a segment each
    /// time the postings reach `budget` bytes; merges only if `merge`.
    func build(_ articles: [Article], in directory: String, budget: Int, merge: Bool = false) throws -> IndexReader {
        let writer = try IndexWriter(directory: directory)
        let builder = writer.builder(memoryBudget: budget)
        for article in articles { try builder.add(article) }
        try builder.flush()
        try writer.commit()
        if merge { try writer.merge() }
        return try IndexReader(directory: directory)
    }

    /// Every answer the index gives to the test queries: totals, and each
    /// hit's path and score (to 12 digits), for keywords, actors and facets.
    func answers(_ reader: IndexReader) throws -> [String] {
        let searcher = Searcher(reader: reader)
        var out: [String] = []
        for query in Self.queries {
            let results = try searcher.search(query, SearchOptions(limit: 0))
            out.append("\(query): \(results.total)")
            out += results.hits.map { "  \($0.path) \(($0.score * 1e12).rounded())" }
        }
        for actors in Self.actorQueries {
            let results = try searcher.search("forces", SearchOptions(limit: 20, actors: actors))
            out.append("\(actors): \(results.total)")
            out += results.hits.map { "  \($0.path) \(($0.score * 1e12).rounded())" }
        }
        let facets = try searcher.actorFacets("", SearchOptions(), limit: 0)
        out.append("facets: \(facets.documents)")
        out += facets.actors.map { "  \($0.actor.id) \($0.articles)" }
        return out
    }

    @Test("many segments answer exactly as one: same hits, same scores, same facets; optimize makes one")
    func segmentsAnswerAsOne() throws {
        let articles = randomArticles(600, seed: 11)
        let one = try TemporaryDirectory()
        let many = try TemporaryDirectory()
        defer {
            one.remove()
            many.remove()
        }
        let single = try build(articles, in: one.path, budget: 256 << 20)
        #expect(single.segments.count == 1)
        let split = try build(articles, in: many.path, budget: 24 << 10)
        #expect(split.segments.count >= 8, "\(split.segments.count) segments")
        let expected = try answers(single)
        #expect(try answers(split) == expected)
        _ = try split.verifyStructure()

        let writer = try IndexWriter(directory: many.path)
        #expect(try writer.optimize())
        let optimized = try IndexReader(directory: many.path)
        #expect(optimized.segments.count == 1)
        #expect(optimized.documentCount == 600)
        #expect(try answers(optimized) == expected)
        try optimized.verifyChecksums()
        _ = try optimized.verifyStructure()
        // The merge streamed the learned actors from its inputs: the same as
        // one segment built from the text lists, in the same order.
        let learned = try single.segments[0].analysisFile.settings().learned
        #expect(learned.count >= 15, "\(learned.map(\.id))")
        #expect(try optimized.segments[0].analysisFile.settings().learned == learned)
        // And the sources, merged in walk order, name every document once.
        #expect(try Set(optimized.segments[0].sources().map(\.path)) == Set(articles.map(\.path)))
    }

    @Test("deleted documents never match; after a merge the index equals one built without them")
    func deletions() throws {
        let articles = randomArticles(400, seed: 5)
        let gone = Set((0..<400).filter { $0 % 7 == 3 || $0 < 30 }.map { "doc\($0).txt" })
        let kept = articles.filter { !gone.contains($0.path) }
        let updated = try TemporaryDirectory()
        let fresh = try TemporaryDirectory()
        defer {
            updated.remove()
            fresh.remove()
        }
        _ = try build(articles, in: updated.path, budget: 32 << 10)
        do {
            let writer = try IndexWriter(directory: updated.path)
            var locations: [IndexWriter.Location] = []
            // Every document once, in walk order: "doc10.txt" before "doc2.txt".
            var files = try writer.indexedFiles()
            var paths: [String] = []
            while try files.next() {
                let path = String(decoding: files.path, as: UTF8.self)
                paths.append(path)
                if gone.contains(path) { locations.append(files.location) }
            }
            #expect(paths == articles.map(\.path).sorted { comparePaths(Array($0.utf8).span, Array($1.utf8).span) < 0 })
            #expect(locations.count == gone.count)
            for location in locations { writer.delete(location) }
            let summary = try writer.commit()
            #expect(summary.documentCount == kept.count && summary.deletedCount > 0)
        }

        let reader = try IndexReader(directory: updated.path)
        #expect(reader.liveCount == UInt32(kept.count))
        _ = try reader.verifyStructure()
        let reference = try build(kept, in: fresh.path, budget: 256 << 20)
        // The same documents match; scores may differ while deleted documents
        // still count in the statistics (as in Lucene).
        let searcher = Searcher(reader: reader)
        let referenceSearcher = Searcher(reader: reference)
        for query in Self.queries {
            let paths = Set(try searcher.search(query, SearchOptions(limit: 0)).hits.map(\.path))
            let expected = Set(try referenceSearcher.search(query, SearchOptions(limit: 0)).hits.map(\.path))
            #expect(paths == expected, "\(query)")
            #expect(paths.isDisjoint(with: gone))
        }
        let facets = try searcher.actorFacets("", SearchOptions(), limit: 0)
        let expectedFacets = try referenceSearcher.actorFacets("", SearchOptions(), limit: 0)
        #expect(facets.documents == expectedFacets.documents)
        #expect(facets.actors == expectedFacets.actors)

        // A merge drops them for good: then even the scores are the fresh index's.
        #expect(try IndexWriter(directory: updated.path).optimize())
        let merged = try IndexReader(directory: updated.path)
        #expect(merged.manifest.deletedCount == 0 && merged.documentCount == UInt32(kept.count))
        #expect(try answers(merged) == answers(reference))
    }

    @Test("the tiered policy keeps the segment count logarithmic and each merge picks one tier")
    func mergePolicy() {
        let policy = MergePolicy(mergeFactor: 10, floorDocuments: 1_000)
        var segments: [SegmentInfo] = []
        var number: UInt64 = 0
        var generator = SplitMix(seed: 3)
        var total = 0
        var merges = 0
        // 2,000 flushes of 500 to 1,500 documents: a million documents in all.
        for _ in 0..<2_000 {
            number += 1
            let size = 500 + Int(generator.next() % 1_000)
            total += size
            segments.append(SegmentInfo(number: number, id: .random(), documentCount: UInt32(size)))
            while let pick = policy.pick(segments) {
                let chosen = segments.filter { pick.contains($0.number) }
                #expect(Set(chosen.map(policy.tier)).count == 1, "a merge within one tier")
                segments.removeAll { pick.contains($0.number) }
                number += 1
                let merged = chosen.reduce(UInt32(0)) { $0 + $1.liveCount }
                segments.append(SegmentInfo(number: number, id: .random(), documentCount: merged))
                merges += 1
            }
            // Fewer than mergeFactor segments per tier, tiers up to log10(total / floor).
            var tiers = 1
            var scale = total / 1_000
            while scale >= 10 {
                scale /= 10
                tiers += 1
            }
            #expect(segments.count < 10 * tiers)
        }
        #expect(segments.reduce(0) { $0 + Int($1.liveCount) } == total)
        #expect(segments.count <= 27, "\(segments.count) segments for \(total) documents")
        #expect(merges > 100)

        // A segment with a third of its documents deleted is rewritten on its own.
        let worn = SegmentInfo(number: 1, id: .random(), documentCount: 300, deletedCount: 100, deletionsGeneration: 2)
        #expect(policy.pick([worn]) == [1])
        let fine = SegmentInfo(number: 1, id: .random(), documentCount: 300, deletedCount: 60, deletionsGeneration: 2)
        #expect(policy.pick([fine]) == nil)
    }
}
