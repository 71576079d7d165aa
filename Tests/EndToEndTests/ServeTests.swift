import Foundation
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
    func start(index: String, in directory: String) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["serve", "--index", index, "--port", "0"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let match = seen.firstMatch(of: /on (http:\/\/127\.0\.0\.1:\d+)/) { return (process, String(match.1)) }
        }
        process.terminate()
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no start line: \(seen)"])
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

        #expect(try await get(base + "/api/documents/Corpus/no-such-file.txt").0 == 404)
        let (quoteStatus, quote) = try await get(base + "/api/search?q=%22unclosed")
        #expect(quoteStatus == 400 && (quote["error"] as? String)?.contains("never closed") == true)
        #expect(try await get(base + "/api/search?q=x&limit=many").0 == 400)
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
