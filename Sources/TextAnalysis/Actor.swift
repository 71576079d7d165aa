/// Someone the news is about: a state, a territory, an organisation, an armed
/// group or a person, with every name it goes by (see the article "The actors file").
public struct Actor: Sendable, Equatable {
    /// Stable identifier: `IRN`, `IRGC`, `P-SOLEIMANI`; for an actor learned from
    /// the text, its kind's letter and its normalised name (`p:nasser-kanaani`).
    public var id: String
    public var kind: ActorKind
    /// How results show the actor.
    public var name: String
    /// The ID of the actor this one belongs to (Quds Force → IRGC → Iran).
    public var parent: String?
    public var aliases: [Alias]
    /// Where the entry comes from, and free notes (kept when the file is rewritten).
    public var sources: [String]
    public var notes: [String]

    public init(
        id: String, kind: ActorKind, name: String, parent: String? = nil, aliases: [Alias] = [],
        sources: [String] = [], notes: [String] = []
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.parent = parent
        self.aliases = aliases
        self.sources = sources
        self.notes = notes
    }
}

/// One name of an actor and the rule it matches by.
public struct Alias: Sendable, Equatable, Hashable {
    public var text: String
    public var rule: ActorRule
    /// Counts only when no other capitalised word stands next to it ("Chad", "Jordan").
    public var needsContext: Bool

    public init(_ text: String, rule: ActorRule, needsContext: Bool = false) {
        self.text = text
        self.rule = rule
        self.needsContext = needsContext
    }
}

/// What an actor is.
public enum ActorKind: String, Sendable, CaseIterable {
    case country
    case territory
    case organisation
    case armedGroup = "armed-group"
    case person
    /// A blocker: its aliases match (so the longest match wins) but name nobody.
    case none

    /// A stable small number for the index's actor table.
    public var code: UInt8 {
        UInt8(Self.allCases.firstIndex(of: self)!)
    }

    public init?(code: UInt8) {
        guard Int(code) < Self.allCases.count else { return nil }
        self = Self.allCases[Int(code)]
    }
}

/// Why a span of text was read as an actor; `gazette analyze` shows it.
public enum ActorRule: String, Sendable, CaseIterable {
    /// The display name or an official name.
    case name
    case alias
    case former
    case demonym
    /// The seat of government standing for the government ("Tehran said").
    case capital
    case acronym
    case surname
    /// A city at the start of a dateline ("NEW YORK, March 3 -").
    case dateline
    /// An acronym defined in the article: "Islamic Revolutionary Guard Corps (IRGC)".
    case learned
    /// A run of capitalised words naming someone the gazetteer does not know.
    case capitalisedName = "capitalised-name"
}
