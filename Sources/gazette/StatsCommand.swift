import ArgumentParser
import GazetteCLI
import IndexFormat
import NewsCore
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

/// What `gazette stats` reports, read from the manifest, the term
/// dictionaries and the norms' date column: no postings are read.
struct IndexStats {
    var generation: UInt64
    var documents: Int
    /// Documents of deleted or replaced files, still in their segments until a merge drops them.
    var deletedDocuments: Int
    var segments: Int
    var failedFiles: Int
    var terms: Int
    var actorTerms: Int
    /// Bytes by file kind, in the manifest's order, and the manifest itself last.
    var bytesByKind: [(kind: String, bytes: UInt64)]
    /// Live documents with a publication date, and the first and last day;
    /// nil when the index predates dates (format 5 or older).
    var dated: (count: Int, first: CalendarDay?, last: CalendarDay?)?

    init(_ reader: IndexReader) throws {
        generation = reader.manifest.generation
        documents = Int(reader.liveCount)
        deletedDocuments = Int(reader.manifest.deletedCount)
        segments = reader.segments.count
        failedFiles = reader.manifest.failed.count
        (terms, actorTerms) = try reader.distinctTermCount(prefix: ActorTerm.prefix)
        // Summed by kind over the segments, in the order of a segment's files.
        var byKind: [String: UInt64] = [:]
        var order: [String] = []
        for file in reader.manifest.files {
            let kind = String(file.name.split(separator: ".").last ?? Substring(file.name))
            if byKind[kind] == nil { order.append(kind) }
            byKind[kind, default: 0] += file.length
        }
        bytesByKind = order.map { ($0, byKind[$0]!) }
        if reader.hasDates {
            var count = 0
            var first: CalendarDay? = nil
            var last: CalendarDay? = nil
            for segment in reader.segments {
                for document in 0..<segment.documentCount where !segment.isDeleted(document) {
                    guard let day = try segment.lengths.published(document)?.day else { continue }
                    count += 1
                    first = min(first ?? day, day)
                    last = max(last ?? day, day)
                }
            }
            dated = (count, first, last)
        }
        bytesByKind.append(("manifest", reader.sizeOnDisk - reader.manifest.files.reduce(0) { $0 + $1.length }))
    }

    var totalBytes: UInt64 { bytesByKind.reduce(0) { $0 + $1.bytes } }

    func human(_ path: String) -> String {
        var lines = [
            "\(path): commit \(generation)",
            "  documents   \(format(documents)) (\(format(deletedDocuments)) deleted)",
            "  segments    \(format(segments))",
            "  failed      \(format(failedFiles)) files (retried when they change)",
            "  terms       \(format(terms)) (\(format(actorTerms)) actors)",
            "  dated       "
                + (dated.map { dated in
                    "\(format(dated.count)) documents"
                        + (dated.first.map { ", \($0.iso8601) to \(dated.last!.iso8601)" } ?? "")
                } ?? "no dates stored (built before format 6: gazette index rebuilds it)"),
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
            + "\"segments\": \(segments), \"failed_files\": \(failedFiles), \"terms\": \(terms), \"actor_terms\": \(actorTerms), "
            + "\"dated_documents\": \(dated.map { String($0.count) } ?? "null"), "
            + "\"first_day\": \(dated?.first.map { "\"\($0.iso8601)\"" } ?? "null"), "
            + "\"last_day\": \(dated?.last.map { "\"\($0.iso8601)\"" } ?? "null"), "
            + "\"bytes\": {\(files)}, \"total_bytes\": \(totalBytes)}"
    }
}
