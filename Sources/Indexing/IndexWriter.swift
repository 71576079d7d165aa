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
    private var terms = TermTable()
    private var encoders: [PostingsEncoder] = []
    private var lengths: [UInt32] = []
    /// (term id << 32 | position) for the document being inverted; reused.
    private var occurrences: [UInt64] = []
    private var positionBuffer: [UInt32] = []
    /// Set when writing a document failed: the segment is then inconsistent
    /// and must not be committed.
    private var failure: IndexError? = nil

    public init(directory: String, analyzer: Analyzer = Analyzer()) throws(IndexError) {
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

    public var documentCount: Int { lengths.count }

    /// Adds an article as the next document.
    @discardableResult
    public func add(_ article: Article) throws(IndexError) -> DocumentID {
        if let failure { throw failure }
        let document = UInt32(lengths.count)
        // Store first: if that fails, nothing of this document is in memory.
        do {
            try segment.addDocument(article)
        } catch {
            failure = error
            throw error
        }
        occurrences.removeAll(keepingCapacity: true)
        var tokenCount: UInt32 = 0
        let afterTitle = analyzer.analyze(article.title.utf8.span) { token, term in
            occurrences.append(UInt64(terms.intern(term)) << 32 | UInt64(token.position))
            tokenCount += 1
        }
        analyzer.analyze(article.body.utf8.span, startPosition: afterTitle &+ titleBodyPositionGap) { token, term in
            occurrences.append(UInt64(terms.intern(term)) << 32 | UInt64(token.position))
            tokenCount += 1
        }
        while encoders.count < terms.count { encoders.append(PostingsEncoder()) }
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
            encoders[term].add(document: document, positions: positionBuffer[...])
        }
        lengths.append(tokenCount)
        return DocumentID(rawValue: document)
    }

    /// What a commit wrote.
    public struct CommitSummary: Sendable {
        public var documentCount: Int
        public var termCount: Int
        public var bytesOnDisk: UInt64
        public var generation: UInt64
    }

    /// Writes the segment and makes it the index's current commit.
    public func commit() throws(IndexError) -> CommitSummary {
        if let failure { throw failure }
        let order = terms.sortedIDs()
        try segment.writeTerms(count: order.count) { index in
            let id = order[index]
            return (Array(terms.bytes(id)), encoders[id])
        }
        let manifest = try segment.commit(documentLengths: lengths)
        let manifestSize = (try? FileSystem.readFile(directory + "/" + Manifest.fileName).count) ?? 0
        return CommitSummary(
            documentCount: lengths.count, termCount: order.count,
            bytesOnDisk: manifest.files.reduce(UInt64(manifestSize)) { $0 + $1.length },
            generation: manifest.generation)
    }
}
