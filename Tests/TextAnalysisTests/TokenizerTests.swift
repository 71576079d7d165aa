import Testing
import TextAnalysis

@Suite("Tokenizer: offsets and positions")
struct TokenizerOffsetTests {
    @Test("terms, positions and source byte ranges of an English sentence")
    func byteOffsets() {
        let text = "Iran's forces, in U.S. bases."
        let tokens = tokenize(text).tokens

        #expect(tokens.map(\.term) == ["iran", "forces", "in", "us", "bases"])
        #expect(tokens.map(\.position) == [0, 1, 2, 3, 4])
        #expect(tokens.allSatisfy { $0.positionLength == 1 })
        // The possessive "'s" is dropped from the term but stays inside the range.
        #expect(tokens.map(\.source) == ["Iran's", "forces", "in", "U.S", "bases"])
        #expect(tokens.map(\.sourceRange) == [0..<6, 7..<13, 15..<17, 18..<21, 23..<28])
    }

    @Test("byte ranges count UTF-8 bytes, not characters")
    func multibyteOffsets() {
        let tokens = tokenize("né à Zürich").tokens
        #expect(tokens.map(\.term) == ["ne", "a", "zurich"])
        #expect(tokens.map(\.sourceRange) == [0..<3, 4..<6, 7..<14])
        #expect(tokens.map(\.source) == ["né", "à", "Zürich"])
    }

    @Test("positions start at startPosition; the return value is the next position")
    func startPosition() {
        let (tokens, end) = tokenize("one two three", startPosition: 10)
        #expect(tokens.map(\.position) == [10, 11, 12])
        #expect(end == 13)
    }

    @Test("a second field continues where the first stopped")
    func chainedPositions() {
        let (first, middle) = tokenize("Gaza ceasefire")
        let (second, end) = tokenize("talks resume", startPosition: middle)
        #expect(first.map(\.position) == [0, 1])
        #expect(second.map(\.position) == [2, 3])
        #expect(end == 4)
    }

    @Test(
        "no tokens: the end position is the start position",
        arguments: ["", " ", "...", " -- , ; ! ?", "\n\t ", "“” — …"])
    func noTokens(text: String) {
        let (tokens, end) = tokenize(text, startPosition: 7)
        #expect(tokens.isEmpty)
        #expect(end == 7)
    }

    @Test("terms(_:) agrees with the span API")
    func termsConvenience() {
        let text = "Iran’s U.S.-led talks: 155,221 bags, naïve O'Brien."
        #expect(Tokenizer().terms(text) == terms(text))
        #expect(Analyzer(stemming: false).terms(text) == terms(text))
    }

    @Test("Analyzer produces the tokenizer's tokens and positions")
    func analyzerMatchesTokenizer() {
        let bytes = Array("Hezbollah and Israel trade fire".utf8)
        var analyzed: [(Token, String)] = []
        let end = Analyzer().analyze(bytes.span, startPosition: 3) { token, term in
            analyzed.append((token, term.string))
        }
        let expected = tokenize(bytes: bytes, startPosition: 3)
        #expect(analyzed.map(\.1) == expected.tokens.map(\.term))
        #expect(analyzed.map(\.0.position) == expected.tokens.map(\.position))
        #expect(analyzed.map(\.0.sourceRange) == expected.tokens.map(\.sourceRange))
        #expect(end == expected.end)
    }
}

@Suite("Tokenizer: word rules")
struct TokenizerWordTests {
    @Test("possessives are dropped, with straight or curly apostrophes")
    func possessives() {
        #expect(terms("Iran's Iran’s Iranians'") == ["iran", "iran", "iranians"])
    }

    @Test("the curly apostrophe is normalised and its bytes stay in the range")
    func curlyPossessiveRange() {
        let tokens = tokenize("Iran’s army").tokens
        #expect(tokens.map(\.term) == ["iran", "army"])
        #expect(tokens[0].source == "Iran’s")
        #expect(tokens[0].sourceRange == 0..<8)
    }

    @Test("a trailing apostrophe is not part of the word")
    func pluralPossessiveRange() {
        let tokens = tokenize("Iranians' views").tokens
        #expect(tokens.map(\.source) == ["Iranians", "views"])
    }

    @Test(
        "an apostrophe between letters stays",
        arguments: [
            ("don't", "don't"), ("O'Brien", "o'brien"), ("DON’T", "don't"), ("rock'n'roll", "rock'n'roll"),
        ])
    func innerApostrophe(text: String, term: String) {
        #expect(terms(text) == [term])
    }

    @Test("an apostrophe next to a non-letter separates")
    func apostropheAtEdges() {
        #expect(terms("'quoted' 1990's") == ["quoted", "1990", "s"])
    }

    @Test("numbers keep their inner period and comma")
    func numbers() {
        #expect(terms("155,221 bags at 5.93 mln") == ["155,221", "bags", "at", "5.93", "mln"])
        #expect(terms("1,000,000.50") == ["1,000,000.50"])
    }

    @Test("a comma between letters, or a period between a letter and a digit, separates")
    func mixedJoiners() {
        #expect(terms("Iran,Iraq") == ["iran", "iraq"])
        #expect(terms("A.1 1.A") == ["a", "1", "1", "a"])
        #expect(terms("3, 4. 5") == ["3", "4", "5"])
    }

    @Test("hyphens and slashes split words; a final period is not kept")
    func hyphens() {
        #expect(terms("U.S.-led") == ["us", "led"])
        #expect(terms("Saudi-led, Iran-backed and/or e.g.") == ["saudi", "led", "iran", "backed", "and", "or", "eg"])
    }

    @Test("an abbreviation of single letters loses its periods; other dotted words keep them")
    func abbreviations() {
        #expect(terms("U.N. U.S.A. e.g. i.e U.S") == ["un", "usa", "eg", "ie", "us"])
        #expect(terms("UN un U.N.") == ["un", "un", "un"])
        // Not single letters throughout, or digits: periods stay.
        #expect(
            terms("Ph.D. example.com U.Sa A.1 5.93 J. Smith") == [
                "ph.d", "example.com", "u.sa", "a", "1", "5.93", "j", "smith",
            ])
        // The source range still covers the periods between the letters.
        let tokens = tokenize("the U.N. said").tokens
        #expect(tokens.map(\.source) == ["the", "U.N", "said"])
        #expect(tokens.map(\.position) == [0, 1, 2])
    }

    @Test("letters and digits mix in one word")
    func alphanumeric() {
        #expect(terms("F-35 A320neo G7") == ["f", "35", "a320neo", "g7"])
    }
}

@Suite("Tokenizer: limits and bad input")
struct TokenizerLimitTests {
    @Test("a term of exactly maxTermLength bytes is kept")
    func longestTerm() {
        let word = String(repeating: "a", count: Tokenizer.maxTermLength)
        #expect(terms("x \(word) y") == ["x", word, "y"])
    }

    @Test("a term longer than maxTermLength bytes is dropped, without a position")
    func tooLongTerm() {
        let word = String(repeating: "b", count: Tokenizer.maxTermLength + 1)
        let (tokens, end) = tokenize("before \(word) after")
        #expect(tokens.map(\.term) == ["before", "after"])
        #expect(tokens.map(\.position) == [0, 1])
        #expect(tokens[1].sourceRange == (8 + word.utf8.count)..<(13 + word.utf8.count))
        #expect(end == 2)
    }

    @Test("the limit is on the term's bytes: 128 two-byte letters are 256 bytes")
    func tooLongMultibyteTerm() {
        let kept = String(repeating: "ж", count: 127)  // 254 bytes
        let dropped = String(repeating: "ж", count: 128)  // 256 bytes
        #expect(terms("\(kept) \(dropped)") == [kept])
    }

    @Test("invalid UTF-8 bytes separate words")
    func invalidUTF8() {
        let tokens = tokenize(bytes: [0x66, 0x6F, 0xFF, 0x6F]).tokens
        #expect(tokens.map(\.term) == ["fo", "o"])
        #expect(tokens.map(\.sourceRange) == [0..<2, 3..<4])
    }

    @Test(
        "truncated, overlong and surrogate sequences do not crash",
        arguments: [
            [0xE2, 0x82] as [UInt8],  // truncated at the end
            [0x61, 0xC3],  // truncated lead after a letter
            [0xC0, 0xAF, 0x61],  // overlong "/"
            [0xED, 0xA0, 0x80, 0x61],  // UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80, 0x61],  // above U+10FFFF
            [0x80, 0x80, 0x61, 0xBF],  // lone continuation bytes
            [0x61, 0x27, 0xE2, 0x80],  // apostrophe then a truncated sequence
        ])
    func malformedUTF8(bytes: [UInt8]) {
        let tokens = tokenize(bytes: bytes).tokens
        // Only the ASCII "a" (if any) survives, with its own one-byte range.
        #expect(tokens.map(\.term) == (bytes.contains(0x61) ? ["a"] : []))
        for token in tokens {
            #expect(token.sourceRange.count == 1)
        }
    }
}
