import IndexFormat
import Indexing
import NewsCore
import NewsIngest
import Search
import TestSupport
import Testing
import TextAnalysis

/// Corpus/ indexed once with the bundled gazetteer, shared by the suite. The
/// directory is removed as soon as the reader has mapped its files (a mapping
/// outlives the unlinked file), so nothing is left behind.
final class CorpusIndex: Sendable {
    static let shared = Result { try CorpusIndex() }
    let searcher: Searcher

    init() throws {
        let directory = try TemporaryDirectory("actor-search")
        defer { directory.remove() }
        let writer = try IndexWriter(directory: directory.path)
        _ = try CorpusReader(root: Repository.corpus).read { try writer.add($0) }
        _ = try writer.commit()
        searcher = Searcher(reader: try IndexReader(directory: directory.path))
    }
}

let sampleArticle = "iran-foreign-forces-iraq.txt"

func fileName(_ hit: Hit) -> String { String(hit.path.split(separator: "/").last!) }

/// The marked words of a hit's snippet.
func marked(_ hit: Hit) -> [String] {
    let bytes = Array(hit.snippet.text.utf8)
    return hit.snippet.highlights.map { String(decoding: bytes[$0], as: UTF8.self) }
}

@Suite("Actor search on Corpus/")
struct ActorSearchTests {
    let searcher: Searcher

    init() throws {
        searcher = try CorpusIndex.shared.get().searcher
    }

    func search(_ text: String = "", actors: [String], members: Bool = false, limit: Int = 0) throws -> SearchResults {
        try searcher.search(text, SearchOptions(limit: limit, actors: actors, includeMembers: members))
    }

    @Test("--actor Iran finds the sample article with Tehran and Iran's highlighted")
    func iran() throws {
        let results = try search(actors: ["Iran"])
        let sample = try #require(results.hits.first { fileName($0) == sampleArticle })
        // The snippet is the best passage for Iran; across the article's
        // passages the aliases as written are what gets marked.
        let words = Set(marked(sample))
        #expect(words.contains("TEHRAN") || words.contains("Tehran"), "\(sample.snippet.text)")
        #expect(words.contains("Iran"), "\(sample.snippet.text)")
        let snippets = SnippetBuilder(
            query: try Query("", actors: ["Iran"]), actorIDs: ["IRN"],
            analyzer: Analyzer(gazetteer: try searcher.catalog().gazetteer))
        let article = try searcher.reader.article(sample.document.rawValue)
        var all = Set<String>()
        for sentence in article.body.split(separator: "\n").flatMap({ $0.split(separator: ". ") }) {
            let snippet = snippets.mark(title: "", body: String(sentence)).snippet
            let bytes = Array(snippet.text.utf8)
            for range in snippet.highlights { all.insert(String(decoding: bytes[range], as: UTF8.self)) }
        }
        #expect(all.isSuperset(of: ["Tehran", "Iran's", "Iranian", "Islamic Republic", "TEHRAN"]), "\(all)")
        #expect(results.actors.first?.actor.id == "IRN")
    }

    @Test(
        "Quds Force, Soleimani, Kanaani, Israel and US find the sample article; China does not",
        arguments: ["Quds Force", "Soleimani", "Kanaani", "Israel", "US"])
    func findsSample(name: String) throws {
        let results = try search(actors: [name])
        #expect(results.hits.contains { fileName($0) == sampleArticle }, "\(name): \(results.hits.map(\.path))")
    }

    @Test("a stemmed query finds other forms and highlights the words as written")
    func stemmedHighlights() throws {
        // "attack" is stemmed at query time; the articles say "attacks" and "attacked".
        let results = try searcher.search("attack", SearchOptions(limit: 0))
        let sample = try #require(results.hits.first { fileName($0) == sampleArticle })
        let words = Set(marked(sample).map { $0.lowercased() })
        #expect(words.contains("attacks"), "\(sample.snippet.text)")
        #expect(!words.contains("attack"), "only forms the article uses are marked")
    }

    @Test("--actor China does not find the sample article")
    func china() throws {
        let results = try search(actors: ["China"])
        #expect(!results.hits.contains { fileName($0) == sampleArticle })
        #expect(results.hits.contains { fileName($0) == "china-taiwan-strait.txt" })
    }

    @Test("names resolve through the gazetteer: Tehran, Iranian and IRN all mean Iran")
    func resolution() throws {
        let iran = try search(actors: ["Iran"]).hits.map(\.path)
        for name in ["Tehran", "Iranian", "IRN", "iran"] {
            #expect(try search(actors: [name]).hits.map(\.path) == iran, "\(name)")
        }
    }

    @Test("every --actor must be present; keywords then rank and one must match")
    func conjunction() throws {
        let iran = Set(try search(actors: ["Iran"]).hits.map(\.path))
        let israel = Set(try search(actors: ["Israel"]).hits.map(\.path))
        let both = try search(actors: ["Iran", "Israel"])
        #expect(Set(both.hits.map(\.path)) == iran.intersection(israel))
        let keyword = try search("uranium", actors: ["Iran"])
        #expect(keyword.total >= 1)
        #expect(keyword.hits.allSatisfy { iran.contains($0.path) })
        #expect(try searcher.search("uranium").total >= keyword.total)
        // A required actor: clause in the query text is the same as --actor.
        let inline = try searcher.search("+actor:\"Quds Force\" militias", SearchOptions(limit: 0))
        let flag = try search("militias", actors: ["Quds Force"])
        #expect(inline.hits.map(\.path) == flag.hits.map(\.path))
        #expect(inline.total > 0)
        // Without "+", an actor: clause is one more clause of an OR query.
        let either = try searcher.search("actor:\"Quds Force\" militias", SearchOptions(limit: 0))
        #expect(Set(either.hits.map(\.path)).isSuperset(of: inline.hits.map(\.path)))
        #expect(either.total > inline.total)
    }

    @Test("--include-members: Iran also matches IRGC and Quds Force mentions")
    func members() throws {
        let plain = try search(actors: ["IRGC"])
        let withMembers = try search(actors: ["Iran"], members: true)
        #expect(withMembers.actors.first?.ids.contains("QUDS") == true)
        #expect(withMembers.total >= plain.total)
        #expect(Set(plain.hits.map(\.path)).isSubset(of: Set(withMembers.hits.map(\.path))))
    }

    @Test("articles about an actor outrank those that name it once; --limit 0 returns every match")
    func ranking() throws {
        let results = try search(actors: ["Iran"])
        #expect(results.hits.count == results.total)
        let top = try #require(results.hits.first)
        let last = try #require(results.hits.last)
        #expect(top.score > last.score)
        // The top hits have Iran in the title.
        #expect(top.title.contains("Iran"), "\(top.title)")
        let limited = try search(actors: ["Iran"], limit: 2)
        #expect(limited.hits.map(\.path) == Array(results.hits.prefix(2)).map(\.path))
        #expect(limited.total == results.total)
    }

    @Test("an ambiguous name lists the candidates; an unknown one says so")
    func errors() throws {
        do {
            _ = try search(actors: ["Congo"])
            Issue.record("Congo resolved to one actor")
        } catch let error as SearchError {
            #expect(error.code == .ambiguousActor)
            #expect(error.message.contains("COD") && error.message.contains("COG"), "\(error)")
        }
        do {
            _ = try search(actors: ["Atlantis"])
            Issue.record("Atlantis resolved")
        } catch let error as SearchError {
            #expect(error.code == .unknownActor)
            #expect(error.message.contains("Atlantis"))
        }
    }

    @Test("facets: the actors of the whole index, and of the articles matching a query")
    func facets() throws {
        let all = try searcher.actorFacets("", SearchOptions(), limit: 0)
        #expect(all.documents == Int(searcher.reader.documentCount))
        let iran = try #require(all.actors.first { $0.actor.id == "IRN" })
        #expect(iran.articles == (try search(actors: ["Iran"])).total)
        let ordered = all.actors.map(\.articles)
        #expect(ordered == ordered.sorted(by: >))

        let withIran = try searcher.actorFacets("", SearchOptions(actors: ["Iran"]), limit: 10)
        #expect(withIran.documents == iran.articles)
        #expect(!withIran.actors.contains { $0.actor.id == "IRN" }, "the query's own actor is left out")
        #expect(withIran.actors.contains { $0.actor.id == "IRQ" })
        #expect(withIran.actors.allSatisfy { $0.articles <= iran.articles })
    }

    @Test("co-mentions: same sentence and same article as Iran")
    func coMentions() throws {
        let found = try searcher.coMentions(with: "Iran", limit: 0)
        #expect(found.documents == (try search(actors: ["Iran"])).total)
        let iraqSentence = try #require(found.sentence.first { $0.actor.id == "IRQ" })
        let iraqArticle = try #require(found.article.first { $0.actor.id == "IRQ" })
        #expect(iraqSentence.sentences >= 1)
        #expect(iraqSentence.articles <= iraqArticle.articles)
        #expect(!found.article.contains { $0.actor.id == "IRN" })
        let counts = found.sentence.map(\.sentences)
        #expect(counts == counts.sorted(by: >))
    }
}
