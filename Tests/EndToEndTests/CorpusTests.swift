import Foundation
import IndexFormat
import Indexing
import NewsCore
import NewsIngest
import Search
import TestSupport
import Testing

/// Indexes `corpus` into a fresh directory, the way `gazette index` does.
func buildIndex(_ corpus: String, into directory: TemporaryDirectory) throws -> (
    CorpusReader.Report, IndexWriter.CommitSummary
) {
    let writer = try IndexWriter(directory: directory.path)
    let report = try CorpusReader(root: corpus).read { try writer.add($0) }
    return (report, try writer.commit())
}

@Suite("End to end on Corpus/")
struct CorpusTests {
    @Test("\"foreign forces\" finds the sample article first, both copies, words highlighted")
    func foreignForces() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (report, summary) = try buildIndex(Repository.corpus, into: directory)
        #expect(report.skipped.isEmpty, "\(report.skipped)")
        #expect(summary.documentCount >= 10)

        let results = try Searcher(reader: IndexReader(directory: directory.path)).search("foreign forces")
        let sample = ["iran-foreign-forces-iraq.txt", "iran-foreign-forces-iraq.html"]
        let top2 = results.hits.prefix(2).map { String($0.path.split(separator: "/").last!) }
        #expect(Set(top2) == Set(sample), "top hits: \(top2)")

        for hit in results.hits.prefix(2) {
            let bytes = Array(hit.snippet.text.utf8)
            let marked = Set(hit.snippet.highlights.map { String(decoding: bytes[$0], as: UTF8.self).lowercased() })
            #expect(marked.isSuperset(of: ["foreign", "forces"]), "\(hit.path): \(hit.snippet.text)")
        }
    }

    @Test("the .html copy holds the article text and none of the page's furniture")
    func htmlCopy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try buildIndex(Repository.corpus, into: directory)
        let searcher = Searcher(reader: try IndexReader(directory: directory.path))
        let results = try searcher.search("foreign forces proxy militias")
        let html = try #require(results.hits.first { $0.path.hasSuffix(".html") })
        let text = try #require(results.hits.first { $0.path.hasSuffix("iran-foreign-forces-iraq.txt") })
        #expect(html.title == text.title)
        let stored = try searcher.reader.article(html.document.rawValue)
        let txt = try searcher.reader.article(text.document.rawValue)
        // The extracted body is the article, word for word, after its byline.
        let htmlWords = stored.body.split(whereSeparator: \.isWhitespace)
        let txtWords = txt.body.split(whereSeparator: \.isWhitespace)
        #expect(Array(htmlWords.suffix(txtWords.count)) == txtWords)
        #expect(htmlWords.count - txtWords.count < 12, "only a byline precedes the article")
        for furniture in [
            "Subscribe", "newsletter", "trackPageview", "adsbygoogle", "Privacy policy", "Related stories", "cookie",
        ] {
            #expect(!stored.body.contains(furniture), "body holds \"\(furniture)\"")
            #expect(!html.snippet.text.contains(furniture))
        }
        // Nothing in the page's navigation or scripts is searchable.
        #expect(try searcher.search("trackPageview adsbygoogle newsletter").total == 0)
    }
}

@Suite("Reuters-21578")
struct ReutersTests {
    @Test("all 19,043 articles are indexed and a rare word finds its article")
    func reuters() throws {
        guard let shared = Repository.sharedCorpora else {
            print("skipped: ../shared/corpora is absent; the Reuters test needs it")
            return
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (report, summary) = try buildIndex(shared + "/reuters21578", into: directory)
        #expect(report.warnings.isEmpty, "\(report.warnings.prefix(3))")
        let reader = try IndexReader(directory: directory.path)
        try reader.verifyChecksums()
        // Beside the 22 article folders (NN/NNNNN.txt) lie the collection's README and a
        // country list, also .txt: they are indexed too, and counted apart.
        var articles = 0
        for document in 0..<reader.documentCount {
            let parts = try reader.article(document).path.split(separator: "/").suffix(2)
            if parts.count == 2, parts.first!.count == 2, parts.last!.hasSuffix(".txt") { articles += 1 }
        }
        #expect(articles == 19_043)
        #expect(summary.documentCount == 19_043 + 2)
        let searcher = Searcher(reader: reader)
        // "temporao" (Bahia's mid-year cocoa crop) appears in article 1 and very few others.
        let results = try searcher.search("temporao")
        #expect(results.hits.contains { $0.path.hasSuffix("00/00001.txt") })
        #expect(results.total < 30)
        let first = try #require(results.hits.first)
        #expect(first.snippet.text.lowercased().contains("temporao"))

        // Actor search against the editors' country labels (NEWID divisible by 4):
        // the first ten labelled articles ranked for a country carry its label.
        // tools/eval_actors.py measures the whole protocol; this keeps it from
        // silently breaking.
        let labels = try String(contentsOfFile: shared + "/reuters21578/labels-dev.tsv", encoding: .utf8)
        var places: [Int: Set<String>] = [:]
        for line in labels.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard let id = Int(fields[0]) else { continue }
            places[id] = Set(fields[1].split(separator: ";").map(String.init))
        }
        for (code, name) in [("japan", "Japan"), ("west-germany", "West Germany"), ("brazil", "Brazil")] {
            let ranked = try searcher.search("", SearchOptions(limit: 0, actors: [name])).hits.compactMap { hit in
                Int(hit.path.split(separator: "/").last!.dropLast(4)).flatMap { places[$0] }
            }
            let precision = ranked.prefix(10).count { $0.contains(code) }
            #expect(precision >= 9, "\(name): \(precision) of the first 10 labelled articles are labelled \(code)")
        }
    }
}
