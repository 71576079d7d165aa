import ArgumentParser
import IndexFormat
import Indexing
import NewsCore
import NewsIngest

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index a folder of articles (.txt, .html), replacing the index's previous contents.")

    @Argument(help: ArgumentHelp("Folder (or single file) of articles.", valueName: "folder"))
    var folder: String

    @OptionGroup var location: IndexLocation

    @Flag(name: .shortAndLong, help: "Print only the one-line summary, not skipped files or warnings.")
    var quiet = false

    func run() throws {
        do {
            let result = try IndexBuilder.build(corpus: folder, index: location.path)
            result.printSummary(corpus: folder, index: location.path, verbose: !quiet)
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
    }
}

/// Reads a corpus into a new commit of an index; shared by `index` and the
/// automatic first build of `search`.
struct IndexBuilder {
    var report: CorpusReader.Report
    var summary: IndexWriter.CommitSummary
    var elapsed: Duration

    static func build(corpus: String, index: String) throws -> IndexBuilder {
        let clock = ContinuousClock()
        let start = clock.now
        // Fail on a missing corpus before touching the index directory.
        _ = try CorpusWalker(root: corpus).walk()
        let writer = try IndexWriter(directory: index)
        let report = try CorpusReader(root: corpus, excluding: [index]).read { article in
            try writer.add(article)
        }
        // An empty commit would replace a good index with nothing: refuse it.
        guard writer.documentCount > 0 else {
            let skipped = report.skipped.count
            throw IngestError(
                .noArticles,
                "nothing to index: no readable .txt or .html file"
                    + (skipped > 0
                        ? " (\(skipped) skipped: \(report.skipped[0].reason)\(skipped > 1 ? ", …" : ""))" : "")
                    + "; the index was left as it was",
                path: corpus)
        }
        let summary = try writer.commit()
        return IndexBuilder(report: report, summary: summary, elapsed: clock.now - start)
    }

    func printSummary(corpus: String, index: String, verbose: Bool) {
        let documents = summary.documentCount == 1 ? "1 document" : "\(format(summary.documentCount)) documents"
        print("Indexed \(documents) from \(corpus) into \(index) in \(seconds(elapsed))")
        let skipped = report.skipped.count
        print(
            "  files: \(format(summary.documentCount)) indexed, \(format(skipped)) skipped, \(format(report.warnings.count)) with warnings"
        )
        print(
            "  index: \(format(summary.termCount)) distinct terms, \(bytes(summary.bytesOnDisk)) on disk (commit \(summary.generation))"
        )
        guard verbose else { return }
        for (label, problems) in [("skipped", report.skipped), ("warning", report.warnings)] {
            let shown = problems.prefix(50)
            for problem in shown { print("  \(label): \(problem.path): \(problem.reason)") }
            if problems.count > shown.count { print("  … and \(problems.count - shown.count) more \(label)") }
        }
    }
}

func format(_ value: Int) -> String {
    let digits = String(value)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return out
}

func bytes(_ value: UInt64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB"]
    var amount = Double(value)
    var unit = 0
    while amount >= 1000 && unit < units.count - 1 {
        amount /= 1000
        unit += 1
    }
    return unit == 0 ? "\(value) bytes" : "\(decimal(amount, 1)) \(units[unit])"
}

func seconds(_ duration: Duration) -> String {
    let (s, attoseconds) = duration.components
    let value = Double(s) + Double(attoseconds) / 1e18
    return value < 10 ? "\(decimal(value, 2)) s" : "\(decimal(value, 1)) s"
}

/// `value` with `places` decimals, without Foundation's formatters.
func decimal(_ value: Double, _ places: Int) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < places { text += String(repeating: "0", count: places - decimals) }
    } else if places > 0 {
        text += "." + String(repeating: "0", count: places)
    }
    return text
}
