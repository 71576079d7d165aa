import IndexFormat
import Indexing
import NewsCore
import TestSupport
import Testing
import TextAnalysis

@testable import Search

/// Block-Max MaxScore must return exactly what exhaustive evaluation does:
/// thousands of random queries over random corpora, compared bit for bit.
@Suite("Top-k pruning")
struct PruningTests {
    /// A Zipf-like vocabulary: word i is drawn with weight 1 / (i + 1), so a
    /// few words are in most documents (long lists, many blocks) and most are rare.
    static let vocabulary: [String] = {
        let stems = [
            "forces", "militia", "oil", "prices", "talks", "border", "strike", "minister", "embassy", "drone",
            "sanctions", "ceasefire", "troops", "withdrawal", "election", "parliament", "exports", "convoy",
            "the", "and", "of", "in", "Iran", "Tehran", "Iraq", "Hezbollah", "Israel", "Baghdad",
        ]
        // Made-up words widen the tail: "vorap", "kelum", …
        var generator = SplitMix(seed: 7)
        let syllables = ["ka", "lo", "rem", "vo", "tis", "nar", "pe", "qu", "zan", "mi"]
        var words = stems
        while words.count < 400 {
            let parts = 2 + Int(generator.next() % 2)
            words.append((0..<parts).map { _ in syllables[Int(generator.next() % 10)] }.joined())
        }
        return words
    }()

    struct Sampler {
        var generator: SplitMix
        let cumulative: [Double]

        init(seed: UInt64) {
            generator = SplitMix(seed: seed)
            var sum = 0.0
            cumulative = PruningTests.vocabulary.indices.map { i in
                sum += 1 / Double(i + 1)
                return sum
            }
        }

        mutating func below(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }

        mutating func word() -> String {
            let target = Double(generator.next() % 1_000_000) / 1_000_000 * cumulative.last!
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] < target { low = middle + 1 } else { high = middle }
            }
            return PruningTests.vocabulary[low]
        }
    }

    /// Articles of 3 to 400 words; some repeat a word many times, so that
    /// frequencies and lengths vary within every block.
    static func corpus(_ count: Int, seed: UInt64) -> [[String]] {
        var sampler = Sampler(seed: seed)
        return (0..<count).map { _ in
            let length = 3 + (sampler.below(4) == 0 ? sampler.below(400) : sampler.below(60))
            var words = (0..<length).map { _ in sampler.word() }
            if sampler.below(5) == 0 {
                let word = sampler.word()
                for _ in 0..<(1 + sampler.below(12)) { words.insert(word, at: sampler.below(words.count)) }
            }
            return words
        }
    }

    /// Phrases read their common words only as far as their rare word needs
    /// (``PostingsCursor/keepStarts(_:shift:)``), leaving the rest to be
    /// stepped over: every phrase's frequency in every document must still
    /// be the count of its terms in sequence, title and body apart.
    @Test("phrase frequencies equal a brute-force count of the term sequence, common words included")
    func phraseFrequencies() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bodies = Self.corpus(600, seed: 41)
        let searcher = Searcher(reader: try Self.build(bodies, in: directory.path))
        let analyzer = Analyzer()
        var termOf: [String: [UInt8]] = [:]
        for word in Self.vocabulary {
            var terms: [[UInt8]] = []
            analyzer.analyze(word.utf8.span) { _, term in terms.append(term.array) }
            termOf[word] = terms.first ?? []
        }
        func count(_ phrase: [[UInt8]], in words: ArraySlice<String>) -> Int {
            let terms = words.map { termOf[$0]! }
            guard terms.count >= phrase.count else { return 0 }
            return (0...(terms.count - phrase.count)).filter { Array(terms[$0..<($0 + phrase.count)]) == phrase }.count
        }
        var sampler = Sampler(seed: 43)
        var checked = 0
        for _ in 0..<150 {
            // Two or three words, one of them often among the commonest.
            var words = (0..<(2 + sampler.below(2))).map { _ in sampler.word() }
            if sampler.below(2) == 0 {
                words[sampler.below(words.count)] = ["the", "of", "and", "in"][sampler.below(4)]
            }
            let phrase = words.map { termOf[$0]! }
            var expected: [Int: Int] = [:]
            for (index, body) in bodies.enumerated() {
                let frequency = count(phrase, in: body.prefix(3)) + count(phrase, in: body[...])
                if frequency > 0 { expected[index] = frequency }
            }
            let query = "\"" + words.joined(separator: " ") + "\""
            var options = SearchOptions(limit: 0, explain: true)
            options.totalHitsThreshold = .max
            let results = try searcher.search(query, options)
            var found: [Int: Int] = [:]
            for hit in results.hits {
                let index = Int(hit.path.dropFirst(3).prefix { $0 != "." })!
                found[index] = Int(try #require(hit.explanation?.first).frequency)
            }
            #expect(found == expected, "\(query)")
            checked += expected.count
        }
        #expect(checked > 1000, "the phrases matched \(checked) documents in all")
    }

    static func build(_ bodies: [[String]], in directory: String) throws -> IndexReader {
        let writer = try IndexWriter(directory: directory)
        // A small budget: several segments, so the threshold carries across them.
        let builder = writer.builder(memoryBudget: 300_000)
        for (index, words) in bodies.enumerated() {
            try builder.add(
                Article(
                    path: "doc\(index).txt", title: words.prefix(3).joined(separator: " "),
                    body: words.joined(separator: " "), format: .text, sourceSize: UInt64(index),
                    modificationTime: Int64(index), contentHash: UInt64(index)))
        }
        try builder.flush()
        try writer.commit()
        return try IndexReader(directory: directory)
    }

    /// A random query: one to four clauses, each a word, a phrase taken from
    /// a document, a prefix, a NEAR, an actor or a group; some required or
    /// excluded; now and then with AND.
    static func query(_ sampler: inout Sampler, _ bodies: [[String]]) -> String {
        func clause(_ depth: Int) -> String {
            switch sampler.below(depth > 0 ? 7 : 8) {
            case 0, 1, 2: return sampler.word()
            case 3:
                let body = bodies[sampler.below(bodies.count)]
                let start = sampler.below(max(1, body.count - 2))
                return "\"" + body[start..<min(body.count, start + 2 + sampler.below(2))].joined(separator: " ") + "\""
            case 4: return String(sampler.word().prefix(3)) + "*"
            case 5: return "\(sampler.word()) NEAR/\(1 + sampler.below(6)) \(sampler.word())"
            case 6:
                return [
                    "actor:Iran", "actor:Israel", "title:\(sampler.word())",
                    "title:\"\(sampler.word()) \(sampler.word())\"",
                ][sampler.below(4)]
            default: return "(\(clause(depth + 1)) \(sampler.below(2) == 0 ? "OR" : "AND") \(clause(depth + 1)))"
            }
        }
        let count = 1 + sampler.below(4)
        var parts: [String] = []
        for index in 0..<count {
            let sign = index == 0 ? "" : ["", "", "", "+", "-"][sampler.below(5)]
            parts.append(sign + clause(0))
        }
        return parts.joined(separator: sampler.below(6) == 0 ? " AND " : " ")
    }

    @Test("pruned top k equals exhaustive top k: same documents, same scores, same order", arguments: [11, 23, 37])
    func prunedEqualsExhaustive(seed: UInt64) throws {
        let directory = try TemporaryDirectory("pruning")
        let bodies = Self.corpus(3000, seed: seed)
        let reader = try Self.build(bodies, in: directory.path)
        #expect(reader.segments.count > 1)
        var searcher = Searcher(reader: reader)
        var sampler = Sampler(seed: seed &* 31)
        var compared = 0
        var pruned = 0
        for round in 0..<700 {
            let text = Self.query(&sampler, bodies)
            let options = SearchOptions(limit: 1 + sampler.below(20), all: sampler.below(8) == 0)
            // Other k1 and b now and then: the bounds must hold for any.
            searcher.similarity = round % 5 == 0 ? BM25(k1: 0.5 + Double(sampler.below(20)) / 10, b: 0.3) : .lucene
            // Title weights below, at and above 1 (BM25F words read two lists).
            searcher.titleWeight = [2, 1, 0.5, 3][sampler.below(4)]
            let plan: QueryPlan
            do {
                plan = try searcher.plan(try searcher.query(text, options), includeMembers: false).0
            } catch is SearchError {
                continue  // A query the language refuses (say, only an excluded clause).
            }
            let exhaustive = try searcher.topDocuments(plan, limit: options.limit, totalHitsThreshold: .max)
            let fast = try searcher.topDocuments(plan, limit: options.limit, totalHitsThreshold: 0)
            let expected = exhaustive.documents.map { "\($0.document) \($0.score.bitPattern)" }
            let got = fast.documents.map { "\($0.document) \($0.score.bitPattern)" }
            #expect(got == expected, "\(text) (k \(options.limit))")
            #expect(exhaustive.exact && exhaustive.total >= fast.total)
            #expect(!fast.exact || fast.total == exhaustive.total, "\(text)")
            compared += 1
            if !fast.exact { pruned += 1 }
        }
        #expect(compared > 600)
        // The test means something only if pruning skipped documents often.
        #expect(pruned * 3 > compared, "pruning skipped documents in \(pruned) of \(compared) queries")
    }
}
