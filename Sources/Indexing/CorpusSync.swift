import Dispatch
import IndexFormat
import NewsCore
import Synchronization
import TextAnalysis

/// Brings an index in line with a folder: indexes new files, re-indexes
/// changed ones, deletes the documents of files that are gone, and leaves the
/// rest alone (`gazette index` on an existing index).
///
/// A file is unchanged when its size and modification time are those
/// recorded; otherwise it is read, and if its bytes hash as recorded
/// (``ContentHash``) it was only touched and stays as indexed. Files that
/// failed are remembered with their size and time, and retried only once
/// those change. Reading, analysing and inverting run on `threads` threads,
/// each with its own segment builder and a share of the memory budget.
public struct CorpusSync: Sendable {
    /// What reading one file gave.
    public enum FileOutcome: Sendable {
        case article(Article, warnings: [String])
        case failed(String)
    }

    public var threads: Int
    /// Bytes all threads' in-memory postings may take together; each thread
    /// flushes a segment when it reaches its share.
    public var memoryBudget: Int
    public var mergePolicy: MergePolicy

    public init(threads: Int = 1, memoryBudget: Int = 256 << 20, mergePolicy: MergePolicy = MergePolicy()) {
        precondition(threads >= 1 && memoryBudget > 0)
        self.threads = threads
        self.memoryBudget = memoryBudget
        self.mergePolicy = mergePolicy
    }

    /// What a sync did, file by file in counts, and the problems it met.
    public struct Summary: Sendable {
        public var added = 0
        public var updated = 0
        public var deleted = 0
        public var unchanged = 0
        /// Files that failed this time, or failed before and are unchanged.
        public var failed = 0
        /// Of `failed`, those not read again because they have not changed.
        public var failedBefore = 0
        /// Files that failed, with the reason, in walk order.
        public var failures: [(path: String, reason: String)] = []
        /// Files indexed with a warning.
        public var warnings: [(path: String, reason: String)] = []
        /// Whether anything was committed.
        public var committed = false
        public var commit: IndexWriter.CommitSummary? = nil
        public var merges = 0
        /// Set, and nothing committed, when the sync would leave the index
        /// without a document: a folder given by mistake (empty, or the
        /// wrong one) must not wipe a good index.
        public var wouldEmpty = false

        public var indexed: Int { added + updated }
    }

    private enum Work: Sendable {
        case new
        case changed(IndexWriter.Location, hash: UInt64)
    }

    /// Syncs the index of `writer` with `files` (a folder's listing, in walk
    /// order), reading each file that needs it with `read`.
    public func run(
        writer: IndexWriter, files: [(path: String, status: SystemFiles.Status)],
        read: @escaping @Sendable (String, SystemFiles.Status) -> FileOutcome
    ) throws(IndexError) -> Summary {
        var summary = Summary()
        // The indexed files, found by the 128-bit key of their path;
        // entries whose first halves are equal chain.
        var indexed: [IndexWriter.IndexedFile] = []
        var next: [Int32] = []
        var byKey: [UInt64: Int32] = [:]
        try writer.indexedFiles { file in
            next.append(byKey[file.key.0] ?? -1)
            byKey[file.key.0] = Int32(indexed.count)
            indexed.append(file)
        }
        var seen = [Bool](repeating: false, count: indexed.count)
        func find(_ path: String) -> Int? {
            let key = IndexWriter.key(path.utf8.span)
            var index = Int(byKey[key.0] ?? -1)
            while index >= 0 {
                if !seen[index] && indexed[index].key == key { return index }
                index = Int(next[index])
            }
            return nil
        }
        var failedBefore: [String: FailedFile] = [:]
        for item in writer.failedFiles { failedBefore[item.path] = item }

        // Files to read, by their index in `files` (no path copied).
        var work: [(file: Int, work: Work)] = []
        var failed: [FailedFile] = []
        for (position, (path, status)) in files.enumerated() {
            if let found = find(path) {
                seen[found] = true
                let file = indexed[found]
                if file.size == status.size && file.modificationTime == status.modificationTime {
                    summary.unchanged += 1
                } else {
                    work.append((position, .changed(file.location, hash: file.contentHash)))
                }
            } else if let before = failedBefore[path], before.size == status.size,
                before.modificationTime == status.modificationTime
            {
                failed.append(before)
                summary.failedBefore += 1
            } else {
                work.append((position, .new))
            }
        }
        // What is left was indexed and is no longer in the folder.
        for (index, item) in indexed.enumerated() where !seen[index] {
            writer.delete(item.location)
            summary.deleted += 1
        }

        let results = try process(work, files: files, writer: writer, read: read)
        for result in results {
            switch result.outcome {
            case .unchanged: summary.unchanged += 1
            case .added: summary.added += 1
            case .updated: summary.updated += 1
            case .failed(let reason):
                let item = files[work[result.index].file]
                failed.append(
                    FailedFile(
                        path: item.path, size: item.status.size, modificationTime: item.status.modificationTime,
                        reason: reason))
                summary.failures.append((item.path, reason))
            }
            for warning in result.warnings { summary.warnings.append((files[work[result.index].file].path, warning)) }
        }
        failed.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        summary.failed = failed.count
        writer.setFailed(failed)
        if writer.pendingLiveCount == 0 {
            summary.wouldEmpty = true
            return summary
        }
        if writer.hasChanges {
            summary.commit = try writer.commit()
            summary.committed = true
            summary.merges = try writer.merge(policy: mergePolicy)
            if summary.merges > 0 { summary.commit = try writer.commit() }
        }
        return summary
    }

    private enum Outcome: Sendable {
        case unchanged, added, updated
        case failed(String)
    }

    private struct Result: Sendable {
        var index: Int
        var outcome: Outcome
        var warnings: [String]
    }

    /// Shared by the worker threads: the next item to take, the results, and
    /// the first error, which stops every worker.
    private final class Shared: Sendable {
        let next = Atomic<Int>(0)
        let results = Mutex<[Result]>([])
        let error = Mutex<IndexError?>(nil)
        let stop = Atomic<Bool>(false)
    }

    /// Reads and indexes `work` on `threads` threads; results come back in
    /// `work`'s order.
    private func process(
        _ work: [(file: Int, work: Work)], files: [(path: String, status: SystemFiles.Status)], writer: IndexWriter,
        read: @escaping @Sendable (String, SystemFiles.Status) -> FileOutcome
    ) throws(IndexError) -> [Result] {
        let shared = Shared()
        // A thread per 50 files at most: a few files are read faster than
        // threads start, and each thread writes a segment of its own.
        let threads = max(1, min(threads, work.count / 50))
        let share = memoryBudget / threads
        let items = work
        let files = files
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            // Each thread analyses with its own analyser: a stemmer serves one
            // thread at a time.
            guard let base = writer.analyzer else {
                preconditionFailure("a sync needs a writer that analyses (not one opened for merging)")
            }
            let analyzer =
                worker == 0
                ? base
                : Analyzer(stemming: base.stemmer != nil, gazetteer: base.gazetteer, zoneWeights: base.zoneWeights)
            let builder = writer.builder(memoryBudget: share, analyzer: analyzer)
            var results: [Result] = []
            do throws(IndexError) {
                while !shared.stop.load(ordering: .relaxed) {
                    let index = shared.next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < items.count else { break }
                    let item = items[index]
                    let file = files[item.file]
                    switch read(file.path, file.status) {
                    case .failed(let reason):
                        if case .changed(let location, _) = item.work { writer.delete(location) }
                        results.append(Result(index: index, outcome: .failed(reason), warnings: []))
                    case .article(let article, let warnings):
                        var outcome = Outcome.added
                        if case .changed(let location, let hash) = item.work {
                            if article.contentHash == hash {
                                results.append(Result(index: index, outcome: .unchanged, warnings: []))
                                continue
                            }
                            writer.delete(location)
                            outcome = .updated
                        }
                        try builder.add(article)
                        results.append(Result(index: index, outcome: outcome, warnings: warnings))
                    }
                }
                try builder.flush()
            } catch {
                shared.stop.store(true, ordering: .relaxed)
                shared.error.withLock { first in if first == nil { first = error } }
            }
            shared.results.withLock { $0.append(contentsOf: results) }
        }
        if let error = shared.error.withLock({ $0 }) { throw error }
        return shared.results.withLock { $0 }.sorted { $0.index < $1.index }
    }
}
