import NewsCore

/// Everything analysis finds in one article: its word tokens (stemmed terms)
/// and its actor mentions, with positions, byte ranges and sentences.
///
/// Reused from one article to the next (``Analyzer/analyze(title:body:into:)``
/// clears it), so that indexing allocates little per article.
public struct DocumentAnalysis: Sendable {
    /// One word of the title or body.
    public struct Word: Sendable {
        public var field: Field
        public var position: UInt32
        /// Bytes of the word in its field's text.
        public var sourceRange: Range<Int>
        /// Its term before stemming, in `scratch.bytes`.
        @usableFromInline var termStart: Int32
        @usableFromInline var termLength: Int32
    }

    /// One mention of an actor.
    public struct Mention: Sendable {
        public var actor: ActorReference
        public var field: Field
        /// The position of its first word, and how many positions it covers.
        public var position: UInt32
        public var positionLength: UInt32
        /// Bytes of the mention in its field's text ("Iran's", "TEHRAN").
        public var sourceRange: Range<Int>
        public var rule: ActorRule
        public var sentence: UInt32
        public var zone: Zone
    }

    /// An actor: one of the gazetteer's, or one learned from this article.
    public enum ActorReference: Sendable, Hashable {
        case known(Int)
        case learned(Int)
    }

    /// An actor learned from this article's text (an unknown capitalised name,
    /// or an unknown organisation named with a defined acronym). Its ID and
    /// name are kept as bytes, and made into strings only when asked for:
    /// indexing needs the strings only for names it has never seen.
    public struct LearnedName: Sendable {
        public var kind: ActorKind
        var id: Range<Int>
        var name: Range<Int>
    }

    public internal(set) var words: [Word] = []
    public internal(set) var mentions: [Mention] = []
    public internal(set) var learnedNames: [LearnedName] = []
    /// The learned names' IDs and display names, back to back.
    var learnedBytes: [UInt8] = []
    /// The recogniser's working buffers, kept to be reused; its `bytes` hold
    /// the words' terms before stemming.
    var scratch = RecognitionScratch()
    /// The stemmer of the analyser that made this analysis; nil when its
    /// terms are not stemmed.
    ///
    /// Words are kept unstemmed, and stemmed when asked for: an indexer
    /// stems each distinct word once (``forEachUnstemmedWord(_:)``), not
    /// each occurrence.
    public internal(set) var stemmer: Stemmer?

    public init() {}

    /// The (stemmed) term of `word`.
    public func term(of word: Word) -> ArraySlice<UInt8> {
        let unstemmed = scratch.bytes.span.extracting(Int(word.termStart)..<Int(word.termStart + word.termLength))
        guard let stemmer else { return unstemmed.array[...] }
        var out: [UInt8] = []
        stemmer.appendStem(of: unstemmed, to: &out)
        return out[...]
    }

    /// Calls `body` with each word and its (stemmed) term, in order.
    public func forEachWord(_ body: (Word, Span<UInt8>) -> Void) {
        guard let stemmer else { return forEachUnstemmedWord(body) }
        let span = scratch.bytes.span
        stemmer.withState { state in
            var stemmed: [UInt8] = []
            stemmed.reserveCapacity(64)
            for word in words {
                stemmed.removeAll(keepingCapacity: true)
                state.appendStem(
                    of: span.extracting(Int(word.termStart)..<Int(word.termStart + word.termLength)), to: &stemmed)
                body(word, stemmed.span)
            }
        }
    }

    /// Calls `body` with each word and its term before stemming, in order.
    public func forEachUnstemmedWord(_ body: (Word, Span<UInt8>) -> Void) {
        let span = scratch.bytes.span
        for word in words { body(word, span.extracting(unstemmedRange(of: word))) }
    }

    /// The bytes that hold the words' terms before stemming (the fields'
    /// texts, then the terms that differ from their text);
    /// ``unstemmedRange(of:)`` finds a word's. A word's term is `stemmer`'s stem of that (or that
    /// itself, without a stemmer), which a caller meeting the same word
    /// again can remember; a loop over ``words`` with these makes no
    /// closure call per word.
    public var unstemmedTermBytes: [UInt8] { scratch.bytes }

    /// Where `word`'s term before stemming is in ``unstemmedTermBytes``.
    @inlinable
    public func unstemmedRange(of word: Word) -> Range<Int> {
        Int(word.termStart)..<Int(word.termStart) + Int(word.termLength)
    }

    /// The ID of the actor `reference` names: a gazetteer actor of `gazetteer`
    /// (the one this analysis was made with) or one learned here.
    public func id(of reference: ActorReference, in gazetteer: Gazetteer) -> String {
        switch reference {
        case .known(let index): gazetteer.actors[index].id
        case .learned(let index): learnedID(index)
        }
    }

    /// The actor `reference` names, as ``id(of:in:)``.
    public func actor(of reference: ActorReference, in gazetteer: Gazetteer) -> Actor {
        switch reference {
        case .known(let index): gazetteer.actors[index]
        case .learned(let index): learnedActor(index)
        }
    }

    /// Learned actor `index`'s ID ("p:nasser-kanaani").
    public func learnedID(_ index: Int) -> String {
        String(decoding: learnedBytes[learnedNames[index].id], as: UTF8.self)
    }

    /// The bytes of learned actor `index`'s ID.
    public func learnedIDBytes(_ index: Int) -> ArraySlice<UInt8> { learnedBytes[learnedNames[index].id] }

    /// The bytes of learned actor `index`'s name as first written here.
    public func learnedNameBytes(_ index: Int) -> ArraySlice<UInt8> { learnedBytes[learnedNames[index].name] }

    /// Learned actor `index`'s kind.
    public func learnedKind(_ index: Int) -> ActorKind { learnedNames[index].kind }

    /// Learned actor `index` as an ``Actor`` (its name as first written here).
    public func learnedActor(_ index: Int) -> Actor {
        let learned = learnedNames[index]
        return Actor(
            id: learnedID(index), kind: learned.kind,
            name: String(decoding: learnedBytes[learned.name], as: UTF8.self))
    }

    /// Adds the actor a run of words names: its ID (the kind's letter, ":", the
    /// run's folded words joined by "-") and its name (the words as written,
    /// white space collapsed).
    mutating func appendLearned(kind: ActorKind, run: Range<Int>, scratch: RecognitionScratch, text: [UInt8]) {
        let tokens = scratch.tokens
        let idStart = learnedBytes.count
        learnedBytes.append(kind == .person ? UInt8(ascii: "p") : UInt8(ascii: "o"))
        learnedBytes.append(UInt8(ascii: ":"))
        let terms = scratch.bytes.span
        for k in run {
            if k > run.lowerBound { learnedBytes.append(UInt8(ascii: "-")) }
            learnedBytes.append(
                terms.extracting(Int(tokens[k].termStart)..<Int(tokens[k].termStart + tokens[k].termLength)))
        }
        // The name: each word as written, and between two words their gap
        // with its white space collapsed to one space ("George W. Bush").
        let nameStart = learnedBytes.count
        let span = text.span
        for k in run {
            if k > run.lowerBound {
                var space = false
                for i in tokens[k - 1].sourceRange.upperBound..<tokens[k].sourceRange.lowerBound {
                    let byte = span[i]
                    if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                        space = true
                        continue
                    }
                    if space { learnedBytes.append(0x20) }
                    space = false
                    learnedBytes.append(byte)
                }
                if space { learnedBytes.append(0x20) }
            }
            learnedBytes.append(span.extracting(tokens[k].sourceRange))
        }
        learnedNames.append(LearnedName(kind: kind, id: idStart..<nameStart, name: nameStart..<learnedBytes.count))
    }

    mutating func clear() {
        words.removeAll(keepingCapacity: true)
        mentions.removeAll(keepingCapacity: true)
        learnedNames.removeAll(keepingCapacity: true)
        learnedBytes.removeAll(keepingCapacity: true)
    }
}

/// How actors become index terms: `@` and the actor's ID (`@IRN`,
/// `@p:nasser-kanaani`). A word term never holds `@` (the tokenizer splits on
/// it), so the two can never collide, and all actor terms sort together.
/// A title word's second term, for `title:` queries: the word's term behind
/// a prefix no word term can start with ("^forc"), as Xapian prefixes a
/// field's terms ("S" for the subject). Title words are indexed twice: as
/// words, which the body's scoring counts, and as title terms.
public enum TitleTerm {
    public static let prefix = UInt8(ascii: "^")

    public static func bytes(_ term: some Collection<UInt8>) -> [UInt8] {
        [prefix] + Array(term)
    }
}

public enum ActorTerm {
    public static let prefix = UInt8(ascii: "@")

    public static func bytes(id: String) -> [UInt8] {
        [prefix] + Array(id.utf8)
    }

    /// The actor ID of an actor term, or nil for a word term. Inlinable, so
    /// that callers in other modules get it specialised (the commit names
    /// every learned actor with it).
    @inlinable
    public static func id(_ term: some Collection<UInt8>) -> String? {
        guard term.first == prefix else { return nil }
        return String(decoding: term.dropFirst(), as: UTF8.self)
    }
}
