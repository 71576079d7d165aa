import Foundation
import IndexFormat
import NewsCore
import TestSupport
import Testing

/// One term's postings as a plain model: what the encoder is given, and what a
/// cursor must give back.
struct ModelTerm {
    var documents: [UInt32] = []
    var positions: [[UInt32]] = []
    var lengths: [UInt32] = []

    var count: Int { documents.count }
    func frequency(_ k: Int) -> UInt32 { UInt32(positions[k].count) }

    /// The skip data of block `block` (128 postings), computed the slow way.
    func blockBounds(_ block: Int) -> (last: UInt32, maxFrequency: UInt32, minLength: UInt32) {
        let range = (block * 128)..<min(count, block * 128 + 128)
        return (
            documents[range.upperBound - 1], range.map { frequency($0) }.max()!,
            range.map { lengths[$0] }.min()!
        )
    }

    /// Index of the first posting at or after `from` whose document is ≥ `target`.
    func firstIndex(atLeast target: UInt32, from: Int) -> Int? {
        (from..<count).first { documents[$0] >= target }
    }

    /// The postings bytes, impacts from this term's own lengths.
    var postings: [UInt8] {
        let byDocument = Dictionary(uniqueKeysWithValues: zip(documents, lengths))
        return encoder.postings { byDocument[$0]! }
    }

    var encoder: PostingsEncoder {
        var encoder = PostingsEncoder()
        for k in 0..<count { encoder.add(document: documents[k], positions: positions[k][...], length: lengths[k]) }
        return encoder
    }
}

/// Random terms: document frequencies from 1 to a few thousand (the block
/// boundaries always among them), gaps mostly small but some up to the whole
/// UInt32 range, frequencies mostly 1 but some large.
func randomTerms(seed: UInt64, count: Int) -> [ModelTerm] {
    var random = SplitMix(seed: seed)
    var terms: [ModelTerm] = []
    let boundaries = [1, 2, 127, 128, 129, 255, 256, 257, 383, 384, 1000, 4097]
    for t in 0..<count {
        let df: Int
        if t < boundaries.count {
            df = boundaries[t]
        } else {
            switch random.next() % 4 {
            case 0: df = 1 + Int(random.next() % 20)
            case 1: df = 1 + Int(random.next() % 300)
            default: df = 1 + Int(random.next() % 5000)
            }
        }
        var term = ModelTerm()
        // Gaps: dense runs (width 0), small, and rare huge ones; the average is
        // kept low enough for df documents to fit below UInt32.max.
        let style = random.next() % 4
        let budget = UInt64(UInt32.max - 1)
        var document: UInt64 = random.next() % 3 == 0 ? 0 : random.next() % 1000
        for k in 0..<df {
            if k > 0 {
                var gap: UInt64
                switch style {
                case 0: gap = 1
                case 1: gap = 1 + random.next() % 3
                case 2: gap = 1 + random.next() % 5000
                default:
                    gap = random.next() % 50 == 0 ? 1 + random.next() % (budget / UInt64(df)) : 1 + random.next() % 200
                }
                gap = min(gap, budget - UInt64(df - k) - document)
                document += max(gap, 1)
            }
            term.documents.append(UInt32(document))
            let frequency: Int
            switch random.next() % 10 {
            case 0..<6: frequency = 1
            case 6..<9: frequency = 2 + Int(random.next() % 20)
            default: frequency = random.next() % 20 == 0 ? 1 + Int(random.next() % 3000) : 1 + Int(random.next() % 300)
            }
            var position = UInt32(random.next() % 100)
            var list: [UInt32] = []
            for _ in 0..<frequency {
                list.append(position)
                // Repeats (actor weights) give zero deltas.
                position += random.next() % 5 == 0 ? 0 : UInt32(1 + random.next() % 1000)
            }
            term.positions.append(list)
            term.lengths.append(
                random.next() % 10 == 0 ? UInt32(truncatingIfNeeded: random.next()) : UInt32(random.next() % 2000))
        }
        terms.append(term)
    }
    return terms
}

/// A postings and a positions file holding `terms` back to back, between a
/// 16-byte stand-in header and a 12-byte stand-in footer (the cursor needs
/// nothing more), and each term's dictionary entry.
struct RawPostings {
    let postings: MappedFile
    let positions: MappedFile
    let infos: [TermInfo]
    /// Every document number is below it: the whole UInt32 range.
    static let documentCount = UInt32.max

    init(_ terms: [ModelTerm], in directory: TemporaryDirectory, name: String = "t") throws {
        var postingsBytes = [UInt8](repeating: 0xEE, count: 16)
        var positionsBytes = [UInt8](repeating: 0xEE, count: 16)
        var infos: [TermInfo] = []
        for term in terms {
            let encoder = term.encoder
            let bytes = term.postings
            infos.append(
                TermInfo(
                    documentFrequency: encoder.documentFrequency, totalTermFrequency: encoder.totalTermFrequency,
                    postingsStart: postingsBytes.count, postingsLength: bytes.count,
                    positionsStart: positionsBytes.count, positionsLength: encoder.positions.count))
            postingsBytes += bytes
            positionsBytes += encoder.positions
        }
        postingsBytes += [UInt8](repeating: 0xEE, count: IndexFileFooter.length)
        positionsBytes += [UInt8](repeating: 0xEE, count: IndexFileFooter.length)
        postings = try MappedFile(path: try directory.write(name + ".postings", bytes: postingsBytes))
        positions = try MappedFile(path: try directory.write(name + ".positions", bytes: positionsBytes))
        self.infos = infos
    }

    func cursor(_ term: Int) throws -> PostingsCursor {
        try PostingsCursor(
            info: infos[term], postings: postings, positions: positions, documentCount: Self.documentCount)
    }
}

/// Checks the cursor's `block…` skip data against the model for posting `k`.
func expectBlockBounds(_ cursor: PostingsCursor, _ term: ModelTerm, posting k: Int) {
    if term.count >= 128 {
        let bounds = term.blockBounds(k / 128)
        #expect(cursor.blockLastDocument == bounds.last)
        #expect(cursor.blockMaxFrequency == bounds.maxFrequency)
        #expect(cursor.blockMinLength == bounds.minLength)
    } else {
        // A short list has one block and no skip data: bounds from its
        // dictionary entry (the segment's last document; the total frequency
        // less one for each other document; no length bound).
        #expect(cursor.blockLastDocument == RawPostings.documentCount - 1)
        let total = (0..<term.count).reduce(0) { $0 + term.frequency($1) }
        #expect(cursor.blockMaxFrequency == total - UInt32(term.count - 1))
        #expect(cursor.blockMaxFrequency >= (0..<term.count).map { term.frequency($0) }.max()!)
        #expect(cursor.blockMinLength == 0)
    }
}

@Suite("Postings codec")
struct PostingsCodecTests {
    @Test("random terms round-trip: documents, frequencies, positions, counts and exact byte use")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let terms = randomTerms(seed: 1, count: 120)
        let raw = try RawPostings(terms, in: directory)
        var random = SplitMix(seed: 2)
        for (t, term) in terms.enumerated() {
            #expect(raw.infos[t].documentFrequency == UInt32(term.count))
            #expect(raw.infos[t].totalTermFrequency == term.positions.reduce(0) { $0 + UInt64($1.count) })
            // Once reading every position (exact use of both byte ranges), once
            // reading some (the rest are skipped).
            for readsAll in [true, false] {
                var cursor = try raw.cursor(t)
                #expect(cursor.remainingCount == UInt32(term.count))
                for k in 0..<term.count {
                    #expect(try cursor.next())
                    #expect(cursor.document == term.documents[k], "term \(t) posting \(k)")
                    #expect(cursor.frequency == term.frequency(k))
                    #expect(cursor.remainingCount == UInt32(term.count - k - 1))
                    if readsAll || random.next() % 7 == 0 {
                        #expect(try cursor.positions() == term.positions[k])
                    }
                    if k % 61 == 0 || k == term.count - 1 { expectBlockBounds(cursor, term, posting: k) }
                }
                #expect(try !cursor.next())
                #expect(try !cursor.next())
                #expect(cursor.remainingCount == 0)
                if readsAll { #expect(cursor.usedExactly, "term \(t)") }
            }
        }
    }

    @Test("a list shorter than a block is stored exactly as before blocks: VInt entries, no skip data")
    func shortListsCostNothingMore() {
        for term in randomTerms(seed: 3, count: 60) where term.count < 128 {
            var expected: [UInt8] = []
            var previous: UInt32 = 0
            for k in 0..<term.count {
                let delta = UInt64(term.documents[k] - previous)
                if term.frequency(k) == 1 {
                    expected.appendVInt(delta << 1 | 1)
                } else {
                    expected.appendVInt(delta << 1)
                    expected.appendVInt(UInt64(term.frequency(k)))
                }
                previous = term.documents[k]
            }
            #expect(term.postings == expected)
        }
    }

    @Test("every bit width round-trips: gaps at 0 to 32 bits, frequencies at 0 to 17")
    func everyWidth() throws {
        var terms: [ModelTerm] = []
        for width in 0...32 {
            // The first packed value is the first document itself.
            var term = ModelTerm()
            let first: UInt32 = width == 0 ? 0 : 1 << UInt32(width - 1)
            for k in 0..<128 {
                term.documents.append(first + UInt32(k))
                let frequency = width <= 17 && k == 5 ? (width == 0 ? 1 : (1 << (width - 1)) + 1) : 1
                term.positions.append((0..<frequency).map { UInt32($0) })
                term.lengths.append(7)
            }
            terms.append(term)
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let raw = try RawPostings(terms, in: directory)
        for (width, term) in terms.enumerated() {
            let bytes = try raw.postings.bytes(
                at: raw.infos[width].postingsStart, count: raw.infos[width].postingsLength)
            // The widths follow the skip entry: five VInts, the impact count n, and 2n VInts.
            var offset = 0
            func skipVInt() -> UInt8 {
                let start = offset
                while bytes[offset] >= 0x80 { offset += 1 }
                offset += 1
                return bytes[start]
            }
            for _ in 0..<5 { _ = skipVInt() }
            let impacts = Int(skipVInt())
            for _ in 0..<(2 * impacts) { _ = skipVInt() }
            #expect(Int(bytes[offset]) == width)
            #expect(Int(bytes[offset + 1]) == (width <= 17 ? width : 0))
            var cursor = try raw.cursor(width)
            for k in 0..<128 {
                #expect(try cursor.next())
                #expect(cursor.document == term.documents[k])
                #expect(cursor.frequency == term.frequency(k))
            }
            #expect(try !cursor.next())
        }
    }

    @Test("a run of consecutive documents with frequency 1 packs at width 0: 128 postings in a few bytes")
    func denseBlock() throws {
        var term = ModelTerm()
        for k in 0..<256 {
            term.documents.append(UInt32(k))
            term.positions.append([UInt32(k % 7)])
            term.lengths.append(UInt32(10 + k % 5))
        }
        let bytes = term.postings
        // Two blocks, each: a skip entry of five one- or two-byte VInts and one
        // impact (three one-byte VInts), then the two bit widths (0, 0) and nothing else.
        #expect(bytes.count <= 2 * (5 + 2 + 3 + 2))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let raw = try RawPostings([term], in: directory)
        var cursor = try raw.cursor(0)
        for k in 0..<256 {
            #expect(try cursor.next())
            #expect(cursor.document == UInt32(k) && cursor.frequency == 1)
            #expect(try cursor.positions() == [UInt32(k % 7)])
        }
        #expect(try !cursor.next())
        #expect(cursor.usedExactly)
    }

    @Test("advance(to:) lands where a linear scan does, and positions stay right after skipped blocks")
    func advance() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let terms = randomTerms(seed: 4, count: 100)
        let raw = try RawPostings(terms, in: directory)
        var random = SplitMix(seed: 5)
        for (t, term) in terms.enumerated() {
            for _ in 0..<4 {
                var cursor = try raw.cursor(t)
                var k = -1  // the model's current posting
                var target: UInt64 = 0
                while true {
                    // Mostly advance, by small or large strides; sometimes next().
                    if random.next() % 5 == 0 {
                        let moved = try cursor.next()
                        k += 1
                        #expect(moved == (k < term.count))
                        if !moved { break }
                    } else {
                        let stride: UInt64 =
                            switch random.next() % 3 {
                            case 0: random.next() % 64
                            case 1: random.next() % 100_000
                            default: random.next() % (UInt64(UInt32.max) / 8)
                            }
                        target = min(UInt64(k >= 0 ? term.documents[k] : 0) + stride, UInt64(UInt32.max))
                        let expected = term.firstIndex(atLeast: UInt32(target), from: max(k, 0))
                        let moved = try cursor.advance(to: UInt32(target))
                        #expect(moved == (expected != nil), "term \(t) target \(target)")
                        guard let expected, moved else { break }
                        k = expected
                    }
                    #expect(cursor.document == term.documents[k], "term \(t) posting \(k)")
                    #expect(cursor.frequency == term.frequency(k))
                    #expect(cursor.remainingCount == UInt32(term.count - k - 1))
                    expectBlockBounds(cursor, term, posting: k)
                    if random.next() % 3 == 0 { #expect(try cursor.positions() == term.positions[k]) }
                }
                // Exhausted stays exhausted.
                #expect(try !cursor.next())
                #expect(try !cursor.advance(to: 0))
            }
        }
    }

    @Test("advanceShallow(to:) reports the bounds of the block that holds the target and moves nothing else")
    func shallow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let terms = randomTerms(seed: 6, count: 60)
        let raw = try RawPostings(terms, in: directory)
        var random = SplitMix(seed: 7)
        for (t, term) in terms.enumerated() {
            var cursor = try raw.cursor(t)
            #expect(try cursor.next())
            var targets = (0..<20).map { _ in UInt32(truncatingIfNeeded: random.next()) % (term.documents.last! + 2) }
            targets.sort()
            for target in targets {
                try cursor.advanceShallow(to: target)
                #expect(cursor.document == term.documents[0])
                if term.count >= 128 {
                    let blocks = (term.count + 127) / 128
                    // The first block whose last document reaches the target, else the last.
                    let block =
                        (0..<blocks).first { term.blockBounds($0).last >= target } ?? blocks - 1
                    let bounds = term.blockBounds(block)
                    #expect(cursor.blockLastDocument == bounds.last, "term \(t) target \(target)")
                    #expect(cursor.blockMaxFrequency == bounds.maxFrequency)
                    #expect(cursor.blockMinLength == bounds.minLength)
                } else {
                    expectBlockBounds(cursor, term, posting: 0)
                }
            }
            // next() still walks every posting in order, positions included.
            #expect(try cursor.positions() == term.positions[0])
            for k in 1..<term.count {
                #expect(try cursor.next())
                #expect(cursor.document == term.documents[k])
                if k % 5 == 0 { #expect(try cursor.positions() == term.positions[k]) }
            }
            #expect(try !cursor.next())
        }
    }

    @Test("the spec's worked example (IndexFileFormat.md, \"Postings\") encodes byte for byte")
    func workedExample() {
        var encoder = PostingsEncoder()
        for k in 0..<128 { encoder.add(document: UInt32(2 * k), positions: [5], length: 10 + UInt32(k % 9)) }
        // One impact: frequency 1 at length 10 (every other document is longer, none more frequent).
        let expected: [UInt8] =
            [0xFF, 0x01, 0x12, 0x80, 0x01, 0x01, 0x0A, 0x01, 0x01, 0x0A, 0x01, 0x00, 0xFE]
            + Array(repeating: 0xFF, count: 15)
        #expect(encoder.postings { 10 + ($0 / 2) % 9 } == expected)
        #expect(encoder.positions == Array(repeating: 5, count: 128))
    }

    @Test("a block's impacts give its best BM25 score for any k1 and b: exact when 8 impacts suffice, never below")
    func impactsBoundEveryBlock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var random = SplitMix(seed: 41)
        let terms = randomTerms(seed: 9, count: 40).filter { $0.count >= 128 }
        let raw = try RawPostings(terms, in: directory)
        var exact = 0
        var blocks = 0
        for (t, term) in terms.enumerated() {
            var cursor = try raw.cursor(t)
            for block in 0..<((term.count + 127) / 128) {
                let range = (block * 128)..<min(term.count, block * 128 + 128)
                try cursor.advanceShallow(to: term.documents[range.lowerBound])
                let k1 = Double(random.next() % 30) / 10
                let b = Double(random.next() % 11) / 10
                func bm25(_ frequency: UInt32, _ length: UInt32) -> Double {
                    let f = Double(frequency)
                    return f / (f + k1 * (1 - b + b * Double(length) / 40))
                }
                let best = range.map { bm25(term.frequency($0), term.lengths[$0]) }.max()!
                var impacts = 0
                let bound = try cursor.blockMaxScore { frequency, length in
                    impacts += 1
                    return bm25(frequency, length)
                }
                #expect(bound >= best, "term \(t) block \(block)")
                // The frontier of the block, computed the slow way.
                let pairs = range.map { (term.frequency($0), term.lengths[$0]) }
                let frontier = pairs.filter { p in
                    !pairs.contains { q in q.0 >= p.0 && q.1 <= p.1 && (q.0 > p.0 || q.1 < p.1) }
                }
                let distinct = Set(frontier.map { "\($0.0) \($0.1)" }).count
                #expect(impacts == min(distinct, 8))
                if distinct <= 8 {
                    #expect(bound == best, "term \(t) block \(block)")
                    exact += 1
                }
                blocks += 1
            }
        }
        #expect(blocks > 50 && exact > blocks / 2)
    }

    @Test("the encoder keeps a small footprint per term")
    func footprint() {
        #expect(MemoryLayout<PostingsEncoder>.stride <= 48)
    }
}

/// Walks a term every way a reader does; returns the documents it yielded, or
/// the error. Never traps: that is what the damage tests check.
func walk(_ raw: RawPostings, term: Int, documentCount: UInt32) -> Result<[UInt32], IndexError> {
    do throws(IndexError) {
        var cursor = try PostingsCursor(
            info: raw.infos[term], postings: raw.postings, positions: raw.positions, documentCount: documentCount)
        var documents: [UInt32] = []
        while try cursor.next() {
            documents.append(cursor.document)
            _ = try cursor.positions()
        }
        guard cursor.usedExactly else {
            throw IndexError(.corruptIndex, "not used exactly")
        }
        var skipping = try PostingsCursor(
            info: raw.infos[term], postings: raw.postings, positions: raw.positions, documentCount: documentCount)
        var target: UInt32 = 0
        while try skipping.advance(to: target) {
            try skipping.advanceShallow(to: target &+ 1000)
            _ = try skipping.positions()
            target = skipping.document &+ 300
            if target < skipping.document { break }
        }
        return .success(documents)
    } catch {
        return .failure(error)
    }
}

@Suite("Postings codec: damage")
struct PostingsDamageTests {
    /// One long term (df 300: two packed blocks and a VInt tail) in documents below 5000.
    func longTerm() -> ModelTerm {
        var term = ModelTerm()
        var random = SplitMix(seed: 11)
        var document: UInt32 = 3
        for _ in 0..<300 {
            term.documents.append(document)
            document += 1 + UInt32(random.next() % 12)
            term.positions.append((0..<(1 + Int(random.next() % 4))).map { UInt32($0 * 3) })
            term.lengths.append(UInt32(5 + random.next() % 400))
        }
        return term
    }

    @Test("every single flipped byte of a long term either throws or yields in-range documents, never traps")
    func everyFlip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clean = try RawPostings([longTerm()], in: directory, name: "clean")
        let original = try readBytes(clean.postings.path)
        let info = clean.infos[0]
        var thrown = 0
        for offset in info.postingsStart..<(info.postingsStart + info.postingsLength) {
            for mask: UInt8 in [0x01, 0x10, 0x80] {
                var bytes = original
                bytes[offset] ^= mask
                let path = try directory.write("flip.postings", bytes: bytes)
                let raw = RawPostings(
                    postings: try MappedFile(path: path), positions: clean.positions, infos: clean.infos)
                switch walk(raw, term: 0, documentCount: 5000) {
                case .failure(let error):
                    #expect(error.code == .corruptIndex)
                    thrown += 1
                case .success(let documents):
                    #expect(documents.allSatisfy { $0 < 5000 })
                    #expect(zip(documents, documents.dropFirst()).allSatisfy { $0 < $1 })
                }
            }
        }
        // Most flips are caught by the decoder alone (the rest change a
        // frequency or a length bound, which `verify`'s checks find).
        #expect(thrown > (info.postingsLength * 3) / 2)
    }

    @Test("a flipped bit in a packed block's document gaps throws, naming the postings file and block")
    func flippedGap() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clean = try RawPostings([longTerm()], in: directory, name: "clean")
        let original = try readBytes(clean.postings.path)
        let blocks = layout(original, start: clean.infos[0].postingsStart)
        for block in blocks.prefix(2) {
            let gapWidth = Int(original[block.block])
            #expect(gapWidth > 0)
            for k in 0..<(16 * gapWidth) {
                var bytes = original
                bytes[block.block + 2 + k] ^= 0x04
                let path = try directory.write("gap.postings", bytes: bytes)
                let raw = RawPostings(
                    postings: try MappedFile(path: path), positions: clean.positions, infos: clean.infos)
                guard case .failure(let error) = walk(raw, term: 0, documentCount: 5000) else {
                    Issue.record("flip at \(k) of a packed block went unnoticed")
                    continue
                }
                #expect(error.code == .corruptIndex)
                #expect(error.path == path)
                #expect(error.offset == block.block)
            }
        }
    }

    @Test("a bad bit width throws", arguments: [UInt8(33), 255, 0])
    func badWidth(width: UInt8) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clean = try RawPostings([longTerm()], in: directory, name: "clean")
        let original = try readBytes(clean.postings.path)
        let blocks = layout(original, start: clean.infos[0].postingsStart)
        for field in 0..<2 {
            var bytes = original
            bytes[blocks[1].block + field] = width
            let path = try directory.write("width.postings", bytes: bytes)
            let raw = RawPostings(postings: try MappedFile(path: path), positions: clean.positions, infos: clean.infos)
            guard case .failure(let error) = walk(raw, term: 0, documentCount: 5000) else {
                Issue.record("bit width \(width) went unnoticed")
                continue
            }
            #expect(error.code == .corruptIndex)
        }
    }

    @Test("a damaged frequency of UInt32.max throws when its positions run out, allocating nothing huge")
    func hugeFrequency() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var postings = [UInt8](repeating: 0xEE, count: 16)
        postings.appendVInt(3 << 1)  // document 3, frequency in the next VInt
        postings.appendVInt(UInt64(UInt32.max))
        let positions = [UInt8](repeating: 0xEE, count: 16) + [0, 1]
        let footer = [UInt8](repeating: 0xEE, count: IndexFileFooter.length)
        let info = TermInfo(
            documentFrequency: 1, totalTermFrequency: UInt64(UInt32.max), postingsStart: 16,
            postingsLength: postings.count - 16, positionsStart: 16, positionsLength: 2)
        let raw = RawPostings(
            postings: try MappedFile(path: try directory.write("p", bytes: postings + footer)),
            positions: try MappedFile(path: try directory.write("q", bytes: positions + footer)), infos: [info])
        var cursor = try raw.cursor(0)
        #expect(try cursor.next())
        #expect(cursor.frequency == UInt32.max)
        let error = try #require(throws: IndexError.self) { try cursor.positions() }
        #expect(error.code == .corruptIndex)
    }

    @Test("truncated term bytes throw, at every length")
    func truncated() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clean = try RawPostings([longTerm()], in: directory, name: "clean")
        for length in 0..<clean.infos[0].postingsLength {
            var infos = clean.infos
            infos[0].postingsLength = length
            let raw = RawPostings(postings: clean.postings, positions: clean.positions, infos: infos)
            guard case .failure(let error) = walk(raw, term: 0, documentCount: 5000) else {
                Issue.record("truncation to \(length) bytes went unnoticed")
                continue
            }
            #expect(error.code == .corruptIndex)
        }
    }

    @Test("a skip entry pointing outside the term, or past the documents, throws")
    func skipOutside() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clean = try RawPostings([longTerm()], in: directory, name: "clean")
        let original = try readBytes(clean.postings.path)
        let blocks = layout(original, start: clean.infos[0].postingsStart)
        // Block length (field 1) or positions length (field 2) made huge; last
        // document delta (field 0) past the document count.
        for (block, field) in [(0, 1), (1, 1), (2, 1), (0, 2), (2, 2), (0, 0), (1, 0)] {
            var bytes = original
            let at = blocks[block].fields[field]
            // A maximal one-byte value keeps the layout; set the top bits of a two-byte one.
            bytes[at] = bytes[at] >= 0x80 ? 0xFF : 0x7F
            if bytes[at] == 0xFF { bytes[at + 1] = 0x7F }
            let path = try directory.write("skip.postings", bytes: bytes)
            let raw = RawPostings(postings: try MappedFile(path: path), positions: clean.positions, infos: clean.infos)
            guard case .failure(let error) = walk(raw, term: 0, documentCount: 5000) else {
                Issue.record("skip entry \(block) field \(field) went unnoticed")
                continue
            }
            #expect(error.code == .corruptIndex)
            #expect(error.path == path)
        }
        // A document count below the term's last document: out of range.
        guard case .failure(let error) = walk(clean, term: 0, documentCount: 1000) else {
            Issue.record("documents past the count went unnoticed")
            return
        }
        #expect(error.code == .corruptIndex)
    }
}

extension RawPostings {
    init(postings: MappedFile, positions: MappedFile, infos: [TermInfo]) {
        self.postings = postings
        self.positions = positions
        self.infos = infos
    }
}

/// The offsets of a long term's first `blocks` skip entries' fields, and of each packed block,
/// read from the clean bytes.
func layout(_ bytes: [UInt8], start: Int, blocks: Int = 3) -> [(entry: Int, fields: [Int], block: Int)] {
    var result: [(Int, [Int], Int)] = []
    var offset = start
    for _ in 0..<blocks {
        let entry = offset
        var fields: [Int] = []
        var values: [Int] = []
        func vint() -> Int {
            var value = 0
            var shift = 0
            while true {
                let byte = bytes[offset]
                offset += 1
                value |= Int(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            return value
        }
        for _ in 0..<5 {
            fields.append(offset)
            values.append(vint())
        }
        // The impacts: a count, then a frequency and a length delta each.
        for _ in 0..<(2 * vint()) { _ = vint() }
        result.append((entry, fields, offset))
        offset += values[1]
    }
    return result
}

@Suite("Verify: skip data")
struct SkipDataVerifyTests {
    /// A segment of 700 documents in which "every" occurs in each (five full
    /// blocks and a tail) and "odd" in every other one.
    func writeSegment(in directory: String) throws -> Manifest {
        let writer = try newSegmentWriter(in: directory)
        var every = PostingsEncoder()
        var odd = PostingsEncoder()
        var lengths: [UInt32] = []
        for document in 0..<700 {
            let length = UInt32(3 + document % 17)
            try writer.addDocument(Article(path: "\(document).txt", title: "", body: "", format: .text))
            every.add(document: UInt32(document), positions: [0, 2][..<(1 + document % 2)], length: length)
            if document % 2 == 1 { odd.add(document: UInt32(document), positions: [1], length: length) }
            lengths.append(length)
        }
        let terms: [(bytes: [UInt8], encoder: PostingsEncoder)] = [
            (Array("every".utf8), every), (Array("odd".utf8), odd),
        ]
        try writer.writeTerms(count: terms.count, lengths: lengths) { (terms[$0].bytes[...], terms[$0].encoder) }
        return try commitSegment(writer, documentLengths: lengths)
    }

    @Test("an intact segment verifies, skip data included")
    func intact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try writeSegment(in: directory.path)
        let report = try IndexReader(directory: directory.path).verifyStructure()
        #expect(report.terms == 2 && report.postings == 1050)
    }

    @Test(
        "a skip entry that disagrees with its block is found by verify, in the postings",
        arguments: [
            // (block, field, change): max frequency 2 → 3, min length 3 → 4, positions length + 1.
            (0, 3, 1), (1, 4, 1), (2, 2, 1), (5, 3, 1), (5, 4, 1),
        ])
    func sealedSkipDamage(block: Int, field: Int, change: UInt8) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var manifest = try writeSegment(in: directory.path)
        let reader = try IndexReader(directory: directory.path)
        let info = try #require(try reader.segments[0].terms.lookup(Array("every".utf8)))
        let name = manifest.segments[0].fileName(.postings)
        let path = directory.path + "/" + name
        var bytes = try readBytes(path)
        // The block's skip entry.
        let entryFields = layout(bytes, start: info.postingsStart, blocks: block + 1)[block].fields
        // The VInt's low seven bits (its first byte) take the change.
        #expect(bytes[entryFields[field]] & 0x7F < 0x7F)
        bytes[entryFields[field]] += change
        let crc = reseal(&bytes)
        try writeBytes(path, bytes)
        let index = try #require(manifest.files.firstIndex { $0.name == name })
        manifest.files[index].checksum = crc
        try manifest.commit(directory: directory.path)

        let damaged = try IndexReader(directory: directory.path)
        try damaged.verifyChecksums()
        let error = try #require(throws: IndexError.self) { try damaged.verifyStructure() }
        #expect(error.code == .corruptIndex)
        #expect("\(error)".contains(".postings"), "\(error)")
    }
}
