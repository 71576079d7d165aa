import ArgumentParser
import GazetteCLI

@main
struct Gazette: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gazette",
        abstract: "Search engine for news archives: index a folder of articles, then search it.",
        discussion: """
            With no --index, every command uses ./Index, and `gazette search` (or `actors`) \
            builds it from ./Corpus first if it does not exist yet.

            Examples:
              gazette index ~/news                      index a folder; again: what changed
              gazette search '"foreign forces" -Syria'  a phrase, and not a word
              gazette search --actor Iran militias      about Iran, mentioning militias
              gazette search 'date:2024-04 ceasefire' --json
              gazette actors --with Hezbollah           who is named with Hezbollah
              gazette extract page.html                 what indexing reads from a page
              gazette verify                            check every checksum of the index

            Shell completions: gazette --generate-completion-script bash (or zsh, fish).

            Exit status: 0 results found (or command done), 1 no results (or no actor of that \
            name), 64 bad usage, empty query or ambiguous actor name, 65 damaged index or \
            malformed actors file, 66 missing corpus or index (or nothing to index), 69 gazette-serve not installed, 73 --index \
            names a folder of other files, 74 I/O error, 75 index locked by another writer.
            """,
        version: "0.1.0",
        subcommands: [
            IndexCommand.self, SearchCommand.self, ActorsCommand.self, AnalyzeCommand.self, VerifyCommand.self,
            StatsCommand.self, OptimizeCommand.self, ExtractCommand.self, ExportCommand.self, ServeCommand.self,
        ],
        defaultSubcommand: nil
    )
}
