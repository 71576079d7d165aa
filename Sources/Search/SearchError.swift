/// The one error type of searching (the index's own failures stay `IndexError`).
public struct SearchError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The query has no searchable word (empty, or only punctuation).
        public static let emptyQuery = Code(name: "emptyQuery")
        /// The query cannot be understood.
        public static let badQuery = Code(name: "badQuery")
        /// An actor name that neither the gazetteer nor the indexed text knows.
        public static let unknownActor = Code(name: "unknownActor")
        /// An actor name that means several actors.
        public static let ambiguousActor = Code(name: "ambiguousActor")
        /// Actor search on an index built without actors.
        public static let noActors = Code(name: "noActors")
        /// The search ran past its ``Deadline``.
        public static let timedOut = Code(name: "timedOut")
    }

    public var code: Code
    public var message: String
    public var query: String
    /// For a syntax error, the offset (in characters) of the offending character.
    public var position: Int?

    public init(_ code: Code, _ message: String, query: String, position: Int? = nil) {
        self.code = code
        self.message = message
        self.query = query
        self.position = position
    }

    public var description: String {
        guard let position else { return "query \"\(query)\": \(message)" }
        // The query, and a caret under the offending character.
        let caret = String(repeating: " ", count: position) + "^"
        return "query \"\(query)\": \(message) (character \(position + 1))\n  \(query)\n  \(caret)"
    }
}
