import NewsCore

/// An open, read-only view of one commit of an index: its segments, each
/// opened as a ``SegmentReader``.
///
/// Documents are numbered across the index: segment `s`'s document `d` is
/// `bases[s] + d`, in the manifest's segment order (Lucene's composite
/// reader does the same). The numbers hold for this reader only: a merge
/// renumbers.
public struct IndexReader: Sendable {
    public let directory: String
    public let manifest: Manifest
    public let segments: [SegmentReader]
    /// The first index-wide document number of each segment.
    public let bases: [UInt32]

    /// Opens the index's current commit.
    ///
    /// A commit that lands between reading `MANIFEST` and mapping its files
    /// deletes files this reader needs; the open then fails although nothing
    /// is damaged. So a failure is retried while the manifest keeps changing
    /// under us (Lucene's `FindSegmentsFile` does the same), and reported only
    /// when the commit we read is still the current one.
    public init(directory: String) throws(IndexError) {
        var attempts = 0
        while true {
            let manifest = try Manifest.read(directory: directory)
            do {
                self = try IndexReader(directory: directory, manifest: manifest)
                return
            } catch {
                attempts += 1
                guard attempts < 20, let now = try? Manifest.read(directory: directory),
                    now.generation != manifest.generation || now.commitID != manifest.commitID
                else { throw error }
            }
        }
    }

    private init(directory: String, manifest: Manifest) throws(IndexError) {
        self.directory = directory
        self.manifest = manifest
        var segments: [SegmentReader] = []
        var bases: [UInt32] = []
        var base: UInt32 = 0
        for info in manifest.segments {
            bases.append(base)
            segments.append(try SegmentReader(directory: directory, info: info, manifest: manifest))
            base += info.documentCount
        }
        self.segments = segments
        self.bases = bases
        if let first = segments.first {
            for segment in segments.dropFirst() where segment.analysis != first.analysis {
                throw IndexError.corrupt(
                    "segment \(segment.info.number) was analysed differently from segment \(first.info.number)",
                    path: segment.analysisFile.file.path)
            }
        }
    }

    /// Documents in the index, deleted ones included: the bound of document numbers.
    public var documentCount: UInt32 { manifest.documentCount }
    /// Documents a search can find.
    public var liveCount: UInt32 { manifest.liveCount }

    /// How the text was analysed; an index without segments (everything
    /// deleted) reports the defaults of a keyword index.
    public var analysis: AnalysisHeader {
        segments.first?.analysis
            ?? AnalysisHeader(stemmer: "english", recognisesActors: false, zoneWeights: .standard)
    }

    /// The segment holding index-wide document `document`, and its number there.
    public func locate(_ document: UInt32) -> (segment: Int, local: UInt32) {
        var low = 0
        var high = bases.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if bases[middle] <= document { low = middle } else { high = middle }
        }
        return (low, document - bases[low])
    }

    /// The stored article of index-wide document `document`.
    public func article(_ document: UInt32) throws(IndexError) -> Article {
        var cursor = articleCursor()
        return try cursor.article(document)
    }

    /// Reads stored articles by index-wide number; in increasing order, each
    /// compressed block is decompressed once.
    public struct ArticleCursor {
        let reader: IndexReader
        private var cursors: [DocumentStore.Cursor?]

        init(_ reader: IndexReader) {
            self.reader = reader
            cursors = Array(repeating: nil, count: reader.segments.count)
        }

        public mutating func article(_ document: UInt32) throws(IndexError) -> Article {
            guard document < reader.documentCount else {
                throw IndexError.corrupt(
                    "document \(document) is past the last one (\(reader.documentCount))", path: reader.directory)
            }
            let (segment, local) = reader.locate(document)
            if cursors[segment] == nil { cursors[segment] = DocumentStore.Cursor(reader.segments[segment].documents) }
            var article = try cursors[segment]!.article(local)
            article.published = try reader.segments[segment].lengths.published(local)
            return article
        }
    }

    public func articleCursor() -> ArticleCursor { ArticleCursor(self) }

    public func isDeleted(_ document: UInt32) -> Bool {
        let (segment, local) = locate(document)
        return segments[segment].isDeleted(local)
    }

    /// BM25's collection statistics over the whole index: every segment's
    /// documents, deleted ones included until a merge drops them (as Lucene
    /// counts them).
    /// Whether every segment stores publication dates (format 6 on): a
    /// `date:` search of an index without them would match nothing.
    public var hasDates: Bool { segments.allSatisfy(\.lengths.hasDates) }
    /// Whether every segment stores page metadata (byline, site, …): version 7 on.
    public var hasMetadata: Bool { segments.allSatisfy(\.documents.hasMetadata) }

    public var averageLength: Double {
        let sum = segments.reduce(UInt64(0)) { $0 + $1.lengths.sumOfLengths }
        return documentCount == 0 || sum == 0 ? 1 : Double(sum) / Double(documentCount)
    }

    /// Each segment's dictionary entry for `term` (nil where it is absent).
    public func lookup(_ term: [UInt8]) throws(IndexError) -> [TermInfo?] {
        var infos: [TermInfo?] = []
        infos.reserveCapacity(segments.count)
        for segment in segments { infos.append(try segment.terms.lookup(term)) }
        return infos
    }

    /// Distinct terms over all segments, each counted once, and how many of
    /// them start with `prefix` (the actors' `@`). Free for one segment; a
    /// merge-walk of the dictionaries for several.
    public func distinctTermCount(prefix: UInt8) throws(IndexError) -> (all: Int, withPrefix: Int) {
        if segments.count == 1 {
            return (segments[0].terms.count, try segments[0].terms.range(withPrefix: prefix).count)
        }
        var cursor = MultiTermCursor(segments.map(\.terms))
        var all = 0
        var prefixed = 0
        while let (term, _) = try cursor.next() {
            all += 1
            if term.first == prefix { prefixed += 1 }
        }
        return (all, prefixed)
    }

    /// Reads every byte of every file and compares checksums with the footers
    /// and the manifest (`gazette verify`).
    public func verifyChecksums() throws(IndexError) {
        for segment in segments { try segment.verifyChecksums() }
    }

    /// Decodes every segment (see ``SegmentReader/verifyStructure()``).
    public func verifyStructure() throws(IndexError) -> SegmentReader.StructureReport {
        var report = SegmentReader.StructureReport()
        for segment in segments { report.add(try segment.verifyStructure()) }
        return report
    }

    /// Bytes on disk of the committed files, the manifest included.
    public var sizeOnDisk: UInt64 {
        var manifestSize: UInt64 = 0
        if case .success(let status) = SystemFiles.status(directory + "/" + Manifest.fileName) {
            manifestSize = status.size
        }
        return manifest.files.reduce(manifestSize) { $0 + $1.length }
    }
}
