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
/// each with its own segment builder and a share of the memory budget; with
/// one such thread, the walking thread reads and parses the files for it.
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

    /// Files handed to the worker threads in batches of this many: enough to
    /// make a queue operation rare, few enough that a sync of a handful of
    /// files stays on one thread (and in one new segment).
    static let batchSize = 32

    /// Syncs the index of `writer` with the files `walk` lists, reading each
    /// file that needs it with `read`.
    ///
    /// `walk` calls its argument with each file of the folder, in walk order
    /// (``comparePaths(_:_:)``), and stops when it returns false. The calling
    /// thread walks, and compares each file with the index's files, which
    /// come in the same order (``IndexWriter/indexedFiles()``): a merge of two
    /// sorted lists, so neither the folder's listing nor the index's is held
    /// in memory, whatever their size. The files to read go to `threads`
    /// worker threads through a short queue, so walking and indexing overlap.
    public func run(
        writer: IndexWriter, walk: (_ visit: (String, SystemFiles.Status) -> Bool) -> Void,
        read: @escaping @Sendable (String, SystemFiles.Status) -> FileOutcome
    ) throws(IndexError) -> Summary {
        var summary = Summary()
        var failedBefore: [String: FailedFile] = [:]
        for item in writer.failedFiles { failedBefore[item.path] = item }
        var failed: [FailedFile] = []

        let shared = Shared(capacity: 2 * threads)
        let workersDone = DispatchSemaphore(value: 0)
        let threads = self.threads
        let share = memoryBudget / threads
        // The workers run on a queue of their own while this thread walks.
        DispatchQueue(label: "gazette.sync.workers").async {
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                Self.work(shared: shared, writer: writer, memoryBudget: share, read: read)
            }
            workersDone.signal()
        }

        let readAhead = threads == 1
        var producerError: IndexError? = nil
        do throws(IndexError) {
            var indexed = try writer.indexedFiles()
            var hasIndexed = try indexed.next()
            var batch: [Item] = []
            batch.reserveCapacity(Self.batchSize)
            var ordinal = 0
            walk { path, status in
                guard !shared.stop.load(ordering: .relaxed) else { return false }
                do throws(IndexError) {
                    var match = false
                    // Indexed files that precede this one in walk order are gone.
                    while hasIndexed {
                        let order = comparePaths(indexed.path.span, path.utf8.span)
                        if order > 0 { break }
                        if order == 0 {
                            match = true
                            break
                        }
                        writer.delete(indexed.location)
                        summary.deleted += 1
                        hasIndexed = try indexed.next()
                    }
                    var work: Work? = .new
                    if match {
                        if indexed.size == status.size && indexed.modificationTime == status.modificationTime {
                            summary.unchanged += 1
                            work = nil
                        } else {
                            work = .changed(indexed.location, hash: indexed.contentHash)
                        }
                        hasIndexed = try indexed.next()
                    } else if let before = failedBefore[path], before.size == status.size,
                        before.modificationTime == status.modificationTime
                    {
                        failed.append(before)
                        summary.failedBefore += 1
                        work = nil
                    }
                    if let work {
                        // With one worker, this thread also reads and parses
                        // the file, so that reading overlaps analysis on a
                        // second core (as tantivy's caller parses while its
                        // writer thread indexes).
                        let outcome = readAhead ? read(path, status) : nil
                        batch.append(Item(ordinal: ordinal, path: path, status: status, work: work, outcome: outcome))
                        ordinal += 1
                        if batch.count == Self.batchSize {
                            shared.queue.push(batch)
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                    return true
                } catch {
                    producerError = error
                    return false
                }
            }
            if producerError == nil && !shared.stop.load(ordering: .relaxed) {
                if !batch.isEmpty { shared.queue.push(batch) }
                // What is left was indexed and is no longer in the folder.
                while hasIndexed {
                    writer.delete(indexed.location)
                    summary.deleted += 1
                    hasIndexed = try indexed.next()
                }
            }
        } catch {
            producerError = error
        }
        // The sources lists were read once; their pages need not stay resident.
        for segment in writer.base?.segments ?? [] { segment.sourcesFile.releaseResidentPages() }
        if producerError != nil { shared.stop.store(true, ordering: .relaxed) }
        shared.queue.close()
        workersDone.wait()
        // The inverters are freed; give their memory back before the merges.
        SystemMemory.returnFreedMemory()
        if let error = producerError ?? shared.error.withLock({ $0 }) { throw error }

        let tally = shared.tally.withLock { $0 }
        summary.added = tally.added
        summary.updated = tally.updated
        summary.unchanged += tally.unchanged
        let failures = tally.failures.sorted { $0.ordinal < $1.ordinal }
        summary.failures = failures.map { ($0.path, $0.reason) }
        summary.warnings = tally.warnings.sorted { $0.ordinal < $1.ordinal }.map { ($0.path, $0.reason) }
        for failure in failures {
            failed.append(
                FailedFile(
                    path: failure.path, size: failure.status.size, modificationTime: failure.status.modificationTime,
                    reason: failure.reason))
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

    /// A file to read: its place among the files read (for reporting in walk
    /// order), where it is, and what the index holds of it.
    private struct Item: Sendable {
        var ordinal: Int
        var path: String
        var status: SystemFiles.Status
        var work: Work
        /// The file read and parsed already, by the walking thread.
        var outcome: FileOutcome? = nil
    }

    /// What the workers did, added up.
    private struct Tally: Sendable {
        var added = 0
        var updated = 0
        var unchanged = 0
        var failures: [(ordinal: Int, path: String, status: SystemFiles.Status, reason: String)] = []
        var warnings: [(ordinal: Int, path: String, reason: String)] = []

        mutating func add(_ other: Tally) {
            added += other.added
            updated += other.updated
            unchanged += other.unchanged
            failures += other.failures
            warnings += other.warnings
        }
    }

    /// Batches of files from the walking thread to the workers, at most
    /// `capacity` waiting: the walk never runs far ahead of the indexing.
    private final class WorkQueue: Sendable {
        private let free: DispatchSemaphore
        private let ready = DispatchSemaphore(value: 0)
        private let state = Locked<(batches: [[Item]], head: Int, closed: Bool)>(([], 0, false))

        init(capacity: Int) { free = DispatchSemaphore(value: capacity) }

        /// Waits for room, then queues `batch`.
        func push(_ batch: [Item]) {
            free.wait()
            state.withLock { $0.batches.append(batch) }
            ready.signal()
        }

        /// No batch will follow: workers finish what is queued, then stop.
        func close() {
            state.withLock { $0.closed = true }
            ready.signal()
        }

        /// The next batch, waiting for one; nil once the queue is closed and empty.
        func pop() -> [Item]? {
            ready.wait()
            let batch: [Item]? = state.withLock { state in
                guard state.head < state.batches.count else { return nil }
                let batch = state.batches[state.head]
                state.head += 1
                if state.head == state.batches.count {
                    state.batches.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return batch
            }
            if batch != nil {
                free.signal()
            } else {
                // Closed and empty: wake the next worker, which will see the same.
                ready.signal()
            }
            return batch
        }
    }

    /// Shared by the walking thread and the workers: the queue, what the
    /// workers did, and the first error, which stops everyone.
    private final class Shared: Sendable {
        let queue: WorkQueue
        let tally = Locked(Tally())
        let error = Locked<IndexError?>(nil)
        let stop = Atomic<Bool>(false)

        init(capacity: Int) { queue = WorkQueue(capacity: capacity) }
    }

    /// One worker: reads, analyses and inverts the queued files into segments
    /// of its own, until the queue closes. After an error (its own or
    /// another's) it drains the queue without reading, so the walker never
    /// waits for room that would not come.
    private static func work(
        shared: Shared, writer: IndexWriter, memoryBudget: Int,
        read: @Sendable (String, SystemFiles.Status) -> FileOutcome
    ) {
        // Each thread analyses with its own analyser: a stemmer serves one
        // thread at a time.
        guard let base = writer.analyzer else {
            preconditionFailure("a sync needs a writer that analyses (not one opened for merging)")
        }
        let analyzer = Analyzer(stemming: base.stemmer != nil, gazetteer: base.gazetteer, zoneWeights: base.zoneWeights)
        let builder = writer.builder(memoryBudget: memoryBudget, analyzer: analyzer)
        var tally = Tally()
        do throws(IndexError) {
            while let batch = shared.queue.pop() {
                guard !shared.stop.load(ordering: .relaxed) else { continue }
                for item in batch {
                    switch item.outcome ?? read(item.path, item.status) {
                    case .failed(let reason):
                        if case .changed(let location, _) = item.work { writer.delete(location) }
                        tally.failures.append((item.ordinal, item.path, item.status, reason))
                    case .article(let article, let warnings):
                        if case .changed(let location, let hash) = item.work {
                            if article.contentHash == hash {
                                tally.unchanged += 1
                                continue
                            }
                            writer.delete(location)
                            tally.updated += 1
                        } else {
                            tally.added += 1
                        }
                        try builder.add(article)
                        for warning in warnings { tally.warnings.append((item.ordinal, item.path, warning)) }
                    }
                }
            }
            try builder.flush()
        } catch {
            shared.stop.store(true, ordering: .relaxed)
            shared.error.withLock { first in if first == nil { first = error } }
            while shared.queue.pop() != nil {}
        }
        shared.tally.withLock { $0.add(tally) }
    }
}
