import NewsCore

/// English stop words: the function words a query drops from its bare words
/// (``isStopWord(_:)``).
///
/// Gazette indexes every word, stop words included, so that phrases and
/// NEAR keep them ("the who", "to be or not to be"); only the query side
/// drops them, as Xapian's `QueryParser` does with a stopper: a stop word
/// among a query's bare words matches half the collection, adds next to
/// nothing to the right documents' scores and a little to many wrong ones'.
///
/// The list is Snowball's English stop list (snowballstem.org,
/// `algorithms/english/stop.txt`, BSD licence), which Xapian's Omega and
/// Lucene's `SnowballFilter` examples use; plus "will", the one word of
/// Lucene's `EnglishAnalyzer` list that Snowball leaves out (for "a will");
/// plus the pieces of a possessive or a contraction whose apostrophe was
/// lost ("Russia s", "don t": "s", "t", "d", "ll", "m", "re", "ve"), as
/// NLTK's list has them: Gazette drops the possessive "'s" and keeps
/// contractions whole, so these pieces are never what a document says.
/// Snowball leaves out "us" on purpose (the United States), and so do we.
///
/// On the eight test collections of `tools/relevance` this list, against
/// Lucene's 33 words, lifts mean MAP by 0.005 (time 0.629 → 0.645 with the
/// pieces, cisi 0.209 → 0.222).
public enum StopWords {
    /// Whether `term` (folded, not stemmed: a ``Tokenizer`` term) is an English stop word.
    public static func isStopWord(_ term: Span<UInt8>) -> Bool {
        guard term.count <= longest else { return false }
        return english.contains(term.array)
    }

    /// Whether `word`, analysed by the ``Tokenizer``, is one term that is a stop word.
    public static func isStopWord(_ word: String) -> Bool {
        var terms = 0
        var stop = false
        Tokenizer().tokenize(Array(word.utf8).span) { _, term in
            terms += 1
            stop = isStopWord(term)
        }
        return terms == 1 && stop
    }

    /// Whether `term`, a stemmed term (English Snowball), is a stop word or
    /// a stop word's stem ("abov"): for terms read back from analysed text.
    public static func isStemmedStopWord(_ term: Span<UInt8>) -> Bool {
        guard term.count <= longest else { return false }
        return stemmed.contains(term.array)
    }

    static let english: Set<[UInt8]> = Set(
        """
        i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
        it its itself they them their theirs themselves what which who whom this that these those
        am is are was were be been being have has had having do does did doing
        would should could ought
        i'm you're he's she's it's we're they're i've you've we've they've i'd you'd he'd she'd we'd they'd
        i'll you'll he'll she'll we'll they'll
        isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't
        won't wouldn't shan't shouldn't can't cannot couldn't mustn't
        let's that's who's what's here's there's when's where's why's how's
        a an the and but if or because as until while of at by for with about against between into through during
        before after above below to from up down in out on off over under again further then once here there when
        where why how all any both each few more most other some such no nor not only own same so than too very
        will
        s t d ll m re ve
        """.asciiWords)

    private static let longest = english.map(\.count).max() ?? 0

    /// The stop words and their English stems.
    private static let stemmed: Set<[UInt8]> = {
        var set = english
        if let stemmer = Stemmer(algorithm: "english") {
            for word in english {
                var out: [UInt8] = []
                stemmer.appendStem(of: word.span, to: &out)
                set.insert(out)
            }
        }
        return set
    }()
}
