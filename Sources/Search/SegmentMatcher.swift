import IndexFormat
import NewsCore

/// Matches and scores a ``QueryPlan`` in one segment, document at a time.
///
/// The cursors of the leaves that can make a document match (those not
/// under a `mustNot`) are walked in document order; each document one of
/// them is on is a candidate, and the plan's tree decides it: every `must`,
/// no `mustNot`, and without a `must` some `should`. Excluded leaves'
/// cursors only skip forward to the candidates (`advance(to:)`). A
/// document's score is the sum of its matching positive leaves' BM25
/// scores: a word's with its term's idf, a phrase's or NEAR's with the sum of
/// its words' idfs and the number of times it occurs, an actor's summed over
/// its IDs without length normalisation, a prefix's from its best-scoring
/// expansion. Exhaustive: block-max pruning comes later (issue "Query engine").
struct SegmentMatcher {
    private struct TermCursor {
        var cursor: PostingsCursor
        var exhausted = false
        /// The positions at `positionsDocument`, read at most once per document.
        var positionsDocument = UInt32.max
        var positions: [UInt32] = []
    }

    private let plan: QueryPlan
    private let segment: SegmentReader
    private let similarity: BM25
    private let actorSimilarity: BM25
    private let averageLength: Double
    /// Per leaf, per term: its cursor in this segment (nil: not in it).
    private var cursors: [[TermCursor?]]
    /// Leaves reachable without crossing a `mustNot`: they produce candidates.
    private var positive: [Bool]
    /// Per leaf, the document it was last decided on, and the outcome
    /// (frequency of a phrase or NEAR match, or 1; 0 for no match).
    private var decidedDocument: [UInt32]
    private var decidedFrequency: [UInt32]

    init(
        plan: QueryPlan, segment: SegmentReader, position: Int, similarity: BM25, actorSimilarity: BM25,
        averageLength: Double
    ) throws(IndexError) {
        self.plan = plan
        self.segment = segment
        self.similarity = similarity
        self.actorSimilarity = actorSimilarity
        self.averageLength = averageLength
        cursors = []
        for leaf in plan.leaves {
            var row: [TermCursor?] = []
            for term in leaf.terms {
                guard let info = term.infos[position] else {
                    row.append(nil)
                    continue
                }
                var cursor = try segment.postings(for: info)
                let has = try cursor.next()
                row.append(has ? TermCursor(cursor: cursor) : nil)
            }
            cursors.append(row)
        }
        positive = [Bool](repeating: false, count: plan.leaves.count)
        decidedDocument = [UInt32](repeating: UInt32.max, count: plan.leaves.count)
        decidedFrequency = [UInt32](repeating: 0, count: plan.leaves.count)
        if let root = plan.root { markPositive(root) }
    }

    private mutating func markPositive(_ node: QueryPlan.Node) {
        switch node {
        case .leaf(let leaf): positive[leaf] = true
        case .boolean(let must, let should, _):
            for child in must + should { markPositive(child) }
        }
    }

    /// Calls `body` with every live matching document of the segment and its score.
    mutating func forEachMatch(_ body: (UInt32, Double) -> Void) throws(IndexError) {
        guard let root = plan.root else { return }
        while true {
            // The next candidate: the lowest document a positive cursor is on.
            var document = UInt32.max
            for leaf in plan.leaves.indices where positive[leaf] {
                for cursor in cursors[leaf] {
                    if let cursor, !cursor.exhausted, cursor.cursor.document < document {
                        document = cursor.cursor.document
                    }
                }
            }
            guard document != UInt32.max else { return }
            if !segment.isDeleted(document) {
                let length = try segment.lengths.length(of: document)
                var noParts: [Contribution]? = nil
                if let score = try evaluate(root, document: document, length: length, parts: &noParts) {
                    body(document, score)
                }
            }
            // Move every positive cursor off the candidate.
            for leaf in plan.leaves.indices where positive[leaf] {
                for t in cursors[leaf].indices {
                    guard var cursor = cursors[leaf][t], !cursor.exhausted, cursor.cursor.document == document
                    else { continue }
                    cursor.exhausted = try !cursor.cursor.next()
                    cursors[leaf][t] = cursor
                }
            }
        }
    }

    /// The node's score at `document`, or nil if it does not match. With
    /// `parts`, each matching leaf that counts appends its contribution
    /// (``explain(document:)``); a group that fails takes its parts back.
    private mutating func evaluate(
        _ node: QueryPlan.Node, document: UInt32, length: UInt32, parts: inout [Contribution]?
    ) throws(IndexError) -> Double? {
        switch node {
        case .leaf(let leaf):
            guard let score = try score(leaf: leaf, document: document, length: length) else { return nil }
            if parts != nil { parts!.append(try contribution(leaf, document: document, length: length, score: score)) }
            return score
        case .boolean(let must, let should, let mustNot):
            let partsBefore = parts?.count ?? 0
            func failed() -> Double? {
                if parts != nil { parts!.removeSubrange(partsBefore...) }
                return nil
            }
            var total = 0.0
            for child in must {
                guard let score = try evaluate(child, document: document, length: length, parts: &parts) else {
                    return failed()
                }
                total += score
            }
            var none: [Contribution]? = nil
            for child in mustNot where try evaluate(child, document: document, length: length, parts: &none) != nil {
                return failed()
            }
            var matchedShould = false
            for child in should {
                if let score = try evaluate(child, document: document, length: length, parts: &parts) {
                    total += score
                    matchedShould = true
                }
            }
            return must.isEmpty && !matchedShould ? failed() : total
        }
    }

    /// Why `document` scores what it does: the contribution of each clause
    /// that counted, from the same walk as scoring (their scores sum to the
    /// document's). Nil if it does not match.
    mutating func explain(document: UInt32) throws(IndexError) -> [Contribution]? {
        guard let root = plan.root, !segment.isDeleted(document) else { return nil }
        let length = try segment.lengths.length(of: document)
        var parts: [Contribution]? = []
        guard try evaluate(root, document: document, length: length, parts: &parts) != nil else { return nil }
        return parts
    }

    private mutating func contribution(_ index: Int, document: UInt32, length: UInt32, score: Double)
        throws(IndexError) -> Contribution
    {
        let leaf = plan.leaves[index]
        let bm25 = leaf.actor ? actorSimilarity : similarity
        var terms: [Contribution.Term] = []
        var frequency: UInt32 = 0
        switch leaf.kind {
        case .terms:
            for t in leaf.terms.indices where try seek(index, t, to: document) {
                let tf = cursors[index][t]!.cursor.frequency
                terms.append(
                    Contribution.Term(
                        term: String(decoding: leaf.terms[t].bytes, as: UTF8.self), frequency: tf,
                        idf: leaf.terms[t].idf,
                        score: bm25.score(
                            idf: leaf.terms[t].idf, frequency: tf, length: length, averageLength: averageLength)))
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
            averageLength: averageLength, k1: bm25.k1, b: bm25.b, terms: terms)
    }

    /// Puts term `t` of `leaf` on `document` if it holds it; whether it does.
    private mutating func seek(_ leaf: Int, _ t: Int, to document: UInt32) throws(IndexError) -> Bool {
        guard var cursor = cursors[leaf][t], !cursor.exhausted else { return false }
        if cursor.cursor.document < document {
            cursor.exhausted = try !cursor.cursor.advance(to: document)
            cursors[leaf][t] = cursor
        }
        return !cursor.exhausted && cursor.cursor.document == document
    }

    /// Positions of term `t` of `leaf` at the document it is on (read once).
    private mutating func positions(_ leaf: Int, _ t: Int) throws(IndexError) -> [UInt32] {
        var cursor = cursors[leaf][t]!
        if cursor.positionsDocument != cursor.cursor.document {
            cursor.positions = try cursor.cursor.positions()
            cursor.positionsDocument = cursor.cursor.document
            cursors[leaf][t] = cursor
        }
        return cursor.positions
    }

    private mutating func score(leaf index: Int, document: UInt32, length: UInt32) throws(IndexError) -> Double? {
        let leaf = plan.leaves[index]
        switch leaf.kind {
        case .terms(let combine):
            var total = 0.0
            var matched = false
            for t in leaf.terms.indices where try seek(index, t, to: document) {
                let frequency = cursors[index][t]!.cursor.frequency
                let score = (leaf.actor ? actorSimilarity : similarity).score(
                    idf: leaf.terms[t].idf, frequency: frequency, length: length, averageLength: averageLength)
                if combine == .sum {
                    total += score
                } else {
                    total = matched ? max(total, score) : score
                }
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
            return similarity.score(idf: leaf.idf, frequency: frequency, length: length, averageLength: averageLength)
        }
    }

    /// How many times a phrase or NEAR leaf occurs in `document` (0: not at all).
    private mutating func occurrences(_ index: Int, document: UInt32) throws(IndexError) -> UInt32 {
        let leaf = plan.leaves[index]
        switch leaf.kind {
        case .terms: preconditionFailure("a terms leaf has no occurrences to count")
        case .phrase(let offsets):
            for t in leaf.terms.indices where try !seek(index, t, to: document) { return 0 }
            return UInt32(try phraseStarts(index, terms: leaf.terms.indices, offsets: offsets).count)
        case .near(let distance, let operands):
            var starts: [[UInt32]] = []
            for operand in operands {
                var positions: [UInt32] = []
                if let offsets = operand.offsets {
                    for t in operand.terms where try !seek(index, t, to: document) { return 0 }
                    positions = try phraseStarts(index, terms: operand.terms, offsets: offsets)
                } else {
                    for t in operand.terms where try seek(index, t, to: document) {
                        positions += try self.positions(index, t)
                    }
                }
                if positions.isEmpty { return 0 }
                starts.append(positions)
            }
            return Self.windows(starts, distance: UInt32(distance))
        }
    }

    /// Positions where every term of `terms` sits at its offset from a common
    /// start (each term's cursor already on the document).
    private mutating func phraseStarts(_ index: Int, terms: Range<Int>, offsets: [UInt32]) throws(IndexError)
        -> [UInt32]
    {
        var starts: [UInt32] = []
        let first = terms.lowerBound
        var previous = UInt32.max
        for position in try positions(index, first) where position >= offsets[0] && position != previous {
            previous = position
            starts.append(position - offsets[0])
        }
        for (k, t) in terms.enumerated().dropFirst() {
            let positions = Set(try self.positions(index, t))
            starts = starts.filter { positions.contains($0 + offsets[k]) }
            if starts.isEmpty { break }
        }
        return starts
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
