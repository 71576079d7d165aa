import ArgumentParser
import IndexFormat
import TextAnalysis

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show what the index holds: documents, segments, terms and bytes per file kind.")

    @OptionGroup var location: IndexLocation

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        do {
            let stats = try IndexStats(IndexReader(directory: location.path))
            print(json ? stats.json : stats.human(location.path))
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
    }
}

/// What `gazette stats` reports, read from the manifest and the term
/// dictionary: nothing is scanned, so it answers at once on any index.
struct IndexStats {
    var generation: UInt64
    var documents: Int
    /// Always 0 until deletions exist (issue "An index built for millions of articles").
    var deletedDocuments = 0
    var segments = 1
    var terms: Int
    var actorTerms: Int
    /// Bytes by file kind, in the manifest's order, and the manifest itself last.
    var bytesByKind: [(kind: String, bytes: UInt64)]

    init(_ reader: IndexReader) throws {
        generation = reader.manifest.generation
        documents = Int(reader.documentCount)
        terms = reader.terms.count
        actorTerms = try reader.terms.range(withPrefix: ActorTerm.prefix).count
        bytesByKind = reader.manifest.files.map { file in
            (String(file.name.split(separator: ".").last ?? Substring(file.name)), file.length)
        }
        bytesByKind.append(("manifest", reader.sizeOnDisk - reader.manifest.files.reduce(0) { $0 + $1.length }))
    }

    var totalBytes: UInt64 { bytesByKind.reduce(0) { $0 + $1.bytes } }

    func human(_ path: String) -> String {
        var lines = [
            "\(path): commit \(generation)",
            "  documents   \(format(documents)) (\(format(deletedDocuments)) deleted)",
            "  segments    \(format(segments))",
            "  terms       \(format(terms)) (\(format(actorTerms)) actors)",
            "  on disk     \(bytes(totalBytes))",
        ]
        let width = bytesByKind.map(\.kind.count).max() ?? 0
        for (kind, size) in bytesByKind {
            lines.append("    \(kind)\(String(repeating: " ", count: width - kind.count))  \(bytes(size))")
        }
        return lines.joined(separator: "\n")
    }

    var json: String {
        let files = bytesByKind.map { "\(JSONOutput.string($0.kind)): \($0.bytes)" }.joined(separator: ", ")
        return "{\"commit\": \(generation), \"documents\": \(documents), \"deleted_documents\": \(deletedDocuments), "
            + "\"segments\": \(segments), \"terms\": \(terms), \"actor_terms\": \(actorTerms), "
            + "\"bytes\": {\(files)}, \"total_bytes\": \(totalBytes)}"
    }
}
