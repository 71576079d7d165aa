import NewsCore
import TextAnalysis

/// Chooses and marks the best passage of a document for a query.
///
/// The document is re-analysed with the index's analyser (as Lucene's
/// highlighters do), so a word is marked exactly when it matches a query term.
/// Passages are sentences; a sentence counts the distinct query terms it holds,
/// then its total matches; the best one wins, the earliest on a tie. A sentence
/// longer than ``maximumWords`` is cut to the best window of ``windowWords`` words.
/// With no match in the body (the title matched), the first sentence is shown.
///
/// On an actor search the document is analysed with the index's gazetteer, and
/// every mention of a queried actor counts as a match: the alias as written is
/// marked ("Tehran", "Iran's", "Islamic Revolutionary Guard Corps").
///
/// Passages come from the body's first ``maximumAnalyzedBytes`` bytes: a
/// 1 MB page analysed whole for its snippet took 40 ms, a hundred times the
/// search, and on the 1M corpus ten 15 KB pages analysed with actors took
/// most of an actor query's 19 ms. 16 KiB holds a long news article; Lucene's
/// UnifiedHighlighter analyses 10,000 characters by default, its classic
/// Highlighter 50 KiB. A match past that point leaves the first sentence as
/// the snippet.
public struct SnippetBuilder: Sendable {
    public var maximumWords = 40
    public var windowWords = 30
    public static let maximumAnalyzedBytes = 16_384
    let analyzer: Analyzer
    let queryTerms: [[UInt8]]
    /// Actors whose mentions to mark, each counting as one query term.
    let actorIDs: [String]
    /// The query's phrases as indices into `queryTerms`: an occurrence is
    /// marked as one span, "foreign forces", not two words.
    let phrases: [[Int]]

    /// Every word a prefix (`milit*`) expanded to, and the query term it counts as.
    let expansions: [[UInt8]: Int]

    /// `expansions`: per prefix clause, the index terms it expanded to; a word
    /// that is one of them is marked, and counts as that prefix.
    public init(
        query: Query, actorIDs: Set<String> = [], analyzer: Analyzer = Analyzer(), expansions: [[[UInt8]]] = []
    ) {
        self.analyzer = analyzer
        var terms = query.terms
        var expanded: [[UInt8]: Int] = [:]
        for words in expansions where !words.isEmpty {
            terms.append(words[0])
            for word in words { expanded[word] = terms.count - 1 }
        }
        self.expansions = expanded
        self.queryTerms = terms
        self.actorIDs = actorIDs.sorted()
        phrases = query.phrases.map { phrase in phrase.map { term in query.terms.firstIndex(of: term) ?? -1 } }
            .filter { !$0.contains(-1) }
    }

    /// The source ranges to mark among `words`: each matching word, except
    /// that consecutive words forming one of the query's phrases make one
    /// range, from the first word's start to the last's end.
    func marks(_ words: ArraySlice<Word>) -> [Range<Int>] {
        var marks: [Range<Int>] = []
        var i = words.startIndex
        next: while i < words.endIndex {
            for phrase in phrases where i + phrase.count <= words.endIndex {
                if phrase.indices.allSatisfy({ words[i + $0].term == phrase[$0] }) {
                    marks.append(words[i].range.lowerBound..<words[i + phrase.count - 1].range.upperBound)
                    i += phrase.count
                    continue next
                }
            }
            if words[i].term >= 0 { marks.append(words[i].range) }
            i += 1
        }
        return marks
    }

    /// The highlights of the title and the best passage of the body.
    public func mark(title: String, body: String) -> (title: [Range<Int>], snippet: Snippet) {
        let marked = mark(title: title, body: body, passages: 1)
        return (marked.title, marked.passages[0])
    }

    /// The highlights of the title and the best `passages` passages of the
    /// body, in document order (one at least).
    public func mark(title: String, body: String, passages count: Int) -> (
        title: [Range<Int>], passages: [Snippet]
    ) {
        guard !actorIDs.isEmpty, let gazetteer = analyzer.gazetteer else {
            return (highlight(title), passages(of: body, count: count))
        }
        var analysis = DocumentAnalysis()
        let bytes = Self.analyzedPart(body)
        analyzer.analyze(title: title, body: String(decoding: bytes, as: UTF8.self), into: &analysis)
        let titleWords = words(analysis, .title, gazetteer)
        return (marks(titleWords[...]), passages(bytes, words: words(analysis, .body, gazetteer), count: count))
    }

    /// The words of one field of an analysed document, each mention of a
    /// queried actor merged into one word spanning the alias.
    func words(_ analysis: DocumentAnalysis, _ field: Field, _ gazetteer: Gazetteer) -> [Word] {
        var mentions: [(range: Range<Int>, term: Int)] = []
        for mention in analysis.mentions where mention.field == field {
            if let slot = actorIDs.firstIndex(of: analysis.id(of: mention.actor, in: gazetteer)) {
                mentions.append((mention.sourceRange, queryTerms.count + slot))
            }
        }
        mentions.sort { $0.range.lowerBound < $1.range.lowerBound }
        var words: [Word] = []
        var next = 0
        analysis.forEachWord { word, term in
            guard word.field == field else { return }
            while next < mentions.count && mentions[next].range.upperBound <= word.sourceRange.lowerBound { next += 1 }
            if next < mentions.count, mentions[next].range.lowerBound <= word.sourceRange.lowerBound {
                // Inside a mention: the mention's first word stands for it.
                if words.last?.range != mentions[next].range {
                    words.append(Word(range: mentions[next].range, term: mentions[next].term))
                }
                return
            }
            words.append(Word(range: word.sourceRange, term: match(term)))
        }
        return words
    }

    /// The query term `term` is, or -1.
    func match(_ term: Span<UInt8>) -> Int {
        for (index, query) in queryTerms.enumerated() where query.count == term.count {
            var equal = true
            for k in term.indices where term[k] != query[k] {
                equal = false
                break
            }
            if equal { return index }
        }
        return expansions.isEmpty ? -1 : expansions[term.array] ?? -1
    }

    struct Word {
        var range: Range<Int>
        /// Index into `queryTerms`, or -1.
        var term: Int
    }

    /// Words of `bytes` and, for each, the query term it matches.
    func words(_ bytes: [UInt8]) -> [Word] {
        var words: [Word] = []
        analyzer.analyze(bytes.span) { token, term in
            words.append(Word(range: token.sourceRange, term: match(term)))
        }
        return words
    }

    /// The highlighted ranges of a short text shown whole (a title).
    public func highlight(_ text: String) -> [Range<Int>] {
        marks(words(Array(text.utf8))[...])
    }

    /// The best passage of `body`.
    public func snippet(of body: String) -> Snippet {
        let bytes = Array(body.utf8)
        return snippet(bytes, words: words(bytes))
    }

    func snippet(_ bytes: [UInt8], words: [Word]) -> Snippet {
        passages(bytes, words: words, count: 1)[0]
    }

    /// The best `count` passages of `body`, in document order (one at least).
    public func passages(of body: String, count: Int) -> [Snippet] {
        let bytes = Self.analyzedPart(body)
        return passages(bytes, words: words(bytes), count: count)
    }

    /// The first ``maximumAnalyzedBytes`` bytes of `text`, cut before a
    /// character that would not fit whole.
    static func analyzedPart(_ text: String) -> [UInt8] {
        // Copy no more than is analysed (a stored page may be megabytes).
        var bytes = Array(text.utf8.prefix(maximumAnalyzedBytes + 1))
        guard bytes.count > maximumAnalyzedBytes else { return bytes }
        var end = maximumAnalyzedBytes
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        bytes.removeSubrange(end...)
        return bytes
    }

    /// The `count` best sentences by distinct query terms, then matches (the
    /// earliest on a tie), shown in document order; the first sentence when
    /// none matches.
    func passages(_ bytes: [UInt8], words: [Word], count: Int) -> [Snippet] {
        guard !words.isEmpty else { return [Snippet(text: "", highlights: [])] }
        let sentences = sentenceRanges(bytes)

        // Group words by sentence (both are in text order).
        var scored: [(words: Range<Int>, distinct: Int, matches: Int)] = []
        var w = 0
        for sentence in sentences {
            let first = w
            while w < words.count && words[w].range.lowerBound < sentence.upperBound { w += 1 }
            guard w > first else { continue }
            let (distinct, matches) = score(words[first..<w])
            scored.append((first..<w, distinct, matches))
        }
        let ranked = scored.indices.sorted { a, b in
            (scored[a].distinct, scored[a].matches, -a) > (scored[b].distinct, scored[b].matches, -b)
        }
        var chosen = ranked.prefix(max(1, count)).filter { scored[$0].distinct > 0 }.sorted().map { scored[$0].words }
        if chosen.isEmpty {
            // No match in the body (the title matched): its first sentence.
            chosen = [0..<min(sentenceEnd(words, sentences), words.count)]
        }
        return chosen.map { passage(bytes, words: words, sentences: sentences, chosen: $0) }
    }

    /// Renders the sentence holding `chosen` words, cut to its best window
    /// when it is long.
    private func passage(_ bytes: [UInt8], words: [Word], sentences: [Range<Int>], chosen: Range<Int>) -> Snippet {
        var chosen = chosen
        // Cut a long sentence to its best window.
        var cutBefore = false
        var cutAfter = false
        if chosen.count > maximumWords {
            // Most distinct terms, then most matches, then the window whose first
            // match sits nearest a quarter of the way in (context on both sides).
            var bestStart = chosen.lowerBound
            var bestScore = (-1, -1, Int.min)
            for start in chosen.lowerBound...(chosen.upperBound - windowWords) {
                let window = words[start..<start + windowWords]
                let (distinct, matches) = score(window)
                let firstMatch = (window.firstIndex { $0.term >= 0 } ?? start) - start
                let s = (distinct, matches, -abs(firstMatch - windowWords / 4))
                if s > bestScore {
                    bestScore = s
                    bestStart = start
                }
            }
            cutBefore = bestStart > chosen.lowerBound
            cutAfter = bestStart + windowWords < chosen.upperBound
            chosen = bestStart..<bestStart + windowWords
        }

        // The passage runs from the sentence start (or first word) to the
        // sentence end (or last word), with its closing punctuation.
        let first = words[chosen.lowerBound]
        let last = words[chosen.upperBound - 1]
        let sentence = sentences.first { $0.contains(first.range.lowerBound) } ?? first.range
        let start = cutBefore ? first.range.lowerBound : max(sentence.lowerBound, 0)
        var end = cutAfter ? last.range.upperBound : sentence.upperBound
        if !cutAfter {
            // Stop at the sentence's last word plus trailing punctuation, not at a paragraph's white space.
            end = last.range.upperBound
            while end < sentence.upperBound && !isSpace(bytes[end]) { end += 1 }
        }
        return render(
            bytes, start..<end, words: words[chosen], prefix: cutBefore, suffix: cutAfter)
    }

    private func sentenceEnd(_ words: [Word], _ sentences: [Range<Int>]) -> Int {
        guard let firstSentence = sentences.first(where: { $0.contains(words[0].range.lowerBound) }) else {
            return windowWords
        }
        return words.firstIndex { $0.range.lowerBound >= firstSentence.upperBound } ?? words.count
    }

    private func score(_ slice: ArraySlice<Word>) -> (Int, Int) {
        var seen = Set<Int>()
        var matches = 0
        for word in slice where word.term >= 0 {
            seen.insert(word.term)
            matches += 1
        }
        return (seen.count, matches)
    }

    /// Copies `range` of `bytes` with white space collapsed, marking `words` that match.
    private func render(
        _ bytes: [UInt8], _ range: Range<Int>, words: ArraySlice<Word>, prefix: Bool, suffix: Bool
    ) -> Snippet {
        var out: [UInt8] = []
        var highlights: [Range<Int>] = []
        if prefix { out.append(contentsOf: "… ".utf8) }
        var matches = marks(words)[...]
        var highlightStart = 0
        var started = false
        var pendingSpace = false
        for offset in range {
            let byte = bytes[offset]
            if isSpace(byte) {
                pendingSpace = started
                continue
            }
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            started = true
            if let next = matches.first, offset == next.lowerBound { highlightStart = out.count }
            out.append(byte)
            if let next = matches.first, offset + 1 == next.upperBound {
                highlights.append(highlightStart..<out.count)
                matches.removeFirst()
            }
        }
        if suffix { out.append(contentsOf: " …".utf8) }
        return Snippet(text: String(decoding: out, as: UTF8.self), highlights: highlights)
    }
}

@inline(__always)
func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C || byte == 0x0B
}

/// Splits text into sentence byte ranges. A sentence ends after ".", "!" or "?"
/// (and any closing quotes or brackets) followed by white space and a character
/// that is not a lower-case ASCII letter, or at a paragraph break: a blank line,
/// or a line break followed by an indent (as in wire copy). Abbreviations such
/// as "U.S." before a capitalised word end a sentence too: a known, harmless
/// imprecision for snippets.
func sentenceRanges(_ bytes: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var start = 0
    var i = 0
    let n = bytes.count
    while i < n {
        let byte = bytes[i]
        var boundary: Int? = nil
        if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?") {
            // Closing quotes and brackets stay with the sentence: " ' ) and the
            // curly ” ’ (UTF-8 E2 80 9D, E2 80 99).
            var j = i + 1
            while j < n {
                if [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ")")].contains(bytes[j]) {
                    j += 1
                } else if j + 2 < n, bytes[j] == 0xE2, bytes[j + 1] == 0x80,
                    bytes[j + 2] == 0x9D || bytes[j + 2] == 0x99
                {
                    j += 3
                } else {
                    break
                }
            }
            if j < n, isSpace(bytes[j]) {
                var k = j
                while k < n, isSpace(bytes[k]) { k += 1 }
                if k == n || !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[k]) { boundary = j }
            }
        } else if byte == 0x0A, i + 1 < n {
            var k = i + 1
            while k < n, bytes[k] == 0x20 || bytes[k] == 0x09 || bytes[k] == 0x0D { k += 1 }
            if k < n, bytes[k] == 0x0A || k - (i + 1) >= 2 { boundary = i }
        }
        if let boundary {
            if boundary > start { ranges.append(start..<boundary) }
            start = boundary
            i = boundary + 1
            continue
        }
        i += 1
    }
    if start < n { ranges.append(start..<n) }
    return ranges
}
