import NewsCore

/// An open, read-only view of one segment of a commit.
///
/// Opening maps each of the segment's files, checks every header (magic,
/// kind, version, segment id), footer and length against the manifest, and
/// checksums the small deletions file. The other files (terms, postings,
/// positions, norms, documents, and the analysis file past its header) are
/// checked structurally only and read lazily, page by page, as queries touch
/// them; ``verifyChecksums()`` reads them whole, and ``verifyStructure()``
/// decodes them (Lucene makes the same trade: `checkFooter` at open, full
/// checksums in `CheckIndex`). Every read is bounds-checked, so damage there
/// surfaces as an ``IndexError``, never as a crash.
public struct SegmentReader: Sendable {
    public let info: SegmentInfo
    public let directory: String
    public let terms: TermDictionary
    public let postings: MappedFile
    public let positions: MappedFile
    /// Whether the skip entries carry impacts (format 5 on; ``PostingsCursor``).
    public private(set) var postingsHaveImpacts = false
    public let lengths: DocumentLengths
    public let documents: DocumentStore
    /// Nil when no document of the segment is deleted.
    public let deletions: DeletionBitmap?
    /// How the text was analysed (the gazetteer and learned actors load on
    /// demand, through `analysisFile`).
    public var analysis: AnalysisHeader { analysisFile.header }
    public let analysisFile: AnalysisFileReader
    public let sourcesFile: MappedFile

    init(directory: String, info: SegmentInfo, manifest: Manifest) throws(IndexError) {
        self.directory = directory
        self.info = info
        func open(_ name: String) throws(IndexError) -> MappedFile {
            guard let entry = manifest.entry(named: name) else {
                throw IndexError.corrupt(
                    "the manifest lists no file \(name)", path: directory + "/" + Manifest.fileName)
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
        terms = try TermDictionary(file: open(info.fileName(.terms)), segmentID: info.id)
        postings = try open(info.fileName(.postings))
        positions = try open(info.fileName(.positions))
        for (file, kind) in [(postings, IndexFileKind.postings), (positions, .positions)] {
            let (header, _) = try IndexFileHeader.read(from: file, expecting: kind)
            try checkSegment(header, info.id, file)
            if kind == .postings { postingsHaveImpacts = header.version >= 5 }
        }
        lengths = try DocumentLengths(file: open(info.fileName(.norms)), segmentID: info.id)
        documents = try DocumentStore(file: open(info.fileName(.documents)), segmentID: info.id)
        analysisFile = try AnalysisFileReader(file: open(info.fileName(.analysis)), segmentID: info.id)
        sourcesFile = try open(info.fileName(.sources))
        let (sourcesHeader, _) = try IndexFileHeader.read(from: sourcesFile, expecting: .sources)
        try checkSegment(sourcesHeader, info.id, sourcesFile)
        if let name = info.deletionsFileName {
            deletions = try DeletionBitmap(
                file: open(name), segmentID: info.id, documentCount: info.documentCount,
                deletedCount: info.deletedCount)
        } else {
            deletions = nil
        }
        guard lengths.documentCount == info.documentCount, documents.count == Int(info.documentCount) else {
            throw IndexError.corrupt(
                "segment \(info.number)'s files disagree on the number of documents", path: directory)
        }
    }

    public var documentCount: UInt32 { info.documentCount }

    @inline(__always)
    public func isDeleted(_ document: UInt32) -> Bool {
        deletions?.isDeleted(document) ?? false
    }

    /// A cursor over the postings of a term found in ``terms``.
    public func postings(for info: TermInfo) throws(IndexError) -> PostingsCursor {
        try PostingsCursor(
            info: info, postings: postings, positions: positions, documentCount: documentCount,
            impacts: postingsHaveImpacts)
    }

    /// Where each document came from (read whole and checksummed).
    public func sources() throws(IndexError) -> [SourceEntry] {
        try SourceListReader.read(file: sourcesFile, segmentID: info.id, documentCount: info.documentCount)
    }

    /// The sources in walk order of their paths, one at a time (checksummed
    /// first: the list is read whole).
    public func sourceCursor() throws(IndexError) -> SourceCursor {
        try SourceCursor(file: sourcesFile, segmentID: info.id, documentCount: info.documentCount)
    }

    /// Lets the kernel drop the pages of every file that a merge or a sync
    /// has read (see ``MappedFile/releaseResidentPages()``): mapped pages
    /// count in the process's resident memory until then.
    public func releaseResidentPages() {
        for file in [terms.file, postings, positions, lengths.file, documents.file, analysisFile.file, sourcesFile] {
            file.releaseResidentPages()
        }
    }

    /// Reads every byte of every file and compares checksums with the footers.
    public func verifyChecksums() throws(IndexError) {
        for file in [terms.file, postings, positions, lengths.file, documents.file, analysisFile.file, sourcesFile] {
            try IndexFileFooter.verify(file)
        }
    }

    /// What ``verifyStructure()`` found: the counts it walked.
    public struct StructureReport: Sendable {
        public var terms = 0
        public var postings = 0
        public var positions: UInt64 = 0
        public var documents = 0

        public init() {}

        public mutating func add(_ other: StructureReport) {
            terms += other.terms
            postings += other.postings
            positions += other.positions
            documents += other.documents
        }
    }

    /// Decodes the whole segment and checks what checksums cannot: that the
    /// terms are in strictly increasing order; that each term's postings hold
    /// exactly its document frequency in increasing, in-range documents, with
    /// as many positions as its total term frequency, and use its byte ranges
    /// to the last byte; that each block's skip entry agrees with the block;
    /// that the sources are in walk order and name every document once; that
    /// every publication date, every stored document and the analysis
    /// file's gazetteer and learned actors read back. The first violation
    /// throws, naming the file and the offset (`gazette verify`).
    public func verifyStructure() throws(IndexError) -> StructureReport {
        var report = StructureReport()
        // The block table (version 6) must agree with the block index it summarises.
        try terms.verifyBlockTable()
        // The iterator checks that each term follows the one before it.
        var iterator = terms.makeIterator()
        while try iterator.next() {
            let index = iterator.ordinal
            let info = iterator.info
            var cursor = try postings(for: info)
            var documents: UInt32 = 0
            var occurrences: UInt64 = 0
            while try cursor.next() {
                // Positions are deltas, so they never decrease; reading them checks their bounds.
                let positions = try cursor.positions()
                try cursor.verifyBlock(lengths: lengths)
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
        // Every publication date decodes (its offset is a real time zone's).
        for document in 0..<documentCount { _ = try lengths.published(document) }
        // Each block decompressed once; also checks that its records fill it exactly.
        try documents.forEachArticle { (_, _) throws(IndexError) in report.documents += 1 }
        try SourceListReader.verify(file: sourcesFile, segmentID: info.id, documentCount: info.documentCount)
        _ = try analysisFile.settings()
        return report
    }
}
