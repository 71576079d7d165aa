import NewsCore

/// A segment written to disk but not yet part of a commit: what a manifest
/// needs to list it.
public struct WrittenSegment: Sendable {
    public var info: SegmentInfo
    public var files: [Manifest.FileEntry]
    public var bytes: UInt64 { files.reduce(0) { $0 + $1.length } }
}

/// Writes one segment's files (IndexFileFormat.md, "Segments").
///
/// Call order:
/// 1. `init` (creates the document store and source list, which fill as documents come);
/// 2. `addDocument` for documents 0, 1, 2, … (stored fields and where each
///    came from), or for a merge `addStoredDocument` and `addSource` in walk order;
/// 3. `writeTerms` once, with every term in increasing bytewise order;
/// 4. `finish` (norms, analysis settings).
/// The segment is invisible to readers until a manifest that lists it is
/// committed (``Manifest/commit(directory:)``); until then a crash leaves only
/// files that the next commit deletes.
public final class SegmentWriter {
    public let directory: String
    public let number: UInt64
    public let segmentID: SegmentID
    private let documents: DocumentStoreWriter
    private let sources: SourceListWriter
    /// The sources of documents added by `addDocument`, written in walk order at `finish`.
    private var pendingSources = SourceBuffer()
    private var written: [Manifest.FileEntry] = []

    /// - Parameter number: unused by any file in `directory` (see
    ///   ``Manifest/highestNumberUsed(directory:)``).
    public init(directory: String, number: UInt64) throws(IndexError) {
        self.directory = directory
        self.number = number
        segmentID = SegmentID.random()
        let path = { (kind: IndexFileKind) in directory + "/" + SegmentInfo.fileName(number: number, kind) }
        documents = try DocumentStoreWriter(path: path(.documents), segmentID: segmentID)
        sources = try SourceListWriter(path: path(.sources), segmentID: segmentID)
    }

    private func path(_ kind: IndexFileKind) -> String {
        directory + "/" + SegmentInfo.fileName(number: number, kind)
    }

    private func record(_ kind: IndexFileKind, _ result: (length: Int, checksum: UInt32)) {
        written.append(
            Manifest.FileEntry(
                name: SegmentInfo.fileName(number: number, kind), length: UInt64(result.length),
                checksum: result.checksum))
    }

    public var documentCount: Int { documents.count }

    /// Stores `article` and notes where it came from.
    public func addDocument(_ article: Article) throws(IndexError) {
        try documents.add(article)
        pendingSources.append(SourceEntry(article))
    }

    /// Bytes held in memory for the documents added so far (their sources,
    /// until `finish` sorts and writes them).
    public var bufferedBytes: Int { pendingSources.bytes }

    /// Stores `article` only: a merge, which reads its inputs' sources in
    /// walk order, gives them through `addSource` instead.
    public func addStoredDocument(_ article: Article) throws(IndexError) {
        try documents.add(article)
    }

    /// Records where document `document` came from; sources come in walk order.
    public func addSource(
        path: Span<UInt8>, document: UInt32, size: UInt64, modificationTime: Int64, contentHash: UInt64
    ) {
        sources.add(
            path: path, document: document, size: size, modificationTime: modificationTime, contentHash: contentHash)
    }

    /// Writes the dictionary, postings and positions. `terms` yields each term's
    /// bytes and encoder in increasing bytewise order of the bytes.
    public func writeTerms(
        count: Int, lengths: [UInt32], _ term: (Int) -> (bytes: ArraySlice<UInt8>, encoder: PostingsEncoder)
    ) throws(IndexError) {
        let writer = try TermsWriter(segment: self, lengths: lengths)
        for index in 0..<count {
            let (bytes, encoder) = term(index)
            try writer.add(bytes: bytes, encoder: encoder)
        }
        try writer.finish()
    }

    /// Writes the dictionary, postings and positions one term at a time (a
    /// merge, which never holds every term's postings at once).
    public final class TermsWriter {
        private let segment: SegmentWriter
        private let dictionary: TermDictionaryWriter
        private let postings: IndexFileWriter
        private let positions: IndexFileWriter
        /// The segment's document lengths, for the skip entries' impacts.
        private let lengths: [UInt32]

        init(segment: SegmentWriter, lengths: [UInt32]) throws(IndexError) {
            self.segment = segment
            self.lengths = lengths
            dictionary = try TermDictionaryWriter(path: segment.path(.terms), segmentID: segment.segmentID)
            postings = try IndexFileWriter(path: segment.path(.postings), kind: .postings, segmentID: segment.segmentID)
            positions = try IndexFileWriter(
                path: segment.path(.positions), kind: .positions, segmentID: segment.segmentID)
        }

        /// Adds the next term, in strictly increasing bytewise order.
        public func add(bytes: ArraySlice<UInt8>, encoder: PostingsEncoder) throws(IndexError) {
            // Computed: the impacts, and a long list's last skip entry, are made here, once.
            let postingsBytes = encoder.postings { lengths[Int($0)] }
            let info = TermInfo(
                documentFrequency: encoder.documentFrequency, totalTermFrequency: encoder.totalTermFrequency,
                postingsStart: postings.offset, postingsLength: postingsBytes.count,
                positionsStart: positions.offset, positionsLength: encoder.positions.count)
            try postings.write(postingsBytes)
            try positions.write(encoder.positions)
            try dictionary.add(term: bytes.span, info: info)
        }

        public func finish() throws(IndexError) {
            segment.record(.terms, try dictionary.finish())
            segment.record(.postings, try postings.finish())
            segment.record(.positions, try positions.finish())
        }
    }

    /// `lengths`: the new segment's document lengths, by document number.
    public func termsWriter(lengths: [UInt32]) throws(IndexError) -> TermsWriter {
        try TermsWriter(segment: self, lengths: lengths)
    }

    /// Writes the norms (lengths and publication dates, by document number),
    /// the analysis settings and the stored documents' end.
    public func finish(
        documentLengths: [UInt32], published: [PublicationDate?], analysis: AnalysisSettings
    ) throws(IndexError) -> WrittenSegment {
        try finish(documentLengths: documentLengths, published: published) { (path, id) throws(IndexError) in
            try analysis.write(path: path, segmentID: id)
        }
    }

    /// Writes the norms, the analysis file (a merge's, whose learned actors
    /// were streamed into `analysis`) and the stored documents' end.
    public func finish(
        documentLengths: [UInt32], published: [PublicationDate?], analysis: AnalysisFileWriter
    ) throws(IndexError) -> WrittenSegment {
        try finish(documentLengths: documentLengths, published: published) { (path, id) throws(IndexError) in
            try analysis.write(path: path, segmentID: id)
        }
    }

    private func finish(
        documentLengths: [UInt32], published: [PublicationDate?],
        analysis: (String, SegmentID) throws(IndexError) -> (length: Int, checksum: UInt32)
    ) throws(IndexError) -> WrittenSegment {
        precondition(documentLengths.count == documents.count)
        record(.documents, try documents.finish())
        pendingSources.write(to: sources)
        pendingSources = SourceBuffer()
        precondition(Int(sources.count) == documents.count, "a source for every document")
        record(.sources, try sources.finish())
        record(.analysis, try analysis(path(.analysis), segmentID))
        record(
            .norms,
            try DocumentLengthsWriter.write(
                documentLengths, published: published, path: path(.norms), segmentID: segmentID))
        return WrittenSegment(
            info: SegmentInfo(number: number, id: segmentID, documentCount: UInt32(documentLengths.count)),
            files: written)
    }
}
