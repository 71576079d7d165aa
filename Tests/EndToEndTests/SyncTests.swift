import Foundation
import TestSupport
import Testing

/// `gazette index` on an existing index: only what changed is read, and the
/// summary counts it.
@Suite("gazette index: incremental sync")
struct SyncTests {
    /// The summary's "files:" line.
    func files(_ output: CLI.Output) -> String {
        output.stdout.split(separator: "\n").first { $0.contains("files:") }.map(String.init) ?? output.stdout
    }

    /// Paths matching `query`, all of them.
    func paths(_ query: String, _ directory: TemporaryDirectory) throws -> Set<String> {
        let result = try CLI.run(["search", query, "--index", "ix", "--limit", "0", "--json"], in: directory.path)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let hits = object?["hits"] as? [[String: Any]] ?? []
        return Set(hits.compactMap { $0["path"] as? String })
    }

    func setModificationTime(_ path: String, _ date: Date) throws {
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    @Test("added, unchanged, updated, touched, deleted and failed files, each counted and searched as they are now")
    func lifecycle() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try directory.write("news/a.txt", "Oil talks\n\nOPEC ministers met in Vienna about quotas.")
        let b = try directory.write("news/b.txt", "Border clash\n\nTroops exchanged fire near the zanzibar post.")
        _ = try directory.write("news/c.html", "<title>Embassy</title><p>The embassy reopened on Monday.</p>")
        func index(_ extra: [String] = []) throws -> CLI.Output {
            let result = try CLI.run(["index", "news", "--index", "ix"] + extra, in: directory.path)
            #expect(result.status == 0, "\(result.stderr)")
            return result
        }
        #expect(files(try index()).contains("files: 3 added, 0 updated, 0 deleted, 0 unchanged, 0 failed"))

        // Nothing changed: nothing is read and nothing committed.
        let again = try index()
        #expect(again.stdout.hasPrefix("ix is up to date with news"), "\(again.stdout)")
        #expect(files(again).contains("0 added, 0 updated, 0 deleted, 3 unchanged, 0 failed"))

        // Touched only (new time, same bytes): unchanged.
        try setModificationTime(a, Date(timeIntervalSinceNow: 3600))
        #expect(files(try index()).contains("0 added, 0 updated, 0 deleted, 3 unchanged"))

        // Changed content: re-indexed in place of the old version.
        try directory.write("news/b.txt", "Border calm\n\nTroops withdrew from the pemba post.")
        try setModificationTime(b, Date(timeIntervalSinceNow: 7200))
        #expect(files(try index()).contains("0 added, 1 updated, 0 deleted, 2 unchanged"))
        #expect(try paths("zanzibar", directory).isEmpty)
        #expect(try paths("pemba", directory) == ["news/b.txt"])

        // A file that is gone is deleted from the index.
        try FileManager.default.removeItem(atPath: directory.path + "/news/c.html")
        #expect(files(try index()).contains("0 added, 0 updated, 1 deleted, 2 unchanged"))
        #expect(try paths("embassy", directory).isEmpty)

        // A file that fails is remembered, and not read again until it changes.
        let bad = try directory.write("news/d.txt", bytes: [0x41, 0x00, 0x42])
        let failed = try index()
        #expect(files(failed).contains("0 added, 0 updated, 0 deleted, 2 unchanged, 1 failed"), "\(failed.stdout)")
        #expect(failed.stdout.contains("failed: news/d.txt: binary file (NUL byte at offset 1)"))
        let remembered = try index()
        #expect(files(remembered).contains("1 failed (1 as before, not retried)"), "\(remembered.stdout)")
        let stats = try CLI.run(["stats", "--index", "ix", "--json"], in: directory.path)
        #expect(stats.stdout.contains("\"failed_files\": 1"), "\(stats.stdout)")
        try directory.write("news/d.txt", "Drone strike\n\nA drone hit a convoy.")
        try setModificationTime(bad, Date(timeIntervalSinceNow: 3600))
        #expect(files(try index()).contains("1 added, 0 updated, 0 deleted, 2 unchanged, 0 failed"))
        #expect(try paths("convoy", directory) == ["news/d.txt"])

        // Each sync that indexed files added a segment (a segment that lost
        // a third of its documents was already rewritten); optimize makes one.
        let before = try CLI.run(["stats", "--index", "ix", "--json"], in: directory.path)
        #expect(!before.stdout.contains("\"segments\": 1,"), "\(before.stdout)")
        let optimize = try CLI.run(["optimize", "--index", "ix"], in: directory.path)
        #expect(optimize.status == 0, "\(optimize.stderr)")
        #expect(optimize.stdout.contains("into 1"), "\(optimize.stdout)")
        let after = try CLI.run(["stats", "--index", "ix", "--json"], in: directory.path)
        #expect(after.stdout.contains("\"documents\": 3, \"deleted_documents\": 0, \"segments\": 1"), "\(after.stdout)")
        #expect(try CLI.run(["verify", "--index", "ix"], in: directory.path).status == 0)

        // --rebuild reads every file again.
        #expect(files(try index(["--rebuild"])).contains("3 added, 0 updated, 0 deleted, 0 unchanged, 0 failed"))
        #expect(try paths("convoy OPEC pemba", directory) == ["news/a.txt", "news/b.txt", "news/d.txt"])
    }

    @Test("a folder with no article left is refused: the index keeps its documents")
    func emptyFolderKeepsIndex() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try directory.write("news/a.txt", "Oil talks\n\nOPEC ministers met in Vienna.")
        #expect(try CLI.run(["index", "news", "--index", "ix"], in: directory.path).status == 0)
        try FileManager.default.removeItem(atPath: directory.path + "/news/a.txt")
        let refused = try CLI.run(["index", "news", "--index", "ix"], in: directory.path)
        #expect(refused.status == 66)
        #expect(refused.stderr.contains("nothing to index"), "\(refused.stderr)")
        #expect(try paths("vienna", directory) == ["news/a.txt"])
    }

    @Test("indexing on several threads finds what one thread finds, with the same scores")
    func threads() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let words = ["oil", "talks", "border", "troops", "embassy", "drone", "convoy", "Iran", "Iraq", "OPEC"]
        var generator = SplitMix(seed: 9)
        for index in 0..<300 {
            let body = (0..<40).map { _ in words[Int(generator.next() % UInt64(words.count))] }
            _ = try directory.write(
                "news/\(index / 100)/a\(index).txt", "Title \(index)\n\n" + body.joined(separator: " "))
        }
        var answers: [[String]] = []
        for threads in ["1", "2", "3"] {
            let index = try CLI.run(
                ["index", "news", "--index", "ix", "--rebuild", "--threads", threads], in: directory.path)
            #expect(index.status == 0, "\(index.stderr)")
            #expect(files(index).contains("300 added"))
            var answer: [String] = []
            for query in ["oil", "border troops", "drone convoy embassy"] {
                let result = try CLI.run(
                    ["search", query, "--index", "ix", "--limit", "0", "--json"], in: directory.path)
                let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                let hits = object?["hits"] as? [[String: Any]] ?? []
                // Document numbers (and so the order of equal scores) depend on
                // which thread read a file; the matches and scores must not.
                answer += hits.map { "\($0["path"] ?? "") \(($0["score"] as? Double ?? 0) * 1e9)" }.sorted()
            }
            answers.append(answer)
            #expect(try CLI.run(["verify", "--index", "ix"], in: directory.path).status == 0)
        }
        #expect(answers[0].count > 200)
        #expect(answers[1] == answers[0])
        #expect(answers[2] == answers[0])
    }

    /// The sync compares the folder and the index as two lists sorted in walk
    /// order. Names where walk order and plain byte order disagree ("a-b"
    /// sorts before "a/…" bytewise, after it in a walk), files spread over
    /// several segments by a small memory budget and several threads, and
    /// changes at the start, middle and end of the order must each be found
    /// exactly: a mismatch in the orders would show as files deleted and
    /// added again.
    @Test("a sync finds exactly what changed among names whose walk order differs from byte order, across segments")
    func walkOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var names: [String] = []
        for top in ["a", "a-b", "a.b", "a0", "b"] {
            for inner in ["x", "x-y", "x.y", "x0", "y"] { names.append("news/\(top)/\(inner)/n.txt") }
            names.append("news/\(top).txt")
            names.append("news/\(top)-z.txt")
        }
        for (number, name) in names.enumerated() {
            _ = try directory.write(name, "Report \(number)\n\nThe council met about item \(number) today.")
        }
        func index(_ extra: [String] = []) throws -> String {
            let result = try CLI.run(
                ["index", "news", "--index", "ix", "--threads", "2", "--memory", "16"] + extra, in: directory.path)
            #expect(result.status == 0, "\(result.stderr)")
            return files(result)
        }
        #expect(try index().contains("\(names.count) added, 0 updated, 0 deleted, 0 unchanged"))
        #expect(try index().contains("0 added, 0 updated, 0 deleted, \(names.count) unchanged"))
        // First, middle and last in walk order: gone; one changed; two new.
        try FileManager.default.removeItem(atPath: directory.path + "/news/a/x/n.txt")
        try FileManager.default.removeItem(atPath: directory.path + "/news/a-b.txt")
        try FileManager.default.removeItem(atPath: directory.path + "/news/b.txt")
        let changed = try directory.write("news/a.b/x0/n.txt", "Report changed\n\nThe council adjourned.")
        try setModificationTime(changed, Date(timeIntervalSinceNow: 3600))
        _ = try directory.write("news/0.txt", "Report new\n\nThe council opened.")
        _ = try directory.write("news/b/y/z.txt", "Report last\n\nThe council closed.")
        #expect(try index().contains("2 added, 1 updated, 3 deleted, \(names.count - 4) unchanged"))
        #expect(try index().contains("0 added, 0 updated, 0 deleted, \(names.count - 1) unchanged"))
        #expect(
            try paths("adjourned opened closed", directory) == ["news/a.b/x0/n.txt", "news/0.txt", "news/b/y/z.txt"])
        #expect(try CLI.run(["verify", "--index", "ix"], in: directory.path).status == 0)
    }
}
