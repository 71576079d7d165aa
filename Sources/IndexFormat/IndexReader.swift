import NewsCore

/// An open, read-only view of one committed index.
///
/// Opening reads and verifies the manifest, maps each segment file, checks
/// every header (magic, kind, version, segment id), footer and length against
/// the manifest, and checksums the small norms file. The large files (terms,
/// postings, positions, documents, and the analysis file past its header) are
/// checked structurally only and read lazily, page by page, as queries touch
/// them; ``verifyChecksums()`` reads them whole, and ``verifyStructure()``
/// decodes them (Lucene makes the same trade: `checkFooter` at open, full checksums in
/// `CheckIndex`). Every read is bounds-checked, so damage there surfaces as an
/// ``IndexError``, never as a crash.
public struct IndexReader: Sendable {
    public let directory: String
    public let manifest: Manifest
    public let terms: TermDictionary
    public let postings: MappedFile
    public let positions: MappedFile
    public let lengths: DocumentLengths
    public let documents: DocumentStore
    /// How the text was analysed (the gazetteer and learned actors load on
    /// demand, through `analysisFile`).
    public var analysis: AnalysisHeader { analysisFile.header }
    public let analysisFile: AnalysisFileReader

    /// Opens the index's current commit.
    ///
    /// A commit that lands between reading `MANIFEST` and mapping its files
    /// deletes those files; the open then fails although nothing is damaged.
    /// So a failure is retried while the manifest keeps changing under us
    /// (Lucene's `FindSegmentsFile` does the same), and reported only when the
    /// commit we read is still the current one.
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
                    now.generation != manifest.generation || now.segmentID != manifest.segmentID
                else { throw error }
            }
        }
    }

    private init(directory: String, manifest: Manifest) throws(IndexError) {
        self.directory = directory
        self.manifest = manifest
        func open(_ kind: IndexFileKind) throws(IndexError) -> MappedFile {
            guard let entry = manifest.entry(for: kind) else {
                throw IndexError.corrupt(
                    "the manifest lists no \(kind.rawValue) file", path: directory + "/" + Manifest.fileName)
            }
            let file = try MappedFile(path: directory + "/" + entry.name)
            guard UInt64(file.count) == entry.length else {
                throw IndexError.corrupt(
                    "file is \(file.count) bytes but the manifest says \(entry.length): truncated or replaced",
                    path: file.path)
            }
            let (checksum, _) = try IndexFileFooter.read(from: file)
            guard checksum == entry.checksum else {
                throw IndexError.corrupt("footer checksum differs from the manifest's", path: file.path)
            }
            return file
        }
        terms = try TermDictionary(file: open(.terms), segmentID: manifest.segmentID)
        postings = try open(.postings)
        positions = try open(.positions)
        for file in [postings, positions] {
            let kind: IndexFileKind = file === postings ? .postings : .positions
            let (header, _) = try IndexFileHeader.read(from: file, expecting: kind)
            try checkSegment(header, manifest.segmentID, file)
        }
        lengths = try DocumentLengths(file: open(.norms), segmentID: manifest.segmentID)
        documents = try DocumentStore(file: open(.documents), segmentID: manifest.segmentID)
        analysisFile = try AnalysisFileReader(file: open(.analysis), segmentID: manifest.segmentID)
        guard lengths.documentCount == manifest.documentCount, documents.count == Int(manifest.documentCount)
        else {
            throw IndexError.corrupt("segment files disagree on the number of documents", path: directory)
        }
    }

    public var documentCount: UInt32 { manifest.documentCount }

    /// A cursor over the postings of a term found in ``terms``.
    public func postings(for info: TermInfo) throws(IndexError) -> PostingsCursor {
        try PostingsCursor(info: info, postings: postings, positions: positions, documentCount: documentCount)
    }

    /// Reads every byte of every file and compares checksums with the footers
    /// and the manifest (`gazette verify`).
    public func verifyChecksums() throws(IndexError) {
        for file in [terms.file, postings, positions, lengths.file, documents.file, analysisFile.file] {
            try IndexFileFooter.verify(file)
        }
    }

    /// What ``verifyStructure()`` found: the counts it walked.
    public struct StructureReport: Sendable {
        public var terms = 0
        public var postings = 0
        public var positions: UInt64 = 0
        public var documents = 0
    }

    /// Decodes the whole segment and checks what checksums cannot: that the
    /// terms are in strictly increasing order; that each term's postings hold
    /// exactly its document frequency in increasing, in-range documents, with
    /// as many positions as its total term frequency, and use its byte ranges
    /// to the last byte; that every stored
    /// document and the analysis file's gazetteer and learned actors read
    /// back. The first violation throws, naming the file and the offset
    /// (`gazette verify`).
    public func verifyStructure() throws(IndexError) -> StructureReport {
        var report = StructureReport()
        var previous: [UInt8]? = nil
        for index in 0..<terms.count {
            let term = try terms.term(at: index)
            if let previous, !previous.lexicographicallyPrecedes(term) {
                throw IndexError.corrupt(
                    "term \(index) is not after term \(index - 1): the dictionary is out of order",
                    path: terms.file.path)
            }
            previous = term
            let info = try terms.info(at: index)
            var cursor = try postings(for: info)
            var documents: UInt32 = 0
            var occurrences: UInt64 = 0
            while try cursor.next() {
                // Positions are deltas, so they never decrease; reading them checks their bounds.
                let positions = try cursor.positions()
                documents += 1
                occurrences += UInt64(positions.count)
            }
            guard documents == info.documentFrequency, occurrences == info.totalTermFrequency, cursor.usedExactly else {
                throw IndexError.corrupt(
                    "term \(index): its postings disagree with its dictionary entry (documents, frequencies or lengths)",
                    path: postings.path, offset: info.postingsStart)
            }
            report.terms += 1
            report.postings += Int(documents)
            report.positions += occurrences
        }
        // Each block decompressed once; also checks that its records fill it exactly.
        try documents.forEachArticle { (_, _) throws(IndexError) in report.documents += 1 }
        _ = try analysisFile.settings()
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
