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
public final class WriteLock: Sendable {
    public let path: String
    private let fd: Int32

    /// Takes the index's write lock, or throws `.locked` naming the process
    /// that holds it (its pid, host and command, which the holder
    /// writes into the lock file once it has the lock, as Lucene's
    /// `write.lock` and Git's `index.lock` tell who is at work).
    public init(directory: String) throws(IndexError) {
        path = directory + "/write.lock"
        let fd = unsafe open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystem.ioError("open lock file", path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.holder(fd)
            close(fd)
            throw IndexError(
                .locked,
                "another gazette process is writing this index"
                    + (holder.isEmpty ? "" : " (\(holder)); wait for it to finish, or stop it"),
                path: directory)
        }
        self.fd = fd
        Self.describeHolder(fd)
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Writes who holds the lock: "pid 1234 on host: gazette index Corpus".
    /// Best effort: the lock is the `flock`, not these words.
    private static func describeHolder(_ fd: Int32) {
        var host = [CChar](repeating: 0, count: 256)
        // SAFETY: gethostname writes at most `host.count` bytes into the array's buffer.
        let named = unsafe gethostname(&host, host.count) == 0
        let hostName =
            named ? String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
        var arguments = CommandLine.arguments
        if let program = arguments.first?.split(separator: "/").last { arguments[0] = String(program) }
        let line = Array("pid \(getpid()) on \(hostName): \(arguments.joined(separator: " "))\n".utf8)
        guard ftruncate(fd, 0) == 0 else { return }
        // SAFETY: pwrite reads `count` bytes from the array's buffer, valid for the closure.
        _ = unsafe line.withUnsafeBytes { unsafe pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// The holder's line from the lock file, or "" when there is none yet.
    private static func holder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        // SAFETY: pread writes at most `count` bytes into the array's buffer, valid for the closure.
        let count = unsafe buffer.withUnsafeMutableBytes { unsafe pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return "" }
        return String(decoding: buffer[..<count].prefix { $0 != 0x0A }, as: UTF8.self).trimmingWhitespace
    }

}
