import IndexFormat
import TextAnalysis

/// The actors an index knows: the gazetteer it was built with and the actors
/// it learned from the text. Resolves the names users type.
public struct ActorCatalog: Sendable {
    public let gazetteer: Gazetteer
    /// The actors learned from the text, read on first use: a name the
    /// gazetteer answers never needs them, and a large index learns tens of
    /// thousands.
    /// Each segment's analysis file and where its learned actors start.
    private let files: [(file: AnalysisFileReader, learnedOffset: Int)]
    private let learnedActors = Memo<LearnedActors>()

    struct LearnedActors: Sendable {
        var actors: [Actor]
        var byID: [String: Int]
    }

    /// One actor, as results show it.
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var name: String
        public var kind: ActorKind

        init(_ actor: Actor) {
            id = actor.id
            name = actor.name
            kind = actor.kind
        }
    }

    /// A catalog over an index's analysis files, one a segment: the gazetteer
    /// (the same in each, so read from the first) now, the learned actors
    /// (each segment's own; the same ID names the same actor) when first needed.
    public init(files: [AnalysisFileReader]) throws {
        var located: [(AnalysisFileReader, Int)] = []
        var text = ""
        for (index, file) in files.enumerated() {
            // Read for a search: structure checked, the CRC left to `verify` (see AnalysisFileReader).
            let (gazetteerText, learnedOffset) = try file.gazetteerText(verifying: false)
            if index == 0 { text = gazetteerText }
            located.append((file, learnedOffset))
        }
        do {
            gazetteer = try Gazetteer(parsing: text, path: "the index's gazetteer", checkingAliases: false)
        } catch {
            throw IndexError(.corruptIndex, "the index's gazetteer cannot be read: \(error)")
        }
        self.files = located
    }

    private func learned() throws(IndexError) -> LearnedActors {
        try learnedActors.get { () throws(IndexError) in
            var actors: [Actor] = []
            var byID: [String: Int] = [:]
            for (file, offset) in files {
                for actor in try file.learnedActors(at: offset) where byID[actor.id] == nil {
                    byID[actor.id] = actors.count
                    actors.append(Actor(id: actor.id, kind: ActorKind(code: actor.kind) ?? .person, name: actor.name))
                }
            }
            return LearnedActors(actors: actors, byID: byID)
        }
    }

    /// The display entry of an actor ID (gazetteer or learned).
    public func entry(id: String) throws -> Entry? {
        if let actor = gazetteer.actor(id: id) {
            return Entry(actor)
        }
        let learned = try learned()
        if let index = learned.byID[id] {
            let actor = learned.actors[index]
            return Entry(actor)
        }
        return nil
    }

    /// The one actor `name` means.
    ///
    /// The gazetteer answers first: an ID, a name or any alias, compared word by
    /// word without regard to case ("Tehran", "IRANIAN" and "irn" all mean
    /// Iran). Otherwise the actors learned from the text answer, by their full
    /// name or their last word ("Kanaani"). Several candidates make the name
    /// ambiguous; the error lists them.
    public func resolve(_ name: String) throws -> Entry {
        let candidates = gazetteer.resolve(name).map { index in
            let actor = gazetteer.actors[index]
            return Entry(actor)
        }
        if candidates.count == 1 { return candidates[0] }
        if candidates.count > 1 { throw ambiguity(name, candidates) }
        let words = Tokenizer().terms(name)
        guard !words.isEmpty else {
            throw SearchError(.emptyQuery, "an actor name needs a word", query: name)
        }
        let learned = try learned()
        if let index = learned.byID[name] {
            let actor = learned.actors[index]
            return Entry(actor)
        }
        let key = words.joined(separator: "-")
        var found: [Entry] = []
        for actor in learned.actors {
            // The ID's words, after the kind letter: "p:nasser-kanaani".
            let idWords = actor.id.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
            if idWords == key || (words.count == 1 && idWords.hasSuffix("-" + key)) {
                found.append(Entry(actor))
            }
        }
        if found.count == 1 { return found[0] }
        if found.count > 1 { throw ambiguity(name, found) }
        throw SearchError(
            .unknownActor,
            "no actor is called \"\(name)\": it is neither in the gazetteer nor a name learned from the indexed text (try `gazette actors` to list them)",
            query: name)
    }

    private func ambiguity(_ name: String, _ candidates: [Entry]) -> SearchError {
        let list = candidates.prefix(12).map { "\($0.id) (\($0.name), \($0.kind.rawValue))" }.joined(separator: ", ")
        let more = candidates.count > 12 ? ", and \(candidates.count - 12) more" : ""
        return SearchError(
            .ambiguousActor,
            "\"\(name)\" may mean \(candidates.count) actors: \(list)\(more); name one by its ID, e.g. --actor \(candidates[0].id)",
            query: name)
    }

    /// Resolves each name (``resolve(_:)``), with its members' IDs when asked.
    public func resolve(_ names: [String], includeMembers: Bool) throws -> [ResolvedActor] {
        try names.map { name in
            let entry = try resolve(name)
            return ResolvedActor(actor: entry, ids: includeMembers ? withMembers(entry.id) : [entry.id])
        }
    }

    /// The IDs of an actor and all its members (Iran → IRGC → Quds Force).
    public func withMembers(_ id: String) -> [String] {
        guard let index = gazetteer.index(ofID: id) else { return [id] }
        return gazetteer.withMembers(index).map { gazetteer.actors[$0].id }
    }
}
