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
        let order = inverter.sortedTerms()
        try segment.writeTerms(count: order.count) { index in
            let id = order[index]
            return inverter.term(id)
        }
        let settings = AnalysisSettings(
            header: AnalysisHeader(
                stemmer: analyzer.stemmer?.algorithm ?? "", recognisesActors: analyzer.gazetteer != nil,
                zoneWeights: analyzer.zoneWeights),
            gazetteer: analyzer.gazetteer?.serialized() ?? "",
            learned: inverter.learnedActors.sorted { $0.id < $1.id })
        let manifest = try segment.commit(documentLengths: inverter.lengths, analysis: settings)
        let manifestSize = (try? FileSystem.readFile(directory + "/" + Manifest.fileName).count) ?? 0
        return CommitSummary(
            documentCount: inverter.lengths.count, termCount: order.count,
            bytesOnDisk: manifest.files.reduce(UInt64(manifestSize)) { $0 + $1.length },
            generation: manifest.generation,
            actorTermCount: inverter.actorTerms.count,
            learnedActorCount: inverter.learnedActors.count)
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
    /// Marks an actor term's id in `occurrences`.
    static let actorBit = 1 << 31
    var lengths: [UInt32] = []
    /// (term id << 32 | position) for the document being inverted; reused.
    private var occurrences: [UInt64] = []
    private var positionBuffer: [UInt32] = []
    /// Term id of each gazetteer actor's term, or -1 until first seen.
    private var knownActorTerms: [Int] = []
    /// Term id of each of this article's learned actors, or -1 until first met.
    private var learnedTerms: [Int] = []
    /// Actors learned from the text so far, each once (the first name seen is kept).
    var learnedActors: [AnalysisSettings.LearnedActor] = []
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
        // the document's length.
        for mention in analysis.mentions {
            let term: Int
            switch mention.actor {
            case .known(let index):
                while knownActorTerms.count <= index { knownActorTerms.append(-1) }
                if knownActorTerms[index] < 0, let gazetteer = analyzer.gazetteer {
                    let bytes = ActorTerm.bytes(id: gazetteer.actors[index].id)
                    knownActorTerms[index] = actorTerms.intern(bytes.span) | Self.actorBit
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
                    learnedTerms[index] = actorTerms.intern(key.span) | Self.actorBit
                    // A new term is an actor never learned before: only then make its strings.
                    if actorTerms.count > before {
                        let actor = analysis.learnedActor(index)
                        learnedActors.append(
                            AnalysisSettings.LearnedActor(id: actor.id, kind: actor.kind.code, name: actor.name))
                    }
                }
                term = learnedTerms[index]
            }
            let occurrence = UInt64(term) << 32 | UInt64(mention.position)
            for _ in 0..<analyzer.zoneWeights.weight(mention.zone) { occurrences.append(occurrence) }
        }
        while encoders.count < terms.count { encoders.append(PostingsEncoder()) }
        while actorEncoders.count < actorTerms.count { actorEncoders.append(PostingsEncoder()) }
        // Sorting by (term, position) groups each term's positions in order.
        occurrences.sort()
        var i = 0
        while i < occurrences.count {
            let term = Int(occurrences[i] >> 32)
            positionBuffer.removeAll(keepingCapacity: true)
            while i < occurrences.count && Int(occurrences[i] >> 32) == term {
                positionBuffer.append(UInt32(truncatingIfNeeded: occurrences[i]))
                i += 1
            }
            if term & Self.actorBit == 0 {
                encoders[term].add(document: document, positions: positionBuffer[...])
            } else {
                actorEncoders[term & ~Self.actorBit].add(document: document, positions: positionBuffer[...])
            }
        }
        lengths.append(UInt32(analysis.words.count))
    }

    /// Every term, words and actors, in increasing bytewise order: (is an actor term, id).
    func sortedTerms() -> [(actor: Bool, id: Int)] {
        let words = terms.sortedIDs()
        let actors = actorTerms.sortedIDs()
        var merged: [(actor: Bool, id: Int)] = []
        merged.reserveCapacity(words.count + actors.count)
        var w = 0
        var a = 0
        while w < words.count || a < actors.count {
            if a == actors.count
                || (w < words.count && terms.bytes(words[w]).lexicographicallyPrecedes(actorTerms.bytes(actors[a])))
            {
                merged.append((false, words[w]))
                w += 1
            } else {
                merged.append((true, actors[a]))
                a += 1
            }
        }
        return merged
    }

    func term(_ entry: (actor: Bool, id: Int)) -> (bytes: [UInt8], encoder: PostingsEncoder) {
        entry.actor
            ? (Array(actorTerms.bytes(entry.id)), actorEncoders[entry.id])
            : (Array(terms.bytes(entry.id)), encoders[entry.id])
    }
}
