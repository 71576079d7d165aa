import Foundation
import NewsCore
import TestSupport
import Testing

/// Runs the built `gazette` binary and captures what it prints.
struct CLI {
    static var binary: String {
        // swift test puts the executable beside the test bundle.
        let bundle = Bundle.main.bundleURL
        let candidates = [
            bundle.deletingLastPathComponent().appendingPathComponent("gazette").path,
            bundle.appendingPathComponent("gazette").path,
            Repository.root + "/.build/debug/gazette",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], executable: String? = nil
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes at once: a child that fills one (64 KB) while the other
        // is read to its end would block forever (a sanitizer's reports on
        // stderr did).
        let errors = Locked(Data())
        let reading = DispatchGroup()
        reading.enter()
        DispatchQueue.global().async {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            errors.withLock { $0 = data }
            reading.leave()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        reading.wait()
        let stderr = errors.withLock { $0 }
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A working directory with a copy of the repository's Corpus/, as on a fresh clone.
func freshCheckout() throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory("gazette-cli")
    try FileManager.default.copyItem(atPath: Repository.corpus, toPath: directory.path + "/Corpus")
    // The repository's Index/ holds only its README: the first search must build there.
    try directory.write(
        "Index/README.md", try String(contentsOfFile: Repository.root + "/Index/README.md", encoding: .utf8))
    return directory
}

func golden(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: "Golden/" + name, withExtension: nil))
    return try String(contentsOf: url, encoding: .utf8)
}

@Suite("gazette CLI", .serialized)
struct CLITests {
    @Test("the harness reads a child that writes 200 KB to stderr before its stdout ends", .timeLimit(.minutes(1)))
    func largeStandardError() throws {
        let result = try CLI.run(
            ["-c", "head -c 200000 /dev/zero | tr '\\0' x >&2; echo done"], in: "/", executable: "/bin/sh")
        #expect(result.status == 0 && result.stdout == "done\n" && result.stderr.utf8.count == 200_000)
    }

    @Test("a fresh checkout: search builds Index/ from Corpus/ and prints the golden results")
    func firstSearch() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        let result = try CLI.run(
            ["search", "foreign", "forces", "--limit", "3", "--color", "never"], in: checkout.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("building one from Corpus/"))
        #expect(FileManager.default.fileExists(atPath: checkout.path + "/Index/MANIFEST"))
        #expect(result.stdout == (try golden("search-foreign-forces.txt")))
        // The second run uses the index and says nothing on stderr.
        let again = try CLI.run(["search", "foreign", "forces", "--limit", "3"], in: checkout.path)
        #expect(again.stderr.isEmpty)
        #expect(again.stdout == result.stdout, "a pipe gets no colour by default")
    }

    @Test("--json prints one object with highlights as code-point offsets into the snippet")
    func json() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        let result = try CLI.run(["search", "foreign forces", "--json", "--limit", "2"], in: checkout.path)
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["query"] as? String == "foreign forces")
        #expect((object["total"] as? Int ?? 0) >= 2)
        let hits = try #require(object["hits"] as? [[String: Any]])
        #expect(hits.count == 2)
        for hit in hits {
            #expect(hit["rank"] is Int && hit["path"] is String && hit["title"] is String && hit["score"] is Double)
            let snippet = Array((hit["snippet"] as? String ?? "").unicodeScalars)
            let highlights = try #require(hit["highlights"] as? [[Int]])
            let words = highlights.map { String(String.UnicodeScalarView(snippet[$0[0]..<$0[1]])).lowercased() }
            #expect(Set(words).isSuperset(of: ["foreign", "forces"]))
        }
    }

    @Test("date: filters by the bundled articles' dates (date lines and HTML metadata) and, alone, lists newest first")
    func dates() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        let listed = try CLI.run(["search", "date:2024-05..2024-06", "--json"], in: checkout.path)
        #expect(listed.status == 0, "\(listed.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let hits = try #require(object["hits"] as? [[String: Any]])
        #expect(
            hits.map { $0["path"] as? String } == [
                "Corpus/opec-oil-output.txt", "Corpus/isis-syria-kurdish-forces.txt", "Corpus/imf-argentina-loan.txt",
            ])
        #expect(hits.map { $0["published"] as? String } == ["2024-06-02", "2024-05-21", "2024-05-14"])
        // The HTML page's date is its <time datetime>, an instant.
        let page = try CLI.run(
            ["search", "foreign forces date:2024-03-03", "--json", "--limit", "5"], in: checkout.path)
        let pageObject = try #require(try JSONSerialization.jsonObject(with: Data(page.stdout.utf8)) as? [String: Any])
        let pageHits = try #require(pageObject["hits"] as? [[String: Any]])
        #expect(Set(pageHits.compactMap { $0["published"] as? String }) == ["2024-03-03", "2024-03-03T09:40:00Z"])
        // The page's metadata is stored and shown; the text file has none.
        let html = try #require(pageHits.first { ($0["path"] as? String)?.hasSuffix(".html") == true })
        #expect(html["site"] as? String == "The Gazette Daily")
        #expect(html["byline"] as? String == "By Staff Correspondent · Updated 09:40 GMT")
        #expect(html["url"] as? String == "https://www.gazettedaily.example/world/iran-foreign-forces-iraq")
        #expect(html["language"] as? String == "en")
        let text = try #require(pageHits.first { ($0["path"] as? String)?.hasSuffix(".txt") == true })
        #expect(text["site"] is NSNull && text["byline"] is NSNull && text["modified"] is NSNull)
        #expect(pageObject["total"] as? Int == 2)
        // A bad range is a usage error pointing at its character.
        let bad = try CLI.run(["search", "iran date:2024-13"], in: checkout.path)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("date: needs a year, month or day"), "\(bad.stderr)")
        #expect(bad.stderr.contains("          ^"), "\(bad.stderr)")
    }

    @Test("extract prints what indexing reads: one JSON object per file, the documented keys, errors named")
    func extract() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        let result = try CLI.run(
            ["extract", "--json", "Corpus/iran-foreign-forces-iraq.html", "Corpus/opec-oil-output.txt", "missing.txt"],
            in: checkout.path)
        #expect(result.status == 65, "a file that cannot be read makes the status 65")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let keys = [
            "path", "title", "byline", "published", "modified", "site", "url", "language", "description", "text",
        ]
        for line in lines.prefix(2) {
            // The documented keys, in order.
            let order = keys.compactMap { key in
                line.range(of: "\"\(key)\": ").map { line.distance(from: line.startIndex, to: $0.lowerBound) }
            }
            #expect(order.count == keys.count && order == order.sorted(), "\(line.prefix(200))")
        }
        let page = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(
            page["title"] as? String
                == "Iran demands exit of foreign forces from Iraq as proxy militias step up attacks")
        #expect(page["published"] as? String == "2024-03-03T09:40:00Z")
        let text = try #require(page["text"] as? String)
        #expect(text.contains("Baghdad finds itself caught between two partners"))
        #expect(!text.contains("<p>") && !text.contains("navmarker"))
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(plain["published"] as? String == "2024-06-02")
        #expect((plain["text"] as? String)?.hasPrefix("RIYADH, June 2 (Gazette)") == true, "the date line is not text")
        #expect(plain["byline"] is NSNull)
        #expect(page["site"] as? String == "The Gazette Daily" && page["language"] as? String == "en")
        #expect(page["url"] as? String == "https://www.gazettedaily.example/world/iran-foreign-forces-iraq")
        #expect(page["description"] as? String == "Tehran renews its call for coalition troops to leave Iraq.")
        let missing = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        #expect(missing["path"] as? String == "missing.txt")
        #expect((missing["error"] as? String)?.contains("no such file") == true, "\(lines[2])")
        // The text it prints is what the index stores: the same body as a search's stored article.
        let human = try CLI.run(["extract", "Corpus/opec-oil-output.txt"], in: checkout.path)
        #expect(human.status == 0)
        #expect(human.stdout.hasPrefix("Corpus/opec-oil-output.txt\n  title        OPEC+ extends output cuts"))
        #expect(human.stdout.contains("  published    2024-06-02\n"))
    }

    @Test("colour: --color always marks matches; NO_COLOR and pipes get none")
    func color() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        let colored = try CLI.run(["search", "Hezbollah", "--color", "always", "--limit", "1"], in: checkout.path)
        #expect(colored.stdout.contains("\u{1B}[31;1mHezbollah\u{1B}[0m"), "\(colored.stdout)")
        let plain = try CLI.run(
            ["search", "Hezbollah", "--limit", "1"], in: checkout.path, environment: ["NO_COLOR": "1"])
        #expect(!plain.stdout.contains("\u{1B}["))
    }

    @Test("index prints a summary naming failed and skipped files and their reasons")
    func indexSummary() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        try checkout.write("Corpus/broken.bin.txt", "")
        try checkout.write("Corpus/photo.jpg", bytes: [0xFF, 0xD8, 0xFF, 0x00])
        try checkout.write("Corpus/garbled.txt", bytes: Array("Title\n\ncaf".utf8) + [0xE9] + Array(" society".utf8))
        let result = try CLI.run(["index", "Corpus", "--index", "out"], in: checkout.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Indexed 15 documents from Corpus into out"))
        #expect(
            result.stdout.contains(
                "files: 15 added, 0 updated, 0 deleted, 0 unchanged, 1 failed; 1 skipped; 1 with warnings"),
            "\(result.stdout)")
        #expect(result.stdout.contains("failed: Corpus/broken.bin.txt: empty file"))
        #expect(result.stdout.contains("skipped: Corpus/photo.jpg: unsupported file type (.jpg)"))
        #expect(
            result.stdout.contains(
                "warning: Corpus/garbled.txt: not UTF-8 (first invalid byte at 10, no UTF-8 character anywhere): read as windows-1252"
            ))
        #expect(result.stdout.contains("index: 15 documents in 1 segment"))
        let check = try CLI.run(["check", "--index", "out"], in: checkout.path)
        #expect(check.status == 0)
        #expect(check.stdout.hasPrefix("out: OK"))
    }

    @Test("distinct exit codes: no results 1, empty query 64, damaged index 65, missing folder or index 66")
    func exitCodes() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        #expect(try CLI.run(["index", "Corpus"], in: checkout.path).status == 0)

        let none = try CLI.run(["search", "xylophone"], in: checkout.path)
        #expect(none.status == 1)
        #expect(none.stdout.contains("No documents match"))

        let empty = try CLI.run(["search", "  "], in: checkout.path)
        #expect(empty.status == 64)
        #expect(empty.stderr.contains("the query is empty"))
        let punctuation = try CLI.run(["search", "--", "?! ..."], in: checkout.path)
        #expect(punctuation.status == 64)
        #expect(punctuation.stderr.contains("no searchable words"))
        // A syntax error: exit 64, the message, and a caret under the character.
        let syntax = try CLI.run(["search", "oil AND"], in: checkout.path)
        #expect(syntax.status == 64)
        #expect(
            syntax.stderr.contains("AND needs a clause after it (character 5)\n  oil AND\n      ^"), "\(syntax.stderr)")

        let missingFolder = try CLI.run(["index", "NoSuchFolder"], in: checkout.path)
        #expect(missingFolder.status == 66)
        #expect(missingFolder.stderr.contains("NoSuchFolder: no such file or directory"))

        let missingIndex = try CLI.run(["search", "iran", "--index", "Elsewhere"], in: checkout.path)
        #expect(missingIndex.status == 66)
        #expect(missingIndex.stderr.contains("no index at Elsewhere/"))

        // Damage the postings file: the checksum check names it.
        let names = try FileManager.default.contentsOfDirectory(atPath: checkout.path + "/Index")
        let postings = try #require(names.first { $0.hasSuffix(".postings") })
        let path = checkout.path + "/Index/" + postings
        var bytes = try readBytes(path)
        bytes[bytes.count / 2] ^= 0xFF
        try writeBytes(path, bytes)
        let check = try CLI.run(["check"], in: checkout.path)
        #expect(check.status == 65)
        #expect(check.stderr.contains(postings) && check.stderr.contains("checksum mismatch"))
        // Truncate the norms file: search itself refuses the index.
        let norms = try #require(names.first { $0.hasSuffix(".norms") })
        let normsPath = checkout.path + "/Index/" + norms
        try writeBytes(normsPath, Array(try readBytes(normsPath).dropLast(3)))
        let damaged = try CLI.run(["search", "iran"], in: checkout.path)
        #expect(damaged.status == 65)
        #expect(damaged.stderr.contains("damaged"))
    }

    @Test("the index never touches files that are not its own, nor walks itself")
    func safeDirectories() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        // A folder of other files is refused, and left as it was.
        let notes = try checkout.write("Notes/seg-notes.txt", "mine")
        let refused = try CLI.run(["index", "Corpus", "--index", "Notes"], in: checkout.path)
        #expect(refused.status == 73)
        #expect(refused.stderr.contains("holds no Gazette index"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: checkout.path + "/Notes") == ["seg-notes.txt"])
        // A user's seg-* file beside an index survives later commits.
        #expect(try CLI.run(["index", "Corpus", "--index", "Index"], in: checkout.path).status == 0)
        try checkout.write("Index/seg-notes.txt", "mine")
        #expect(try CLI.run(["index", "Corpus", "--index", "Index"], in: checkout.path).status == 0)
        #expect(FileManager.default.fileExists(atPath: checkout.path + "/Index/seg-notes.txt"))
        _ = notes
        // An index inside the corpus is not indexed into itself.
        let inside = try CLI.run(["index", "Corpus", "--index", "Corpus/idx"], in: checkout.path)
        #expect(inside.status == 0)
        #expect(!inside.stdout.contains("Corpus/idx/"), "\(inside.stdout)")
        #expect(inside.stdout.contains("14 added"), "\(inside.stdout)")
        // An empty --index is refused before anything is written.
        let empty = try CLI.run(["index", "Corpus", "--index", ""], in: checkout.path)
        #expect(empty.status == 64)
        // --index naming a file says so.
        let file = try CLI.run(["search", "iran", "--index", "Corpus/opec-oil-output.txt"], in: checkout.path)
        #expect(file.status == 66)
        #expect(file.stderr.contains("is a file, not an index directory"))
    }

    @Test("a corpus with nothing to index leaves the existing index as it was")
    func nothingToIndex() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        #expect(try CLI.run(["index", "Corpus"], in: checkout.path).status == 0)
        try checkout.write("Pictures/a.jpg", bytes: [0xFF, 0xD8])
        let result = try CLI.run(["index", "Pictures"], in: checkout.path)
        #expect(result.status == 66)
        #expect(result.stderr.contains("nothing to index"))
        #expect(result.stderr.contains("the index was left as it was"))
        let search = try CLI.run(["search", "Hezbollah"], in: checkout.path)
        #expect(search.status == 0)
    }

    @Test("--batch answers each line as --json would, with its line number; --offset pages; --k1 and --b apply")
    func batchOffsetAndParameters() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        func json(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        try "foreign forces\n\n\"proxy militias\" -syria\noil AND\r\nactor:Iran\n".write(
            toFile: checkout.path + "/queries.txt", atomically: true, encoding: .utf8)
        let batch = try CLI.run(["search", "--batch", "queries.txt", "--limit", "3"], in: checkout.path)
        #expect(batch.status == 0, "\(batch.stderr)")
        let lines = batch.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(batch.stdout)")
        let answers = try lines.map(json)
        #expect(answers.map { $0["line"] as? Int } == [1, 3, 4, 5])
        #expect(answers[2]["error"] as? String == "AND needs a clause after it")
        // Each answer is the one a process of its own gives.
        for (answer, query) in [
            (answers[0], "foreign forces"), (answers[1], "\"proxy militias\" -syria"), (answers[3], "actor:Iran"),
        ] {
            let alone = try json(
                try CLI.run(["search", "--json", "--limit", "3", "--", query], in: checkout.path).stdout)
            #expect(answer["total"] as? Int == alone["total"] as? Int, "\(query)")
            #expect(
                (answer["hits"] as? [[String: Any]])?.map { $0["path"] as? String }
                    == (alone["hits"] as? [[String: Any]])?.map { $0["path"] as? String }, "\(query)")
            #expect(answer["total_exact"] as? Bool == true)
        }
        // Page 2 of size 1 is the second hit of page 1 of size 2.
        let two = try json(try CLI.run(["search", "forces", "--json", "--limit", "2"], in: checkout.path).stdout)
        let second = try json(
            try CLI.run(["search", "forces", "--json", "--limit", "1", "--offset", "1"], in: checkout.path).stdout)
        let pageOne = try #require(two["hits"] as? [[String: Any]])
        let pageTwo = try #require(second["hits"] as? [[String: Any]])
        #expect(pageTwo.count == 1 && pageTwo[0]["rank"] as? Int == 2)
        #expect(pageTwo[0]["path"] as? String == pageOne[1]["path"] as? String)
        // k1 = 0: a term's frequency no longer counts, so every document
        // holding the one query word scores its idf, and all tie.
        let flat = try json(
            try CLI.run(["search", "forces", "--json", "--limit", "0", "--k1", "0"], in: checkout.path).stdout)
        let scores = Set(try #require(flat["hits"] as? [[String: Any]]).compactMap { $0["score"] as? Double })
        #expect(scores.count == 1)
        let bad = try CLI.run(["search", "forces", "--b", "2"], in: checkout.path)
        #expect(bad.status == 64 && bad.stderr.contains("--b must be 0 to 1"))
    }

    @Test("index in a pipe draws no progress line; --verbose lists every file read, a failed one with its reason")
    func progressAndVerbose() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        try checkout.write("Corpus/broken.txt", "abc\u{0}def")
        let plain = try CLI.run(["index", "Corpus", "--index", "out"], in: checkout.path)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(!plain.stderr.contains("\u{1B}[K") && !plain.stderr.contains("indexing "), "\(plain.stderr)")
        let verbose = try CLI.run(["index", "Corpus", "--index", "again", "--verbose"], in: checkout.path)
        #expect(verbose.status == 0, "\(verbose.stderr)")
        let lines = verbose.stderr.split(separator: "\n").map(String.init)
        let articles = try FileManager.default.contentsOfDirectory(atPath: checkout.path + "/Corpus")
            .filter { $0.hasSuffix(".txt") && $0 != "broken.txt" }
        #expect(articles.count >= 10)
        for name in articles { #expect(lines.contains("indexed Corpus/" + name), "\(name) not listed") }
        #expect(lines.contains { $0.hasPrefix("failed Corpus/broken.txt: binary file") })
        #expect(!verbose.stderr.contains("\u{1B}[K"))
        let both = try CLI.run(["index", "Corpus", "--index", "out", "--quiet", "--verbose"], in: checkout.path)
        #expect(both.status == 64 && both.stderr.contains("--quiet and --verbose exclude each other"))
    }

    /// util-linux `script` runs the indexer on a pseudo-terminal, as a person
    /// at a terminal would.
    @Test("on a terminal, index draws a progress line (files, articles/s, MB/s) and clears it before the summary")
    func progressOnTerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            print("skipped: no /usr/bin/script (util-linux) to give the indexer a terminal")
            return
        }
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        let command = "'\(CLI.binary)' index Corpus --index out --threads 1"
        let result = try CLI.run(
            ["-q", "-e", "-c", command, "/dev/null"], in: checkout.path, executable: "/usr/bin/script")
        #expect(result.status == 0, "\(result.stdout)")
        // The first line is drawn at once, then at most ten times a second.
        #expect(result.stdout.contains("\r\u{1B}[Kindexing 1 "), "\(result.stdout)")
        #expect(result.stdout.contains("articles/s · ") && result.stdout.contains(" MB/s"))
        // Cleared, then the summary.
        #expect(result.stdout.contains("\r\u{1B}[KIndexed "), "\(result.stdout)")
        let quiet = try CLI.run(
            ["-q", "-e", "-c", command + " --quiet", "/dev/null"], in: checkout.path, executable: "/usr/bin/script")
        #expect(!quiet.stdout.contains("indexing "), "\(quiet.stdout)")
    }

    /// The examples in `gazette --help` must keep working: each one that
    /// needs no folder of the user's runs on a fresh checkout, through a
    /// shell, as a person would paste it.
    @Test("gazette --help shows examples that run, and shell completions are generated")
    func helpExamplesAndCompletions() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        let help = try CLI.run(["--help"], in: checkout.path)
        #expect(help.status == 0 && help.stdout.contains("Examples:"))
        let examples = help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("gazette ") && !$0.hasPrefix("gazette index ") && !$0.hasPrefix("gazette extract ") }
            .map { line -> String in
                // The command, without the description after two spaces or more.
                let command = line.range(of: "   ").map { String(line[..<$0.lowerBound]) } ?? line
                return "'\(CLI.binary)'" + command.dropFirst("gazette".count)
            }
        #expect(examples.count >= 5, "\(help.stdout)")
        for example in examples {
            let result = try CLI.run(["-c", example], in: checkout.path, executable: "/bin/sh")
            #expect(result.status == 0, "\(example): \(result.stderr)")
            #expect(!result.stdout.isEmpty, "\(example) printed nothing")
        }
        for shell in ["bash", "zsh", "fish"] {
            let script = try CLI.run(["--generate-completion-script", shell], in: checkout.path)
            #expect(
                script.status == 0 && script.stdout.contains("search") && script.stdout.contains("actor"), "\(shell)")
        }
    }

    @Test("index, verify and optimize print one JSON object with --json, a damaged index too")
    func jsonOnEveryCommand() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        try checkout.write("Corpus/empty.txt", "")
        func object(_ text: String) throws -> [String: Any] {
            try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        }
        let index = try CLI.run(["index", "Corpus", "--index", "out", "--json"], in: checkout.path)
        #expect(index.status == 0, "\(index.stderr)")
        let summary = try object(index.stdout)
        #expect(summary["committed"] as? Bool == true)
        #expect(summary["added"] as? Int == (summary["indexed"] as? Int))
        #expect((summary["commit"] as? [String: Any])?["documents"] as? Int == summary["indexed"] as? Int)
        let failures = try #require(summary["failures"] as? [[String: String]])
        #expect(failures.contains { $0["path"] == "Corpus/empty.txt" && $0["reason"] == "empty file" })

        let verify = try object(try CLI.run(["verify", "--index", "out", "--json"], in: checkout.path).stdout)
        #expect(verify["ok"] as? Bool == true && verify["documents"] as? Int == summary["indexed"] as? Int)
        let optimize = try CLI.run(["optimize", "--index", "out", "--json"], in: checkout.path)
        #expect(try object(optimize.stdout)["merged"] as? Bool == false)

        let postings = try #require(
            FileManager.default.contentsOfDirectory(atPath: checkout.path + "/out").first { $0.hasSuffix(".postings") })
        let file = try FileHandle(forUpdating: URL(fileURLWithPath: checkout.path + "/out/" + postings))
        try file.seek(toOffset: 100)
        try file.write(contentsOf: Data("XXXX".utf8))
        try file.close()
        let damaged = try CLI.run(["verify", "--index", "out", "--json"], in: checkout.path)
        #expect(damaged.status == 65)
        let report = try object(damaged.stdout)
        #expect(report["ok"] as? Bool == false)
        #expect((report["error"] as? String)?.contains(postings) == true, "\(damaged.stdout)")
    }

    /// What an OpenSearch cluster would check on loading, line by line:
    /// the action names the index and the article's path, and every field
    /// of the document is in the mapping (its "dynamic": "strict" refuses
    /// any other) with a value of the mapped type.
    @Test("export --format opensearch writes _bulk NDJSON that fits the --mapping, one live article per pair of lines")
    func exportOpenSearch() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        #expect(try CLI.run(["index", "Corpus", "--index", "out"], in: checkout.path).status == 0)
        // A changed file leaves its old document deleted in the first segment.
        let changed = checkout.path + "/Corpus/opec-oil-output.txt"
        try (try String(contentsOfFile: changed, encoding: .utf8) + "\nA new paragraph on Iran.\n")
            .write(toFile: changed, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["index", "Corpus", "--index", "out"], in: checkout.path).status == 0)

        let mappingOutput = try CLI.run(["export", "--format", "opensearch", "--mapping"], in: checkout.path)
        let mapping = try #require(
            JSONSerialization.jsonObject(with: Data(mappingOutput.stdout.utf8)) as? [String: Any])
        let mappings = try #require(mapping["mappings"] as? [String: Any])
        #expect(mappings["dynamic"] as? String == "strict")
        let properties = try #require(mappings["properties"] as? [String: [String: Any]])
        let actorFields = try #require(properties["actors"]?["properties"] as? [String: [String: Any]])

        let export = try CLI.run(
            ["export", "--format", "opensearch", "--index", "out", "--name", "news"], in: checkout.path)
        #expect(export.status == 0, "\(export.stderr)")
        let lines = export.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count % 2 == 0)
        let date = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2}))?$/
        func check(_ value: Any, _ field: [String: Any], _ name: String) {
            switch field["type"] as? String {
            case "keyword", "text": #expect(value is String, "\(name) is not a string")
            case "date": #expect((value as? String).map { $0.wholeMatch(of: date) != nil } == true, "\(name): \(value)")
            case "integer": #expect(value is Int, "\(name) is not an integer")
            case "nested": #expect(value is [Any], "\(name) is not a list")
            default: Issue.record("\(name): unexpected type \(String(describing: field["type"]))")
            }
        }
        var paths: [String] = []
        var mentionsIran = 0
        for pair in stride(from: 0, to: lines.count, by: 2) {
            let action = try #require(JSONSerialization.jsonObject(with: Data(lines[pair].utf8)) as? [String: Any])
            let target = try #require(action["index"] as? [String: String])
            let document = try #require(
                JSONSerialization.jsonObject(with: Data(lines[pair + 1].utf8)) as? [String: Any])
            #expect(target["_index"] == "news")
            #expect(target["_id"] == document["path"] as? String)
            for (name, value) in document {
                guard let field = properties[name] else {
                    Issue.record("\(name) is not in the mapping")
                    continue
                }
                if name == "actor_ids" {
                    #expect(value is [String])
                } else {
                    check(value, field, name)
                }
            }
            let actors = try #require(document["actors"] as? [[String: Any]])
            for actor in actors {
                for (name, value) in actor {
                    guard let field = actorFields[name] else {
                        Issue.record("actors.\(name) is not in the mapping")
                        continue
                    }
                    check(value, field, "actors." + name)
                }
                #expect((actor["mentions"] as? Int ?? 0) >= 1)
            }
            #expect(document["actor_ids"] as? [String] == actors.compactMap { $0["id"] as? String })
            if actors.contains(where: { $0["id"] as? String == "IRN" }) { mentionsIran += 1 }
            paths.append(try #require(document["path"] as? String))
        }
        // Every live article once: the deleted copy of the changed file is not exported.
        let stats = try #require(
            JSONSerialization.jsonObject(
                with: Data(try CLI.run(["verify", "--index", "out", "--json"], in: checkout.path).stdout.utf8))
                as? [String: Any])
        #expect(paths.count == stats["documents"] as? Int)
        #expect(Set(paths).count == paths.count)
        #expect(paths.contains("Corpus/opec-oil-output.txt"))
        #expect(mentionsIran >= 3)
        // Dates come with the documents (the bundled corpus dates most articles).
        #expect(
            lines.contains {
                $0.contains("\"path\": \"Corpus/hamas-gaza-ceasefire-talks.txt\"")
                    && $0.contains("\"published\": \"2024-04-07")
            })
    }

    @Test("an empty query is refused before the first index build")
    func emptyQueryFirst() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        let result = try CLI.run(["search", " "], in: checkout.path)
        #expect(result.status == 64)
        #expect(!FileManager.default.fileExists(atPath: checkout.path + "/Index/MANIFEST"))
    }
}

@Suite("gazette CLI: actors", .serialized)
struct ActorCLITests {
    @Test("search --actor prints the resolved actor and its hits; --json keeps the documented keys")
    func searchActor() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        let result = try CLI.run(
            ["search", "--actor", "Tehran", "--limit", "2", "--color", "never"], in: checkout.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("actor Iran (IRN)"), "\(result.stdout)")
        let json = try CLI.run(["search", "--actor", "Quds Force", "--limit", "0", "--json"], in: checkout.path)
        #expect(json.status == 0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let hits = try #require(object["hits"] as? [[String: Any]])
        #expect(hits.count == object["total"] as? Int)
        #expect(hits.contains { ($0["path"] as? String)?.hasSuffix("iran-foreign-forces-iraq.txt") == true })
        // Ambiguous: exit 64 and the candidates; unknown: exit 1.
        let ambiguous = try CLI.run(["search", "--actor", "Congo"], in: checkout.path)
        #expect(ambiguous.status == 64)
        #expect(ambiguous.stderr.contains("COD") && ambiguous.stderr.contains("COG"), "\(ambiguous.stderr)")
        let unknown = try CLI.run(["search", "--actor", "Atlantis"], in: checkout.path)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("Atlantis"))
    }

    @Test("stats counts documents, terms and actors, and bytes per file kind that add up to the index")
    func stats() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        #expect(try CLI.run(["index", "Corpus", "--quiet"], in: checkout.path).status == 0)
        let check = try CLI.run(["check"], in: checkout.path)
        let json = try CLI.run(["stats", "--json"], in: checkout.path)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let documents = try #require(object["documents"] as? Int)
        let terms = try #require(object["terms"] as? Int)
        // The same counts as check, which reads the whole index.
        #expect(check.stdout.contains(" \(documents) documents (0 deleted)") && terms > 0, "\(check.stdout)")
        #expect(object["deleted_documents"] as? Int == 0 && object["segments"] as? Int == 1)
        #expect((object["actor_terms"] as? Int ?? 0) > 0)
        // Every bundled article has a date: a date line, or the page's <time>.
        #expect(object["dated_documents"] as? Int == documents)
        #expect(object["first_day"] as? String == "2024-01-18" && object["last_day"] as? String == "2024-11-20")
        let bytes = try #require(object["bytes"] as? [String: Int])
        #expect(
            Set(bytes.keys) == ["terms", "postings", "positions", "docs", "norms", "analysis", "sources", "manifest"])
        // Every byte of the index folder's own files, counted once.
        let folder = checkout.path + "/Index"
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0 == "MANIFEST" || $0.hasPrefix("seg-") }
            .map { try FileManager.default.attributesOfItem(atPath: folder + "/" + $0)[.size] as? Int ?? 0 }
            .reduce(0, +)
        #expect(bytes.values.reduce(0, +) == onDisk && object["total_bytes"] as? Int == onDisk)
        let human = try CLI.run(["stats"], in: checkout.path)
        #expect(human.stdout.contains("documents   \(documents) (0 deleted)"), "\(human.stdout)")
        #expect(human.stdout.contains("dated       \(documents) documents, 2024-01-18 to 2024-11-20"))
        // No index: exit 66, as for search.
        #expect(try CLI.run(["stats", "--index", "nowhere"], in: checkout.path).status == 66)
    }

    @Test("analyze --json lists actors with byte offsets, kinds and rules")
    func analyze() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = "TEHRAN, March 3 - Iran's envoy Nasser Kanaani met US officials. Kanaani spoke."
        let result = try CLI.run(["analyze", "--text", text, "--json"], in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let bytes = Array(text.utf8)
        let rows = list.map { item -> (String, String, String) in
            let start = item["start"] as! Int
            let end = item["end"] as! Int
            #expect(String(decoding: bytes[start..<end], as: UTF8.self) == item["text"] as! String)
            return (item["text"] as! String, item["actor"] as! String, item["rule"] as! String)
        }
        #expect(rows.map(\.0) == ["TEHRAN", "Iran's", "Nasser Kanaani", "US", "Kanaani"])
        #expect(rows.map(\.1) == ["IRN", "IRN", "p:nasser-kanaani", "USA", "p:nasser-kanaani"])
        #expect(rows.map(\.2) == ["capital", "name", "capitalised-name", "acronym", "surname"])
        #expect(list.allSatisfy { $0["kind"] is String })

        let human = try CLI.run(["analyze", "--text", "Iranian officials"], in: directory.path)
        #expect(human.stdout.contains("Iranian → Iran (IRN), country, demonym"), "\(human.stdout)")
        let missing = try CLI.run(["analyze", "no-such-file.txt"], in: directory.path)
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no-such-file.txt"))
    }

    @Test("index --actors FILE and a corpus's actors.txt add actors; a bad file names its line")
    func userActors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try directory.write(
            "news/a.txt", "Widgetland protests\n\nThe Widgetland Liberation Front marched in Gadgetville.\n")
        _ = try directory.write("news/b.txt", "Weather\n\nRain fell on Tuesday.\n")
        let actors = try directory.write(
            "mine.actors", "WLF armed-group Widgetland Liberation Front\n  capital: Gadgetville\n")
        let indexed = try CLI.run(["index", "news", "--index", "ix", "--actors", actors], in: directory.path)
        #expect(indexed.status == 0, "\(indexed.stderr)")
        #expect(indexed.stdout.contains("mine.actors merged (1 entries)"), "\(indexed.stdout)")
        let found = try CLI.run(
            ["search", "--index", "ix", "--actor", "Gadgetville", "--json"], in: directory.path)
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout.contains("news/a.txt"))

        // actors.txt at the top of the corpus is picked up, and not indexed as an article.
        _ = try directory.write("news/actors.txt", "WLF armed-group Widgetland Liberation Front\n  alias: Widgetland\n")
        let automatic = try CLI.run(["index", "news", "--index", "ix"], in: directory.path)
        #expect(automatic.stdout.contains("news/actors.txt merged"), "\(automatic.stdout)")
        // Other actors change the terms: the index is rebuilt, and says why.
        #expect(automatic.stdout.contains("Rebuilding ix: the actors changed"), "\(automatic.stdout)")
        #expect(automatic.stdout.contains("2 added"), "\(automatic.stdout)")
        let title = try CLI.run(["search", "--index", "ix", "--actor", "WLF", "--json"], in: directory.path)
        #expect(title.stdout.contains("news/a.txt"))

        // A broken file: exit 65, the file and line named, the index left as it was.
        _ = try directory.write("bad.actors", "WLF armed-group Front\n  capitol: Gadgetville\n")
        let bad = try CLI.run(["index", "news", "--index", "ix", "--actors", "bad.actors"], in: directory.path)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.actors:2"), "\(bad.stderr)")
        #expect(try CLI.run(["search", "--index", "ix", "--actor", "WLF"], in: directory.path).status == 0)

        // --no-actors: keyword search only, and actor search says why it cannot.
        _ = try CLI.run(["index", "news", "--index", "plain", "--no-actors"], in: directory.path)
        let off = try CLI.run(["search", "--index", "plain", "--actor", "WLF"], in: directory.path)
        #expect(off.status == 64)
        #expect(off.stderr.contains("without actors"), "\(off.stderr)")
    }

    @Test("actors lists the index's actors, a query's, and --with co-mentions")
    func actorsCommand() throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        let all = try CLI.run(["actors", "--limit", "5"], in: checkout.path)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("Actors in the whole index"))
        let json = try CLI.run(["actors", "--actor", "Iran", "--json"], in: checkout.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let actors = try #require(object["actors"] as? [[String: Any]])
        #expect(actors.contains { $0["id"] as? String == "IRQ" })
        #expect(!actors.contains { $0["id"] as? String == "IRN" })
        let with = try CLI.run(["actors", "--with", "Iran"], in: checkout.path)
        #expect(with.status == 0, "\(with.stderr)")
        #expect(with.stdout.contains("In the same sentence as Iran"))
        #expect(with.stdout.contains("In the same article"))
    }
}
