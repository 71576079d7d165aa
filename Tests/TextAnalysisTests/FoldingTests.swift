import Testing
import TextAnalysis

@Suite("Folding: case and diacritics")
struct FoldingTests {
    @Test("Latin letters lose case and accents; ß becomes ss")
    func latin() {
        #expect(
            terms("Café Erdoğan Türkiye STRASSE Straße naïve ÉLAN")
                == ["cafe", "erdogan", "turkiye", "strasse", "strasse", "naive", "elan"])
    }

    @Test(
        "a query spelled without accents meets the accented text",
        arguments: [
            ("Erdoğan", "erdogan"), ("São Paulo", "sao paulo"), ("Kraków", "krakow"), ("Ørsted", "ørsted"),
            ("İstanbul", "istanbul"), ("Ærø", "ærø"), ("Đoàn", "đoan"), ("Łódź", "łodz"),
        ])
    func accentsFold(text: String, expected: String) {
        #expect(terms(text) == terms(expected))
    }

    @Test("ligatures and full-width letters fold to plain ASCII")
    func compatibilityForms() {
        #expect(terms("ﬁnance") == ["finance"])
        #expect(terms("Ｇａｚｅｔｔｅ ２０２４") == ["gazette", "2024"])
    }

    @Test("decomposed accents (NFD) fold like precomposed ones")
    func decomposed() {
        let decomposed = "Cafe\u{301} nai\u{308}ve"
        #expect(terms(decomposed) == ["cafe", "naive"])
        let tokens = tokenize(decomposed).tokens
        #expect(tokens.map(\.source) == ["Cafe\u{301}", "nai\u{308}ve"])
    }

    @Test("folded terms are valid UTF-8 and keep the source range of the original")
    func foldedRanges() {
        let tokens = tokenize("STRAẞE ÉLAN").tokens
        #expect(tokens.map(\.term) == ["strasse", "elan"])
        #expect(tokens.map(\.source) == ["STRAẞE", "ÉLAN"])
    }
}
