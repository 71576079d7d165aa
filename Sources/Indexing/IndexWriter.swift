import IndexFormat
import NewsCore
import TextAnalysis

/// Changes an index: adds documents in new segments, deletes documents,
/// merges segments, and commits, atomically, what it did.
///
/// Call order: `init` → any of `builder()`'s `add`s (from one thread per
/// builder, any number of builders at once), `delete`, `markFailed` →
/// `commit()`; then `merge(policy:)` or `optimize()`, each of which commits
/// its own result. Until a commit returns, readers keep seeing the index as it
/// was; if the process dies first, the previous commit is intact and the
/// files written since are deleted by the next successful commit. A write
/// lock keeps two writers apart; searches never wait for a writer.
///
/// Segments are Lucene's: immutable once written, deleted documents marked
/// in a per-segment bitmap until a merge drops them.
public final class IndexWriter: Sendable {
    public let directory: String
    private let lock: WriteLock
    /// The analysis every segment of the index shares (its learned actors aside).
    /// Nil for a writer that only deletes and merges (``init(mergingIn:)``).
    public let analyzer: Analyzer?
    var settings: AnalysisSettings { core.settings }
    /// The commit this writer started from, unless it rebuilds.
    public let base: IndexReader?
    /// Why the writer starts over instead of updating `base`, if it does.
    public let rebuildReason: String?
    private let core: Core

    /// What builders share with their writer. Builders hold this, not the
    /// writer, so that the writer's own builder makes no reference cycle
    /// (which would keep the writer, and its lock, alive for ever).
    final class Core: Sendable {
        let directory: String
        let settings: AnalysisSettings
        let state: Locked<State>

        init(directory: String, settings: AnalysisSettings, state: State) {
            self.directory = directory
            self.settings = settings
            self.state = Locked(state)
        }

        /// A number no file of the index uses yet, for a segment or a commit.
        func allocateNumber() -> UInt64 {
            state.withLock { state in
                defer { state.nextNumber += 1 }
                return state.nextNumber
            }
        }

        /// Called by a builder with each segment it flushed.
        func register(_ written: WrittenSegment) {
            state.withLock { state in
                state.segments.append(Segment(info: written.info, files: written.files))
                state.changed = true
            }
        }
    }

    struct Segment: Sendable {
        var info: SegmentInfo
        var files: [Manifest.FileEntry]
        var deletions: DeletionBitmap?
        /// Deletions made by this writer and not yet written.
        var deletionsChanged = false
    }

    struct State: Sendable {
        var nextNumber: UInt64
        /// The index as this writer will commit it.
        var segments: [Segment]
        var failed: [FailedFile]
        var changed = false
        var lastCommit: Manifest?
    }

    /// - Parameters:
    ///   - analyzer: how to analyse documents; an existing index analysed
    ///     otherwise (other stemming, actors file or zone weights) is rebuilt,
    ///     since its terms could not be compared with the new ones.
    ///   - rebuild: start over, as if the directory held no index.
    public convenience init(
        directory: String, analyzer: Analyzer = Analyzer(gazetteer: .bundled), rebuild: Bool = false
    ) throws(IndexError) {
        try self.init(directory: directory, analyzer: Optional(analyzer), rebuild: rebuild)
    }

    /// A writer that only deletes and merges (`gazette optimize`): it keeps
    /// the analysis the existing index was built with, and so needs no
    /// analyser (nor the gazetteer parsed to make one).
    public convenience init(mergingIn directory: String) throws(IndexError) {
        try self.init(directory: directory, analyzer: nil, rebuild: false)
    }

    private init(directory: String, analyzer: Analyzer?, rebuild: Bool) throws(IndexError) {
        precondition(!directory.isEmpty, "an index directory path")
        // Merging needs an index: fail before creating anything.
        if analyzer == nil { _ = try Manifest.read(directory: directory) }
        try FileSystem.createDirectory(directory)
        // Never write into a folder of someone else's files: a mistyped --index
        // (the corpus itself, a home directory) must not fill it with segments.
        let names = try FileSystem.listDirectory(directory)
        // Besides our own files, a folder may hold hidden files and a README
        // (the repository's Index/ ships with one, to say what it is for).
        let ours: (String) -> Bool = { name in
            name == Manifest.fileName || name == Manifest.fileName + ".tmp" || name == "write.lock"
                || Manifest.isIndexFile(name) || name.hasPrefix(".") || name.uppercased().hasPrefix("README")
        }
        if !names.contains(Manifest.fileName), names.contains(where: { !ours($0) }) {
            throw IndexError(
                .notAnIndex, "is not empty and holds no Gazette index; choose a new or empty directory",
                path: directory)
        }
        self.directory = directory
        lock = try WriteLock(directory: directory)
        self.analyzer = analyzer
        var settings = analyzer.map { analyzer in
            AnalysisSettings(
                header: AnalysisHeader(
                    stemmer: analyzer.stemmer?.algorithm ?? "", recognisesActors: analyzer.gazetteer != nil,
                    zoneWeights: analyzer.zoneWeights),
                gazetteer: analyzer.gazetteer?.serialized() ?? "", learned: [])
        }

        var base: IndexReader? = nil
        var reason: String? = rebuild ? "--rebuild" : nil
        if analyzer == nil {
            // Merging only: the index must exist, and its settings are kept.
            let reader = try IndexReader(directory: directory)
            // A merge of segments without dates would write one that claims
            // dates and has none (IndexFileFormat.md, version 6).
            if reader.segments.contains(where: { !$0.lengths.hasDates }) {
                throw IndexError(
                    .formatTooOld,
                    "the index predates publication dates (format 5 or older); run gazette index to rebuild it",
                    path: directory)
            }
            // Likewise page metadata: a merge would keep the old segments'
            // documents without it, and `gazette index` would then see a
            // current index and never read it from the pages.
            if !reader.hasMetadata {
                throw IndexError(
                    .formatTooOld,
                    "the index predates stored page metadata (format 6 or older); run gazette index to rebuild it",
                    path: directory)
            }
            if let first = reader.segments.first {
                settings = AnalysisSettings(
                    header: first.analysis, gazetteer: try first.analysisFile.gazetteerText().text, learned: [])
            }
            base = reader
        } else if !rebuild, names.contains(Manifest.fileName), let settings {
            do {
                let reader = try IndexReader(directory: directory)
                if let first = reader.segments.first {
                    // The header and gazetteer only: the learned actors can be many.
                    let gazetteer = try first.analysisFile.gazetteerText().text
                    if first.analysis != settings.header || gazetteer != settings.gazetteer {
                        reason = Self.difference(
                            AnalysisSettings(header: first.analysis, gazetteer: gazetteer, learned: []), settings)
                    }
                }
                if reason == nil, reader.segments.contains(where: { !$0.lengths.hasDates }) {
                    reason = "publication dates are now stored (format 6, for date: searches)"
                }
                if reason == nil, !reader.hasMetadata {
                    reason = "page metadata (byline, site, URL, language, description) is now stored (format 7)"
                }
                if reason == nil { base = reader }
            } catch let error where error.code == .formatTooOld || error.code == .formatTooNew {
                reason = "the index was written in another format version"
            }
        }
        self.base = base
        rebuildReason = reason
        let segments = (base?.segments ?? []).map { segment in
            Segment(
                info: segment.info,
                files: segment.info.fileNames.compactMap { base?.manifest.entry(named: $0) },
                deletions: segment.deletions)
        }
        core = Core(
            directory: directory,
            settings: settings ?? AnalysisSettings(header: base!.analysis, gazetteer: "", learned: []),
            state: State(
                nextNumber: Manifest.highestNumberUsed(directory: directory) + 1, segments: segments,
                failed: base?.manifest.failed ?? [], changed: base == nil))
    }

    /// Why committed settings differ from new ones, in the user's terms.
    private static func difference(_ old: AnalysisSettings, _ new: AnalysisSettings) -> String {
        if old.header.abbreviationsJoined != new.header.abbreviationsJoined {
            return "abbreviations are now one word (U.N. is indexed as un)"
        }
        if old.header.recognisesActors != new.header.recognisesActors {
            return new.header.recognisesActors ? "actors are now recognised" : "actors are now off (--no-actors)"
        }
        if old.header.stemmer != new.header.stemmer { return "the stemmer changed" }
        if old.gazetteer != new.gazetteer { return "the actors changed (bundled gazetteer or actors file)" }
        return "the zone weights changed"
    }

    func allocateNumber() -> UInt64 { core.allocateNumber() }

    /// A builder of new segments, for one thread. `memoryBudget` is the
    /// bytes its in-memory postings may take before it flushes a segment.
    public func builder(memoryBudget: Int = 256 << 20, analyzer: Analyzer? = nil) -> SegmentBuilder {
        guard let analyzer = analyzer ?? self.analyzer else {
            preconditionFailure("a writer opened for merging only builds no segments")
        }
        return SegmentBuilder(writer: core, analyzer: analyzer, memoryBudget: memoryBudget)
    }

    /// The builder behind ``add(_:)``.
    private let defaultBuilder = Locked<SegmentBuilder?>(nil)

    /// Adds an article to the next commit, through one builder the writer
    /// keeps (for callers that add from one thread; several threads each use
    /// a ``builder(memoryBudget:analyzer:)`` of their own).
    public func add(_ article: Article) throws(IndexError) {
        try defaultBuilder.withLock { (builder: inout SegmentBuilder?) throws(IndexError) in
            if builder == nil { builder = self.builder() }
            try builder!.add(article)
        }
    }

    /// A document of the committed index, as the sync finds it.
    public struct Location: Sendable, Hashable {
        public var segment: UInt64
        public var document: UInt32
    }

    /// The live documents of the base commit, in walk order of their paths
    /// (see ``comparePaths(_:_:)``): what a sync compares the folder with.
    public func indexedFiles() throws(IndexError) -> IndexedFileCursor {
        try IndexedFileCursor(segments: base?.segments ?? [])
    }

    /// The live documents of a commit, in walk order, one at a time: their
    /// path, where they are, and their file's size, time and content hash.
    public struct IndexedFileCursor {
        private var sources: MergedSourceCursor
        private let numbers: [UInt64]

        init(segments: [SegmentReader]) throws(IndexError) {
            sources = try MergedSourceCursor(segments: segments)
            numbers = segments.map(\.info.number)
        }

        public mutating func next() throws(IndexError) -> Bool { try sources.next() }
        public var path: [UInt8] { sources.path }
        public var location: Location { Location(segment: numbers[sources.segment], document: sources.document) }
        public var size: UInt64 { sources.size }
        public var modificationTime: Int64 { sources.modificationTime }
        public var contentHash: UInt64 { sources.contentHash }
    }

    /// The files that failed in the base commit (retried only once they change).
    public var failedFiles: [FailedFile] { base?.manifest.failed ?? [] }

    /// Marks a document of the base commit deleted (its file is gone or
    /// changed). Visible at the next commit.
    public func delete(_ location: Location) {
        core.state.withLock { state in
            guard let index = state.segments.firstIndex(where: { $0.info.number == location.segment }) else {
                return
            }
            var bitmap =
                state.segments[index].deletions
                ?? DeletionBitmap(
                    documentCount: state.segments[index].info.documentCount)
            if bitmap.delete(location.document) {
                state.segments[index].deletions = bitmap
                state.segments[index].deletionsChanged = true
                state.changed = true
            }
        }
    }

    /// The files that could not be indexed, replacing the base commit's list.
    public func setFailed(_ failed: [FailedFile]) {
        core.state.withLock { state in
            if failed != state.failed {
                state.failed = failed
                state.changed = true
            }
        }
    }

    /// Documents a commit now would leave searchable.
    public var pendingLiveCount: Int {
        core.state.withLock { state in
            state.segments.reduce(0) {
                $0 + Int($1.info.documentCount - ($1.deletions?.deletedCount ?? $1.info.deletedCount))
            }
        }
    }

    /// Whether a commit now would change anything.
    public var hasChanges: Bool { core.state.withLock { $0.changed } }

    /// What a commit wrote.
    public struct CommitSummary: Sendable {
        public var generation: UInt64
        public var documentCount: Int
        public var deletedCount: Int
        public var segmentCount: Int
        public var bytesOnDisk: UInt64
    }

    /// Writes the deletions, then the manifest that lists every segment:
    /// the index's new commit point.
    @discardableResult
    public func commit() throws(IndexError) -> CommitSummary {
        try defaultBuilder.withLock { (builder: inout SegmentBuilder?) throws(IndexError) in try builder?.flush() }
        let generation = allocateNumber()
        let snapshot = core.state.withLock { $0 }
        var segments: [Segment] = []
        for var segment in snapshot.segments {
            if segment.deletionsChanged, let bitmap = segment.deletions {
                segment.info.deletedCount = bitmap.deletedCount
                segment.info.deletionsGeneration = generation
                let name = segment.info.deletionsFileName!
                let written = try bitmap.write(path: directory + "/" + name, segmentID: segment.info.id)
                segment.files.removeAll { Manifest.numbers(inFileName: $0.name)?.generation != nil }
                segment.files.append(
                    Manifest.FileEntry(name: name, length: UInt64(written.length), checksum: written.checksum))
                segment.deletionsChanged = false
            }
            // A segment whose every document is deleted is dropped whole.
            if segment.info.liveCount > 0 { segments.append(segment) }
        }
        let manifest = Manifest(
            generation: generation, segments: segments.map(\.info), files: segments.flatMap(\.files),
            failed: snapshot.failed)
        try manifest.commit(directory: directory)
        core.state.withLock { state in
            state.segments = segments
            state.changed = false
            state.lastCommit = manifest
        }
        var size = manifest.files.reduce(UInt64(0)) { $0 + $1.length }
        if case .success(let status) = SystemFiles.status(directory + "/" + Manifest.fileName) { size += status.size }
        return CommitSummary(
            generation: generation, documentCount: Int(manifest.liveCount), deletedCount: Int(manifest.deletedCount),
            segmentCount: manifest.segments.count, bytesOnDisk: size)
    }

    /// Merges the segments `policy` picks, committing after each merge, until
    /// it picks none. Searches go on meanwhile, on the last commit.
    /// - Returns: the number of merges.
    @discardableResult
    public func merge(policy: MergePolicy = MergePolicy()) throws(IndexError) -> Int {
        var merges = 0
        while true {
            let segments = core.state.withLock { $0.segments.map(\.info) }
            guard let group = policy.pick(segments) else { return merges }
            try merge(group)
            merges += 1
        }
    }

    /// Merges every segment into one, dropping deleted documents (`gazette optimize`).
    /// - Returns: whether there was anything to merge.
    @discardableResult
    public func optimize() throws(IndexError) -> Bool {
        let segments = core.state.withLock { $0.segments.map(\.info) }
        guard segments.count > 1 || segments.contains(where: { $0.deletedCount > 0 }) else { return false }
        try merge(segments.map(\.number))
        return true
    }

    /// Merges the segments numbered `numbers` (committed ones) into a new
    /// segment, and commits the index with it in their place.
    private func merge(_ numbers: [UInt64]) throws(IndexError) {
        if core.state.withLock({ $0.changed }) { try commit() }
        let reader = try IndexReader(directory: directory)
        let inputs = reader.segments.filter { numbers.contains($0.info.number) }
        precondition(inputs.count == numbers.count, "merging committed segments")
        let merged = try SegmentMerger(inputs: inputs, settings: settings)
            .write(directory: directory, number: allocateNumber())
        SystemMemory.returnFreedMemory()
        core.state.withLock { state in
            let position = state.segments.firstIndex { numbers.contains($0.info.number) } ?? state.segments.count
            state.segments.removeAll { numbers.contains($0.info.number) }
            if let merged {
                state.segments.insert(
                    Segment(info: merged.info, files: merged.files), at: min(position, state.segments.count))
            }
            state.changed = true
        }
        try commit()
    }
}

/// Builds new segments from articles, for one thread: analyses each article,
/// inverts it into in-memory postings, and writes a segment whenever those
/// reach the memory budget (and on `flush()`). Written segments join the
/// writer's next commit.
public final class SegmentBuilder {
    let writer: IndexWriter.Core
    let analyzer: Analyzer
    let memoryBudget: Int
    private var segment: SegmentWriter? = nil
    /// A struct mutated through one call per article, so that its hot loops
    /// pay no dynamic exclusivity check per token (every access to a class's
    /// stored property pays one).
    private var inverter = Inverter()
    /// The publication date of each document of the segment being built.
    private var published: [PublicationDate?] = []
    private var analysis = DocumentAnalysis()
    /// Documents added, over every segment this builder wrote.
    public private(set) var documentsAdded = 0

    init(writer: IndexWriter.Core, analyzer: Analyzer, memoryBudget: Int) {
        self.writer = writer
        self.analyzer = analyzer
        self.memoryBudget = memoryBudget
    }

    /// Adds an article to the segment being built.
    public func add(_ article: Article) throws(IndexError) {
        if segment == nil { segment = try SegmentWriter(directory: writer.directory, number: writer.allocateNumber()) }
        // Store first: if that fails, nothing of this document is in memory.
        try segment!.addDocument(article)
        published.append(article.published)
        analyzer.analyze(title: article.title, body: article.body, into: &analysis)
        inverter.add(analysis, document: UInt32(inverter.documentCount), analyzer: analyzer)
        documentsAdded += 1
        if inverter.estimatedBytes + segment!.bufferedBytes >= memoryBudget { try flush() }
    }

    /// Writes the segment being built, if it has documents.
    public func flush() throws(IndexError) {
        guard let segment, inverter.documentCount > 0 else { return }
        // A local copy, taken once: a class's stored struct read from the
        // closure below was copied whole (every array retained) once per term.
        let inverter = self.inverter
        self.inverter = Inverter()
        let published = self.published
        self.published = []
        self.segment = nil
        let order = inverter.sortedTerms()
        try segment.writeTerms(count: order.terms.count, lengths: inverter.lengths) { index in
            inverter.term(order.terms[index])
        }
        var settings = writer.settings
        settings.learned = inverter.learnedActors(inOrder: order.actors)
        writer.register(
            try segment.finish(documentLengths: inverter.lengths, published: published, analysis: settings))
    }
}
