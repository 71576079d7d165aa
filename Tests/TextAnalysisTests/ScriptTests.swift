import Testing
import TextAnalysis

@Suite("Tokenizer: non-Latin scripts")
struct ScriptTests {
    @Test("Arabic harakat are folded away")
    func arabic() {
        let tokens = tokenize("مُحَمَّد").tokens
        #expect(tokens.map(\.term) == ["محمد"])
        #expect(tokens.first?.source == "مُحَمَّد")
        #expect(terms("مُحَمَّد") == terms("محمد"))
    }

    @Test("Arabic words split on spaces and Arabic punctuation")
    func arabicSentence() {
        #expect(terms("وزارة الخارجية، طهران") == ["وزارة", "الخارجية", "طهران"])
    }

    @Test("Cyrillic is lower-cased")
    func russian() {
        #expect(terms("Москва Кремль") == ["москва", "кремль"])
    }

    @Test("Greek is lower-cased and loses its tonos")
    func greek() {
        #expect(terms("ΑΘΗΝΑ") == ["αθηνα"])
        #expect(terms("Αθήνα") == ["αθηνα"])
    }

    @Test("each Han ideograph is a token with its 3-byte range")
    func chinese() {
        let tokens = tokenize("伊朗外交部").tokens
        #expect(tokens.map(\.term) == ["伊", "朗", "外", "交", "部"])
        #expect(tokens.map(\.position) == [0, 1, 2, 3, 4])
        #expect(tokens.map(\.sourceRange) == [0..<3, 3..<6, 6..<9, 9..<12, 12..<15])
    }

    @Test("Han next to Latin letters and punctuation")
    func chineseMixed() {
        let tokens = tokenize("IAEA：伊朗。").tokens
        #expect(tokens.map(\.term) == ["iaea", "伊", "朗"])
        #expect(tokens.map(\.source) == ["IAEA", "伊", "朗"])
    }

    @Test("Devanagari stays one token, virama and vowel signs included")
    func hindi() {
        let word = "हिन्दी"
        let tokens = tokenize(word).tokens
        #expect(tokens.map(\.term) == [word])
        #expect(tokens.first?.term.unicodeScalars.contains("\u{094D}") == true)  // virama
        #expect(tokens.first?.sourceRange == 0..<word.utf8.count)
    }

    @Test("Hindi words split on spaces and the danda")
    func hindiSentence() {
        #expect(terms("भारत सरकार।") == ["भारत", "सरकार"])
    }

    @Test("each Hiragana character is a token")
    func hiragana() {
        let tokens = tokenize("ありがとう").tokens
        #expect(tokens.map(\.term) == ["あ", "り", "が", "と", "う"])
        #expect(tokens.map(\.sourceRange) == [0..<3, 3..<6, 6..<9, 9..<12, 12..<15])
    }

    @Test("Katakana runs stay whole")
    func katakana() {
        #expect(terms("トヨタ 東京") == ["トヨタ", "東", "京"])
    }

    @Test("Hebrew niqqud is folded away")
    func hebrew() {
        #expect(terms("שָׁלוֹם") == ["שלום"])
    }
}

@Suite("Tokenizer: combining marks after unigram characters")
struct CombiningMarkTests {
    /// A combining mark belongs to the character before it (UAX #29, rule WB4), so
    /// it never makes a token of its own. Decomposed kana ("か" + U+3099 for "が")
    /// occur in text copied from macOS file names; ideographic variation selectors
    /// in Japanese personal names.
    @Test(
        "a combining mark after a Han or Hiragana character stays with it",
        arguments: [
            ("か\u{3099}き", "か\u{3099}"),  // combining voiced sound mark
            ("葛\u{FE00}城", "葛\u{FE00}"),  // variation selector
        ])
    func markAfterUnigram(text: String, firstSource: String) {
        let tokens = tokenize(text).tokens
        #expect(tokens.count == 2)
        #expect(tokens.first?.source == firstSource)
        // Whatever happens, the following character is still found.
        #expect(tokens.last?.source == String(text.last!))
    }

    @Test("a combining kana mark does not split a Latin word")
    func kanaMarkInsideLatinWord() {
        #expect(terms("e\u{3099}x").count == 1)
    }
}
