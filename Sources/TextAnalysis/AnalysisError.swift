/// The one error type of text analysis: a gazetteer (actors file) that cannot
/// be read, named by file and line.
public struct AnalysisError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// An actors file breaks the format (see "The actors file").
        public static let badActorsFile = Code(name: "badActorsFile")
    }

    public var code: Code
    public var message: String
    /// The file, as the user named it ("<bundled>" for the built-in gazetteer).
    public var path: String?
    /// 1-based line number, when known.
    public var line: Int?

    public init(_ code: Code, _ message: String, path: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
    }

    public var description: String {
        var text = ""
        if let path { text += path + (line.map { ":\($0)" } ?? "") + ": " }
        return text + message
    }
}
