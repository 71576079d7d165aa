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
    }

    public var code: Code
    public var message: String
    public var query: String

    public init(_ code: Code, _ message: String, query: String) {
        self.code = code
        self.message = message
        self.query = query
    }

    public var description: String { "query \"\(query)\": \(message)" }
}
