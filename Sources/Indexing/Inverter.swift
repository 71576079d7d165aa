import IndexFormat
import NewsCore
import TextAnalysis

/// Inverts analysed articles into in-memory postings, one encoder per term.
struct Inverter {
    var terms = TermTable()
    var encoders: [PostingsEncoder] = []
    /// Actor terms live in a table of their own, so that the word table, probed
    /// for every token, stays as small as it is with actors off.
    var actorTerms = TermTable(capacity: 1 << 12)
    var actorEncoders: [PostingsEncoder] = []
    var lengths: [UInt32] = []
    /// (term id << 32 | position) for the document being inverted: of its
    /// actors always, of its words only when their positions do not increase
    /// (never, from ``Analyzer``); reused.
    private var occurrences: [UInt64] = []
    private var actorOccurrences: [UInt64] = []
    private var positionBuffer: [UInt32] = []
    /// The words of the document being inverted, grouped by term without a
    /// sort: each distinct term gets a slot in order of first occurrence.
    /// Per word term id: (the serial of the last document it was in << 32 |
    /// its slot there); a stale serial means "not in this document yet".
    private var slotOfTerm: [UInt64] = []
    /// Per slot: its term id, and its number of occurrences (then, where its
    /// positions start in `positionBuffer`).
    private var slotTerms: [Int32] = []
    private var slotStarts: [Int32] = []
    /// Per word of the document: its slot and position.
    private var wordSlots: [Int32] = []
    private var wordPositions: [UInt32] = []
    /// Word terms by their form before stemming, and per such form the term
    /// id of its stem: each distinct word is stemmed once per segment, and
    /// each occurrence costs one lookup here instead of a lookup in the
    /// stemmer's cache, a copy, and a lookup of the stem in `terms`. Valid
    /// for one stemmer (`surfaceStemmer`). Counted in ``estimatedBytes`` at
    /// 40 bytes a form: its bytes, its entry and hash slots, its term id.
    private var surfaceTerms = TermTable()
    private var termOfSurface: [Int32] = []
    private var surfaceStemmer: ObjectIdentifier?
    private var stemBuffer: [UInt8] = []
    /// Counts calls of ``add(_:document:analyzer:)``, from 1 (0 marks a term
    /// never seen in `slotOfTerm`); a UInt32 as document numbers are.
    private var serial: UInt32 = 0
    /// Term id of each gazetteer actor's term, or -1 until first seen.
    private var knownActorTerms: [Int] = []
    /// Term id of each of this article's learned actors, or -1 until first met.
    private var learnedTerms: [Int] = []
    /// Per word term, its title term in `actorTerms` (-1: none yet); and the
    /// current document's title words (word term, position).
    private var titleTermOfTerm: [Int32] = []
    private var titleWords: [(term: Int, position: UInt32)] = []
    /// Actors learned from the text so far, each once (the first name seen is
    /// kept), as bytes: their kind codes and names, and by actor term id the
    /// learned actor it is (-1: a gazetteer actor). Strings are made once, at commit.
    private var learnedKinds: [UInt8] = []
    private var learnedNames: [UInt8] = []
    private var learnedNameRanges: [Range<Int>] = []
    private var learnedOfTerm: [Int32] = []
    var learnedCount: Int { learnedKinds.count }
    private var termBuffer: [UInt8] = []
    /// Postings (a term in a document) and occurrences (a position) added so
    /// far: what ``estimatedBytes`` counts.
    private var postingCount = 0
    private var occurrenceCount = 0
    var documentCount: Int { lengths.count }

    /// What the in-memory postings take, estimated from counts (summing the
    /// encoders' buffers on every article would cost more than the inverting).
    /// Per posting about 2 bytes of document delta and frequency, per
    /// occurrence about 1.4 bytes of position delta (the averages on
    /// Reuters), times 1.5 for the slack of arrays that double as they grow;
    /// per term its encoder, its two arrays' headers and its hash-table entry;
    /// per unstemmed form its entry in `surfaceTerms`.
    /// That sum undercounts what the process holds: at a flush, its anonymous
    /// memory had grown by 1.45× the sum on Reuters (22 MB estimated, about
    /// 32 MB resident) and by about 1.75× on the million-article corpus (four
    /// segments flushed at 128 MB per thread while the two threads' memory
    /// grew by about 450 MB). The estimate is scaled by 7/4 so that
    /// `--memory` bounds what the inverters really take.
    var estimatedBytes: Int {
        let counted =
            (postingCount * 2 + occurrenceCount * 14 / 10) * 3 / 2 + (terms.count + actorTerms.count) * 160
            + surfaceTerms.count * 40 + lengths.count * 4 + titleTermOfTerm.count * 4
        return counted * 7 / 4
    }

    mutating func add(_ analysis: DocumentAnalysis, document: UInt32, analyzer: Analyzer) {
        learnedTerms.removeAll(keepingCapacity: true)
        serial += 1
        slotTerms.removeAll(keepingCapacity: true)
        slotStarts.removeAll(keepingCapacity: true)
        wordSlots.removeAll(keepingCapacity: true)
        wordPositions.removeAll(keepingCapacity: true)
        var positionsIncrease = true
        var previousPosition = -1
        let stemmer = analysis.stemmer
        if let stemmer, surfaceStemmer != ObjectIdentifier(stemmer) {
            if surfaceStemmer != nil {
                surfaceTerms = TermTable()
                termOfSurface.removeAll()
            }
            surfaceStemmer = ObjectIdentifier(stemmer)
        }
        var stemBuffer: [UInt8] = []
        swap(&stemBuffer, &self.stemBuffer)
        defer { swap(&stemBuffer, &self.stemBuffer) }
        let unstemmed = analysis.unstemmedTermBytes
        let unstemmedSpan = unstemmed.span
        wordSlots.reserveCapacity(analysis.words.count)
        wordPositions.reserveCapacity(analysis.words.count)
        titleWords.removeAll(keepingCapacity: true)
        // A loop, not forEachWord's closure: a closure writing to `self`
        // pays a dynamic exclusivity check per access.
        for word in analysis.words {
            let surface = unstemmedSpan.extracting(analysis.unstemmedRange(of: word))
            let id: Int
            if let stemmer {
                let surfaceID = surfaceTerms.intern(surface)
                if surfaceID < termOfSurface.count {
                    id = Int(termOfSurface[surfaceID])
                } else {
                    stemBuffer.removeAll(keepingCapacity: true)
                    stemmer.appendStem(of: surface, to: &stemBuffer)
                    id = terms.intern(stemBuffer.span)
                    termOfSurface.append(Int32(id))
                }
            } else {
                id = terms.intern(surface)
            }
            if id >= slotOfTerm.count {
                slotOfTerm.append(contentsOf: repeatElement(0, count: id + 1 - slotOfTerm.count))
            }
            let entry = slotOfTerm[id]
            let slot: Int
            if UInt32(truncatingIfNeeded: entry >> 32) == serial {
                slot = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF)
                slotStarts[slot] += 1
            } else {
                slot = slotTerms.count
                slotTerms.append(Int32(id))
                slotStarts.append(1)
                slotOfTerm[id] = UInt64(serial) << 32 | UInt64(slot)
            }
            wordSlots.append(Int32(slot))
            wordPositions.append(word.position)
            if word.field == .title { titleWords.append((id, word.position)) }
            if Int(word.position) <= previousPosition { positionsIncrease = false }
            previousPosition = Int(word.position)
        }
        // An actor term sits at its first word's position, once per unit of its
        // zone's weight (the title and lead count more: see ZoneWeights).
        // Like Lucene's discountOverlaps, these overlapping tokens do not add to
        // the document's length. They are grouped apart from the words: few per
        // article, they make a short sort of their own instead of lengthening
        // the long one.
        actorOccurrences.removeAll(keepingCapacity: true)
        for mention in analysis.mentions {
            let term: Int
            switch mention.actor {
            case .known(let index):
                while knownActorTerms.count <= index { knownActorTerms.append(-1) }
                if knownActorTerms[index] < 0, let gazetteer = analyzer.gazetteer {
                    let bytes = ActorTerm.bytes(id: gazetteer.actors[index].id)
                    knownActorTerms[index] = actorTerms.intern(bytes.span)
                }
                term = knownActorTerms[index]
            case .learned(let index):
                // Once per learned actor and article, not per mention.
                while learnedTerms.count <= index { learnedTerms.append(-1) }
                if learnedTerms[index] < 0 {
                    termBuffer.removeAll(keepingCapacity: true)
                    termBuffer.append(ActorTerm.prefix)
                    termBuffer.append(contentsOf: analysis.learnedIDBytes(index))
                    let before = actorTerms.count
                    let key = termBuffer
                    learnedTerms[index] = actorTerms.intern(key.span)
                    // A new term is an actor never learned before: keep its kind and name.
                    if actorTerms.count > before {
                        noteLearned(term: actorTerms.count - 1, analysis: analysis, index: index)
                    }
                }
                term = learnedTerms[index]
            }
            let occurrence = UInt64(term) << 32 | UInt64(mention.position)
            for _ in 0..<analyzer.zoneWeights.weight(mention.zone) { actorOccurrences.append(occurrence) }
        }
        // Title words again, as title terms (TitleTerm), kept with the actor
        // terms: few per article, and apart from the words in the dictionary's order.
        for (term, position) in titleWords {
            if term >= titleTermOfTerm.count {
                titleTermOfTerm.append(contentsOf: repeatElement(-1, count: term + 1 - titleTermOfTerm.count))
            }
            if titleTermOfTerm[term] < 0 {
                termBuffer.removeAll(keepingCapacity: true)
                termBuffer.append(TitleTerm.prefix)
                termBuffer.append(contentsOf: terms.bytes(term))
                let key = termBuffer
                titleTermOfTerm[term] = Int32(actorTerms.intern(key.span))
            }
            actorOccurrences.append(UInt64(titleTermOfTerm[term]) << 32 | UInt64(position))
        }
        while encoders.count < terms.count { encoders.append(PostingsEncoder()) }
        while actorEncoders.count < actorTerms.count { actorEncoders.append(PostingsEncoder()) }
        occurrenceCount += wordPositions.count + actorOccurrences.count
        let length = UInt32(analysis.words.count)
        if positionsIncrease {
            postingCount += encodeWords(document: document, length: length)
        } else {
            occurrences.removeAll(keepingCapacity: true)
            for (slot, position) in zip(wordSlots, wordPositions) {
                occurrences.append(UInt64(slotTerms[Int(slot)]) << 32 | UInt64(position))
            }
            postingCount += Self.encode(
                &occurrences, into: &encoders, document: document, length: length, buffer: &positionBuffer)
        }
        postingCount += Self.encode(
            &actorOccurrences, into: &actorEncoders, document: document, length: length, buffer: &positionBuffer)
        lengths.append(UInt32(analysis.words.count))
    }

    /// Adds each word term's positions in `document` to its encoder: a
    /// counting sort of the words by slot, which keeps each term's positions
    /// in their (increasing) order, so the result is the sort's by term then
    /// position, in time linear in the words.
    /// - Returns: the number of distinct terms.
    private mutating func encodeWords(document: UInt32, length: UInt32) -> Int {
        let slotCount = slotTerms.count
        // Counts to starts.
        var start: Int32 = 0
        for slot in 0..<slotCount {
            let count = slotStarts[slot]
            slotStarts[slot] = start
            start += count
        }
        positionBuffer.removeAll(keepingCapacity: true)
        positionBuffer.append(contentsOf: repeatElement(0, count: wordPositions.count))
        for k in wordSlots.indices {
            let slot = Int(wordSlots[k])
            positionBuffer[Int(slotStarts[slot])] = wordPositions[k]
            slotStarts[slot] += 1
        }
        // Each slot's start is now the next one's: its end.
        var begin = 0
        for slot in 0..<slotCount {
            let end = Int(slotStarts[slot])
            encoders[Int(slotTerms[slot])].add(
                document: document, positions: positionBuffer[begin..<end], length: length)
            begin = end
        }
        return slotCount
    }

    /// Sorts (term << 32 | position) occurrences by term then position, and
    /// adds each term's positions in `document` to its encoder.
    /// - Returns: the number of distinct terms.
    private static func encode(
        _ occurrences: inout [UInt64], into encoders: inout [PostingsEncoder], document: UInt32, length: UInt32,
        buffer: inout [UInt32]
    ) -> Int {
        occurrences.sort()
        var distinct = 0
        var i = 0
        while i < occurrences.count {
            let term = Int(occurrences[i] >> 32)
            buffer.removeAll(keepingCapacity: true)
            while i < occurrences.count && Int(occurrences[i] >> 32) == term {
                buffer.append(UInt32(truncatingIfNeeded: occurrences[i]))
                i += 1
            }
            encoders[term].add(document: document, positions: buffer[...], length: length)
            distinct += 1
        }
        return distinct
    }

    /// Every term, words and actors, in increasing bytewise order: (is an actor
    /// term, id); and the actor term ids alone, in the same order.
    func sortedTerms() -> (terms: [(actor: Bool, id: Int)], actors: [Int]) {
        let words = terms.sortedIDs()
        let actors = actorTerms.sortedIDs()
        var merged: [(actor: Bool, id: Int)] = []
        merged.reserveCapacity(words.count + actors.count)
        var w = 0
        var a = 0
        while w < words.count || a < actors.count {
            if a == actors.count || (w < words.count && TermTable.precedes(terms, words[w], actorTerms, actors[a])) {
                merged.append((false, words[w]))
                w += 1
            } else {
                merged.append((true, actors[a]))
                a += 1
            }
        }
        return (merged, actors)
    }

    /// Records learned actor `index` of `analysis` as actor term `term`.
    private mutating func noteLearned(term: Int, analysis: DocumentAnalysis, index: Int) {
        learnedOfTerm.append(contentsOf: repeatElement(-1, count: term + 1 - learnedOfTerm.count))
        learnedOfTerm[term] = Int32(learnedKinds.count)
        learnedKinds.append(analysis.learnedKind(index).code)
        let start = learnedNames.count
        learnedNames.append(contentsOf: analysis.learnedNameBytes(index))
        learnedNameRanges.append(start..<learnedNames.count)
    }

    /// The learned actors, in the order of `actorIDs` (the sorted actor term
    /// ids, so bytewise by actor ID: no strings are compared).
    func learnedActors(inOrder actorIDs: [Int]) -> [AnalysisSettings.LearnedActor] {
        var learned: [AnalysisSettings.LearnedActor] = []
        learned.reserveCapacity(learnedCount)
        for term in actorIDs where term < learnedOfTerm.count && learnedOfTerm[term] >= 0 {
            let index = Int(learnedOfTerm[term])
            learned.append(
                AnalysisSettings.LearnedActor(
                    id: ActorTerm.id(actorTerms.bytes(term))!,
                    kind: learnedKinds[index],
                    name: String(decoding: learnedNames[learnedNameRanges[index]], as: UTF8.self)))
        }
        return learned
    }

    func term(_ entry: (actor: Bool, id: Int)) -> (bytes: ArraySlice<UInt8>, encoder: PostingsEncoder) {
        entry.actor
            ? (actorTerms.bytes(entry.id), actorEncoders[entry.id])
            : (terms.bytes(entry.id), encoders[entry.id])
    }
}
