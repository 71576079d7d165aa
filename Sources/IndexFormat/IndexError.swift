import NewsCore

/// The one error type of the index format: what went wrong, where, and why.
///
/// Modelled on swift-nio's `FileSystemError`: an extensible `code`, a message
/// for people, the file and byte offset when known, and the underlying error.
public struct IndexError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// No index (no `MANIFEST`) in the directory.
        public static let indexNotFound = Code(name: "indexNotFound")
        /// Bytes on disk do not match what was written: bad magic, checksum,
        /// length, or a structure that points outside its file.
        public static let corruptIndex = Code(name: "corruptIndex")
        /// Written by an older Gazette whose format this one no longer reads.
        public static let formatTooOld = Code(name: "formatTooOld")
        /// Written by a newer Gazette.
        public static let formatTooNew = Code(name: "formatTooNew")
        /// The directory holds other files and no index: Gazette will not write there.
        public static let notAnIndex = Code(name: "notAnIndex")
        /// Another process holds the index's write lock.
        public static let locked = Code(name: "locked")
        /// The operating system refused a read, write, sync or rename.
        public static let io = Code(name: "io")
    }

    public var code: Code
    public var message: String
    public var path: String?
    public var offset: Int?
    public var underlying: (any Error & Sendable)?

    public init(
        _ code: Code, _ message: String, path: String? = nil, offset: Int? = nil,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        self.underlying = underlying
    }

    public var description: String {
        var text = ""
        if let path { text += "\(path): " }
        text += message
        if let offset { text += " (at byte \(offset))" }
        if let underlying { text += ": \(underlying)" }
        return text
    }

    static func corrupt(_ message: String, path: String?, offset: Int? = nil) -> IndexError {
        IndexError(.corruptIndex, message, path: path, offset: offset)
    }
}
