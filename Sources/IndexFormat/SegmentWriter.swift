import NewsCore

/// Writes one segment's six files and commits them with a new manifest.
///
/// Call order:
/// 1. `init` (creates the document store, which fills as documents come);
/// 2. `addDocument` for documents 0, 1, 2, … (stored fields);
/// 3. `writeTerms` once, with every term in increasing bytewise order;
/// 4. `commit` (norms, analysis settings, manifest, atomic switch).
/// Nothing is visible to readers before step 4 completes.
public final class SegmentWriter {
    public let directory: String
    public let generation: UInt64
    public let segmentID: SegmentID
    private let documents: DocumentStoreWriter
    private var written: [Manifest.FileEntry] = []

    public init(directory: String) throws(IndexError) {
        self.directory = directory
        generation = Manifest.nextGeneration(directory: directory)
        segmentID = SegmentID.random()
        documents = try DocumentStoreWriter(path: Self.path(directory, generation, .documents), segmentID: segmentID)
    }

    static func path(_ directory: String, _ generation: UInt64, _ kind: IndexFileKind) -> String {
        directory + "/" + Manifest.segmentFileName(generation: generation, kind: kind)
    }

    private func record(_ kind: IndexFileKind, _ result: (length: Int, checksum: UInt32)) {
        written.append(
            Manifest.FileEntry(
                name: Manifest.segmentFileName(generation: generation, kind: kind),
                length: UInt64(result.length), checksum: result.checksum))
    }

    public var documentCount: Int { documents.count }

    public func addDocument(_ article: Article) throws(IndexError) {
        try documents.add(article)
    }

    /// Writes the dictionary, postings and positions. `terms` yields each term's
    /// bytes and encoder in increasing bytewise order of the bytes.
    public func writeTerms(
        count: Int, _ term: (Int) -> (bytes: ArraySlice<UInt8>, encoder: PostingsEncoder)
    ) throws(IndexError) {
        let dictionary = try TermDictionaryWriter(path: Self.path(directory, generation, .terms), segmentID: segmentID)
        let postings = try IndexFileWriter(
            path: Self.path(directory, generation, .postings), kind: .postings, segmentID: segmentID)
        let positions = try IndexFileWriter(
            path: Self.path(directory, generation, .positions), kind: .positions, segmentID: segmentID)
        for index in 0..<count {
            let (bytes, encoder) = term(index)
            // Computed: a long list's last skip entry is made here, once.
            let postingsBytes = encoder.postings
            let info = TermInfo(
                documentFrequency: encoder.documentFrequency, totalTermFrequency: encoder.totalTermFrequency,
                postingsStart: postings.offset, postingsLength: postingsBytes.count,
                positionsStart: positions.offset, positionsLength: encoder.positions.count)
            try postings.write(postingsBytes)
            try positions.write(encoder.positions)
            try dictionary.add(term: bytes.span, info: info)
        }
        record(.terms, try dictionary.finish())
        record(.postings, try postings.finish())
        record(.positions, try positions.finish())
    }

    /// Writes the norms and the manifest, switching readers to this segment atomically.
    public func commit(documentLengths: [UInt32], analysis: AnalysisSettings) throws(IndexError) -> Manifest {
        precondition(documentLengths.count == documents.count)
        record(.documents, try documents.finish())
        record(.analysis, try analysis.write(path: Self.path(directory, generation, .analysis), segmentID: segmentID))
        record(
            .norms,
            try DocumentLengthsWriter.write(
                documentLengths, path: Self.path(directory, generation, .norms), segmentID: segmentID))
        let manifest = Manifest(
            generation: generation, segmentID: segmentID, documentCount: UInt32(documentLengths.count),
            files: written)
        try manifest.commit(directory: directory)
        return manifest
    }
}
