import IndexFormat
import NewsCore
import TextAnalysis

/// Builds an index from articles: analyses each one, inverts it into in-memory
/// postings, and on `commit()` writes a segment and switches the index to it atomically.
///
/// Call order: `init` → `add` for each article → `commit()` once. Until the commit
/// returns, readers keep seeing the index as it was; if the process dies first,
/// the previous commit is intact and the half-written files are deleted by the
/// next successful commit. A write lock keeps two writers apart.
///
/// This writer builds one segment per commit, holding postings in memory; the
/// multi-segment, bounded-memory writer is issue "An index built for millions
/// of articles".
public final class IndexWriter {
    public let directory: String
    private let lock: WriteLock
    private let segment: SegmentWriter
    private let analyzer: Analyzer
    /// The in-memory postings. A struct mutated through one call per article,
    /// so that its hot loops pay no dynamic exclusivity check per token (every
    /// access to a class's stored property pays one).
    private var inverter = Inverter()
    private var analysis = DocumentAnalysis()
    /// Set when writing a document failed: the segment is then inconsistent
    /// and must not be committed.
    private var failure: IndexError? = nil

    public init(directory: String, analyzer: Analyzer = Analyzer(gazetteer: .bundled)) throws(IndexError) {
        precondition(!directory.isEmpty, "an index directory path")
        try FileSystem.createDirectory(directory)
        // Never write into a folder of someone else's files: a mistyped --index
        // (the corpus itself, a home directory) must not fill it with segments.
        let names = try FileSystem.listDirectory(directory)
        // Besides our own files, a folder may hold hidden files and a README
        // (the repository's Index/ ships with one, to say what it is for).
        let ours: (String) -> Bool = { name in
            name == Manifest.fileName || name == Manifest.fileName + ".tmp" || name == "write.lock"
                || Manifest.generation(ofSegmentFile: name) != nil || name.hasPrefix(".")
                || name.uppercased().hasPrefix("README")
        }
        if !names.contains(Manifest.fileName), names.contains(where: { !ours($0) }) {
            throw IndexError(
                .notAnIndex, "is not empty and holds no Gazette index; choose a new or empty directory",
                path: directory)
        }
        self.directory = directory
        lock = try WriteLock(directory: directory)
        segment = try SegmentWriter(directory: directory)
        self.analyzer = analyzer
    }

    public var documentCount: Int { inverter.lengths.count }

    /// Adds an article as the next document.
    @discardableResult
    public func add(_ article: Article) throws(IndexError) -> DocumentID {
        if let failure { throw failure }
        let document = UInt32(inverter.lengths.count)
        // Store first: if that fails, nothing of this document is in memory.
        do {
            try segment.addDocument(article)
        } catch {
            failure = error
            throw error
        }
        analyzer.analyze(title: article.title, body: article.body, into: &analysis)
        inverter.add(analysis, document: document, analyzer: analyzer)
        return DocumentID(rawValue: document)
    }

    /// What a commit wrote.
    public struct CommitSummary: Sendable {
        public var documentCount: Int
        public var termCount: Int
        public var bytesOnDisk: UInt64
        public var generation: UInt64
        /// Distinct actors found in the text (gazetteer and learned).
        public var actorTermCount: Int
        public var learnedActorCount: Int
    }

    /// Writes the segment and makes it the index's current commit.
    public func commit() throws(IndexError) -> CommitSummary {
        if let failure { throw failure }
        // A local copy, taken once: a class's stored struct read from the
        // closure below was copied whole (every array retained) once per term.
        let inverter = self.inverter
        let order = inverter.sortedTerms()
        try segment.writeTerms(count: order.terms.count) { index in
            inverter.term(order.terms[index])
        }
        let settings = AnalysisSettings(
            header: AnalysisHeader(
                stemmer: analyzer.stemmer?.algorithm ?? "", recognisesActors: analyzer.gazetteer != nil,
                zoneWeights: analyzer.zoneWeights),
            gazetteer: analyzer.gazetteer?.serialized() ?? "",
            learned: inverter.learnedActors(inOrder: order.actors))
        let manifest = try segment.commit(documentLengths: inverter.lengths, analysis: settings)
        let manifestSize = (try? FileSystem.readFile(directory + "/" + Manifest.fileName).count) ?? 0
        return CommitSummary(
            documentCount: inverter.lengths.count, termCount: order.terms.count,
            bytesOnDisk: manifest.files.reduce(UInt64(manifestSize)) { $0 + $1.length },
            generation: manifest.generation,
            actorTermCount: inverter.actorTerms.count,
            learnedActorCount: inverter.learnedCount)
    }
}

/// Inverts analysed articles into in-memory postings, one encoder per term.
struct Inverter {
    var terms = TermTable()
    var encoders: [PostingsEncoder] = []
    /// Actor terms live in a table of their own, so that the word table, probed
    /// for every token, stays as small as it is with actors off.
    var actorTerms = TermTable(capacity: 1 << 12)
    var actorEncoders: [PostingsEncoder] = []
    var lengths: [UInt32] = []
    /// (term id << 32 | position) for the document being inverted, of its
    /// words and of its actors; reused.
    private var occurrences: [UInt64] = []
    private var actorOccurrences: [UInt64] = []
    private var positionBuffer: [UInt32] = []
    /// Term id of each gazetteer actor's term, or -1 until first seen.
    private var knownActorTerms: [Int] = []
    /// Term id of each of this article's learned actors, or -1 until first met.
    private var learnedTerms: [Int] = []
    /// Actors learned from the text so far, each once (the first name seen is
    /// kept), as bytes: their kind codes and names, and by actor term id the
    /// learned actor it is (-1: a gazetteer actor). Strings are made once, at commit.
    private var learnedKinds: [UInt8] = []
    private var learnedNames: [UInt8] = []
    private var learnedNameRanges: [Range<Int>] = []
    private var learnedOfTerm: [Int32] = []
    var learnedCount: Int { learnedKinds.count }
    private var termBuffer: [UInt8] = []

    mutating func add(_ analysis: DocumentAnalysis, document: UInt32, analyzer: Analyzer) {
        occurrences.removeAll(keepingCapacity: true)
        learnedTerms.removeAll(keepingCapacity: true)
        analysis.forEachWord { word, term in
            occurrences.append(UInt64(terms.intern(term)) << 32 | UInt64(word.position))
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
        while encoders.count < terms.count { encoders.append(PostingsEncoder()) }
        while actorEncoders.count < actorTerms.count { actorEncoders.append(PostingsEncoder()) }
        let length = UInt32(analysis.words.count)
        Self.encode(&occurrences, into: &encoders, document: document, length: length, buffer: &positionBuffer)
        Self.encode(
            &actorOccurrences, into: &actorEncoders, document: document, length: length, buffer: &positionBuffer)
        lengths.append(UInt32(analysis.words.count))
    }

    /// Sorts (term << 32 | position) occurrences by term then position, and
    /// adds each term's positions in `document` to its encoder.
    private static func encode(
        _ occurrences: inout [UInt64], into encoders: inout [PostingsEncoder], document: UInt32, length: UInt32,
        buffer: inout [UInt32]
    ) {
        occurrences.sort()
        var i = 0
        while i < occurrences.count {
            let term = Int(occurrences[i] >> 32)
            buffer.removeAll(keepingCapacity: true)
            while i < occurrences.count && Int(occurrences[i] >> 32) == term {
                buffer.append(UInt32(truncatingIfNeeded: occurrences[i]))
                i += 1
            }
            encoders[term].add(document: document, positions: buffer[...], length: length)
        }
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
