import ArgumentParser
import GazetteCLI
import IndexFormat
import NewsCore
import Search

/// `gazette export --format opensearch`: the index's articles as the
/// OpenSearch / Elasticsearch `_bulk` format, for when one machine is not
/// enough, and `--mapping` for the matching index mapping.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the index's articles for another engine (OpenSearch/Elasticsearch _bulk NDJSON).",
        discussion: """
            Each live article becomes two lines: the action ({"index": {"_index": NAME, "_id": PATH}}) \
            and the document: path, title, text, published and modified dates, byline, site, url, \
            language, description, and its actors (id, name, kind and mentions, most mentioned \
            first), with their ids again in actor_ids for simple filters. The _id is the article's \
            path, the id Gazette's own results give (document numbers change when segments merge). \
            --mapping prints the index mapping these documents match; create the index with it \
            before loading them:

              gazette export --format opensearch --mapping > mapping.json
              gazette export --format opensearch > bulk.ndjson
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case opensearch
    }

    @OptionGroup var location: IndexLocation

    @Option(help: ArgumentHelp("The target's format (opensearch: the _bulk API's NDJSON).", valueName: "format"))
    var format: Format = .opensearch

    @Flag(help: "Print the index mapping (settings and field types) instead of the documents.")
    var mapping = false

    @Option(help: ArgumentHelp("The target index's name, in the action lines.", valueName: "name"))
    var name = "gazette"

    func validate() throws {
        if name.isEmpty || name.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            throw ValidationError("--name must be a plain index name")
        }
    }

    /// The mapping: full-text fields analysed with OpenSearch's English
    /// analyser (Gazette stems English too), identifiers and names as
    /// keywords, actors as nested objects so that one actor's kind and
    /// count stay together in a query.
    static let mappingJSON = """
        {
          "settings": {"number_of_shards": 1},
          "mappings": {
            "dynamic": "strict",
            "properties": {
              "path": {"type": "keyword"},
              "title": {"type": "text", "analyzer": "english"},
              "text": {"type": "text", "analyzer": "english"},
              "published": {"type": "date", "format": "strict_date_optional_time"},
              "modified": {"type": "date", "format": "strict_date_optional_time"},
              "byline": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
              "site": {"type": "keyword"},
              "url": {"type": "keyword"},
              "language": {"type": "keyword"},
              "description": {"type": "text", "analyzer": "english"},
              "actors": {
                "type": "nested",
                "properties": {
                  "id": {"type": "keyword"},
                  "name": {"type": "keyword"},
                  "kind": {"type": "keyword"},
                  "mentions": {"type": "integer"}
                }
              },
              "actor_ids": {"type": "keyword"}
            }
          }
        }
        """

    func run() throws {
        if mapping {
            print(Self.mappingJSON)
            return
        }
        do {
            let searcher = Searcher(reader: try IndexReader(directory: location.path))
            var action: [UInt8] = Array("{\"index\": {\"_index\": ".utf8)
            JSONOutput.append(name, to: &action)
            action += Array(", \"_id\": ".utf8)
            try searcher.forEachArticle { article, actors in
                var out = action
                JSONOutput.append(article.path, to: &out)
                out += Array("}}\n".utf8)
                Self.appendDocument(article, actors, to: &out)
                print(String(decoding: out, as: UTF8.self))
            }
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
    }

    static func appendDocument(_ article: Article, _ actors: [ArticleActor], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        // The fields of `extract --json`, absent ones left out rather than
        // null ("dynamic": "strict" takes both, and the lines stay short).
        JSONOutput.appendMembers(ArticleJSON.fields(article), omittingNull: true, to: &out)
        out += Array(", \"actors\": [".utf8)
        for (k, named) in actors.enumerated() {
            out += Array((k > 0 ? ", {\"id\": " : "{\"id\": ").utf8)
            JSONOutput.append(named.actor.id, to: &out)
            out += Array(", \"name\": ".utf8)
            JSONOutput.append(named.actor.name, to: &out)
            out += Array(", \"kind\": ".utf8)
            JSONOutput.append(named.actor.kind.rawValue, to: &out)
            out += Array(", \"mentions\": \(named.mentions)}".utf8)
        }
        out += Array("], \"actor_ids\": [".utf8)
        for (k, named) in actors.enumerated() {
            if k > 0 { out += Array(", ".utf8) }
            JSONOutput.append(named.actor.id, to: &out)
        }
        out += Array("]}".utf8)
    }
}
