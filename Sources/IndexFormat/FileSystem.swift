import NewsCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few POSIX calls the index needs to write durably, wrapped so that every
/// failure becomes an ``IndexError`` naming the path and the operation.
///
/// Durability follows the classic recipe (and Lucene's `FSDirectory`): write a
/// file, `fsync` it, `rename` it into place, `fsync` the directory.
public enum FileSystem {
    static func ioError(_ operation: String, _ path: String, _ code: Int32 = errno) -> IndexError {
        IndexError(
            .io, "cannot \(operation)", path: path,
            underlying: SystemError(errno: code, operation: operation))
    }

    public static func fileExists(_ path: String) -> Bool {
        unsafe access(path, F_OK) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return unsafe stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates `path` and its missing parents, making each new entry durable
    /// (fsync of its parent), so a first commit in a new directory survives a crash.
    public static func createDirectory(_ path: String) throws(IndexError) {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            let parent = prefix.isEmpty ? "." : prefix
            prefix += component + "/"
            if isDirectory(prefix) { continue }
            if unsafe mkdir(prefix, 0o755) != 0 {
                if errno == EEXIST {
                    throw IndexError(.io, "exists and is not a directory", path: String(prefix.dropLast()))
                }
                throw ioError("create directory", String(prefix.dropLast()))
            }
            try syncDirectory(parent)
        }
    }

    /// The names in a directory, unsorted, without "." and "..".
    public static func listDirectory(_ path: String) throws(IndexError) -> [String] {
        switch SystemFiles.listDirectory(path) {
        case .success(let names): return names
        case .failure(let error): throw ioError("list directory", path, error.errno)
        }
    }

    /// Reads a whole (small) file.
    public static func readFile(_ path: String) throws(IndexError) -> [UInt8] {
        switch SystemFiles.readFile(path) {
        case .success(let bytes): return bytes
        case .failure(let error) where error.isNotFound:
            throw IndexError(.indexNotFound, "no such file", path: path)
        case .failure(let error): throw ioError(error.operation, path, error.errno)
        }
    }

    public static func rename(_ from: String, to: String) throws(IndexError) {
        guard unsafe Glibc.rename(from, to) == 0 else { throw ioError("rename to \(to)", from) }
    }

    public static func remove(_ path: String) {
        unsafe unlink(path)
    }

    /// Makes a directory's entries (a rename, a new file) durable.
    public static func syncDirectory(_ path: String) throws(IndexError) {
        let fd = unsafe open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("open directory", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ioError("fsync directory", path) }
    }
}

/// An exclusive, advisory lock on `write.lock` in an index directory, held for
/// the life of the object, so that two writers never interleave commits.
/// The kernel drops an `flock` when its process dies, so a crash leaves no stale lock.
public final class WriteLock {
    public let path: String
    private let fd: Int32

    public init(directory: String) throws(IndexError) {
        path = directory + "/write.lock"
        let fd = unsafe open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystem.ioError("open lock file", path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw IndexError(.locked, "another gazette process is writing this index", path: directory)
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
