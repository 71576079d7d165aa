import NewsCore

/// The analysis chain shared by indexing and querying: one place decides what a
/// term is, so the two can never disagree.
///
/// 1. ``Tokenizer``: split, lower-case, fold, drop possessives.
/// 2. Actor recognition (when a ``Gazetteer`` is given), on the words before
///    stemming and with their case: gazetteer aliases by longest match over a
///    trie of words, then names and acronyms learned from the article itself
///    (``analyze(title:body:into:)``; the rules are in `ActorRecognizer.swift`).
///    An actor becomes an extra term (``ActorTerm``) at the position of the words
///    it covers; the words stay, so keyword and phrase search are unchanged.
/// 3. English Snowball stemming (``Stemmer``) of word terms only: "United" in
///    "United States" is never stemmed into an actor.
public struct Analyzer: Sendable {
    public let tokenizer: Tokenizer
    /// nil: terms are not stemmed.
    public let stemmer: Stemmer?
    /// nil: no actor recognition.
    public let gazetteer: Gazetteer?
    /// Term-frequency weights of a mention by where it stands (``ZoneWeights``).
    public var zoneWeights: ZoneWeights

    /// - Parameters:
    ///   - stemming: English Snowball stemming of words.
    ///   - gazetteer: the actors to recognise; nil turns actor recognition off.
    public init(stemming: Bool = true, gazetteer: Gazetteer? = nil, zoneWeights: ZoneWeights = .standard) {
        tokenizer = Tokenizer()
        stemmer = stemming ? Stemmer(algorithm: "english") : nil
        self.gazetteer = gazetteer
        self.zoneWeights = zoneWeights
    }

    /// This analyser recognising `gazetteer`'s actors, sharing its stemmer (and
    /// so its cache); without `stemming` when only the actors are wanted.
    public func recognising(_ gazetteer: Gazetteer, zoneWeights: ZoneWeights, stemming: Bool = true) -> Analyzer {
        Analyzer(
            tokenizer: tokenizer, stemmer: stemming ? stemmer : nil, gazetteer: gazetteer, zoneWeights: zoneWeights)
    }

    private init(tokenizer: Tokenizer, stemmer: Stemmer?, gazetteer: Gazetteer, zoneWeights: ZoneWeights) {
        self.tokenizer = tokenizer
        self.stemmer = stemmer
        self.gazetteer = gazetteer
        self.zoneWeights = zoneWeights
    }

    /// Analyses `text` into word tokens (no actors), calling `body` with each
    /// token and its (stemmed) term bytes. For queries and snippets.
    /// - Returns: the position after the last token.
    @discardableResult
    public func analyze(
        _ text: Span<UInt8>, startPosition: UInt32 = 0, _ body: (Token, Span<UInt8>) -> Void
    ) -> UInt32 {
        guard let stemmer else { return tokenizer.tokenize(text, startPosition: startPosition, body) }
        return stemmer.withState { state in
            var stemmed: [UInt8] = []
            stemmed.reserveCapacity(64)
            return tokenizer.tokenize(text, startPosition: startPosition) { token, term in
                stemmed.removeAll(keepingCapacity: true)
                state.appendStem(of: term, to: &stemmed)
                body(token, stemmed.span)
            }
        }
    }

    /// The terms of `text` as strings, in order (duplicates kept).
    public func terms(_ text: String) -> [String] {
        var out: [String] = []
        let utf8 = Array(text.utf8)
        analyze(utf8.span) { _, term in out.append(term.string) }
        return out
    }

    /// Analyses a whole article: words of the title, then (after
    /// ``titleBodyPositionGap``) of the body, and the actors they name.
    public func analyze(title: String, body: String, into result: inout DocumentAnalysis) {
        result.clear()
        var scratch = RecognitionScratch()
        swap(&scratch, &result.scratch)
        let matcher = gazetteer?.matcher
        scratch.collect(title.utf8.span, field: .title, startPosition: 0, tokenizer: tokenizer, matcher: matcher)
        scratch.collect(
            body.utf8.span, field: .body, startPosition: scratch.nextPosition &+ titleBodyPositionGap,
            tokenizer: tokenizer, matcher: matcher)
        if let gazetteer {
            // The recogniser keeps the texts to look at the bytes between words.
            ActorRecognizer(gazetteer: gazetteer, title: Array(title.utf8), body: Array(body.utf8))
                .recognize(&scratch, into: &result)
        }
        emitWords(scratch, into: &result)
        swap(&scratch, &result.scratch)
    }

    /// The words, with their terms before stemming (in `scratch.bytes`):
    /// ``DocumentAnalysis`` stems them when asked.
    private func emitWords(_ scratch: RecognitionScratch, into result: inout DocumentAnalysis) {
        result.stemmer = stemmer
        result.words.reserveCapacity(scratch.tokens.count)
        for token in scratch.tokens {
            result.words.append(
                DocumentAnalysis.Word(
                    field: token.field, position: token.position, sourceRange: token.sourceRange,
                    termStart: token.termStart, termLength: token.termLength))
        }
    }
}
