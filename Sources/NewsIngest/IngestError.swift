import NewsCore

/// The one error type of ingestion: a failure that stops a whole corpus read
/// (a per-file problem is an ``IngestProblem`` and never stops anything).
public struct IngestError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The corpus path does not exist.
        public static let notFound = Code(name: "notFound")
        /// The corpus holds nothing that can be indexed.
        public static let noArticles = Code(name: "noArticles")
        /// The corpus path exists but cannot be read.
        public static let unreadable = Code(name: "unreadable")
    }

    public var code: Code
    public var message: String
    public var path: String
    public var underlying: SystemError?

    public init(_ code: Code, _ message: String, path: String, underlying: SystemError? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.underlying = underlying
    }

    public var description: String { "\(path): \(message)" }
}

/// Something wrong with one file: it was skipped, or read with a repair.
public struct IngestProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: Sendable, Equatable {
        /// The file was not indexed.
        case skipped
        /// The file was indexed, with this caveat.
        case warning
    }

    public var path: String
    public var reason: String
    public var severity: Severity

    public init(path: String, reason: String, severity: Severity) {
        self.path = path
        self.reason = reason
        self.severity = severity
    }

    public var description: String { "\(path): \(reason)" }
}
