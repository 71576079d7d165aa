import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Folders nobody tidied: hostile files (tools/hostile/make_hostile.py
/// states what must happen to each) and files that change while indexed.
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    /// Whether this process (and so the gazette built with it) runs under
    /// AddressSanitizer or ThreadSanitizer (`swift test --sanitize=…`).
    static let sanitized = unsafe (dlsym(nil, "__asan_init") != nil || dlsym(nil, "__tsan_init") != nil)

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text.prefix(500))")
    }

    @Test("each hostile file is indexed or skipped as stated, in 1 GB of address space, and no entity is expanded")
    func hostileFolder() throws {
        let folder = try TemporaryDirectory("gazette-hostile")
        defer { folder.remove() }
        let made = try CLI.run(
            ["python3", Repository.root + "/tools/hostile/make_hostile.py", folder.path], in: folder.path,
            executable: "/usr/bin/env")
        try #require(made.status == 0, "\(made.stderr)")
        let expected = try json(try String(contentsOfFile: folder.url("expected.json"), encoding: .utf8))
        let cases = try #require(expected["cases"] as? [String: [String: Any]])

        // A 500 MB file and a 200 MB line are in the folder: memory must not
        // follow them. (Under a sanitizer, whose shadow memory is terabytes
        // of address space, the limit cannot be set.)
        let limit = Self.sanitized ? "" : "ulimit -v 1000000; "
        let indexed = try CLI.run(
            ["-c", limit + "exec \"$0\" index news --index out --json", CLI.binary], in: folder.path,
            executable: "/bin/sh")
        #expect(indexed.status == 0, "\(indexed.stderr)")
        let summary = try json(indexed.stdout)
        var reasons: [String: String] = [:]  // path under news/ → why skipped
        for key in ["failures", "skipped_files"] {
            for entry in (summary[key] as? [[String: Any]]) ?? [] {
                let path = try #require(entry["path"] as? String)
                reasons[String(path.dropFirst("news/".count))] = entry["reason"] as? String
            }
        }
        var warnings: [String: String] = [:]
        for entry in (summary["warnings"] as? [[String: Any]]) ?? [] {
            let path = try #require(entry["path"] as? String)
            warnings[String(path.dropFirst("news/".count))] = entry["reason"] as? String
        }
        func search(_ word: String) throws -> [String] {
            let result = try CLI.run(["search", word, "--index", "out", "--json", "--limit", "50"], in: folder.path)
            return ((try json(result.stdout)["hits"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
        }
        for (name, stated) in cases.sorted(by: { $0.key < $1.key }) {
            var outcome = stated["outcome"] as? String
            if stated["unless_root"] as? Bool == true && getuid() == 0 { outcome = "read by root" }
            switch outcome {
            case "indexed":
                #expect(reasons[name] == nil, "\(name): skipped (\(reasons[name] ?? ""))")
                if let word = stated["find"] as? String {
                    #expect(try search(word) == ["news/" + name], "\(name): a search for \(word)")
                }
                if let warning = stated["warning"] as? String {
                    #expect(warnings[name]?.contains(warning) == true, "\(name): warning \(warnings[name] ?? "none")")
                }
            case "skipped":
                let reason = try #require(stated["reason"] as? String)
                #expect(reasons[name]?.contains(reason) == true, "\(name): \(reasons[name] ?? "not skipped")")
            case "read by root":
                #expect(reasons[name] == nil)
            default:
                Issue.record("\(name): unknown outcome \(outcome ?? "none")")
            }
        }
        for word in (expected["forbidden"] as? [String]) ?? [] {
            #expect(try search(word).isEmpty, "\(word) is in the index")
        }
        #expect(try CLI.run(["verify", "--index", "out"], in: folder.path).status == 0)
    }

    @Test("files deleted, added and grown while indexing: a clean commit, and the next sync matches the folder exactly")
    func filesChangingUnderfoot() throws {
        let folder = try TemporaryDirectory("gazette-churn")
        defer { folder.remove() }
        for n in 0..<1500 {
            _ = try folder.write("news/\(n).txt", "Article \(n)\n\nDelegates met in Zanzibar on day \(n).\n")
        }
        let indexer = Process()
        indexer.executableURL = URL(fileURLWithPath: CLI.binary)
        indexer.arguments = ["index", "news", "--index", "out", "--quiet", "--threads", "2"]
        indexer.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        indexer.standardOutput = FileHandle.nullDevice
        indexer.standardError = FileHandle.nullDevice
        try indexer.run()
        // While it runs: delete, add, and grow files, round and round.
        var round = 0
        while indexer.isRunning || round < 3 {
            for n in stride(from: round % 7, to: 1500, by: 7) {
                let path = folder.url("news/\(n).txt")
                if round % 2 == 0 {
                    unlink(path)
                } else {
                    _ = try? folder.write(
                        "news/\(n).txt", "Article \(n)\n\n" + String(repeating: "More text. ", count: 500))
                }
            }
            _ = try folder.write("news/new-\(round).txt", "New \(round)\n\nWritten while indexing.\n")
            round += 1
        }
        indexer.waitUntilExit()
        #expect([0, 1].contains(indexer.terminationStatus), "exit \(indexer.terminationStatus)")
        #expect(try CLI.run(["verify", "--index", "out"], in: folder.path).status == 0)

        // Still now: a second sync brings the index to the folder, exactly.
        #expect(try CLI.run(["index", "news", "--index", "out", "--quiet"], in: folder.path).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.url("news")).count
        let stats = try json(try CLI.run(["stats", "--index", "out", "--json"], in: folder.path).stdout)
        #expect(stats["documents"] as? Int == files)
        #expect(try CLI.run(["verify", "--index", "out"], in: folder.path).status == 0)
    }
}
