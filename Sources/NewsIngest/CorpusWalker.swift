import NewsCore

/// Lists the files of a corpus: a folder walked recursively, or a single file.
///
/// - Order is stable: entries sorted bytewise by name at every level, so the
///   same folder always yields the same document numbers.
/// - Hidden entries (names starting with ".") are passed over, as ripgrep does.
/// - Symbolic links are followed, but a directory already visited (same device
///   and inode) is never entered twice, so link loops end.
/// - An unreadable directory, a broken link or a name that is not UTF-8 is a
///   problem, and the walk goes on.
public struct CorpusWalker: Sendable {
    public let root: String
    /// Directories never entered and files never listed, as (device, inode):
    /// the index being written, when it lies inside the corpus, and the
    /// corpus's own actors file.
    public let excluded: Set<[UInt64]>

    public init(root: String, excluding excluded: [String] = []) {
        self.root = root
        self.excluded = Set(
            excluded.compactMap { path in
                guard case .success(let status) = SystemFiles.status(path) else { return nil }
                return [status.device, status.inode]
            })
    }

    public struct Listing: Sendable {
        public var files: [(path: String, status: SystemFiles.Status)]
        public var problems: [IngestProblem]
    }

    /// What `path` is, or the error that names why it cannot be read: the
    /// check a corpus root (or a single file) gets before anything is read.
    public static func status(of path: String) throws(IngestError) -> SystemFiles.Status {
        switch SystemFiles.status(path) {
        case .success(let status): return status
        case .failure(let error):
            if error.isNotFound { throw IngestError(.notFound, "no such file or directory", path: path) }
            throw IngestError(.unreadable, "cannot read: \(error.reason)", path: path, underlying: error)
        }
    }

    /// The root's status, once it is known to exist and, for a folder, to be
    /// listable: what a walk fails on before it finds any file.
    @discardableResult
    public func checkRoot() throws(IngestError) -> SystemFiles.Status {
        let rootStatus = try Self.status(of: root)
        if rootStatus.kind == .directory, case .failure(let error) = SystemFiles.listDirectory(root) {
            throw IngestError(.unreadable, "cannot list directory: \(error.reason)", path: root, underlying: error)
        }
        return rootStatus
    }

    /// Every file, in walk order (see ``comparePaths(_:_:)``), in one list.
    public func walk() throws(IngestError) -> Listing {
        var listing = Listing(files: [], problems: [])
        try walk(problem: { listing.problems.append($0) }) { path, status in
            listing.files.append((path, status))
            return true
        }
        return listing
    }

    /// Calls `file` with each file, in walk order (see
    /// ``comparePaths(_:_:)``), and `problem` with each entry that cannot be
    /// listed, as they are met: nothing is kept, so a folder of millions of
    /// files is walked in the memory of one directory's listing per level.
    /// `file` returns false to stop the walk.
    public func walk(
        problem: (IngestProblem) -> Void, file: (String, SystemFiles.Status) -> Bool
    ) throws(IngestError) {
        let rootStatus = try checkRoot()
        if rootStatus.kind != .directory {
            _ = file(root, rootStatus)
            return
        }
        var visited = Set<[UInt64]>()
        _ = visit(directory: root, status: rootStatus, visited: &visited, problem: problem, file: file)
    }

    /// Walks `directory`; false once `file` has asked to stop.
    private func visit(
        directory: String, status: SystemFiles.Status, visited: inout Set<[UInt64]>,
        problem: (IngestProblem) -> Void, file: (String, SystemFiles.Status) -> Bool
    ) -> Bool {
        guard !excluded.contains([status.device, status.inode]),
            visited.insert([status.device, status.inode]).inserted
        else { return true }
        let entries: [(entry: SystemFiles.DirectoryEntry, status: Result<SystemFiles.Status, SystemError>)]
        switch SystemFiles.entriesWithStatus(directory) {
        case .success(let list): entries = list
        case .failure(let error):
            problem(
                IngestProblem(path: directory, reason: "cannot list directory: \(error.reason)", severity: .skipped))
            return true
        }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for (entry, status) in Self.sortedBytewise(entries) where !entry.name.hasPrefix(".") {
            let path = prefix + entry.name
            guard entry.isValidUTF8 else {
                // Paths are stored and shown as UTF-8; a Latin-1 or otherwise
                // non-UTF-8 name cannot be, so it is named (repaired) and passed over.
                problem(
                    IngestProblem(
                        path: path, reason: "file name is not valid UTF-8; rename it to index it", severity: .skipped))
                continue
            }
            switch status {
            case .failure(let error):
                let reason = error.isNotFound ? "broken symbolic link" : "cannot stat: \(error.reason)"
                problem(IngestProblem(path: path, reason: reason, severity: .skipped))
            case .success(let status):
                switch status.kind {
                case .directory:
                    guard visit(directory: path, status: status, visited: &visited, problem: problem, file: file)
                    else { return false }
                case .file:
                    if !excluded.contains([status.device, status.inode]) {
                        guard file(path, status) else { return false }
                    }
                case .other:
                    problem(IngestProblem(path: path, reason: "not a regular file", severity: .skipped))
                }
            }
        }
        return true
    }

    /// `entries` in bytewise order of their names' UTF-8 (memcmp order, the
    /// index's order): each name's bytes are taken once, and compared as
    /// arrays, which costs a fraction of comparing `String.UTF8View`s.
    static func sortedBytewise<Status>(
        _ entries: [(entry: SystemFiles.DirectoryEntry, status: Status)]
    ) -> [(entry: SystemFiles.DirectoryEntry, status: Status)] {
        let keys = entries.map { Array($0.entry.name.utf8) }
        let order = keys.indices.sorted { precedes(keys[$0], keys[$1]) }
        return order.map { entries[$0] }
    }

    private static func precedes(_ x: [UInt8], _ y: [UInt8]) -> Bool { compareBytes(x.span, y.span) < 0 }
}
