import ArgumentParser
import GazetteCLI
import IndexFormat
import Search

struct ActorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actors",
        abstract: "List the actors most mentioned in the index, or in the articles matching a query.",
        discussion: """
            With no query, the whole index; with words and/or --actor, the articles that match \
            them (the query's own actors are left out of the list). --with NAME lists the actors \
            named in the same sentence as NAME, then those in the same article.
            """)

    @Argument(help: ArgumentHelp("Query words (optional).", valueName: "query"))
    var query: [String] = []

    @OptionGroup var location: IndexLocation

    @Option(
        name: .customLong("actor"),
        help: ArgumentHelp("Only articles that mention this actor (repeatable).", valueName: "name"))
    var actors: [String] = []

    @Option(help: ArgumentHelp("List the actors mentioned together with this one.", valueName: "name"))
    var with: String?

    @Flag(help: "An actor also matches its members (Iran → IRGC → Quds Force).")
    var includeMembers = false

    @Option(name: [.short, .long], help: "Number of actors to list; 0 lists all.")
    var limit = 20

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
        if with != nil && (!query.isEmpty || !actors.isEmpty) {
            throw ValidationError("--with lists one actor's company; give it without a query or --actor")
        }
    }

    func run() throws {
        do {
            try ensureDefaultIndex(location)
            let searcher = Searcher(reader: try IndexReader(directory: location.path))
            if let with {
                let found = try searcher.coMentions(with: with, includeMembers: includeMembers, limit: limit)
                json ? print(ActorsJSON.render(found)) : printHuman(found)
                if found.documents == 0 { throw ExitCode(Terminal.Exit.noResults) }
            } else {
                let text = query.joined(separator: " ")
                let options = SearchOptions(limit: 0, actors: actors, includeMembers: includeMembers)
                let facets = try searcher.actorFacets(text, options, limit: limit)
                json ? print(ActorsJSON.render(facets)) : printHuman(facets)
                if facets.actors.isEmpty { throw ExitCode(Terminal.Exit.noResults) }
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
    }

    private func printHuman(_ facets: ActorFacets) {
        var scope = "the whole index"
        if !facets.query.isEmpty || !facets.queried.isEmpty {
            var parts: [String] = []
            if !facets.query.isEmpty { parts.append("\"\(facets.query)\"") }
            for actor in facets.queried { parts.append("actor \(actor.actor.name) (\(actor.actor.id))") }
            scope = "the \(format(facets.documents)) articles matching " + parts.joined(separator: " with ")
        }
        print("Actors in \(scope), by articles:")
        printTable(facets.actors, sentences: false)
    }

    private func printHuman(_ found: CoMentions) {
        let anchor = "\(found.anchor.actor.name) (\(found.anchor.actor.id))"
        print("\(format(found.documents)) articles mention \(anchor).")
        print("")
        print("In the same sentence as \(found.anchor.actor.name), by sentences:")
        printTable(found.sentence, sentences: true)
        print("")
        print("In the same article, by articles:")
        printTable(found.article, sentences: false)
    }

    private func printTable(_ counts: [ActorCount], sentences: Bool) {
        if counts.isEmpty {
            print("  (none)")
            return
        }
        let header = sentences ? "  sentences  articles  actor" : "  articles  actor"
        print(header)
        for count in counts {
            let articles = pad(format(count.articles), 8)
            let name = "\(count.actor.name)  \(count.actor.id), \(count.actor.kind.rawValue)"
            if sentences {
                print("  \(pad(format(count.sentences), 9))  \(articles)  \(name)")
            } else {
                print("  \(articles)  \(name)")
            }
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
