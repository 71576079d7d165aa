import NewsCore

/// One word as the recogniser sees it: its unstemmed term, its case as
/// written, and what separates it from the word before.
struct RawToken {
    var field: Field
    var position: UInt32
    var sourceRange: Range<Int>
    var termStart: Int32
    var termLength: Int32
    var shape: WordShape
    /// The first word of a sentence (or of a field, or after a paragraph break).
    var startsSentence: Bool
    /// The gap before allows an alias to run on across it: white space with at
    /// most one line break, hyphens, periods or apostrophes ("al-Qaeda", "St. Louis").
    var joins: Bool
    /// The gap before allows a run of capitalised words to go on: spaces and
    /// at most one line break, a hyphen, or the period after an initial ("George W. Bush").
    var plain: Bool
    /// The word's id in the matcher's words (-1: none), looked up once for the
    /// words recognition visits; `notLookedUp` for the others.
    var word: Int32 = RawToken.notLookedUp
    static let notLookedUp: Int32 = -2
}

/// The recogniser's buffers: the words of title and body, unstemmed.
struct RecognitionScratch: Sendable {
    var tokens: [RawToken] = []
    /// The tokens' terms: each field's text, and after it the terms that
    /// differ from their text (capitalised, folded).
    var bytes: [UInt8] = []
    var nextPosition: UInt32 = 0
    /// The tokens that start a sentence, after the first, in order: token `i`
    /// is in sentence `sentence(of: i)`, the number of these up to it. Only
    /// mentions ask, so no token carries its sentence.
    var sentenceStarts: [Int32] = []
    /// Index of the first body token.
    var bodyStart = 0
    /// Whether the title is written in capitals (most wire headlines), so its
    /// case says nothing about names.
    var titleIsCapitals = false
    /// Fields written all in lower case (some wire copy is): their case says
    /// nothing, so a capitalised alias word matches any case there, and no
    /// names are learned from them.
    var caselessFields: Set<Field> = []
    /// The tokens recognition must look at: capitalised words, the few
    /// lower-case words that start an alias, and every word of a caseless
    /// field. Most words of a text are none of these, and are never visited.
    var candidates: [Int32] = []
    /// The recogniser's per-article buffers, kept here to be reused.
    var buffers = RecognitionBuffers()

    mutating func reset() {
        tokens.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        nextPosition = 0
        sentenceStarts.removeAll(keepingCapacity: true)
        bodyStart = 0
        titleIsCapitals = false
        caselessFields = []
        candidates.removeAll(keepingCapacity: true)
    }

    /// Tokenizes one field into `tokens`; with a `matcher` (recognition to
    /// follow), then works out each word's case shape, the gap before it,
    /// whether it starts a sentence, and whether recognition must look at it.
    /// The second pass is a plain loop over the tokens just made: the
    /// tokenizer's loop stays the same, and as fast, with recognition on or
    /// off. Tokens are made with the details of the commonest word, a
    /// lower-case word after one space, which the second pass then only checks.
    mutating func collect(
        _ text: Span<UInt8>, field: Field, startPosition: UInt32, tokenizer: Tokenizer, matcher: AliasMatcher?
    ) {
        if field == .title { reset() }
        let first = tokens.count
        if field == .body { bodyStart = first }
        // The field's text goes into `bytes` whole, in one copy, and the terms
        // that are its own bytes (most) point into it; only the others are
        // appended after it.
        let base = bytes.count
        bytes.append(text)
        nextPosition = tokenizer.tokenize(text, startPosition: startPosition) { token, term, isTextSlice in
            let start: Int
            if isTextSlice {
                start = base + token.sourceRange.lowerBound
            } else {
                start = bytes.count
                bytes.append(term)
            }
            tokens.append(
                RawToken(
                    field: field, position: token.position, sourceRange: token.sourceRange,
                    termStart: Int32(start), termLength: Int32(term.count),
                    shape: WordShape(upperFirst: false, hasLower: true, letterCount: 2),
                    startsSentence: false, joins: true, plain: true))
        }
        if let matcher { addDetails(text, field: field, from: first, matcher: matcher) }
    }

    private mutating func addDetails(_ text: Span<UInt8>, field: Field, from first: Int, matcher: AliasMatcher) {
        var previousEnd = -1
        var previousLetters = 0
        var capitals = 0
        var capitalised = 0
        var lettered = 0
        var candidates: [Int32] = []
        swap(&candidates, &self.candidates)
        // The tokens are taken out of `self` and written through a mutable
        // span: a write through the array checks its uniqueness every time,
        // the span once.
        var tokenArray: [RawToken] = []
        swap(&tokenArray, &self.tokens)
        let termBytes = bytes
        let terms = termBytes.span
        var tokens = tokenArray.mutableSpan
        for index in first..<tokens.count {
            let range = tokens[index].sourceRange
            let termLength = Int(tokens[index].termLength)
            let term = terms.extracting(Int(tokens[index].termStart)..<Int(tokens[index].termStart) + termLength)
            let lowerBound = range.lowerBound
            let firstByte = text[lowerBound]
            if firstByte &- UInt8(ascii: "a") < 26, previousEnd >= 0, lowerBound == previousEnd + 1,
                text[previousEnd] == 0x20 || text[previousEnd] == 0x0A
            {
                // The commonest word: lower-case after one space or one line
                // break. The token was made with its details: it joins, it
                // starts no sentence, its letters are counted up to two.
                if termLength >= 2 { lettered += 1 } else { tokens[index].shape.letterCount = 1 }
                if matcher.mayStartLowercaseAlias(firstByte: firstByte, length: termLength),
                    matcher.startsLowercaseAlias(term)
                {
                    candidates.append(Int32(index))
                    tokens[index].word = Int32(matcher.word(term) ?? -1)
                }
                previousEnd = range.upperBound
                previousLetters = termLength >= 2 ? 2 : 1
                continue
            }
            // The rest: capitalised words, numbers, words after punctuation.
            let shape: WordShape
            if firstByte &- UInt8(ascii: "a") < 26 {
                // Letters counted up to two: all that recognition asks of such words.
                shape = WordShape(upperFirst: false, hasLower: true, letterCount: termLength >= 2 ? 2 : 1)
            } else if firstByte &- UInt8(ascii: "0") < 10 {
                // A number ("1987", "155,221"): its letters, if any, say nothing.
                shape = WordShape()
            } else if firstByte &- UInt8(ascii: "A") < 26, range.count >= 3, termLength >= 3,
                text[lowerBound + 1] &- UInt8(ascii: "a") < 26, (text[lowerBound + 2] | 0x20) &- UInt8(ascii: "a") < 26
            {
                // A capitalised ASCII word ("Iran"): three letters are all that
                // is counted of a word with a lower-case letter.
                shape = WordShape(upperFirst: true, hasLower: true, letterCount: 3)
            } else {
                shape = WordShape(text.extracting(range))
            }
            if shape.letterCount >= 2 {
                lettered += 1
                if shape.isAllCapitals { capitals += 1 }
                if shape.upperFirst { capitalised += 1 }
            }
            var gap = Gap()
            if previousEnd >= 0 {
                if lowerBound == previousEnd + 1 && (text[previousEnd] == 0x20 || text[previousEnd] == 0x0A) {
                    // One space or one line break.
                    gap = Gap(joins: true, plain: true)
                } else if lowerBound == previousEnd + 2 && text[previousEnd] == UInt8(ascii: ",")
                    && text[previousEnd + 1] == 0x20
                {
                    gap = Gap()  // ", ": neither joins nor ends anything
                } else {
                    gap = Gap(text.extracting(previousEnd..<lowerBound), afterInitial: previousLetters == 1)
                }
            }
            let startsSentence =
                previousEnd < 0 || gap.isParagraph || (gap.hasTerminal && (shape.upperFirst || shape.letterCount == 0))
            if startsSentence && index > 0 { sentenceStarts.append(Int32(index)) }
            let isCandidate =
                shape.upperFirst
                || (matcher.mayStartLowercaseAlias(firstByte: firstByte, length: termLength)
                    && matcher.startsLowercaseAlias(term))
            tokens[index].shape = shape
            tokens[index].startsSentence = startsSentence
            tokens[index].joins = previousEnd >= 0 && gap.joins
            tokens[index].plain = previousEnd >= 0 && gap.plain
            if isCandidate {
                candidates.append(Int32(index))
                tokens[index].word = Int32(matcher.word(term) ?? -1)
            }
            previousEnd = range.upperBound
            previousLetters = shape.letterCount
        }
        if field == .title { titleIsCapitals = lettered > 0 && capitals * 2 > lettered }
        // Fewer than one word in 25 capitalised, over a dozen words or more.
        if lettered >= 12 && capitalised * 25 < lettered {
            caselessFields.insert(field)
            // Every word of the field may start an alias: they all become candidates.
            candidates.removeAll { $0 >= Int32(first) }
            candidates.append(contentsOf: (first..<tokenArray.count).map { Int32($0) })
        }
        swap(&tokenArray, &self.tokens)
        swap(&candidates, &self.candidates)
    }

    /// The sentence of token `index`, counted over the whole article (title first).
    func sentence(of index: Int) -> UInt32 {
        // The number of sentence starts at or before `index`, by binary search.
        var low = 0
        var high = sentenceStarts.count
        while low < high {
            let middle = (low + high) / 2
            if Int(sentenceStarts[middle]) <= index { low = middle + 1 } else { high = middle }
        }
        return UInt32(low)
    }

    func term(_ index: Int) -> ArraySlice<UInt8> {
        let token = tokens[index]
        return bytes[Int(token.termStart)..<Int(token.termStart + token.termLength)]
    }

    func termString(_ index: Int) -> String { String(decoding: term(index), as: UTF8.self) }

    /// What the word lists say of token `index`.
    @inline(__always)
    func flags(_ index: Int, _ matcher: AliasMatcher) -> WordFlags {
        guard let word = word(index, in: matcher) else { return [] }
        return matcher.flags(ofWord: word)
    }

    /// Whether the token ranges `a` and `b` hold the same terms.
    func sameTerms(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where !sameTerm(x, y) { return false }
        return true
    }

    /// Whether tokens `a` and `b` have the same term.
    @inline(__always)
    func sameTerm(_ a: Int, _ b: Int) -> Bool {
        let x = tokens[a]
        let y = tokens[b]
        guard x.termLength == y.termLength else { return false }
        var i = Int(x.termStart)
        var j = Int(y.termStart)
        let end = i + Int(x.termLength)
        while i < end {
            if bytes[i] != bytes[j] { return false }
            i += 1
            j += 1
        }
        return true
    }

    func startsLowercaseAlias(_ index: Int, _ matcher: AliasMatcher) -> Bool {
        let token = tokens[index]
        return matcher.startsLowercaseAlias(
            bytes.span.extracting(Int(token.termStart)..<Int(token.termStart + token.termLength)))
    }

    /// The id of token `index`'s word among the matcher's words, if there.
    @inline(__always)
    func word(_ index: Int, in matcher: AliasMatcher) -> Int? {
        let token = tokens[index]
        if token.word != RawToken.notLookedUp { return token.word >= 0 ? Int(token.word) : nil }
        return matcher.word(bytes.span.extracting(Int(token.termStart)..<Int(token.termStart + token.termLength)))
    }
}

/// What separates two words.
struct Gap {
    var joins = false
    var plain = false
    var hasTerminal = false
    var isParagraph = false

    init() {}

    /// One space (built inline: a static would cost a lazy-init check per use).
    @inline(__always)
    init(joins: Bool, plain: Bool) {
        self.joins = joins
        self.plain = plain
    }

    init(_ bytes: Span<UInt8>, afterInitial: Bool) {
        var newlines = 0
        var onlyJoiners = true
        var onlySpaces = true
        var hyphens = 0
        var periods = 0
        var i = 0
        var lastNewline = -1
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case 0x0A:
                newlines += 1
                if lastNewline >= 0 { isParagraph = true }
                lastNewline = i
            case 0x20, 0x09, 0x0D:
                break
            case UInt8(ascii: "-"):
                hyphens += 1
                onlySpaces = false
            case UInt8(ascii: "."):
                periods += 1
                hasTerminal = true
                onlySpaces = false
            case UInt8(ascii: "'"):
                onlySpaces = false
            case UInt8(ascii: "!"), UInt8(ascii: "?"):
                hasTerminal = true
                onlyJoiners = false
                onlySpaces = false
            case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x99:
                // ’
                onlySpaces = false
                i += 2
            default:
                onlyJoiners = false
                onlySpaces = false
            }
            if byte != 0x0A && byte != 0x20 && byte != 0x09 && byte != 0x0D { lastNewline = -1 }
            i += 1
        }
        // A line break followed by an indent starts a paragraph (wire copy).
        if !isParagraph, let newline = Self.lastNewline(bytes), bytes.count - newline - 1 >= 2 {
            isParagraph = true
        }
        if isParagraph { return }
        joins = onlyJoiners && newlines <= 1 && bytes.count <= 4
        plain =
            (onlySpaces && newlines <= 1)
            || (hyphens == 1 && bytes.count == 1)
            || (afterInitial && periods == 1 && hyphens == 0 && onlyJoiners && newlines == 0 && bytes.count <= 2)
        if afterInitial && periods == 1 && plain { hasTerminal = false }
    }

    /// The offset of the last line break when only blanks follow it.
    static func lastNewline(_ bytes: Span<UInt8>) -> Int? {
        var i = bytes.count - 1
        while i >= 0 {
            let byte = bytes[i]
            if byte == 0x0A { return i }
            if byte != 0x20 && byte != 0x09 { return nil }
            i -= 1
        }
        return nil
    }
}

/// The recogniser's per-article work lists, kept in the scratch so that their
/// capacity is reused from one article to the next.
struct RecognitionBuffers: Sendable {
    /// For each token, the gazetteer match covering it, or -1.
    var coveredBy: [Int32] = []
    /// For each token, whether a learned name's run covers it.
    var inRun: [Bool] = []
    var matches: [ActorRecognizer.Match] = []
    var runs: [(range: Range<Int>, learned: Int)] = []
    /// Runs of capitalised words met so far, and the learned actor each named (-1: none).
    var seenRuns: [(range: Range<Int>, learned: Int)] = []

    /// Makes the buffers ready for an article of `count` tokens. `coveredBy`
    /// and `inRun` are only marked where the last article's matches and runs
    /// were, so only those marks are undone (refilling both arrays for every
    /// article was a twentieth of recognition).
    mutating func reset(count: Int) {
        for match in matches {
            for k in match.range where k < coveredBy.count { coveredBy[k] = -1 }
        }
        for run in runs {
            for k in run.range where k < inRun.count { inRun[k] = false }
        }
        if coveredBy.count < count {
            coveredBy.append(contentsOf: repeatElement(-1, count: count - coveredBy.count))
            inRun.append(contentsOf: repeatElement(false, count: count - inRun.count))
        }
        matches.removeAll(keepingCapacity: true)
        runs.removeAll(keepingCapacity: true)
        seenRuns.removeAll(keepingCapacity: true)
    }
}

/// Finds the actors of one article. The rules, and their limits:
///
/// 1. **Gazetteer aliases.** At every capitalised word (and at the few
///    lower-case words that start an alias), walk the alias trie word by word;
///    the longest alias whose words meet their case demands wins ("US" and
///    "U.S." are the United States, "us" is not; "TEHRAN, March 3" counts,
///    because a capitalised alias word accepts capitals). Blockers ("New Jersey")
///    win like aliases and name nobody. An alias of two actors names nobody.
///    - `ambiguous` aliases ("Chad", "Jordan") count only when neither neighbour
///      in the sentence is another capitalised word that is not a common word
///      ("Michael Jordan" is not Jordan; "In Jordan," is).
///    - `dateline` aliases (cities) count only as the body's first words,
///      followed by a comma, a bracket or a dash ("NEW YORK, March 3 -").
/// 2. **Learned names.** Runs of two to five capitalised words (with particles
///    such as "al", "bin", "von", "of" inside) that no alias covers become
///    actors: an organisation when a word says so ("Corp", "Ministry",
///    "Resistance", …), otherwise a person. Sentence-initial common words and
///    titles ("President", "Foreign Minister") are stripped from the front;
///    runs of only such words, runs naming a place ("Persian Gulf") and runs in
///    a title written in capitals are ignored. Their ID is the kind's letter
///    and the folded words: `p:nasser-kanaani`. Limit: a name written once,
///    alone ("Kanaani said"), in an article that never gives the full name, is
///    not learned.
/// 3. **Surnames.** A capitalised word equal to the last word of a learned
///    person's name, anywhere in the same article (the title too), is that
///    person; two learned people with one surname make it name nobody.
/// 4. **Acronyms defined in the text.** "Islamic Revolutionary Guard Corps
///    (IRGC)": a word in capitals in brackets right after an actor's name or a
///    capitalised run, whose letters are the initials of its capitalised words,
///    means that actor everywhere in the article, over any gazetteer meaning.
struct ActorRecognizer {
    let matcher: AliasMatcher
    let title: [UInt8]
    let body: [UInt8]

    init(gazetteer: Gazetteer, title: [UInt8], body: [UInt8]) {
        self.matcher = gazetteer.matcher
        self.title = title
        self.body = body
    }

    func text(_ field: Field) -> [UInt8] { field == .title ? title : body }

    /// A match of the gazetteer over tokens `range`.
    struct Match {
        var range: Range<Int>
        /// nil: a blocker or an ambiguous alias (covers words, names nobody).
        var actor: Int?
        var rule: ActorRule
    }

    func recognize(_ storage: inout RecognitionScratch, into result: inout DocumentAnalysis) {
        guard !storage.tokens.isEmpty else { return }
        // The scratch's buffers, emptied for this article and given back at the end.
        var b = storage.buffers
        storage.buffers = RecognitionBuffers()
        defer { storage.buffers = b }
        // The rest is only read: one immutable copy, taken once. The helpers
        // below borrow it; borrowing from the `inout` parameter instead made
        // every call copy the whole scratch (a memcpy and a dozen retains).
        let scratch = storage
        let tokens = scratch.tokens
        let count = tokens.count
        let leadSentence = scratch.bodyStart < count ? scratch.sentence(of: scratch.bodyStart) : UInt32.max
        b.reset(count: count)

        // 1. Gazetteer aliases.
        var nextFree = 0
        for candidate in scratch.candidates where Int(candidate) >= nextFree {
            // Most candidates start no alias: the word's flags say so at once.
            guard scratch.flags(Int(candidate), matcher).contains(.aliasStart) else { continue }
            if let match = longestMatch(at: Int(candidate), scratch) {
                for k in match.range { b.coveredBy[k] = Int32(b.matches.count) }
                b.matches.append(match)
                nextFree = match.range.upperBound
            }
        }

        // 2. Learned names and 4. acronyms defined in the text.
        // A learned person's last word, by the token that holds it; -1: two people share it.
        var surnames: [(token: Int, person: Int)] = []
        var acronyms: [String: DocumentAnalysis.ActorReference] = [:]
        nextFree = 0
        for candidate in scratch.candidates where Int(candidate) >= nextFree {
            let i = Int(candidate)
            let token = tokens[i]
            guard b.coveredBy[i] < 0, token.shape.upperFirst, !token.shape.isAllCapitals,
                !(token.field == .title && scratch.titleIsCapitals),
                scratch.caselessFields.isEmpty || !scratch.caselessFields.contains(token.field)
            else {
                continue
            }
            var end = i + 1
            while end < count {
                let next = tokens[end]
                guard next.plain, b.coveredBy[end] < 0, next.field == token.field, !next.startsSentence else { break }
                if next.shape.upperFirst && (!next.shape.isAllCapitals || next.shape.letterCount == 1) {
                    end += 1
                    continue
                }
                // Particles between two capitalised words ("al-", "von der").
                var after = end
                while after < count, after - end < 3, !tokens[after].shape.upperFirst, tokens[after].plain,
                    tokens[after].field == token.field, scratch.flags(after, matcher).contains(.connector)
                {
                    after += 1
                }
                if after > end, after < count, tokens[after].plain, b.coveredBy[after] < 0,
                    tokens[after].shape.upperFirst, !tokens[after].shape.isAllCapitals
                {
                    end = after + 1
                    continue
                }
                break
            }
            let run = trimmedRun(i..<end, scratch)
            // A run seen before in this article answers as it did then.
            nextFree = end
            if let run, let seen = b.seenRuns.first(where: { scratch.sameTerms($0.range, run) }) {
                if seen.learned >= 0 { b.runs.append((run, seen.learned)) }
                continue
            }
            if let run { b.seenRuns.append((run, -1)) }
            // Runs with the same words were answered above, so a new one is a new actor.
            if let run, let kind = learnedKind(run, scratch, after: end < count ? end : nil) {
                let index = result.learnedNames.count
                result.appendLearned(kind: kind, run: run, scratch: scratch, text: text(tokens[run.lowerBound].field))
                let last = run.upperBound - 1
                if kind == .person && tokens[last].shape.letterCount >= 3 {
                    if let other = surnames.firstIndex(where: { scratch.sameTerm($0.token, last) }) {
                        if surnames[other].person != index { surnames[other].person = -1 }
                    } else {
                        surnames.append((last, index))
                    }
                }
                b.runs.append((run, index))
                b.seenRuns[b.seenRuns.count - 1].learned = index
                if let acronym = definedAcronym(after: run, scratch) { acronyms[acronym] = .learned(index) }
            }
        }
        for match in b.matches {
            if let actor = match.actor, match.range.count >= 2,
                let acronym = definedAcronym(after: match.range, scratch)
            {
                acronyms[acronym] = .known(actor)
            }
        }

        // Mentions: gazetteer matches (unless an acronym defined here overrides
        // them), learned runs, surnames and acronyms.
        func add(_ actor: DocumentAnalysis.ActorReference, _ range: Range<Int>, _ rule: ActorRule) {
            let first = tokens[range.lowerBound]
            let last = tokens[range.upperBound - 1]
            let sentence = scratch.sentence(of: range.lowerBound)
            let zone: Zone = first.field == .title ? .title : (sentence == leadSentence ? .lead : .body)
            result.mentions.append(
                DocumentAnalysis.Mention(
                    actor: actor, field: first.field, position: first.position,
                    positionLength: last.position - first.position + 1,
                    sourceRange: first.sourceRange.lowerBound..<last.sourceRange.upperBound, rule: rule,
                    sentence: sentence, zone: zone))
        }
        for run in b.runs {
            for k in run.range { b.inRun[k] = true }
            add(.learned(run.learned), run.range, .capitalisedName)
        }
        for (index, match) in b.matches.enumerated() {
            if match.range.count == 1, !acronyms.isEmpty, tokens[match.range.lowerBound].shape.isAllCapitals,
                let defined = acronyms[scratch.termString(match.range.lowerBound)]
            {
                add(defined, match.range, .learned)
                b.coveredBy[match.range.lowerBound] = Int32(index)
                continue
            }
            if let actor = match.actor { add(.known(actor), match.range, match.rule) }
        }
        if !acronyms.isEmpty || !surnames.isEmpty {
            for candidate in scratch.candidates where b.coveredBy[Int(candidate)] < 0 && !b.inRun[Int(candidate)] {
                let k = Int(candidate)
                let token = tokens[k]
                guard token.shape.upperFirst else { continue }
                if token.shape.isAllCapitals, !acronyms.isEmpty, let defined = acronyms[scratch.termString(k)] {
                    add(defined, k..<k + 1, .learned)
                } else if let surname = surnames.first(where: { scratch.sameTerm($0.token, k) }), surname.person >= 0 {
                    add(.learned(surname.person), k..<k + 1, .surname)
                }
            }
        }
        result.mentions.sort { $0.position < $1.position }
    }

    // MARK: - Gazetteer matching

    func longestMatch(at start: Int, _ scratch: RecognitionScratch) -> Match? {
        let tokens = scratch.tokens
        // An alias starts at a capitalised word, at one of the few lower-case
        // alias starts, or anywhere in a caseless field.
        guard
            tokens[start].shape.upperFirst || scratch.startsLowercaseAlias(start, matcher)
                || (!scratch.caselessFields.isEmpty && scratch.caselessFields.contains(tokens[start].field)),
            let firstWord = scratch.word(start, in: matcher)
        else { return nil }
        var node: Int32 = 0
        var best: Match? = nil
        var j = start
        var word = firstWord
        while true {
            guard let child = matcher.child(of: node, word: word) else { break }
            node = child
            if matcher.hasEntries(at: node), let match = choose(matcher.entries(at: node), start..<j + 1, scratch) {
                best = match
            }
            j += 1
            guard j < tokens.count, j - start < matcher.longest, tokens[j].joins,
                tokens[j].field == tokens[start].field,
                let next = scratch.word(j, in: matcher)
            else { break }
            word = next
        }
        return best
    }

    /// The actor that aliases ending here name, if their demands are met.
    func choose(_ entries: [AliasMatcher.Entry], _ range: Range<Int>, _ scratch: RecognitionScratch) -> Match? {
        var chosen: AliasMatcher.Entry? = nil
        var blocked = false
        var ambiguous = false
        for entry in entries {
            guard meets(entry, range, scratch) else {
                // A dateline name outside a dateline still covers its words:
                // "New Mexico" is never Mexico, "Quebec City" never Quebec.
                if entry.rule == .dateline { blocked = true }
                continue
            }
            if entry.blocks {
                blocked = true
            } else if let current = chosen {
                if current.actor != entry.actor { ambiguous = true }
            } else {
                chosen = entry
            }
        }
        if ambiguous || (blocked && chosen == nil) { return Match(range: range, actor: nil, rule: .alias) }
        guard let chosen else { return nil }
        return Match(range: range, actor: Int(chosen.actor), rule: chosen.rule)
    }

    func meets(_ entry: AliasMatcher.Entry, _ range: Range<Int>, _ scratch: RecognitionScratch) -> Bool {
        let tokens = scratch.tokens
        let caseless =
            !scratch.caselessFields.isEmpty && scratch.caselessFields.contains(tokens[range.lowerBound].field)
        for (offset, demand) in entry.demands.enumerated() where !tokens[range.lowerBound + offset].shape.meets(demand)
        {
            if caseless && demand == .capitalised { continue }
            return false
        }
        if entry.rule == .dateline {
            return isDateline(range, of: Int(entry.actor), scratch)
        }
        if entry.demands.count == 1 && entry.demands[0] == .capitals {
            // A ticker in angle brackets ("UNION CARBIDE <UK>") is not the acronym.
            let token = tokens[range.lowerBound]
            let text = text(token.field)
            let start = token.sourceRange.lowerBound
            let end = token.sourceRange.upperBound
            if start > 0, end < text.count, text[start - 1] == UInt8(ascii: "<"), text[end] == UInt8(ascii: ">") {
                return false
            }
        }
        if entry.needsContext {
            if isNamelikeNeighbour(range.lowerBound - 1, of: range.lowerBound, scratch)
                || isNamelikeNeighbour(range.upperBound, of: range.upperBound - 1, scratch)
            {
                return false
            }
        }
        return true
    }

    /// Whether `range` is the place of a dateline: the body's first words
    /// ("FRANKFURT, March 3 -", "TORONTO (Reuters) -"), or the region after
    /// them ("DANBURY, Conn., March 5 -"). A place followed by a region that
    /// names another actor is that actor's ("MANCHESTER, N.H." is not England's
    /// Manchester); a region unknown to the gazetteer leaves the place as it is.
    func isDateline(_ range: Range<Int>, of actor: Int, _ scratch: RecognitionScratch) -> Bool {
        let tokens = scratch.tokens
        let start = scratch.bodyStart
        guard range.lowerBound >= start, tokens[range.lowerBound].field == .body else { return false }
        if range.lowerBound > start {
            // The region slot: a capitalised place of at most four words, a comma, then this.
            guard range.lowerBound - start <= 4,
                (start..<range.lowerBound).allSatisfy({ tokens[$0].shape.upperFirst }),
                gapHasComma(before: range.lowerBound, scratch)
            else { return false }
            return true
        }
        let end = tokens[range.upperBound - 1].sourceRange.upperBound
        var k = end
        while k < body.count && k < end + 3 && (body[k] == 0x20 || body[k] == 0x09) { k += 1 }
        guard k < body.count else { return false }
        let byte = body[k]
        if byte == UInt8(ascii: ",") {
            let next = range.upperBound
            guard next < tokens.count else { return false }
            if scratch.flags(next, matcher).contains(.month) { return true }
            if let region = longestMatch(at: next, scratch), let other = region.actor, other != actor { return false }
            return true
        }
        return byte == UInt8(ascii: "(") || byte == UInt8(ascii: "-") || byte == 0xE2
    }

    func gapHasComma(before index: Int, _ scratch: RecognitionScratch) -> Bool {
        let tokens = scratch.tokens
        guard index > 0 else { return false }
        let from = tokens[index - 1].sourceRange.upperBound
        let to = tokens[index].sourceRange.lowerBound
        guard from <= to else { return false }
        return body[from..<to].contains(UInt8(ascii: ","))
    }

    /// Whether token `index`, next to `anchor` in the same sentence, is a
    /// capitalised word that is not a common word (so likely part of a name).
    func isNamelikeNeighbour(_ index: Int, of anchor: Int, _ scratch: RecognitionScratch) -> Bool {
        let tokens = scratch.tokens
        guard index >= 0, index < tokens.count else { return false }
        let later = max(index, anchor)
        guard tokens[later].plain, tokens[index].field == tokens[anchor].field else { return false }
        guard tokens[index].shape.upperFirst else { return false }
        return !scratch.flags(index, matcher).contains(.common)
    }

    // MARK: - Learning

    /// The run without sentence-initial common words and titles in front and
    /// titles behind; nil when fewer than two words remain.
    func trimmedRun(_ run: Range<Int>, _ scratch: RecognitionScratch) -> Range<Int>? {
        var lower = run.lowerBound
        var upper = run.upperBound
        // "Shares of Acme Corp": a sentence's first word followed by a particle
        // is a common noun, not the start of a name.
        let tokens = scratch.tokens
        if tokens[lower].startsSentence, lower + 1 < upper, scratch.term(lower + 1).elementsEqual("of".utf8) {
            lower += 2
        }
        while lower < upper {
            if !scratch.flags(lower, matcher).isDisjoint(with: [.title, .common, .connector]) {
                lower += 1
            } else {
                break
            }
        }
        while upper > lower {
            if !scratch.flags(upper - 1, matcher).isDisjoint(with: [.title, .common, .connector]) {
                upper -= 1
            } else {
                break
            }
        }
        return upper - lower >= 2 ? lower..<upper : nil
    }

    /// The kind of actor a trimmed run names, or nil when it names a place or nobody.
    func learnedKind(_ run: Range<Int>, _ scratch: RecognitionScratch, after: Int?) -> ActorKind? {
        var isOrganisation = false
        var isPlace = false
        var words = 0
        for k in run {
            let flags = scratch.flags(k, matcher)
            if flags.contains(.place) { isPlace = true }
            if flags.contains(.organisation) { isOrganisation = true }
            if !flags.contains(.connector) { words += 1 }
        }
        guard words >= 2, words <= 5 else { return nil }
        // A word saying "organisation" wins ("Gulf Cooperation Council",
        // "Northern Alliance"); otherwise a place word makes it a place
        // ("Persian Gulf", "Middle East"), not an actor.
        if isPlace && !isOrganisation { return nil }
        // "Ain al-Asad air base": a run followed by a place noun is a place.
        if var next = after {
            let tokens = scratch.tokens
            while next < tokens.count, next < after! + 2, tokens[next].plain, !tokens[next].shape.upperFirst {
                if scratch.flags(next, matcher).contains(.place) { return nil }
                next += 1
            }
        }
        let kind: ActorKind = isOrganisation ? .organisation : .person
        if kind == .person && words > 4 { return nil }
        return kind
    }

    /// The acronym in brackets right after `range` ("… Corps (IRGC)") when its
    /// letters are the initials of the range's capitalised words.
    func definedAcronym(after range: Range<Int>, _ scratch: RecognitionScratch) -> String? {
        let tokens = scratch.tokens
        let k = range.upperBound
        guard k < tokens.count, tokens[k].shape.isAllCapitals, tokens[k].field == tokens[range.lowerBound].field else {
            return nil
        }
        let text = text(tokens[k].field)
        // The gap is " (" and the acronym is followed by ")" (or "." when a
        // period ends it inside the bracket's text).
        let gapStart = tokens[k - 1].sourceRange.upperBound
        let gapEnd = tokens[k].sourceRange.lowerBound
        guard gapEnd - gapStart <= 3, gapEnd > 0, text[gapEnd - 1] == UInt8(ascii: "(") else { return nil }
        let after = tokens[k].sourceRange.upperBound
        guard after < text.count, text[after] == UInt8(ascii: ")") || text[after] == UInt8(ascii: ".") else {
            return nil
        }
        var initials: [UInt8] = []
        for j in range where tokens[j].shape.upperFirst {
            initials.append(scratch.term(j).first!)
        }
        var letters: [UInt8] = []
        let acronym = scratch.term(k)
        for byte in acronym where byte != UInt8(ascii: ".") { letters.append(byte) }
        guard letters.count >= 2, letters == initials else { return nil }
        return String(decoding: acronym, as: UTF8.self)
    }

}
