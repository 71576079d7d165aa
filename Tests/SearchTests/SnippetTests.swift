import Search
import Testing

@Suite("Snippets")
struct SnippetTests {
    func snippet(_ query: String, _ body: String) throws -> Snippet {
        SnippetBuilder(query: try Query(query)).snippet(of: body)
    }

    func marked(_ snippet: Snippet) -> [String] {
        let bytes = Array(snippet.text.utf8)
        return snippet.highlights.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test("the sentence with the most distinct query terms wins, words marked as written")
    func bestSentence() throws {
        let body = """
            Forces gathered at dawn. Officials said nothing.
            Foreign ministers met, and Iran's foreign forces were discussed. Forces forces forces.
            """
        let s = try snippet("foreign forces iran", body)
        #expect(s.text == "Foreign ministers met, and Iran's foreign forces were discussed.")
        #expect(marked(s) == ["Foreign", "Iran's", "foreign", "forces"])
    }

    @Test("white space collapses and highlights follow the collapsed text")
    func whitespace() throws {
        let s = try snippet("troops", "The   troops\n left\tthe  base quietly.")
        #expect(s.text == "The troops left the base quietly.")
        #expect(marked(s) == ["troops"])
        #expect(s.scalarHighlights == [4..<10])
    }

    @Test("a long sentence is cut to a window around the matches")
    func window() throws {
        let filler = (1...60).map { "word\($0)" }.joined(separator: " ")
        let s = try snippet("needle", filler + " needle " + filler + ".")
        #expect(s.text.hasPrefix("… "))
        #expect(s.text.hasSuffix(" …"))
        #expect(s.text.split(separator: " ").count <= 32)
        #expect(marked(s) == ["needle"])
    }

    @Test("no match in the body: the first sentence")
    func noMatch() throws {
        let s = try snippet("absent", "First sentence here. Second one there.")
        #expect(s.text == "First sentence here.")
        #expect(s.highlights.isEmpty)
    }

    @Test("offsets for --json count code points, not bytes")
    func scalarOffsets() throws {
        let s = try snippet("tehran", "Élysée — Tehran’s reply.")
        #expect(marked(s) == ["Tehran’s"])
        #expect(s.scalarHighlights == [9..<17])
    }
}

@Suite("Sentences")
struct SentenceTests {
    @Test("a sentence ends after a closing curly quote as after a straight one")
    func curlyQuotes() throws {
        for (open, close) in [("“", "”"), ("\"", "\"")] {
            let body = "He said \(open)we are ready.\(close) Officials then met to discuss the plan."
            let s = SnippetBuilder(query: try Query("plan")).snippet(of: body)
            #expect(s.text == "Officials then met to discuss the plan.", "quotes \(open)\(close)")
        }
    }
}

@Suite("Several passages per hit")
struct PassageTests {
    let body =
        "Oil prices fell on Monday. Markets were calm elsewhere. OPEC said oil output and oil prices would hold. "
        + "Analysts expect no change. The oil minister spoke later."

    @Test("the best sentences, in document order; one passage is the snippet; never more than match")
    func passages() throws {
        let builder = SnippetBuilder(query: try Query("oil prices"))
        let one = builder.passages(of: body, count: 1)
        #expect(one == [builder.snippet(of: body)])
        // Best: "OPEC said oil output and oil prices…" (2 distinct, 3 matches),
        // then "Oil prices fell…" (2, 2), then "The oil minister…" (1, 1).
        #expect(one.map(\.text) == ["OPEC said oil output and oil prices would hold."])
        let two = builder.passages(of: body, count: 2)
        #expect(two.map(\.text) == ["Oil prices fell on Monday.", "OPEC said oil output and oil prices would hold."])
        let all = builder.passages(of: body, count: 10)
        #expect(all.count == 3 && all.last?.text == "The oil minister spoke later.")
        #expect(all.allSatisfy { !$0.highlights.isEmpty })
    }
}

@Suite("Phrase highlighting")
struct PhraseHighlightTests {
    func marked(_ query: String, _ body: String) throws -> [String] {
        let snippet = SnippetBuilder(query: try Query(query)).snippet(of: body)
        let bytes = Array(snippet.text.utf8)
        return snippet.highlights.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test("a phrase is one span; its words alone, or the same words as plain terms, are marked one by one")
    func phraseSpans() throws {
        let body = "Foreign  forces left on Monday."
        // One span, its white space collapsed as the snippet's is.
        #expect(try marked("\"foreign forces\"", body) == ["Foreign forces"])
        #expect(try marked("foreign forces", body) == ["Foreign", "forces"])
        let second = "The forces of foreign powers stayed, and foreign forces returned."
        #expect(try marked("\"foreign forces\"", second) == ["forces", "foreign", "foreign forces"])
        // An excluded phrase is never marked as one.
        #expect(try marked("forces -\"foreign forces\"", second) == ["forces", "forces"])
        // The title too.
        let titles = SnippetBuilder(query: try Query("\"proxy militias\" iran")).highlight("Iran and proxy militias")
        #expect(titles.count == 2 && titles[1] == 9..<23)
    }

    @Test("wrapped to a width: lines fit, break at spaces outside highlights, and keep their highlights")
    func wrapping() throws {
        func marks(_ snippet: Snippet) -> [String] {
            snippet.highlights.map { String(decoding: Array(snippet.text.utf8)[$0], as: UTF8.self) }
        }
        let passage = SnippetBuilder(query: try Query("\"proxy militias\"")).snippet(
            of: "Rockets hit the base as proxy militias aligned with Tehran claimed a fresh wave of attacks.")
        #expect(marks(passage) == ["proxy militias"])
        for width in [12, 20, 33, 80] {
            let lines = passage.lines(width: width)
            #expect(lines.allSatisfy { $0.text.unicodeScalars.count <= width || !$0.text.contains(" ") })
            #expect(lines.map { $0.text }.joined(separator: " ") == passage.text)
            // The phrase's one mark stays whole on one line when it fits in one.
            let found = lines.flatMap { marks($0) }
            #expect(found.joined(separator: " ") == "proxy militias", "width \(width)")
            if width >= 20 { #expect(found == ["proxy militias"]) }
        }
        #expect(passage.lines(width: 500) == [passage])
    }
}
