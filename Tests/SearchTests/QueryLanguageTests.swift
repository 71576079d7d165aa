import IndexFormat
import Indexing
import NewsCore
import Search
import TestSupport
import Testing

@Suite("Query language: parsing")
struct QueryParserTests {
    func parse(_ text: String, _ defaultOperator: QueryParser.DefaultOperator = .or) throws -> QueryNode {
        try QueryParser.parse(text, defaultOperator: defaultOperator)
    }

    @Test("words, signs, operators and groups become the boolean tree Lucene would build")
    func structure() throws {
        #expect(try parse("iran") == .word("iran"))
        #expect(try parse("a b") == .boolean([QueryClause(.should, .word("a")), QueryClause(.should, .word("b"))]))
        #expect(try parse("a b", .and) == .boolean([QueryClause(.must, .word("a")), QueryClause(.must, .word("b"))]))
        #expect(
            try parse("+a -b c")
                == .boolean([
                    QueryClause(.must, .word("a")), QueryClause(.mustNot, .word("b")), QueryClause(.should, .word("c")),
                ]))
        // AND binds tighter than OR, OR tighter than adjacency.
        #expect(
            try parse("a AND b OR c")
                == .boolean([
                    QueryClause(
                        .should, .boolean([QueryClause(.must, .word("a")), QueryClause(.must, .word("b"))])),
                    QueryClause(.should, .word("c")),
                ]))
        #expect(
            try parse("iran sanctions OR embargo")
                == .boolean([
                    QueryClause(.should, .word("iran")),
                    QueryClause(
                        .should,
                        .boolean([QueryClause(.should, .word("sanctions")), QueryClause(.should, .word("embargo"))])),
                ]))
        #expect(
            try parse("NOT syria militias")
                == .boolean([QueryClause(.mustNot, .word("syria")), QueryClause(.should, .word("militias"))]))
        #expect(
            try parse("militias AND NOT syria")
                == .boolean([QueryClause(.must, .word("militias")), QueryClause(.mustNot, .word("syria"))]))
        #expect(
            try parse("(oil OR gas) -opec")
                == .boolean([
                    QueryClause(
                        .should, .boolean([QueryClause(.should, .word("oil")), QueryClause(.should, .word("gas"))])),
                    QueryClause(.mustNot, .word("opec")),
                ]))
        // Lower-case operators are words; a hyphen inside a word is part of it.
        #expect(
            try parse("and al-Qaeda")
                == .boolean([QueryClause(.should, .word("and")), QueryClause(.should, .word("al-Qaeda"))]))
    }

    @Test("phrases, prefixes, actors and NEAR")
    func leaves() throws {
        #expect(try parse("\"foreign forces\"") == .phrase("foreign forces"))
        #expect(try parse("milit*") == .prefix("milit"))
        #expect(try parse("actor:Iran") == .actor("Iran"))
        #expect(try parse("ACTOR:\"Quds Force\"") == .actor("Quds Force"))
        #expect(try parse("title:iran") == .title(.word("iran")))
        func day(_ y: Int, _ m: Int, _ d: Int) -> CalendarDay { CalendarDay(year: y, month: m, day: d)! }
        #expect(try parse("date:2024") == .date(DateRange(lower: day(2024, 1, 1), upper: day(2024, 12, 31))))
        #expect(try parse("date:2024-02") == .date(DateRange(lower: day(2024, 2, 1), upper: day(2024, 2, 29))))
        #expect(try parse("date:2023-02..") == .date(DateRange(lower: day(2023, 2, 1), upper: nil)))
        #expect(try parse("DATE:..2023-02") == .date(DateRange(lower: nil, upper: day(2023, 2, 28))))
        #expect(
            try parse("date:2024-01-01..2024-03-31")
                == .date(DateRange(lower: day(2024, 1, 1), upper: day(2024, 3, 31))))
        #expect(
            try parse("oil date:2024-03-05")
                == .boolean([
                    QueryClause(.should, .word("oil")),
                    QueryClause(.should, .date(DateRange(lower: day(2024, 3, 5), upper: day(2024, 3, 5), position: 4))),
                ]))
        #expect(try parse("Title:\"foreign forces\"") == .title(.phrase("foreign forces")))
        #expect(throws: SearchError.self) { try parse("title:") }
        #expect(throws: SearchError.self) { try parse("title:(iran)") }
        #expect(
            try parse("\"proxy militias\" NEAR/5 actor:Iran NEAR/5 attack")
                == .near(5, [.phrase("proxy militias"), .actor("Iran"), .word("attack")]))
        #expect(
            try parse("iran NEAR sanctions")
                == .near(QueryParser.defaultNearDistance, [.word("iran"), .word("sanctions")]))
    }

    @Test("bare-word rules: stop words dropped from bare words only, single letters joined")
    func bareWordRules() throws {
        func parse(_ text: String, _ defaultOperator: QueryParser.DefaultOperator = .or) throws -> QueryNode {
            try QueryParser.parse(text, defaultOperator: defaultOperator, bareWordRules: true)
        }
        func should(_ words: String...) -> QueryNode {
            .boolean(words.map { QueryClause(.should, .word($0)) })
        }
        #expect(try parse("the impact of sanctions on Iran") == should("impact", "sanctions", "Iran"))
        #expect(try parse("The war") == .word("war"))
        #expect(
            try parse("war of the worlds", .and)
                == .boolean([QueryClause(.must, .word("war")), QueryClause(.must, .word("worlds"))]))
        // Kept: in a phrase, when required, in AND/OR/NEAR, or when nothing else is left.
        #expect(
            try parse("\"the who\" concert")
                == .boolean([QueryClause(.should, .phrase("the who")), QueryClause(.should, .word("concert"))]))
        #expect(
            try parse("+the war")
                == .boolean([QueryClause(.must, .word("the")), QueryClause(.should, .word("war"))]))
        #expect(try parse("to be or not to be") == should("to", "be", "or", "not", "to", "be"))
        #expect(try parse("the") == .word("the"))
        #expect(
            try parse("the -war")
                == .boolean([QueryClause(.should, .word("the")), QueryClause(.mustNot, .word("war"))]))
        #expect(
            try parse("war AND the")
                == .boolean([QueryClause(.must, .word("war")), QueryClause(.must, .word("the"))]))
        #expect(try parse("(the war) peace") == should("war", "peace"))
        // A possessive or a contraction that lost its apostrophe.
        #expect(try parse("russia s refusal") == should("russia", "refusal"))
        // Single letters in a row are an abbreviation; a lone one stays.
        #expect(try parse("u n forces") == should("un", "forces"))
        #expect(try parse("troops of the u s a") == should("troops", "usa"))
        #expect(try parse("vitamin c") == should("vitamin", "c"))
        #expect(try parse("i e") == .word("ie"))
        #expect(
            try parse("+u n")
                == .boolean([QueryClause(.must, .word("u")), QueryClause(.should, .word("n"))]))
        // Without the rules, the tree is the text as written.
        #expect(try QueryParser.parse("the u n") == should("the", "u", "n"))
    }

    @Test("a syntax error names the problem and points at the offending character")
    func errors() throws {
        let cases: [(String, Int, String)] = [
            ("forces)", 6, "unmatched"),
            ("(forces", 0, "never closed"),
            ("iran \"foreign", 5, "never closed"),
            ("oil AND", 4, "AND needs a clause after it"),
            ("OR oil", 0, "OR needs a clause before it"),
            ("a NEAR/0 b", 7, "NEAR/n needs a distance"),
            ("a NEAR/3 (b c)", 9, "NEAR joins"),
            ("a NEAR/3 b NEAR/4 c", 11, "one NEAR distance"),
            ("-syria", 0, "only excluded"),
            ("oil (-syria)", 4, "only excluded"),
            ("*", 0, "needs a prefix"),
            ("oil ()", 4, "empty parentheses"),
            ("iran - oil", 5, "must be followed"),
            ("iran date:2024-1", 10, "date: needs a year, month or day"),
            ("iran date:2024-02-30", 10, "date: needs a year, month or day"),
            ("iran date:2024..24", 16, "date: needs a year, month or day"),
            ("date:..", 5, "at least one end"),
            ("date:2024-05..2024-03", 5, "after it ends"),
            ("iran title:", 11, "title: needs a word or a phrase"),
        ]
        for (text, position, message) in cases {
            let error = try #require(throws: SearchError.self, "\(text)") { try QueryParser.parse(text) }
            #expect(error.code == .badQuery, "\(text)")
            if case .some(let at) = error.position, text != "-syria" && text != "oil (-syria)" {
                #expect(at == position, "\(text): \(error.message)")
            }
            #expect(error.message.contains(message), "\(text): \(error.message)")
            // The description shows the query and a caret under the character.
            if let at = error.position {
                let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count == 3 && lines[2] == "  " + String(repeating: " ", count: at) + "^", "\(text)")
            }
        }
    }
}

@Suite("Query language: matching and ranking")
struct QueryMatchingTests {
    /// Four articles with titles; positions: title words from 0, the body
    /// after a gap.
    static let articles = [
        ("Oil talks", "OPEC ministers met in Vienna about oil quotas."),
        ("Border clash", "Troops exchanged fire near the border post. Oil prices rose."),
        ("Militia attacks", "Proxy militias attacked a base; the militia leaders fled."),
        ("Syria militias", "Militias in Syria clashed with troops near the border."),
    ]

    /// Their publication dates: d0 late on March 31 in New York (April 1
    /// in UTC), d1 a day, d2 none, d3 an instant in UTC.
    static let published: [PublicationDate?] = [
        PublicationDate(seconds: 1_711_945_800, offsetMinutes: -300),
        PublicationDate(day: CalendarDay(year: 2024, month: 4, day: 1)!), nil,
        PublicationDate(seconds: 1_702_648_800, offsetMinutes: 0),  // 2023-12-15T14:00:00Z
    ]

    func searcher(_ directory: TemporaryDirectory) throws -> Searcher {
        let writer = try IndexWriter(directory: directory.path)
        for (index, (title, body)) in Self.articles.enumerated() {
            try writer.add(
                Article(
                    path: "d\(index).txt", title: title, body: body, format: .text, published: Self.published[index]))
        }
        try writer.commit()
        return Searcher(reader: try IndexReader(directory: directory.path))
    }

    func matches(_ searcher: Searcher, _ query: String, all: Bool = false) throws -> Set<Int> {
        let results = try searcher.search(query, SearchOptions(limit: 0, all: all))
        #expect(results.total == results.hits.count)
        return Set(results.hits.map { Int($0.path.dropFirst().prefix { $0 != "." })! })
    }

    @Test("each construct matches exactly the documents it should")
    func semantics() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let search = try searcher(directory)
        let expected: [(String, Bool, Set<Int>)] = [
            ("oil", false, [0, 1]),
            ("oil troops", false, [0, 1, 3]),
            ("oil troops", true, [1]),
            ("oil AND troops", false, [1]),
            ("+troops -syria", false, [1]),
            ("troops AND NOT syria", false, [1]),
            ("\"border post\"", false, [1]),
            ("\"post border\"", false, []),
            ("\"the border\"", false, [1, 3]),
            ("militia*", false, [2, 3]),
            ("milit* -syria", false, [2]),
            ("troops NEAR/3 border", false, [3]),
            ("border NEAR/5 troops", false, [1, 3]),
            ("(oil OR militia) -syria", false, [0, 1, 2]),
            ("(oil OR militia) AND troops", false, [1, 3]),
            // Title words only: "Oil" is in d1's body, not its title.
            ("title:oil", false, [0]),
            ("title:militia", false, [2, 3]),
            ("title:\"oil talks\"", false, [0]),
            ("title:\"talks oil\"", false, []),
            ("title:syria OR title:clash", false, [1, 3]),
            ("troops -title:syria", false, [1]),
            ("zanzibar", false, []),
            ("zanzibar oil", false, [0, 1]),
            ("+zanzibar oil", false, []),
            // date: filters by the day the article gives (d0's is March 31, not April 1 in UTC).
            ("oil date:2024-03", false, [0]),
            ("oil date:2024-03-31", false, [0]),
            ("oil date:2024-04..", false, [1]),
            ("oil -date:2024-04", false, [0]),
            ("oil NOT date:2024-04-01", false, [0]),
            ("militias date:..2023", false, [3]),
            ("militias -date:2023", false, [2]),  // no date: not excluded
            ("troops date:2023 date:2023-12-15", false, [3]),
            ("troops date:2023-12-16..", false, [1]),
            ("date:2024-04-01 AND troops", false, [1]),
            ("+oil date:2020..2022", false, []),
            ("date:2024", false, [0, 1]),
            ("date:2023..2024 -date:2024-04", false, [0, 3]),
        ]
        for (query, all, documents) in expected {
            #expect(try matches(search, query, all: all) == documents, "\(query)\(all ? " --all" : "")")
        }
    }

    @Test("date: alone lists the range newest first; misplaced date: clauses are refused with a caret")
    func dateListing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let search = try searcher(directory)
        let listed = try search.search("date:2023..", SearchOptions(limit: 2))
        // By the day the article gives, then the instant: d1's April 1
        // comes first although d0's March 31 in New York is later in UTC.
        #expect(listed.newestFirst && listed.total == 3 && listed.totalExact)
        #expect(listed.hits.map(\.path) == ["d1.txt", "d0.txt"])
        #expect(listed.hits.map { $0.published?.iso8601 } == ["2024-04-01", "2024-03-31T23:30:00-05:00"])
        let paged = try search.search("date:2023..", SearchOptions(limit: 2, offset: 2))
        #expect(paged.hits.map(\.path) == ["d3.txt"])
        // A ranked query keeps its order and shows dates too.
        let ranked = try search.search("militias", SearchOptions(limit: 0))
        #expect(!ranked.newestFirst)
        #expect(Set(ranked.hits.map { $0.published?.day.iso8601 ?? "none" }) == ["none", "2023-12-15"])
        for (query, position, message) in [
            ("troops (oil date:2024)", 12, "cannot be inside"),
            ("oil OR date:2024", 7, "cannot be inside"),
            ("oil date:2024 AND troops", 4, "cannot be inside"),
            ("troops NEAR/3 date:2024", 14, "NEAR joins"),
            ("date:2024 -oil", 0, "add something to search for"),
        ] {
            let error = try #require(throws: SearchError.self, "\(query)") { try search.search(query) }
            #expect(error.position == position, "\(query): \(error.message)")
            #expect(error.message.contains(message), "\(query): \(error.message)")
        }
    }

    @Test("a prefix's words are highlighted as written, in the title and the snippet")
    func prefixHighlights() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let results = try searcher(directory).search("milit*", SearchOptions(limit: 2))
        func marked(_ text: String, _ ranges: [Range<Int>]) -> [String] {
            ranges.map { String(decoding: Array(text.utf8)[$0], as: UTF8.self) }
        }
        let hit = try #require(results.hits.first { $0.path == "d2.txt" })
        #expect(marked(hit.title, hit.titleHighlights) == ["Militia"])
        #expect(marked(hit.snippet.text, hit.snippet.highlights) == ["militias", "militia"])
    }

    @Test("ranking: more occurrences rank higher; a phrase scores with the sum of its words' idf")
    func ranking() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let search = try searcher(directory)
        // "oil" is in d0's title and body, once in d1.
        #expect(try search.search("oil").hits.map(\.path) == ["d0.txt", "d1.txt"])
        // A required clause adds its score; an excluded one never does.
        let plain = try search.search("oil").hits[1].score
        let withTroops = try search.search("oil troops").hits.first { $0.path == "d1.txt" }!.score
        #expect(withTroops > plain)
        let excluded = try search.search("oil -syria").hits.first { $0.path == "d1.txt" }!.score
        #expect(abs(excluded - plain) < 1e-12)
        // "the border" in d1 and d3: the phrase's idf is the sum of its words'
        // (Lucene's), so it outscores the word "border" alone.
        let phrase = try search.search("\"the border\"").hits
        let word = try search.search("border").hits
        #expect(phrase.count == 2 && word.count == 2)
        #expect(phrase[0].score > word.first { $0.path == phrase[0].path }!.score)
    }

    @Test(
        "--explain: the clauses that counted, whose scores sum to the hit's; excluded and unmatched clauses are absent")
    func explain() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let search = try searcher(directory)
        for query in [
            "oil troops", "\"the border\" militia*", "(oil OR militia) AND troops -opec", "border NEAR/5 troops oil",
            "+troops zanzibar",
        ] {
            let results = try search.search(query, SearchOptions(limit: 0, explain: true))
            #expect(!results.hits.isEmpty, "\(query)")
            for hit in results.hits {
                let parts = try #require(hit.explanation, "\(query)")
                #expect(abs(parts.reduce(0) { $0 + $1.score } - hit.score) < 1e-9, "\(query) \(hit.path)")
                #expect(!parts.contains { $0.clause == "opec" || $0.clause == "zanzibar" }, "\(query)")
            }
        }
        // d1 holds "oil" once and "troops" once; d0 has no troops.
        let d1 = try search.search("oil troops", SearchOptions(limit: 0, explain: true)).hits.first {
            $0.path == "d1.txt"
        }!
        #expect(d1.explanation!.map(\.clause) == ["oil", "troops"])
        #expect(d1.explanation!.allSatisfy { $0.kind == .word && $0.frequency == 1 && $0.k1 == 1.5 && $0.b == 0.6 })
        let phrase = try search.search("\"the border\"", SearchOptions(limit: 1, explain: true)).hits[0]
        #expect(phrase.explanation!.count == 1 && phrase.explanation![0].kind == .phrase)
        #expect(phrase.explanation![0].frequency == 1)
        // The idf of a phrase is the sum of its words'.
        let words = try search.search("+the +border", SearchOptions(limit: 1, explain: true)).hits[0]
        #expect(abs(phrase.explanation![0].idf - words.explanation!.reduce(0) { $0 + $1.idf }) < 1e-12)
        // Without --explain, nothing is computed.
        #expect(try search.search("oil").hits[0].explanation == nil)
    }

    @Test("\"U.N.\" is found by UN, U.N., u.n. and the letters typed apart; stop words add nothing")
    func abbreviationsAndStopWords() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try IndexWriter(directory: directory.path)
        try writer.add(Article(path: "un.txt", title: "Peacekeepers", body: "The U.N. sent troops.", format: .text))
        try writer.add(Article(path: "us.txt", title: "Talks", body: "The US and the EU met.", format: .text))
        try writer.add(Article(path: "n.txt", title: "Grades", body: "A u and an n.", format: .text))
        try writer.commit()
        let search = Searcher(reader: try IndexReader(directory: directory.path))
        for query in ["UN", "U.N.", "u.n.", "un", "u n", "U N"] {
            #expect(try search.search(query).hits.map(\.path) == ["un.txt"], "\(query)")
        }
        #expect(try search.search("U.S.").hits.map(\.path) == ["us.txt"])
        #expect(try search.search("\"U.N. sent\"").hits.map(\.path) == ["un.txt"])
        // "the" is in every document: dropped, it changes no score.
        let plain = try search.search("troops").hits
        let withThe = try search.search("the troops").hits
        #expect(withThe.map(\.path) == plain.map(\.path) && withThe[0].score == plain[0].score)
        // Alone, it is searched.
        #expect(try search.search("the").total == 2)
    }

    @Test("feedback: a verbose query also finds what its best documents share; a short or structured one does not")
    func feedback() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try IndexWriter(directory: directory.path)
        let articles = [
            ("Reactor visit", "Reactor inspectors visited the enrichment plant; centrifuges spin uranium."),
            ("Enrichment", "Inspectors said the enrichment plant and reactor hold centrifuges and uranium."),
            ("Cascades", "Centrifuges in a cascade spin uranium gas."),
            ("Football", "The match ended in a draw."),
        ]
        for (index, (title, body)) in articles.enumerated() {
            try writer.add(Article(path: "d\(index).txt", title: title, body: body, format: .text))
        }
        try writer.commit()
        let search = Searcher(reader: try IndexReader(directory: directory.path))
        func paths(_ query: String) throws -> [String] {
            try search.search(query, SearchOptions(limit: 0)).hits.map(\.path)
        }
        // Five bare words: d2 holds none of them, but "centrifuges" and
        // "uranium" of the two best documents find it, below them.
        let verbose = "reactor inspectors visited enrichment plant"
        #expect(try paths(verbose).prefix(2).sorted() == ["d0.txt", "d1.txt"])
        #expect(try paths(verbose).count == 3 && paths(verbose)[2] == "d2.txt")
        // Stop words do not count towards the five.
        #expect(try !paths("the reactor inspectors of the enrichment plant").contains("d2.txt"))
        // Fewer words, a required word, a phrase: no feedback.
        #expect(try paths("reactor inspectors enrichment plant").sorted() == ["d0.txt", "d1.txt"])
        #expect(try paths("+reactor inspectors visited enrichment plant").sorted() == ["d0.txt", "d1.txt"])
        #expect(try paths("\"enrichment plant\" reactor inspectors visited said").sorted() == ["d0.txt", "d1.txt"])
        // Explained, the expanded query's clauses still sum to each hit's score.
        for hit in try search.search(verbose, SearchOptions(limit: 0, explain: true)).hits {
            let parts = try #require(hit.explanation)
            #expect(abs(parts.reduce(0) { $0 + $1.score } - hit.score) < 1e-9)
        }
    }

    @Test("a prefix that expands too far is refused by name")
    func prefixLimit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try IndexWriter(directory: directory.path)
        let words = (0..<1100).map { "zq\($0)x" }.joined(separator: " ")
        try writer.add(Article(path: "many.txt", title: "Many", body: words, format: .text))
        try writer.commit()
        let search = Searcher(reader: try IndexReader(directory: directory.path))
        let error = try #require(throws: SearchError.self) { try search.search("zq*") }
        #expect(error.message.contains("more than 1024 terms"))
        #expect(try search.search("zq10*").total == 1)
    }
}
