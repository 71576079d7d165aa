import ArgumentParser
import NewsCore
import Search
import TextAnalysis

/// Hand-written JSON so that the keys keep the documented order.
public enum JSONOutput {
    /// The `--json` object; with `line`, a `--batch` answer (the query's line
    /// first). `took_ms` is the search's time in the process, parsing to
    /// snippets, without printing (Elasticsearch's `took`, to the microsecond):
    /// the latency benchmark reads it.
    public static func render(_ results: SearchResults, line: Int? = nil, took: Duration) -> String {
        var out = "{" + (line.map { "\"line\": \($0), " } ?? "")
        let microseconds = took.components.seconds * 1_000_000 + took.components.attoseconds / 1_000_000_000_000
        // With pruning, the total may be a lower bound ("at least"): total_exact says which.
        out += "\"query\": \(string(results.query)), \"total\": \(results.total), "
        out += "\"total_exact\": \(results.totalExact), "
        out += "\"took_ms\": \(Double(microseconds) / 1000), \"hits\": ["
        for (index, hit) in results.hits.enumerated() {
            if index > 0 { out += ", " }
            let highlights = hit.snippet.scalarHighlights.map { "[\($0.lowerBound), \($0.upperBound)]" }
            out += "{\"rank\": \(hit.rank), \"path\": \(string(hit.path)), \"title\": \(string(hit.title)), "
            let metadata = hit.metadata
            for (key, value) in [
                ("published", hit.published?.iso8601), ("modified", metadata.modified?.iso8601),
                ("byline", metadata.byline), ("site", metadata.site), ("url", metadata.url),
                ("language", metadata.language), ("description", metadata.description),
            ] {
                out += "\"\(key)\": \(string(value)), "
            }
            out += "\"score\": \(hit.score), \"snippet\": \(string(hit.snippet.text)), "
            out += "\"highlights\": [\(highlights.joined(separator: ", "))]"
            if !hit.passages.isEmpty {
                let passages = hit.passages.map { passage in
                    let marks = passage.scalarHighlights.map { "[\($0.lowerBound), \($0.upperBound)]" }
                    return "{\"text\": \(string(passage.text)), \"highlights\": [\(marks.joined(separator: ", "))]}"
                }
                out += ", \"passages\": [" + passages.joined(separator: ", ") + "]"
            }
            if let parts = hit.explanation {
                out += ", \"explain\": [" + parts.map(explain).joined(separator: ", ") + "]"
            }
            out += "}"
        }
        return out + "]}"
    }

    public static func explain(_ part: Contribution) -> String {
        let terms = part.terms.map {
            "{\"term\": \(string($0.term)), \"tf\": \($0.frequency), \"idf\": \($0.idf), \"score\": \($0.score)}"
        }
        return "{\"clause\": \(string(part.clause)), \"kind\": \"\(part.kind.rawValue)\", \"score\": \(part.score), "
            + "\"frequency\": \(part.frequency), \"idf\": \(part.idf), \"length\": \(part.length), "
            + "\"average_length\": \(part.averageLength), \"k1\": \(part.k1), \"b\": \(part.b), "
            + "\"terms\": [\(terms.joined(separator: ", "))]}"
    }

    /// `value` as a JSON string literal, or `null`.
    public static func string(_ value: String?) -> String { value.map { string($0) } ?? "null" }

    /// `value` as a JSON string literal.
    public static func string(_ value: String) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `"name": value` members to an object open in `out` (after
    /// its `{`), null values as `null` or, with `omittingNull`, left out.
    public static func appendMembers(
        _ members: [(name: String, value: String?)], omittingNull: Bool = false, to out: inout [UInt8]
    ) {
        var first = true
        for (name, value) in members where value != nil || !omittingNull {
            if !first { out += [UInt8(ascii: ","), 0x20] }
            first = false
            append(name, to: &out)
            out += [UInt8(ascii: ":"), 0x20]
            append(value, to: &out)
        }
    }

    /// Appends `value` as a JSON string literal (nil: `null`) to `out`. On
    /// the UTF-8 bytes, copying the runs between escapes whole: escaping
    /// scalar by scalar (String.UnicodeScalarView appends) was 13% of
    /// `gazette extract --json` over a page corpus, and byte by byte still
    /// 2% (callgrind).
    public static func append(_ value: String?, to out: inout [UInt8]) {
        guard let value else {
            out += Array("null".utf8)
            return
        }
        let utf8 = value.utf8.span
        out.reserveCapacity(out.count + utf8.count + 2)
        out.append(0x22)
        var copied = 0  // utf8[..<copied] is written
        for k in utf8.indices {
            let byte = utf8[k]
            guard byte == 0x22 || byte == 0x5C || byte < 0x20 else { continue }
            out.append(utf8.extracting(copied..<k))
            copied = k + 1
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            default:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 15)])
            }
        }
        out.append(utf8.extracting(copied..<utf8.count))
        out.append(0x22)
    }
}

/// The actors listings as JSON, keys in a fixed order.
public enum ActorsJSON {
    public static func entry(_ count: ActorCount, sentences: Bool) -> String {
        var out = "{\"id\": \(JSONOutput.string(count.actor.id)), \"name\": \(JSONOutput.string(count.actor.name)), "
        out += "\"kind\": \(JSONOutput.string(count.actor.kind.rawValue)), "
        if sentences { out += "\"sentences\": \(count.sentences), " }
        return out + "\"articles\": \(count.articles)}"
    }

    public static func render(_ facets: ActorFacets) -> String {
        let actors = facets.queried.map { JSONOutput.string($0.actor.id) }.joined(separator: ", ")
        return "{\"query\": \(JSONOutput.string(facets.query)), \"actor\": [\(actors)], "
            + "\"documents\": \(facets.documents), \"actors\": ["
            + facets.actors.map { entry($0, sentences: false) }.joined(separator: ", ") + "]}"
    }

    public static func render(_ found: CoMentions) -> String {
        "{\"with\": \(JSONOutput.string(found.anchor.actor.id)), \"documents\": \(found.documents), "
            + "\"sentence\": [" + found.sentence.map { entry($0, sentences: true) }.joined(separator: ", ") + "], "
            + "\"article\": [" + found.article.map { entry($0, sentences: false) }.joined(separator: ", ") + "]}"
    }
}

/// The server's date histogram (`/api/timeline`).
public enum TimelineJSON {
    public static func render(_ timeline: Timeline) -> String {
        let buckets = timeline.buckets.map { "{\"key\": \"\($0.key)\", \"articles\": \($0.articles)}" }
        return "{\"query\": \(JSONOutput.string(timeline.query)), \"documents\": \(timeline.documents), "
            + "\"undated\": \(timeline.undated), \"interval\": \"\(timeline.interval.rawValue)\", "
            + "\"buckets\": [" + buckets.joined(separator: ", ") + "]}"
    }
}

/// An article as `gazette extract --json` writes it (and the server's documents).
public enum ArticleJSON {
    /// The fields in the documented order; null for what is not known.
    /// An article's fields as `--json` writes them, in order; the text last.
    public static func fields(_ article: Article) -> [(name: String, value: String?)] {
        let meta = article.metadata
        return [
            ("path", article.path), ("title", article.title), ("byline", meta.byline),
            ("published", article.published?.iso8601), ("modified", meta.modified?.iso8601), ("site", meta.site),
            ("url", meta.url), ("language", meta.language), ("description", meta.description),
            ("text", article.body),
        ]
    }

    public static func json(_ article: Article, mentions: [ActorMention]? = nil) -> String {
        // One buffer for the line: the article's text is copied once, as it
        // is escaped (string concatenation copied it again for each `+`).
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(article.body.utf8.count + 512)
        JSONOutput.appendMembers(fields(article), to: &out)
        if let mentions { appendMentions(mentions, article, to: &out) }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `, "mentions": [{"field", "start", "end", "actor", "name", "kind"}]`,
    /// with offsets in Unicode scalars of the field (as search hits give
    /// their highlights), in the order of the text.
    static func appendMentions(_ mentions: [ActorMention], _ article: Article, to out: inout [UInt8]) {
        out += Array(", \"mentions\": [".utf8)
        for field in [Field.title, .body] {
            let text = field == .title ? article.title : article.body
            var scalars = ScalarOffsets(text)
            for mention in mentions where mention.field == field {
                if out.last != UInt8(ascii: "[") { out += [UInt8(ascii: ","), 0x20] }
                let start = scalars.offset(ofByte: mention.range.lowerBound)
                let end = scalars.offset(ofByte: mention.range.upperBound)
                out += Array(
                    "{\"field\": \"\(field == .title ? "title" : "body")\", \"start\": \(start), \"end\": \(end), ".utf8
                )
                out += Array("\"actor\": ".utf8)
                JSONOutput.append(mention.actor.id, to: &out)
                out += Array(", \"name\": ".utf8)
                JSONOutput.append(mention.actor.name, to: &out)
                out += Array(", \"kind\": \"\(mention.actor.kind.rawValue)\"}".utf8)
            }
        }
        out.append(UInt8(ascii: "]"))
    }

    public static func human(_ article: Article) -> String {
        var lines = [article.path, "  title        \(article.title)"]
        for (name, value) in fields(article) where !["path", "title", "text"].contains(name) {
            if let value { lines.append("  " + name + String(repeating: " ", count: 13 - name.count) + value) }
        }
        lines.append("  format       \(article.format.name), \(article.body.utf8.count) bytes of text")
        lines.append("")
        lines.append(article.body)
        return lines.joined(separator: "\n")
    }
}

/// Where the index lives, shared by every command.
public struct IndexLocation: ParsableArguments {
    public static let defaultPath = "Index"
    public static let defaultCorpus = "Corpus"

    @Option(name: .long, help: ArgumentHelp("Index directory.", valueName: "path"))
    public var index: String?

    public var path: String { index ?? Self.defaultPath }
    public var isDefault: Bool { index == nil }

    public init() {}

    public func validate() throws {
        if let index, index.isEmpty { throw ValidationError("--index needs a directory path, not an empty string") }
    }
}

/// `gazette serve`'s options, parsed by both `gazette serve` and the
/// `gazette-serve` executable it starts.
public struct ServeOptions: ParsableArguments {
    @OptionGroup public var location: IndexLocation

    @Option(help: ArgumentHelp("Address to listen on.", valueName: "address"))
    public var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on (0: any free port, printed at start).", valueName: "port"))
    public var port = 8080

    @Option(
        help: ArgumentHelp(
            "Seconds a request may search before it is refused with 503 (0: no limit).", valueName: "seconds"))
    public var timeout = 10.0

    public init() {}

    public func validate() throws {
        if port < 0 || port > 65535 { throw ValidationError("--port must be 0 to 65535") }
        if !(timeout >= 0 && timeout <= 86_400) { throw ValidationError("--timeout must be 0 to 86400 seconds") }
    }

    /// The time limit of a request; nil for none.
    public var requestTimeLimit: Duration? {
        timeout == 0 ? nil : .nanoseconds(max(1, Int64((timeout * 1e9).rounded())))
    }

    /// The options as arguments, for `gazette-serve`.
    public var arguments: [String] {
        (location.index.map { ["--index", $0] } ?? [])
            + ["--host", host, "--port", String(port), "--timeout", String(timeout)]
    }
}

/// Byte offsets of a text's UTF-8 turned into offsets in Unicode scalars,
/// for offsets asked in increasing order (one pass over the text).
struct ScalarOffsets {
    private let bytes: [UInt8]
    private var byte = 0
    private var scalar = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    mutating func offset(ofByte target: Int) -> Int {
        if target < byte { (byte, scalar) = (0, 0) }
        while byte < min(target, bytes.count) {
            if bytes[byte] & 0xC0 != 0x80 { scalar += 1 }
            byte += 1
        }
        return scalar
    }
}
