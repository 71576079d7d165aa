import NewsCore

/// The actors Gazette knows and every name they go by: the bundled gazetteer,
/// optionally merged with a user's actors file (format: the article "The actors file").
///
/// Parsing is done once per process (`bundled` is a lazily initialised
/// global); the alias trie that recognition walks is built with it.
public struct Gazetteer: Sendable {
    /// Actors in file order; IDs are unique.
    public private(set) var actors: [Actor]
    private var indexByID: [String: Int]
    /// The trie over alias words; rebuilt after every change.
    public private(set) var matcher: AliasMatcher

    /// The gazetteer compiled into Gazette (`Sources/TextAnalysis/Gazetteer/actors.txt`).
    public static let bundled: Gazetteer = {
        do {
            return try Gazetteer(parsing: bundledText, path: "<bundled gazetteer>")
        } catch {
            // The bundled file is checked by the tests; a broken one is a build defect.
            preconditionFailure("the bundled gazetteer does not parse: \(error)")
        }
    }()

    /// An empty gazetteer: recognises nobody (but still learns names from the text).
    public init() {
        actors = []
        indexByID = [:]
        matcher = Self.emptyMatcher
    }

    /// Built once: parsing starts from an empty gazetteer, and building even an
    /// empty matcher interns the word lists.
    private static let emptyMatcher = AliasMatcher(actors: [])

    /// Parses an actors file. `path` names it in errors.
    ///
    /// `checkingAliases` false skips tokenizing each alias to check that it
    /// has a word: for a gazetteer an index stored, which was checked when
    /// the index was written (the matcher ignores a wordless alias anyway).
    /// The check was a quarter of parsing, 10 M instructions of every
    /// `gazette search --actor` process (callgrind).
    public init(parsing text: String, path: String, checkingAliases: Bool = true) throws(AnalysisError) {
        self.init()
        try merge(parsing: text, path: path, isOverride: false, checkingAliases: checkingAliases)
    }

    public func actor(id: String) -> Actor? {
        indexByID[id].map { actors[$0] }
    }

    public func index(ofID id: String) -> Int? { indexByID[id] }

    /// Merges a user's actors file: new IDs are added; an existing ID's kind,
    /// name and parent are replaced when given, its aliases added to, and its
    /// `remove` aliases taken away. An alias given in this file is taken from
    /// every other actor (the user's word wins).
    /// - Returns: the number of actors the file names.
    @discardableResult
    public mutating func merge(parsing text: String, path: String) throws(AnalysisError) -> Int {
        try merge(parsing: text, path: path, isOverride: true)
    }

    @discardableResult
    private mutating func merge(
        parsing text: String, path: String, isOverride: Bool, checkingAliases: Bool = true
    ) throws(AnalysisError) -> Int {
        let blocks = try ActorsFileParser.parse(text, path: path, checkingAliases: checkingAliases)
        // In a user's file, each alias it gives, and the actor that now owns it
        // (the last block to give it).
        var claimed: [AliasKey: String] = [:]
        for block in blocks {
            if let existing = indexByID[block.id] {
                guard isOverride else {
                    throw AnalysisError(
                        .badActorsFile, "actor \(block.id) is defined twice", path: path, line: block.line)
                }
                var actor = actors[existing]
                if let kind = block.kind { actor.kind = kind }
                if let name = block.name, name != actor.name {
                    actor.name = name
                    if !actor.aliases.contains(where: { $0.text == name }) {
                        actor.aliases.insert(Alias(name, rule: .name), at: 0)
                    }
                }
                if let parent = block.parent { actor.parent = parent.isEmpty ? nil : parent }
                if !block.removed.isEmpty {
                    let removed = Set(block.removed.map(AliasKey.init))
                    actor.aliases.removeAll { removed.contains(AliasKey($0.text)) }
                }
                for alias in block.aliases where !actor.aliases.contains(alias) { actor.aliases.append(alias) }
                actor.sources += block.sources
                actor.notes += block.notes
                actors[existing] = actor
            } else {
                guard let kind = block.kind, let name = block.name else {
                    throw AnalysisError(
                        .badActorsFile, "a new actor needs a kind and a name: ID KIND NAME", path: path,
                        line: block.line)
                }
                var aliases = [Alias(name, rule: .name)]
                for alias in block.aliases {
                    if let same = aliases.firstIndex(where: { $0.text == alias.text }) {
                        aliases[same].needsContext = aliases[same].needsContext || alias.needsContext
                    } else {
                        aliases.append(alias)
                    }
                }
                let parent = block.parent.flatMap { $0.isEmpty ? nil : $0 }
                indexByID[block.id] = actors.count
                actors.append(
                    Actor(
                        id: block.id, kind: kind, name: name, parent: parent, aliases: aliases,
                        sources: block.sources, notes: block.notes))
            }
            if isOverride {
                for alias in block.aliases { claimed[AliasKey(alias.text)] = block.id }
            }
        }
        if !claimed.isEmpty {
            // The user's aliases move to their actor from every other one: one
            // pass over all aliases, each made a key once, not once per block.
            for index in actors.indices {
                let id = actors[index].id
                actors[index].aliases.removeAll { alias in
                    alias.rule != .name && claimed[AliasKey(alias.text)].map { $0 != id } ?? false
                }
            }
        }
        // Parents must exist, and the chain must end.
        for actor in actors {
            var seen: Set<String> = [actor.id]
            var next = actor.parent
            while let id = next {
                guard let parent = indexByID[id] else {
                    throw AnalysisError(.badActorsFile, "actor \(actor.id) names an unknown parent \(id)", path: path)
                }
                guard seen.insert(id).inserted else {
                    throw AnalysisError(
                        .badActorsFile, "actor \(actor.id) is its own ancestor through \(id)", path: path)
                }
                next = actors[parent].parent
            }
        }
        matcher = AliasMatcher(actors: actors)
        return blocks.count
    }

    /// The actor and its members, members' members and so on (Iran → IRGC → Quds Force).
    public func withMembers(_ index: Int) -> [Int] {
        var children: [String: [Int]] = [:]
        for (i, actor) in actors.enumerated() {
            if let parent = actor.parent { children[parent, default: []].append(i) }
        }
        var result = [index]
        var k = 0
        while k < result.count {
            result += children[actors[result[k]].id] ?? []
            k += 1
        }
        return result
    }

    /// The actors a name the user typed may mean: an ID ("IRN", any case) or any
    /// alias, compared word by word without regard to case ("tehran", "Iran's",
    /// "IRANIAN"). Blockers never answer.
    public func resolve(_ name: String) -> [Int] {
        let trimmed = name.trimmingWhitespace
        if let index = indexByID[trimmed] ?? indexByID[trimmed.uppercased()], actors[index].kind != .none {
            return [index]
        }
        // The alias trie recognition walks answers this too, one probe a word.
        return matcher.actors(named: trimmed).filter { actors[$0].kind != .none }
    }

    /// The file, in the actors-file format (the index stores it so that a query
    /// resolves names exactly as indexing recognised them).
    public func serialized() -> String {
        var out = "# Gazette actors file: the gazetteer an index was built with.\n"
        for actor in actors {
            out += "\n\(actor.id) \(actor.kind.rawValue) \(actor.name)\n"
            if let parent = actor.parent { out += "  parent: \(parent)\n" }
            for key in ActorsFileParser.aliasKeys {
                let values = actor.aliases.filter { alias in
                    ActorsFileParser.key(for: alias) == key
                        && !(alias.rule == .name && alias.text == actor.name && !alias.needsContext)
                }
                if !values.isEmpty { out += "  \(key): " + values.map(\.text).joined(separator: "; ") + "\n" }
            }
            for source in actor.sources { out += "  source: \(source)\n" }
            for note in actor.notes { out += "  note: \(note)\n" }
        }
        return out
    }
}

/// An alias compared the way a user's name is: its folded words, ignoring case.
struct AliasKey: Hashable {
    var terms: [String]
    init(_ text: String) {
        terms = Tokenizer().terms(text)
    }
}

/// Reads the actors-file format into blocks; semantic checks are the gazetteer's.
enum ActorsFileParser {
    struct Block {
        var id: String
        var line: Int
        var kind: ActorKind?
        var name: String?
        var parent: String?
        var aliases: [Alias] = []
        var removed: [String] = []
        var sources: [String] = []
        var notes: [String] = []
    }

    /// Keys whose values are aliases, in the order a serialised file lists them.
    static let aliasKeys = [
        "official", "alias", "ambiguous", "former", "demonym", "capital", "acronym", "surname", "dateline",
    ]

    static func key(for alias: Alias) -> String {
        if alias.needsContext { return "ambiguous" }
        switch alias.rule {
        case .name: return "official"
        case .alias, .learned, .capitalisedName: return "alias"
        case .former: return "former"
        case .demonym: return "demonym"
        case .capital: return "capital"
        case .acronym: return "acronym"
        case .surname: return "surname"
        case .dateline: return "dateline"
        }
    }

    static func rule(forKey key: String) -> (ActorRule, Bool)? {
        switch key {
        case "official": (.name, false)
        case "alias": (.alias, false)
        case "ambiguous": (.alias, true)
        case "former": (.former, false)
        case "demonym": (.demonym, false)
        case "capital": (.capital, false)
        case "acronym": (.acronym, false)
        case "surname": (.surname, false)
        case "dateline": (.dateline, false)
        default: nil
        }
    }

    /// Parses on UTF-8 bytes (lines, ":" and ";" are ASCII): the bundled file
    /// is parsed at every start of a process that recognises actors, and
    /// `Character`-level splitting made that several times slower.
    static func parse(_ text: String, path: String, checkingAliases: Bool = true) throws(AnalysisError) -> [Block] {
        let bytes = Array(text.utf8)
        var blocks: [Block] = []
        var number = 0
        var seen = Set<String>()
        let tokenizer = Tokenizer()
        func string(_ range: Range<Int>) -> String { String(decoding: bytes[trimmed(range)], as: UTF8.self) }
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var lower = range.lowerBound
            var upper = range.upperBound
            while lower < upper, isBlank(bytes[lower]) { lower += 1 }
            while upper > lower, isBlank(bytes[upper - 1]) { upper -= 1 }
            return lower..<upper
        }
        var lineStart = 0
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            number += 1
            var end = lineEnd
            if end > lineStart && bytes[end - 1] == 0x0D { end -= 1 }
            var content = lineStart
            while content < end && (bytes[content] == 0x20 || bytes[content] == 0x09) { content += 1 }
            if content == end || bytes[content] == UInt8(ascii: "#") { continue }
            if content == lineStart {
                // A block header: ID KIND NAME…, or ID alone in an override.
                var parts: [Range<Int>] = []
                var k = lineStart
                while k < end && parts.count < 2 {
                    while k < end && bytes[k] == 0x20 { k += 1 }
                    let start = k
                    while k < end && bytes[k] != 0x20 { k += 1 }
                    if k > start { parts.append(start..<k) }
                }
                while k < end && bytes[k] == 0x20 { k += 1 }
                if k < end { parts.append(k..<end) }
                let id = string(parts[0])
                guard isValidID(id) else {
                    throw AnalysisError(
                        .badActorsFile,
                        "\"\(id)\" is not an actor ID (letters, digits, _ and -, starting with a letter, at most 32 bytes)",
                        path: path, line: number)
                }
                guard seen.insert(id).inserted else {
                    throw AnalysisError(.badActorsFile, "actor \(id) is defined twice", path: path, line: number)
                }
                var block = Block(id: id, line: number)
                if parts.count > 1 {
                    let kindName = string(parts[1])
                    guard let kind = ActorKind(rawValue: kindName) else {
                        throw AnalysisError(
                            .badActorsFile,
                            "unknown kind \"\(kindName)\" (expected "
                                + ActorKind.allCases.map(\.rawValue).joined(separator: ", ") + ")",
                            path: path, line: number)
                    }
                    block.kind = kind
                    guard parts.count > 2 else {
                        throw AnalysisError(.badActorsFile, "actor \(id) has no display name", path: path, line: number)
                    }
                    block.name = string(parts[2])
                }
                blocks.append(block)
                continue
            }
            guard !blocks.isEmpty else {
                throw AnalysisError(.badActorsFile, "an indented line before any actor", path: path, line: number)
            }
            guard let colon = bytes[content..<end].firstIndex(of: UInt8(ascii: ":")) else {
                throw AnalysisError(.badActorsFile, "expected \"key: value\"", path: path, line: number)
            }
            let key = string(content..<colon)
            let valueRange = colon + 1..<end
            var values: [String] = []
            var start = valueRange.lowerBound
            for k in valueRange where bytes[k] == UInt8(ascii: ";") {
                if !trimmed(start..<k).isEmpty { values.append(string(start..<k)) }
                start = k + 1
            }
            if !trimmed(start..<end).isEmpty { values.append(string(start..<end)) }
            if let (rule, needsContext) = rule(forKey: key) {
                for value in values {
                    var hasWord = !checkingAliases
                    if checkingAliases {
                        let utf8 = Array(value.utf8)
                        tokenizer.tokenize(utf8.span) { _, _ in hasWord = true }
                    }
                    guard hasWord else {
                        throw AnalysisError(.badActorsFile, "alias \"\(value)\" has no words", path: path, line: number)
                    }
                    blocks[blocks.count - 1].aliases.append(Alias(value, rule: rule, needsContext: needsContext))
                }
                continue
            }
            let joined = string(valueRange)
            switch key {
            case "parent":
                guard joined.isEmpty || isValidID(joined) else {
                    throw AnalysisError(.badActorsFile, "\"\(joined)\" is not an actor ID", path: path, line: number)
                }
                blocks[blocks.count - 1].parent = joined
            case "remove": blocks[blocks.count - 1].removed += values
            case "source": blocks[blocks.count - 1].sources.append(joined)
            case "note": blocks[blocks.count - 1].notes.append(joined)
            default:
                throw AnalysisError(
                    .badActorsFile,
                    "unknown key \"\(key)\" (expected "
                        + (aliasKeys + ["parent", "remove", "source", "note"]).joined(separator: ", ") + ")",
                    path: path, line: number)
            }
        }
        return blocks
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard let first = bytes.first, bytes.count <= 32, (first | 0x20) &- UInt8(ascii: "a") < 26 else {
            return false
        }
        return bytes.allSatisfy { byte in
            (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }
    }
}
