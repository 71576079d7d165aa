import Foundation
import NewsCore
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `gazette serve` as a person runs it: a process on a free loopback port,
/// asked over HTTP.
@Suite("gazette serve", .serialized)
struct ServeTests {
    /// Starts the server on the index at `index` (relative to `directory`)
    /// and returns it with its base URL, read from its start line.
    func start(index: String, in directory: String, _ options: [String] = []) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["serve", "--index", index, "--port", "0"] + options
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        // Read on the handle's own thread, so that a server that starts and
        // says nothing cannot keep the deadline from firing.
        let seen = Locked(Data())
        err.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            seen.withLock { $0.append(chunk) }
            if chunk.isEmpty { handle.readabilityHandler = nil }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var text = ""
        while Date() < deadline {
            text = String(decoding: seen.withLock { $0 }, as: UTF8.self)
            if let match = text.firstMatch(of: /on (http:\/\/127\.0\.0\.1:\d+)/) {
                err.fileHandleForReading.readabilityHandler = nil
                return (process, String(match.1))
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        err.fileHandleForReading.readabilityHandler = nil
        process.terminate()
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no start line: \(text)"])
    }

    /// A fresh checkout with its Corpus indexed into out/, served.
    func serveFreshIndex() throws -> (TemporaryDirectory, Process, String) {
        let checkout = try freshCheckout()
        #expect(try CLI.run(["index", "Corpus", "--index", "out"], in: checkout.path).status == 0)
        let (server, base) = try start(index: "out", in: checkout.path)
        return (checkout, server, base)
    }

    func get(_ url: String) async throws -> (Int, [String: Any]) {
        let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any], "\(url)")
        return (status, object)
    }

    @Test("the JSON API answers search, actors and documents as the CLI's --json does, and bad input with 400 or 404")
    func api() async throws {
        let (checkout, server, base) = try serveFreshIndex()
        defer {
            server.terminate()
            checkout.remove()
        }
        #expect(base.hasPrefix("http://127.0.0.1:"), "loopback by default")

        let (status, search) = try await get(base + "/api/search?q=militias&actor=Iran&limit=2")
        #expect(status == 200)
        let cli = try #require(
            JSONSerialization.jsonObject(
                with: Data(
                    try CLI.run(
                        ["search", "militias", "--actor", "Iran", "--limit", "2", "--json", "--index", "out"],
                        in: checkout.path
                    )
                    .stdout.utf8)) as? [String: Any])
        #expect(Set(search.keys) == Set(cli.keys))
        let hits = try #require(search["hits"] as? [[String: Any]])
        #expect(hits.count == 2 && search["total"] as? Int == cli["total"] as? Int)
        #expect(hits.map { $0["path"] as? String } == (cli["hits"] as? [[String: Any]])?.map { $0["path"] as? String })

        let (_, actors) = try await get(base + "/api/actors?with=Hezbollah&limit=3")
        #expect(actors["with"] as? String == "HEZBOLLAH")
        let path = try #require(hits.first?["path"] as? String)
        let (documentStatus, document) = try await get(base + "/api/documents/" + path)
        #expect(documentStatus == 200 && document["path"] as? String == path)
        #expect((document["text"] as? String)?.isEmpty == false)

        // Every actor mention, its offsets in Unicode scalars of its field.
        let mentions = try #require(document["mentions"] as? [[String: Any]])
        #expect(!mentions.isEmpty)
        for mention in mentions {
            let field = try #require(document[mention["field"] as? String == "title" ? "title" : "text"] as? String)
            let scalars = Array(field.unicodeScalars)
            let start = try #require(mention["start"] as? Int)
            let end = try #require(mention["end"] as? Int)
            #expect(0 <= start && start < end && end <= scalars.count)
            #expect(mention["actor"] as? String != nil && mention["kind"] as? String != nil)
        }
        let named = { (actor: String) in
            mentions.filter { $0["actor"] as? String == actor }.compactMap { mention -> String? in
                guard let start = mention["start"] as? Int, let end = mention["end"] as? Int,
                    let text = document[mention["field"] as? String == "title" ? "title" : "text"] as? String
                else { return nil }
                return String(String.UnicodeScalarView(Array(text.unicodeScalars)[start..<end]))
            }
        }
        #expect(Set(named("IRN")).isSuperset(of: ["Iran", "Tehran", "Iranian"]), "\(named("IRN"))")

        // The months of the matching articles, empty ones included.
        let (_, timeline) = try await get(base + "/api/timeline?q=militias&actor=Iran")
        let buckets = try #require(timeline["buckets"] as? [[String: Any]])
        #expect(timeline["interval"] as? String == "month")
        #expect(timeline["documents"] as? Int == cli["total"] as? Int)
        #expect(
            buckets.reduce(0) { $0 + ($1["articles"] as? Int ?? 0) } + (timeline["undated"] as? Int ?? -1)
                == cli["total"] as? Int)
        let cliMonths = Set(
            ((cli["hits"] as? [[String: Any]]) ?? []).compactMap { ($0["published"] as? String)?.prefix(7) })
        #expect(cliMonths.isSubset(of: Set(buckets.compactMap { ($0["key"] as? String)?.prefix(7) })))
        // A query of dates alone counts what search counts: every article of the month.
        let (_, march) = try await get(base + "/api/timeline?q=date:2024-03")
        let searchedMarch = try await get(base + "/api/search?q=date:2024-03").1
        #expect(march["documents"] as? Int == searchedMarch["total"] as? Int && (march["documents"] as? Int ?? 0) > 0)
        #expect(try await get(base + "/api/timeline?q=%22unclosed").0 == 400)

        #expect(try await get(base + "/api/documents/Corpus/no-such-file.txt").0 == 404)
        let (quoteStatus, quote) = try await get(base + "/api/search?q=%22unclosed")
        #expect(quoteStatus == 400 && (quote["error"] as? String)?.contains("never closed") == true)
        #expect(try await get(base + "/api/search?q=x&limit=many").0 == 400)

        // Query strings as a browser's form sends them: "+" is a space, "%2B" a plus.
        let (_, plus) = try await get(base + "/api/search?q=militias+proxy&limit=0")
        let (_, space) = try await get(base + "/api/search?q=militias%20proxy&limit=0")
        #expect(plus["query"] as? String == "militias proxy" && (plus["total"] as? Int ?? 0) > 0)
        #expect(plus["total"] as? Int == space["total"] as? Int)
        #expect(try await get(base + "/api/search?q=%2Bmilitias&limit=0").1["query"] as? String == "+militias")
        let (badStatus, bad) = try await get(base + "/api/search?q=%E2%28")
        #expect(badStatus == 400 && (bad["error"] as? String)?.contains("q=%E2%28 is not valid") == true)
        let long = String(repeating: "a", count: 4097)
        #expect(try await get(base + "/api/actors?q=" + long).0 == 400)
        #expect(try await get(base + "/api/actors?with=" + long).0 == 400)
    }

    @Test("a request that runs past --timeout gets 503 and the reason; one that reads no postings is answered")
    func timeout() async throws {
        let checkout = try freshCheckout()
        defer { checkout.remove() }
        #expect(try CLI.run(["index", "Corpus", "--index", "out"], in: checkout.path).status == 0)
        // One nanosecond: every search has used it up by its first look at the clock.
        let (server, base) = try start(index: "out", in: checkout.path, ["--timeout", "0.000000001"])
        defer { server.terminate() }
        for request in [
            "/api/search?q=militias", "/api/search?actor=Iran", "/api/actors?q=militias", "/api/actors",
            "/api/actors?with=Hezbollah", "/api/timeline?q=said",
        ] {
            let (status, body) = try await get(base + request)
            #expect(status == 503, "\(request)")
            let message = body["error"] as? String ?? ""
            #expect(message.contains("ran longer than its limit of 1 ns"), "\(request): \(message)")
        }
        // A document is read, not searched: no limit applies.
        #expect(try await get(base + "/api/documents/Corpus/iran-foreign-forces-iraq.txt").0 == 200)

        let refused = try CLI.run(["serve", "--index", "out", "--timeout=-1"], in: checkout.path)
        #expect(refused.status == 64 && refused.stderr.contains("--timeout must be 0 to 86400 seconds"))
    }

    @Test("gazette serve without gazette-serve beside it says so, and how to build it (exit 69)")
    func serverMissing() throws {
        let folder = try TemporaryDirectory("gazette-alone")
        defer { folder.remove() }
        try FileManager.default.copyItem(atPath: CLI.binary, toPath: folder.url("gazette"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: folder.url("gazette"))
        process.arguments = ["serve", "--port", "0"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 69)
        #expect(
            message.contains(folder.url("gazette-serve")) && message.contains("--product gazette-serve"), "\(message)")
    }

    @Test(
        "documents by any path: absolute, with spaces, #, %, ?, + and non-ASCII, percent-encoded as the app sends them")
    func documentPaths() async throws {
        let folder = try TemporaryDirectory("gazette odd")
        defer { folder.remove() }
        let names = ["a b.txt", "c#d.txt", "e%41.txt", "g?h.txt", "i+j.txt", "Ünïcödé.txt"]
        for name in names { _ = try folder.write("news/" + name, "Title of \(name)\n\nTehran said so on Sunday.\n") }
        // An absolute corpus path: the documents' paths start with "/".
        #expect(try CLI.run(["index", folder.url("news"), "--index", "out"], in: folder.path).status == 0)
        let (server, base) = try start(index: "out", in: folder.path)
        defer { server.terminate() }
        for name in names {
            let path = folder.url("news/" + name)
            let encoded = try #require(path.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let (status, document) = try await get(base + "/api/documents/" + encoded)
            #expect(status == 200 && document["path"] as? String == path, "\(path): \(document)")
        }
        // Bytes that are not UTF-8.
        #expect(try await get(base + "/api/documents/%C3%28").0 == 400)
    }

    @Test("on loopback, a request addressed to another host name is refused (DNS rebinding)")
    func foreignHost() async throws {
        let (checkout, server, base) = try serveFreshIndex()
        defer {
            server.terminate()
            checkout.remove()
        }
        var request = URLRequest(url: try #require(URL(string: base + "/api/search?q=iran")))
        request.setValue("attacker.example", forHTTPHeaderField: "Host")
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 403)
        #expect(
            try await get(base.replacingOccurrences(of: "127.0.0.1", with: "localhost") + "/api/search?q=iran").0 == 200
        )
    }

    @Test("the browser app is three fixed files with their types; any other path is 404")
    func assets() async throws {
        let (checkout, server, base) = try serveFreshIndex()
        defer {
            server.terminate()
            checkout.remove()
        }
        for (path, type, marker) in [
            ("/", "text/html", "<script src=\"/app.js\""), ("/app.js", "text/javascript", "/api/search"),
            ("/app.css", "text/css", "@media"),
        ] {
            let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: base + path)))
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.statusCode == 200, "\(path)")
            #expect(http.value(forHTTPHeaderField: "Content-Type")?.hasPrefix(type) == true, "\(path)")
            #expect(http.value(forHTTPHeaderField: "Content-Security-Policy")?.contains("default-src 'self'") == true)
            #expect(String(decoding: data, as: UTF8.self).contains(marker), "\(path)")
        }
        // Paths that would reach files in a server that read them from disk.
        // (Hummingbird matches "/app.js/" as "/app.js": the same file.)
        for path in ["/index.html", "/app.jsx", "/%2e%2e/Package.swift", "/Web/app.js", "/.git/config"] {
            let (_, response) = try await URLSession.shared.data(from: try #require(URL(string: base + path)))
            #expect((response as? HTTPURLResponse)?.statusCode == 404, "\(path)")
        }
    }

    @Test(
        "in headless chromium: load, type a query, click an actor facet, open a result; the page shows what the CLI finds",
        // Under CI (which installs chromium) it always runs, so a missing browser fails there.
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
                || ProcessInfo.processInfo.environment["CI"] != nil,
            "needs Debian's chromium (.ci/run installs it: apt-get install chromium)"))
    func browser() async throws {
        let (checkout, server, base) = try serveFreshIndex()
        defer {
            server.terminate()
            checkout.remove()
        }
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        driver.arguments = [
            "python3", Repository.root + "/tools/browser/e2e.py", "--url", base + "/", "--query", "militias",
            "--facet", "IRN", "--paging-query", "said",
        ]
        let out = Pipe()
        driver.standardOutput = out
        driver.standardError = FileHandle.standardError
        try driver.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        driver.waitUntilExit()
        let page = try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
        #expect(page["failed"] == nil, "\(page["failed"] ?? "")")
        #expect((page["errors"] as? [String])?.isEmpty == true, "errors in the page: \(page["errors"] ?? "")")
        #expect(driver.terminationStatus == 0)

        func cli(_ arguments: [String]) throws -> [String: Any] {
            let result = try CLI.run(arguments + ["--json", "--index", "out"], in: checkout.path)
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }
        func paths(_ object: [String: Any]) -> [String] {
            ((object["hits"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
        }
        func observed(_ step: String) throws -> [String: Any] {
            try #require(page[step] as? [String: Any], "no step \(step)")
        }

        // The typed query: the CLI's first page, and its actor facets.
        let query = try observed("query")
        let searched = try cli(["search", "militias", "--limit", "10"])
        #expect(query["paths"] as? [String] == paths(searched))
        #expect(!(query["paths"] as? [String] ?? []).isEmpty)
        #expect((query["marks"] as? Int ?? 0) > 0, "highlighted snippets")
        let facets = ((query["facets"] as? [[String: Any]]) ?? []).map { "\($0["id"] ?? "") \($0["articles"] ?? "")" }
        let actors = try cli(["actors", "militias", "--limit", "12"])
        #expect(
            facets == ((actors["actors"] as? [[String: Any]]) ?? []).map { "\($0["id"] ?? "") \($0["articles"] ?? "")" }
        )
        #expect(!(query["buckets"] as? [String] ?? []).isEmpty, "the chart of months")

        // The facet's click: a filter, and the CLI's results with --actor.
        let filtered = try observed("facet")
        #expect(filtered["filters"] as? [String] == ["IRN"])
        let withActor = paths(try cli(["search", "militias", "--actor", "IRN", "--limit", "10"]))
        #expect(filtered["paths"] as? [String] == withActor)
        #expect(withActor.count < paths(searched).count, "the facet narrowed the results")

        // Keyboard: j and Enter opened the first result; Escape came back.
        let keyboard = try observed("keyboard")
        #expect(keyboard["visible"] as? Bool == true)
        #expect((keyboard["hash"] as? String)?.contains("doc=") == true)
        #expect(try observed("back")["paths"] as? [String] == withActor)

        // The document view marks every mention the API lists.
        let shown = try observed("document")
        let path = try #require(withActor.first)
        let (_, document) = try await get(base + "/api/documents/" + path)
        let mentions = try #require(document["mentions"] as? [[String: Any]])
        let marks = try #require(shown["marks"] as? [[String]])
        #expect(marks.count == mentions.count && !marks.isEmpty)
        #expect(marks.map { $0[0] } == mentions.map { $0["actor"] as? String ?? "" })
        #expect(shown["title"] as? String == document["title"] as? String)

        // A phone's width: nothing wider than the screen.
        let phone = try observed("phone")
        #expect((phone["scroll_width"] as? Int ?? .max) <= (phone["width"] as? Int ?? 0))
        #expect(phone["results"] as? Int == withActor.count)

        // Paging: "More hits" shows the CLI's second page.
        let said = try cli(["search", "said", "--limit", "10"])
        #expect((said["total"] as? Int ?? 0) > 10)
        #expect(try observed("page1")["paths"] as? [String] == paths(said))
        let page2 = try observed("page2")
        #expect(page2["paths"] as? [String] == paths(try cli(["search", "said", "--limit", "10", "--offset", "10"])))
        #expect((page2["status"] as? String)?.contains("11–") == true, "\(page2["status"] ?? "")")
    }

    @Test("searches run concurrently from one open index, and a new commit is picked up without a restart")
    func concurrentAndNewCommit() async throws {
        let (checkout, server, base) = try serveFreshIndex()
        defer {
            server.terminate()
            checkout.remove()
        }
        let totals = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<32 {
                group.addTask { (try await get(base + "/api/search?q=iran&limit=3").1["total"] as? Int) ?? -1 }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(totals.count == 32 && Set(totals).count == 1 && totals[0] > 0)

        #expect(try await get(base + "/api/search?q=zanzibar").1["total"] as? Int == 0)
        try checkout.write("Corpus/zanzibar.txt", "Talks in Zanzibar\n\nDelegates met in Zanzibar on Monday.\n")
        #expect(try CLI.run(["index", "Corpus", "--index", "out"], in: checkout.path).status == 0)
        #expect(try await get(base + "/api/search?q=zanzibar").1["total"] as? Int == 1)
    }
}
