#if canImport(Glibc)
    import CMalloc
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An `errno` from a failed system call, with the operation that failed.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    public var errno: Int32
    public var operation: String

    public init(errno: Int32, operation: String) {
        self.errno = errno
        self.operation = operation
    }

    /// The C library's text for the error ("Permission denied").
    public var reason: String {
        guard let text = unsafe strerror(errno) else { return "errno \(errno)" }
        return unsafe String(cString: text)
    }

    public var description: String { "\(operation) failed: \(reason)" }

    public var isNotFound: Bool { errno == ENOENT }
}

/// The few file-system reads that ingestion and the index share, without
/// Foundation: directory listings, whole-file reads and `stat`.
public enum SystemFiles {
    /// What `stat` says of a path (symbolic links followed).
    public struct Status: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case file, directory, other }
        public var kind: Kind
        public var size: UInt64
        /// Nanoseconds since 1970.
        public var modificationTime: Int64
        public var device: UInt64
        public var inode: UInt64
    }

    public static func status(_ path: String) -> Result<Status, SystemError> {
        var info = stat()
        guard unsafe stat(path, &info) == 0 else { return .failure(SystemError(errno: errno, operation: "stat")) }
        return .success(Status(info))
    }

    /// One name in a directory listing.
    public struct DirectoryEntry: Sendable, Equatable {
        /// The name; invalid UTF-8 bytes, if any, replaced by U+FFFD.
        public var name: String
        /// False when the name's bytes are not UTF-8: `name` then does not
        /// reach the file, and the file cannot be opened through it.
        public var isValidUTF8: Bool
    }

    /// The entries of a directory, unsorted, without "." and "..".
    public static func entries(_ path: String) -> Result<[DirectoryEntry], SystemError> {
        unsafe listing(path) { entry, _, _ in entry }
    }

    /// The entries of a directory, unsorted, without "." and "..", each with
    /// what `stat` says of it (symbolic links followed). Each entry is
    /// looked up relative to the open directory (`fstatat`), not through its
    /// whole path: on a folder of a million files (1,000 folders of 1,000),
    /// a no-op `gazette index` took 1.8 s of system time instead of 2.1.
    public static func entriesWithStatus(
        _ path: String
    ) -> Result<[(entry: DirectoryEntry, status: Result<Status, SystemError>)], SystemError> {
        unsafe listing(path) { entry, directory, name in
            var info = stat()
            // SAFETY: `name` is the NUL-terminated d_name that `listing` passes,
            // valid for this call; fstatat only reads it.
            guard unsafe fstatat(directory, name, &info, 0) == 0 else {
                return (entry, .failure(SystemError(errno: errno, operation: "stat")))
            }
            return (entry, .success(Status(info)))
        }
    }

    /// Reads a directory once, calling `make` with each entry but "." and
    /// "..", the open directory's descriptor and the entry's raw name (valid
    /// only during the call).
    private static func listing<Entry>(
        _ path: String, _ make: (DirectoryEntry, Int32, UnsafePointer<CChar>) -> Entry
    ) -> Result<[Entry], SystemError> {
        guard let dir = unsafe opendir(path) else {
            return .failure(SystemError(errno: errno, operation: "open directory"))
        }
        defer { unsafe closedir(dir) }
        let fd = unsafe dirfd(dir)
        var entries: [Entry] = []
        while let entry = unsafe readdir(dir) {
            // SAFETY: d_name is a NUL-terminated array inside the dirent that
            // readdir returned; it stays valid until the next readdir call,
            // after `make` has returned.
            let listed = unsafe withUnsafeBytes(of: &entry.pointee.d_name) { raw -> Entry? in
                let chars = unsafe raw.bindMemory(to: CChar.self).baseAddress!
                let name: DirectoryEntry
                if let valid = unsafe String(validatingCString: chars) {
                    guard valid != "." && valid != ".." else { return nil }
                    name = DirectoryEntry(name: valid, isValidUTF8: true)
                } else {
                    name = DirectoryEntry(name: unsafe String(cString: chars), isValidUTF8: false)
                }
                return unsafe make(name, fd, chars)
            }
            if let listed { entries.append(listed) }
        }
        return .success(entries)
    }

    /// The names in a directory, unsorted, without "." and "..".
    public static func listDirectory(_ path: String) -> Result<[String], SystemError> {
        entries(path).map { $0.map(\.name) }
    }

    /// Reads a whole file; fails with EFBIG if it is larger than `limit` bytes.
    public static func readFile(_ path: String, limit: Int = Int.max) -> Result<[UInt8], SystemError> {
        let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(SystemError(errno: errno, operation: "open")) }
        defer { close(fd) }
        // Read straight into a buffer of the file's size (plus one byte, to see
        // a file that grew), never zero-filling a scratch chunk per file: at
        // 64 KiB a file that was a tenth of the time of indexing Reuters.
        var status = stat()
        let expected = unsafe fstat(fd, &status) == 0 ? max(0, Int(status.st_size)) : 0
        if expected > limit { return .failure(SystemError(errno: EFBIG, operation: "read")) }
        var failure: Int32 = 0
        var result = unsafe [UInt8](unsafeUninitializedCapacity: expected + 1) { buffer, count in
            var total = 0
            while total < buffer.count {
                // SAFETY: the destination lies inside the uninitialised buffer.
                let n = unsafe read(fd, buffer.baseAddress! + total, buffer.count - total)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                total += n
            }
            count = total
        }
        if failure != 0 { return .failure(SystemError(errno: failure, operation: "read")) }
        if result.count <= expected { return .success(result) }
        // The file grew while we read it: read the rest in chunks.
        if result.count > limit { return .failure(SystemError(errno: EFBIG, operation: "read")) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = unsafe chunk.withUnsafeMutableBytes { unsafe read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(SystemError(errno: errno, operation: "read"))
            }
            if n == 0 { break }
            if result.count + n > limit { return .failure(SystemError(errno: EFBIG, operation: "read")) }
            result.append(contentsOf: chunk[0..<n])
        }
        return .success(result)
    }
}

extension SystemFiles.Status {
    init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        default: kind = .other
        }
        size = UInt64(info.st_size)
        modificationTime = Int64(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec)
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// The process's heap, as the C library manages it.
public enum SystemMemory {
    /// Hands memory that was freed back to the kernel. glibc keeps freed
    /// memory in its per-thread arenas for reuse, so once the indexing threads
    /// have flushed their in-memory postings (hundreds of MB) the process
    /// would go on holding them through the merges that follow; the indexer
    /// calls this between phases so that its peak stays the peak of one
    /// phase. A no-op where the C library has no `malloc_trim`.
    public static func returnFreedMemory() {
        #if canImport(Glibc)
            _ = CMalloc.malloc_trim(0)
        #endif
    }
}
