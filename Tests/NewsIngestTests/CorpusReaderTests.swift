import NewsCore
import NewsIngest
import TestSupport
import Testing

@Suite("CorpusReader")
struct CorpusReaderTests {
    /// A folder mixing readable articles with every kind of problem.
    private func makeMixedCorpus(_ directory: TemporaryDirectory) throws {
        try directory.write("1-good.txt", "First title\nFirst body.")
        try directory.write("2-binary.txt", bytes: Array("PK".utf8) + [0, 0, 3, 4])
        try directory.write("3-empty.txt", "")
        try directory.write("4-scan.pdf", "%PDF-1.7")
        try directory.write("5-page.html", "<title>Second title</title><p>Second body.</p>")
        try directory.write("6-latin1.txt", bytes: Array("Third title\ncaf".utf8) + [0xE9])
        try directory.link("7-dangling.txt", to: "gone.txt")
        try directory.write("8-nested/9-good.txt", "Fourth title\nFourth body.")
        try directory.write(".hidden.txt", "Hidden\nNever read.")
    }

    @Test("articles come in order; problems are reported and the walk goes on")
    func mixedCorpus() throws {
        try withTemporaryDirectory { directory in
            try makeMixedCorpus(directory)
            var articles: [Article] = []
            var problems: [IngestProblem] = []
            let report = try CorpusReader(root: directory.path).read(problem: { problems.append($0) }) {
                articles.append($0)
            }

            #expect(articles.map(\.title) == ["First title", "Second title", "Third title", "Fourth title"])
            #expect(articles.map(\.format) == [.text, .html, .text, .text])
            #expect(articles[2].body == "café")  // no UTF-8 anywhere: windows-1252
            #expect(articles[3].path == directory.url("8-nested/9-good.txt"))

            #expect(report.filesSeen == 7)  // the dangling link is a walker problem, not a file
            #expect(report.articles == 4)
            #expect(
                Set(report.skipped.map(\.path))
                    == Set(["2-binary.txt", "3-empty.txt", "4-scan.pdf", "7-dangling.txt"].map(directory.url)))
            #expect(report.skipped.allSatisfy { $0.severity == .skipped })
            #expect(report.warnings.map(\.path) == [directory.url("6-latin1.txt")])
            #expect(report.warnings.allSatisfy { $0.severity == .warning })

            // The callback saw every problem the report lists.
            #expect(problems.count == report.skipped.count + report.warnings.count)
            #expect(Set(problems.map(\.path)) == Set((report.skipped + report.warnings).map(\.path)))
        }
    }

    @Test("the reasons name what was wrong with each file")
    func reasons() throws {
        try withTemporaryDirectory { directory in
            try makeMixedCorpus(directory)
            let report = try CorpusReader(root: directory.path).read { _ in }
            let reasons = Dictionary(uniqueKeysWithValues: report.skipped.map { ($0.path, $0.reason) })
            #expect(reasons[directory.url("2-binary.txt")]?.contains("binary") == true)
            #expect(reasons[directory.url("3-empty.txt")] == "empty file")
            #expect(reasons[directory.url("4-scan.pdf")] == "unsupported file type (.pdf)")
            #expect(reasons[directory.url("7-dangling.txt")] == "broken symbolic link")
            #expect(report.warnings.first?.reason.contains("read as windows-1252") == true)
        }
    }

    @Test("an error thrown by the body stops the read and reaches the caller")
    func bodyThrows() throws {
        struct Stop: Error {}
        try withTemporaryDirectory { directory in
            try makeMixedCorpus(directory)
            var seen: [String] = []
            #expect(throws: Stop.self) {
                try CorpusReader(root: directory.path).read { article in
                    seen.append(article.title)
                    if seen.count == 2 { throw Stop() }
                }
            }
            #expect(seen == ["First title", "Second title"])
        }
    }

    @Test("a missing root throws notFound")
    func missingRoot() throws {
        try withTemporaryDirectory { directory in
            let error = #expect(throws: IngestError.self) {
                try CorpusReader(root: directory.url("missing")).read { _ in }
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test("an empty folder gives an empty report")
    func emptyFolder() throws {
        try withTemporaryDirectory { directory in
            var count = 0
            let report = try CorpusReader(root: directory.path).read { _ in count += 1 }
            #expect(count == 0)
            #expect(report.filesSeen == 0)
            #expect(report.articles == 0)
            #expect(report.skipped.isEmpty && report.warnings.isEmpty)
        }
    }
}
