import IndexFormat
import NewsCore

/// Matches and scores a ``QueryPlan`` in one segment, document at a time.
///
/// The plan's tree decides each candidate document: every `must`, no
/// `mustNot`, and without a `must` some `should`. Candidates come from the
/// cursors that can make a document match: of a group with required
/// clauses, those of its cheapest required clause (the others are sought,
/// `advance(to:)`); of a phrase, its rarest word; of a NEAR, its cheapest
/// operand; else every term's. Excluded clauses' cursors only skip forward to
/// the candidates. A document's score is the sum of its matching positive
/// leaves' BM25 scores: a word's with its term's idf, a phrase's or NEAR's
/// with the sum of its words' idfs and the number of times it occurs, an
/// actor's summed over its IDs without length normalisation, a prefix's from
/// its best-scoring expansion. ``collect(into:base:)`` prunes with
/// Block-Max MaxScore.
///
/// The plan is flattened into arrays of plain values (term cursors, per-leaf
/// facts, tree nodes as index ranges), so that scoring a candidate copies
/// no array and retains nothing.
struct SegmentMatcher {
    private struct TermCursor {
        var cursor: PostingsCursor
        /// No posting left (or the term is not in the segment).
        var exhausted: Bool
        /// The positions at `positionsDocument`, read at most once per document.
        var positionsDocument = UInt32.max
        var positions: [UInt32] = []
    }

    /// `weighted`: a plain word and its title term, BM25F-style (``QueryPlan/Leaf/titleWeight``).
    private enum LeafKind { case sum, max, phrase, near, weighted }

    /// A node of the plan's tree: a leaf (`leaf` ≥ 0), or a group whose
    /// clauses are `children[must]`, `children[should]` and `children[mustNot]`.
    private struct Node {
        var leaf: Int
        var must: Range<Int> = 0..<0
        var should: Range<Int> = 0..<0
        var mustNot: Range<Int> = 0..<0
    }

    private let plan: QueryPlan
    private let lengths: DocumentLengths
    private let deletions: DeletionBitmap?
    /// The plan's `date:` filter; nil when it has none.
    private let dates: DateFilter?
    private let similarity: BM25
    private let actorSimilarity: BM25
    private let averageLength: Double
    /// Every leaf's terms, one cursor each, leaf after leaf (`leafTerms`).
    private var terms: [TermCursor]
    private let termIDF: [Double]
    private let leafTerms: [Range<Int>]
    private let leafKind: [LeafKind]
    /// Per leaf, its BM25: actor and title clauses have no length norms (b = 0).
    private let leafBM25: [BM25]
    private let nodes: [Node]
    private let children: [Int]
    private let root: Int?
    /// Per leaf, the document it was last decided on, and the outcome
    /// (frequency of a phrase or NEAR match; 0 for no match).
    private var decidedDocument: [UInt32]
    private var decidedFrequency: [UInt32]
    /// A phrase's candidate starts, reused from document to document (``phraseStarts``).
    private var phraseBuffer: [UInt32] = []

    init(
        plan: QueryPlan, segment: SegmentReader, position: Int, similarity: BM25, actorSimilarity: BM25,
        averageLength: Double
    ) throws(IndexError) {
        self.plan = plan
        lengths = segment.lengths
        deletions = segment.deletions
        dates = plan.dates.isEmpty ? nil : plan.dates
        self.similarity = similarity
        self.actorSimilarity = actorSimilarity
        self.averageLength = averageLength
        var terms: [TermCursor] = []
        var idfs: [Double] = []
        var ranges: [Range<Int>] = []
        var kinds: [LeafKind] = []
        // A term the segment lacks gets an empty, exhausted cursor.
        let absent = TermInfo(
            documentFrequency: 0, totalTermFrequency: 0, postingsStart: 0, postingsLength: 0, positionsStart: 0,
            positionsLength: 0)
        for leaf in plan.leaves {
            let start = terms.count
            for term in leaf.terms {
                var cursor = try segment.postings(for: term.infos[position] ?? absent)
                let has = term.infos[position] == nil ? false : try cursor.next()
                terms.append(TermCursor(cursor: cursor, exhausted: !has))
                idfs.append(term.idf)
            }
            ranges.append(start..<terms.count)
            switch leaf.kind {
            case .terms(.sum): kinds.append(leaf.titleWeight != 1 ? .weighted : .sum)
            case .terms(.max): kinds.append(.max)
            case .phrase: kinds.append(.phrase)
            case .near: kinds.append(.near)
            }
        }
        self.terms = terms
        termIDF = idfs
        leafTerms = ranges
        leafKind = kinds
        leafBM25 = plan.leaves.map { $0.actor || $0.title ? actorSimilarity : similarity }
        var nodes: [Node] = []
        var children: [Int] = []
        root = plan.root.map { Self.flatten($0, into: &nodes, &children) }
        self.nodes = nodes
        self.children = children
        decidedDocument = [UInt32](repeating: UInt32.max, count: plan.leaves.count)
        decidedFrequency = [UInt32](repeating: 0, count: plan.leaves.count)
    }

    private static func flatten(_ node: QueryPlan.Node, into nodes: inout [Node], _ children: inout [Int]) -> Int {
        switch node {
        case .leaf(let leaf):
            nodes.append(Node(leaf: leaf))
        case .boolean(let must, let should, let mustNot):
            let groups = [must, should, mustNot].map { group in group.map { flatten($0, into: &nodes, &children) } }
            var ranges: [Range<Int>] = []
            for group in groups {
                let start = children.count
                children += group
                ranges.append(start..<children.count)
            }
            nodes.append(Node(leaf: -1, must: ranges[0], should: ranges[1], mustNot: ranges[2]))
        }
        return nodes.count - 1
    }

    /// Whether `document` is out: deleted, or published outside the `date:` filter.
    @inline(__always)
    private func isExcluded(_ document: UInt32) throws(IndexError) -> Bool {
        if deletions?.isDeleted(document) ?? false { return true }
        guard let dates else { return false }
        return !dates.accepts(try lengths.published(document))
    }

    /// Term cursors that produce every document `node` can match, and their
    /// cost: the postings they have left.
    private func producers(_ node: Int) -> (terms: [Int], cost: UInt64) {
        func cost(_ slots: [Int]) -> UInt64 {
            slots.reduce(0) { $0 + (terms[$1].exhausted ? 0 : UInt64(terms[$1].cursor.remainingCount) + 1) }
        }
        func cheapest(_ options: [[Int]]) -> (terms: [Int], cost: UInt64) {
            var best: (terms: [Int], cost: UInt64) = ([], .max)
            for option in options {
                let c = cost(option)
                if c < best.cost { best = (option, c) }
            }
            return best
        }
        let n = nodes[node]
        if n.leaf >= 0 {
            let slots = leafTerms[n.leaf]
            switch leafKind[n.leaf] {
            case .sum, .max:
                return (Array(slots), cost(Array(slots)))
            case .weighted:
                // A title occurrence is also a word occurrence: the word's documents are all.
                return ([slots.lowerBound], cost([slots.lowerBound]))
            case .phrase:
                // Every word must be there: its rarest word's documents are the candidates.
                return cheapest(slots.map { [$0] })
            case .near:
                guard case .near(_, let operands) = plan.leaves[n.leaf].kind else { preconditionFailure() }
                return cheapest(
                    operands.map { operand in
                        let all = operand.terms.map { slots.lowerBound + $0 }
                        // A phrase operand needs all its words (its rarest will do); a word or actor, any term.
                        return operand.offsets == nil ? all : cheapest(all.map { [$0] }).terms
                    })
            }
        }
        if !n.must.isEmpty { return cheapest(n.must.map { producers(children[$0]).terms }) }
        let all = n.should.flatMap { producers(children[$0]).terms }
        return (all, cost(all))
    }

    /// Every term cursor under `node` that can add to its score.
    private func scoringTerms(_ node: Int) -> [Int] {
        let n = nodes[node]
        if n.leaf >= 0 { return Array(leafTerms[n.leaf]) }
        return (n.must.map { $0 } + n.should.map { $0 }).flatMap { scoringTerms(children[$0]) }
    }

    /// Offers every live matching document of the segment that can still
    /// enter `collector`'s top k to it, numbered from `base`.
    ///
    /// Until the collector is full and has counted `totalHitsThreshold`
    /// matches, every candidate is evaluated (the count is exact). From then
    /// on, Block-Max MaxScore (Lucene's `MaxScoreBulkScorer`, after Turtle and
    /// Flood 1995 and Ding and Suel 2011) skips what cannot beat the
    /// collector's worst score θ. The segment is cut into windows, each
    /// ending at the first block end among the query's cursors, so that every
    /// cursor's block skip entry (its highest frequency and shortest document)
    /// bounds its leaf's score over the whole window. In a window:
    /// - with required clauses, a window whose clauses' bounds sum to at most
    ///   θ is skipped, and otherwise only the required clauses' cursors
    ///   produce candidates;
    /// - without, the optional clauses are sorted by bound, and the lowest
    ///   ones whose bounds sum to at most θ are non-essential: a document in
    ///   them alone cannot compete, so only the essential clauses' cursors
    ///   produce candidates, and the non-essential ones are only sought, best
    ///   first, while the candidate can still beat θ.
    ///
    /// A document's score is computed by the same walk as without pruning and
    /// summed in the same order, so pruning changes neither a score nor the
    /// order (the property test compares them bit for bit). A later document
    /// loses a tie (`ScoredDocument`), so "cannot beat θ" is score ≤ θ.
    mutating func collect(into collector: inout TopCollector, base: UInt32) throws(IndexError) {
        guard let root else { return }
        let clauses: [Int]
        let requiredCount: Int
        let excluded: [Int]
        let top = nodes[root]
        if top.leaf >= 0 {
            (clauses, requiredCount, excluded) = ([root], 0, [])
        } else {
            clauses = top.must.map { children[$0] } + top.should.map { children[$0] }
            (requiredCount, excluded) = (top.must.count, top.mustNot.map { children[$0] })
        }
        let candidates = producers(root).terms
        let clauseProducers = clauses.map { producers($0).terms }
        let allTerms = clauses.flatMap { scoringTerms($0) }
        var low: UInt32 = 0
        var bounds = [Double](repeating: 0, count: clauses.count)
        var scores = [Double?](repeating: nil, count: clauses.count)
        var order: [Int] = []
        var none: [Contribution]? = nil

        while true {
            // Past the deadline, stop: `topDocuments` throws.
            if collector.time.passed() { return }
            guard collector.canPrune else {
                guard let document = try nextCandidate(candidates, atLeast: low, atMost: .max) else { return }
                if try !isExcluded(document) {
                    let length = try lengths.length(of: document)
                    if let score = try evaluate(root, document: document, length: length, parts: &none) {
                        collector.add(ScoredDocument(score: score, document: base + document))
                    }
                }
                low = document + 1
                continue
            }
            // A window: [low, high], where every cursor stays in one block.
            guard let high = try window(allTerms, from: low) else { return }
            for c in clauses.indices { bounds[c] = try bound(clauses[c], low: low, high: high) }
            let threshold = collector.threshold
            let essential: [Int]
            var nonEssentialCount = 0
            if requiredCount > 0 {
                if Self.cannotCompete(bounds.reduce(0, +), threshold) {
                    collector.skipped()
                    if high == .max { return }
                    low = high + 1
                    continue
                }
                essential = candidates
            } else {
                order = clauses.indices.sorted { bounds[$0] < bounds[$1] }
                var sum = 0.0
                var count = 0
                while count < order.count, Self.cannotCompete(sum + bounds[order[count]], threshold) {
                    sum += bounds[order[count]]
                    count += 1
                }
                if count > 0 { collector.skipped() }
                if count == order.count {
                    if high == .max { return }
                    low = high + 1
                    continue
                }
                nonEssentialCount = count
                essential = order[count...].flatMap { clauseProducers[$0] }
            }
            var nonEssentialBound = 0.0
            for k in 0..<nonEssentialCount { nonEssentialBound += bounds[order[k]] }

            while let document = try nextCandidate(essential, atLeast: low, atMost: high) {
                if collector.time.passed() { return }
                low = document + 1
                if try isExcluded(document) { continue }
                let length = try lengths.length(of: document)
                if requiredCount > 0 {
                    if let score = try evaluate(root, document: document, length: length, parts: &none) {
                        collector.add(ScoredDocument(score: score, document: base + document))
                    }
                    continue
                }
                // The essential clauses, then the others best first while the document can still compete.
                for c in clauses.indices { scores[c] = nil }
                var partial = 0.0
                for k in nonEssentialCount..<order.count {
                    let c = order[k]
                    scores[c] = try evaluate(clauses[c], document: document, length: length, parts: &none)
                    partial += scores[c] ?? 0
                }
                let threshold = collector.threshold
                var remaining = nonEssentialBound
                var competes = true
                for k in stride(from: nonEssentialCount - 1, through: 0, by: -1) {
                    let c = order[k]
                    if Self.cannotCompete(partial + remaining, threshold) {
                        competes = false
                        break
                    }
                    remaining -= bounds[c]
                    scores[c] = try evaluate(clauses[c], document: document, length: length, parts: &none)
                    partial += scores[c] ?? 0
                }
                guard competes else {
                    collector.skipped()
                    continue
                }
                // The rest of the root's walk (`evaluate`): no excluded clause, then the sum in clause order.
                var excludedMatch = false
                for child in excluded where try evaluate(child, document: document, length: length, parts: &none) != nil
                {
                    excludedMatch = true
                    break
                }
                guard !excludedMatch else { continue }
                var total = 0.0
                var matched = false
                for c in clauses.indices {
                    if let score = scores[c] {
                        total += score
                        matched = true
                    }
                }
                if matched { collector.add(ScoredDocument(score: total, document: base + document)) }
            }
            if high == .max { return }
            low = high + 1
        }
    }

    /// Whether a document whose score is at most `bound` cannot enter a top k
    /// whose worst score is `threshold`. The bound is summed in another order
    /// than the score it bounds; the margin covers the rounding.
    @inline(__always)
    private static func cannotCompete(_ bound: Double, _ threshold: Double) -> Bool {
        bound * (1 + 1e-9) <= threshold
    }

    /// The lowest document in `[low, high]` that one of `slots`' cursors holds,
    /// each cursor moved to its first document at or after `low`.
    @inline(__always)
    private mutating func nextCandidate(_ slots: [Int], atLeast low: UInt32, atMost high: UInt32)
        throws(IndexError) -> UInt32?
    {
        var best = UInt32.max
        for s in slots where !terms[s].exhausted {
            if terms[s].cursor.document < low {
                terms[s].exhausted = try !terms[s].cursor.advance(to: low)
                if terms[s].exhausted { continue }
            }
            best = min(best, terms[s].cursor.document)
        }
        return best <= high && best != .max ? best : nil
    }

    /// Moves the skip pointer of every cursor of `slots` to its block holding
    /// `low`, and returns the first of their ends: the window's last document
    /// (nil when no cursor has a document at or after `low`).
    private mutating func window(_ slots: [Int], from low: UInt32) throws(IndexError) -> UInt32? {
        var high: UInt32? = nil
        for s in slots where !terms[s].exhausted {
            try terms[s].cursor.advanceShallow(to: low)
            let end = terms[s].cursor.blockLastDocument
            // A list's last block ending before `low`: nothing left in it from `low` on.
            guard end >= low else { continue }
            high = min(high ?? .max, end)
        }
        return high
    }

    /// A bound on term cursor `s`'s frequency and on the shortest length of
    /// its documents in `[low, high]`, or nil when it holds none there. Valid
    /// after ``window(_:from:)``.
    @inline(__always)
    private func termBound(_ s: Int, low: UInt32, high: UInt32) -> (frequency: UInt32, length: UInt32)? {
        guard !terms[s].exhausted, terms[s].cursor.document <= high, terms[s].cursor.blockLastDocument >= low
        else { return nil }
        return (terms[s].cursor.blockMaxFrequency, terms[s].cursor.blockMinLength)
    }

    /// The highest score `node` can give a document in `[low, high]`:
    /// each leaf's BM25 at its terms' highest frequency and shortest length
    /// (BM25 rises with the one and falls with the other), summed as the
    /// node sums (excluded clauses add nothing).
    private func bound(_ node: Int, low: UInt32, high: UInt32) throws(IndexError) -> Double {
        let n = nodes[node]
        guard n.leaf >= 0 else {
            var sum = 0.0
            for i in n.must { sum += try bound(children[i], low: low, high: high) }
            for i in n.should { sum += try bound(children[i], low: low, high: high) }
            return sum
        }
        let index = n.leaf
        switch leafKind[index] {
        case .weighted:
            // The weighted frequency tf + (w - 1) tf_title: a title frequency
            // is at most the word's, and at most its title term's block bound
            // in the window (0 when the title term has no document there).
            let s = leafTerms[index].lowerBound
            guard termBound(s, low: low, high: high) != nil else { return 0 }
            let bm25 = leafBM25[index]
            let idf = termIDF[s]
            let average = averageLength
            let extra = max(plan.leaves[index].titleWeight - 1, 0)
            let titleBound = termBound(s + 1, low: low, high: high)?.frequency ?? 0
            return try terms[s].cursor.blockMaxScore { frequency, length in
                let weighted = Double(frequency) + extra * Double(min(frequency, titleBound))
                return bm25.score(idf: idf, weightedFrequency: weighted, length: length, averageLength: average)
            }
        case .sum, .max:
            let bm25 = leafBM25[index]
            var total = 0.0
            for s in leafTerms[index] where termBound(s, low: low, high: high) != nil {
                // The block's impacts: the best (frequency, length) pairs of its documents.
                let idf = termIDF[s]
                let average = averageLength
                let score = try terms[s].cursor.blockMaxScore { frequency, length in
                    bm25.score(idf: idf, frequency: frequency, length: length, averageLength: average)
                }
                total = leafKind[index] == .sum ? total + score : max(total, score)
            }
            return total
        case .phrase:
            // A document with the phrase holds each of its words at least as
            // often, at its own length: each word's impacts, scored with the
            // phrase's idf, bound it, and so does the lowest of those bounds.
            let idf = plan.leaves[index].idf
            let average = averageLength
            let bm25 = leafBM25[index]
            var best = Double.infinity
            for s in leafTerms[index] {
                guard termBound(s, low: low, high: high) != nil else { return 0 }
                let score = try terms[s].cursor.blockMaxScore { frequency, length in
                    bm25.score(idf: idf, frequency: frequency, length: length, averageLength: average)
                }
                best = min(best, score)
            }
            return best
        case .near:
            // Each window NEAR counts ends at a distinct position of an
            // operand: at most all its terms' occurrences. The document
            // holds every operand (a phrase's every word, or one of an
            // alternative's terms), so it is at least as long as the
            // longest of the operands' shortest bounds.
            guard case .near(_, let operands) = plan.leaves[index].kind else { preconditionFailure() }
            let first = leafTerms[index].lowerBound
            var frequency: UInt64 = 0
            var length: UInt32 = 0
            for operand in operands {
                let phrase = operand.offsets != nil
                var operandLength = phrase ? 0 : UInt32.max
                var present = false
                for t in operand.terms {
                    guard let term = termBound(first + t, low: low, high: high) else {
                        if phrase { return 0 }
                        continue
                    }
                    present = true
                    frequency += UInt64(term.frequency)
                    operandLength = phrase ? max(operandLength, term.length) : min(operandLength, term.length)
                }
                guard present else { return 0 }
                length = max(length, operandLength)
            }
            return leafBM25[index].score(
                idf: plan.leaves[index].idf, frequency: UInt32(clamping: frequency), length: length,
                averageLength: averageLength)
        }
    }

    /// The node's score at `document`, or nil if it does not match. With
    /// `parts`, each matching leaf that counts appends its contribution
    /// (``explain(document:)``); a group that fails takes its parts back.
    private mutating func evaluate(
        _ node: Int, document: UInt32, length: UInt32, parts: inout [Contribution]?
    ) throws(IndexError) -> Double? {
        let n = nodes[node]
        if n.leaf >= 0 {
            guard let score = try score(leaf: n.leaf, document: document, length: length) else { return nil }
            if parts != nil {
                parts!.append(try contribution(n.leaf, document: document, length: length, score: score))
            }
            return score
        }
        let partsBefore = parts?.count ?? 0
        func failed() -> Double? {
            if parts != nil { parts!.removeSubrange(partsBefore...) }
            return nil
        }
        var total = 0.0
        for i in n.must {
            guard let score = try evaluate(children[i], document: document, length: length, parts: &parts) else {
                return failed()
            }
            total += score
        }
        var none: [Contribution]? = nil
        for i in n.mustNot where try evaluate(children[i], document: document, length: length, parts: &none) != nil {
            return failed()
        }
        var matchedShould = false
        for i in n.should {
            if let score = try evaluate(children[i], document: document, length: length, parts: &parts) {
                total += score
                matchedShould = true
            }
        }
        return n.must.isEmpty && !matchedShould ? failed() : total
    }

    /// Why `document` scores what it does: the contribution of each clause
    /// that counted, from the same walk as scoring (their scores sum to the
    /// document's). Nil if it does not match.
    mutating func explain(document: UInt32) throws(IndexError) -> [Contribution]? {
        guard let root, try !isExcluded(document) else { return nil }
        let length = try lengths.length(of: document)
        var parts: [Contribution]? = []
        guard try evaluate(root, document: document, length: length, parts: &parts) != nil else { return nil }
        return parts
    }

    private mutating func contribution(_ index: Int, document: UInt32, length: UInt32, score: Double)
        throws(IndexError) -> Contribution
    {
        let leaf = plan.leaves[index]
        let bm25 = leafBM25[index]
        var found: [Contribution.Term] = []
        var frequency: UInt32 = 0
        switch leaf.kind {
        case .terms where leafKind[index] == .weighted:
            // One word: its frequency with each title occurrence counted titleWeight times (BM25F).
            let s = leafTerms[index].lowerBound
            frequency = UInt32(try weightedFrequency(index, at: document).rounded())
            found.append(
                Contribution.Term(
                    term: String(decoding: leaf.terms[0].bytes, as: UTF8.self), frequency: frequency,
                    idf: termIDF[s], score: score))
        case .terms:
            for (t, s) in leafTerms[index].enumerated() where try seek(s, to: document) {
                let tf = terms[s].cursor.frequency
                found.append(
                    Contribution.Term(
                        term: String(decoding: leaf.terms[t].bytes, as: UTF8.self), frequency: tf,
                        idf: termIDF[s],
                        score: bm25.score(idf: termIDF[s], frequency: tf, length: length, averageLength: averageLength))
                )
                frequency += tf
            }
        case .phrase, .near:
            frequency = decidedFrequency[index]
        }
        let kind: Contribution.Kind
        switch leaf.kind {
        case .terms(let combine): kind = leaf.actor ? .actor : combine == .max ? .prefix : .word
        case .phrase: kind = .phrase
        case .near: kind = .near
        }
        return Contribution(
            clause: leaf.label, kind: kind, score: score, frequency: frequency, idf: leaf.idf, length: length,
            averageLength: averageLength, k1: bm25.k1, b: bm25.b, terms: found)
    }

    /// Puts term cursor `s` on `document` if it holds it; whether it does.
    @inline(__always)
    private mutating func seek(_ s: Int, to document: UInt32) throws(IndexError) -> Bool {
        if terms[s].exhausted { return false }
        if terms[s].cursor.document < document {
            terms[s].exhausted = try !terms[s].cursor.advance(to: document)
            if terms[s].exhausted { return false }
        }
        return terms[s].cursor.document == document
    }

    /// Positions of term cursor `s` at the document it is on (read once).
    private mutating func positions(_ s: Int) throws(IndexError) -> [UInt32] {
        if terms[s].positionsDocument != terms[s].cursor.document {
            // Taken out and put back: the buffer is reused, never copied.
            var buffer: [UInt32] = []
            swap(&buffer, &terms[s].positions)
            try terms[s].cursor.positions(into: &buffer)
            swap(&buffer, &terms[s].positions)
            terms[s].positionsDocument = terms[s].cursor.document
        }
        return terms[s].positions
    }

    private mutating func score(leaf index: Int, document: UInt32, length: UInt32) throws(IndexError) -> Double? {
        switch leafKind[index] {
        case .weighted:
            let s = leafTerms[index].lowerBound
            guard try seek(s, to: document) else { return nil }
            return leafBM25[index].score(
                idf: termIDF[s], weightedFrequency: try weightedFrequency(index, at: document), length: length,
                averageLength: averageLength)
        case .sum, .max:
            let bm25 = leafBM25[index]
            let sum = leafKind[index] == .sum
            var total = 0.0
            var matched = false
            for s in leafTerms[index] where try seek(s, to: document) {
                let score = bm25.score(
                    idf: termIDF[s], frequency: terms[s].cursor.frequency, length: length,
                    averageLength: averageLength)
                total = sum || !matched ? (matched ? total + score : score) : max(total, score)
                matched = true
            }
            return matched ? total : nil
        case .phrase, .near:
            if decidedDocument[index] != document {
                decidedDocument[index] = document
                decidedFrequency[index] = try occurrences(index, document: document)
            }
            let frequency = decidedFrequency[index]
            guard frequency > 0 else { return nil }
            return leafBM25[index].score(
                idf: plan.leaves[index].idf, frequency: frequency, length: length, averageLength: averageLength)
        }
    }

    /// A weighted word leaf's frequency at `document` (its word cursor on it):
    /// each title occurrence counted `titleWeight` times (BM25F).
    private mutating func weightedFrequency(_ index: Int, at document: UInt32) throws(IndexError) -> Double {
        let s = leafTerms[index].lowerBound
        var frequency = Double(terms[s].cursor.frequency)
        if try seek(s + 1, to: document) {
            frequency += (plan.leaves[index].titleWeight - 1) * Double(terms[s + 1].cursor.frequency)
        }
        return frequency
    }

    /// How many times a phrase or NEAR leaf occurs in `document` (0: not at all).
    private mutating func occurrences(_ index: Int, document: UInt32) throws(IndexError) -> UInt32 {
        let slots = leafTerms[index]
        switch plan.leaves[index].kind {
        case .terms: preconditionFailure("a terms leaf has no occurrences to count")
        case .phrase(let offsets):
            for s in slots where try !seek(s, to: document) { return 0 }
            return UInt32(try phraseStarts(slots, offsets: offsets))
        case .near(let distance, let operands):
            var starts: [[UInt32]] = []
            for operand in operands {
                let operandSlots =
                    (slots.lowerBound + operand.terms.lowerBound)..<(slots.lowerBound + operand.terms.upperBound)
                var positions: [UInt32] = []
                if let offsets = operand.offsets {
                    for s in operandSlots where try !seek(s, to: document) { return 0 }
                    positions = Array(phraseBuffer[..<(try phraseStarts(operandSlots, offsets: offsets))])
                } else {
                    for s in operandSlots where try seek(s, to: document) {
                        positions += try self.positions(s)
                    }
                }
                if positions.isEmpty { return 0 }
                starts.append(positions)
            }
            return Self.windows(starts, distance: UInt32(distance))
        }
    }

    /// Positions where every term cursor of `slots` sits at its offset from a
    /// common start (each cursor already on the document): the first
    /// returned-count entries of `phraseBuffer`, which is reused from one
    /// candidate document to the next (no allocation per document).
    private mutating func phraseStarts(_ slots: Range<Int>, offsets: [UInt32]) throws(IndexError) -> Int {
        // Start from the rarest word (highest idf): the fewest candidate starts.
        var first = 0
        for k in 1..<slots.count where termIDF[slots.lowerBound + k] > termIDF[slots.lowerBound + first] { first = k }
        var starts: [UInt32] = []
        swap(&starts, &phraseBuffer)
        defer { swap(&starts, &phraseBuffer) }
        starts.removeAll(keepingCapacity: true)
        var previous = UInt32.max
        for position in try positions(slots.lowerBound + first)
        where position >= offsets[first] && position != previous {
            previous = position
            starts.append(position - offsets[first])
        }
        var count = starts.count
        // Both lists increase: keep the starts whose shifted position the
        // next word has, walking the two together. A word's positions
        // already read for this document (a NEAR reads them whole) are
        // used; otherwise the cursor reads only as far as the last start
        // needs, and its positions are not kept: a phrase leaf decides a
        // document once (`decidedDocument`), and no other leaf shares its cursors.
        for k in 0..<slots.count where k != first {
            if count == 0 { break }
            let s = slots.lowerBound + k
            let offset = offsets[k]
            if terms[s].positionsDocument == terms[s].cursor.document {
                let positions = terms[s].positions
                var kept = 0
                var p = 0
                for index in 0..<count {
                    let start = starts[index]
                    let wanted = start + offset
                    while p < positions.count && positions[p] < wanted { p += 1 }
                    if p < positions.count && positions[p] == wanted {
                        starts[kept] = start
                        kept += 1
                    }
                }
                count = kept
            } else {
                try terms[s].cursor.keepStarts(&starts, startCount: &count, shift: offset)
            }
        }
        return count
    }

    /// The number of minimal windows of at most `distance` positions (first
    /// to last) that hold a position of every operand: a sliding window over
    /// the operands' merged positions.
    static func windows(_ operands: [[UInt32]], distance: UInt32) -> UInt32 {
        var merged: [(position: UInt32, operand: Int)] = []
        for (operand, positions) in operands.enumerated() {
            for position in Set(positions) { merged.append((position, operand)) }
        }
        merged.sort { $0.position < $1.position || ($0.position == $1.position && $0.operand < $1.operand) }
        var counts = [Int](repeating: 0, count: operands.count)
        var covered = 0
        var left = 0
        var found: UInt32 = 0
        for right in merged.indices {
            if counts[merged[right].operand] == 0 { covered += 1 }
            counts[merged[right].operand] += 1
            while covered == operands.count {
                if merged[right].position - merged[left].position <= distance { found += 1 }
                counts[merged[left].operand] -= 1
                if counts[merged[left].operand] == 0 { covered -= 1 }
                left += 1
            }
        }
        return found
    }
}

/// One clause's part of a document's score (`--explain`).
public struct Contribution: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case word, phrase, near, prefix, actor
    }

    /// A term of a word, prefix or actor clause present in the document.
    public struct Term: Sendable, Equatable {
        public var term: String
        public var frequency: UInt32
        public var idf: Double
        public var score: Double
    }

    /// The clause as the query wrote it.
    public var clause: String
    public var kind: Kind
    public var score: Double
    /// Occurrences: a word's or actor's term frequency (actor mentions in the
    /// title and lead count several times: zone weights), a phrase's or
    /// NEAR's matches.
    public var frequency: UInt32
    /// The idf scored with: a word's, or the sum of a phrase's or NEAR's words'.
    public var idf: Double
    public var length: UInt32
    public var averageLength: Double
    public var k1: Double
    public var b: Double
    /// For word, prefix and actor clauses, the terms found (a prefix counts
    /// its best, an actor the sum of its IDs').
    public var terms: [Term]
}
