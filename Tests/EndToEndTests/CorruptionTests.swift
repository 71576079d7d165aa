import Foundation
import TestSupport
import Testing

/// Every kind of index file, truncated, with bytes flipped and with a block
/// zeroed: `verify` names the file, and a search either fails with a clear
/// error (exit 65) or answers, and then only with articles the query matches.
@Suite("Corrupted index files", .serialized)
struct CorruptionTests {
    enum Damage: String, CaseIterable {
        case truncate, flip, zeroBlock

        func apply(to bytes: [UInt8]) -> [UInt8] {
            var bytes = bytes
            switch self {
            case .truncate: return Array(bytes.prefix(bytes.count / 2))
            case .flip:
                // 16 bytes from the middle, each bit inverted.
                for k in (bytes.count / 2)..<min(bytes.count, bytes.count / 2 + 16) { bytes[k] ^= 0xFF }
            case .zeroBlock:
                let start = max(0, bytes.count / 2 - 2048)
                for k in start..<min(bytes.count, start + 4096) { bytes[k] = 0 }
            }
            return bytes
        }
    }

    static let queries = ["tehran", "\"foreign forces\"", "oil OR opec", "zanzibar -iran"]

    @Test("each file kind, each damage: verify names the file; search fails clearly or gives only matching hits")
    func matrix() throws {
        let folder = try TemporaryDirectory("gazette-corrupt")
        defer { folder.remove() }
        // Two segments (two commits), and a deletions file (a file deleted).
        let bodies = [
            "TEHRAN, March 3 - Iran demanded the withdrawal of foreign forces from Iraq.",
            "Proxy militias aligned with Tehran attacked bases hosting foreign forces.",
            "OPEC agreed to extend output cuts as oil prices slid for a third week.",
            "Delegates met in Zanzibar on Monday to discuss the ceasefire.",
        ]
        for (k, body) in bodies.enumerated() {
            _ = try folder.write("news/a\(k).txt", "First \(k)\n\n" + String(repeating: body + " ", count: 40))
        }
        #expect(try CLI.run(["index", "news", "--index", "clean"], in: folder.path).status == 0)
        for (k, body) in bodies.enumerated() {
            _ = try folder.write("news/b\(k).txt", "Second \(k)\n\n" + String(repeating: body + " ", count: 30))
        }
        try FileManager.default.removeItem(atPath: folder.url("news/a3.txt"))
        #expect(try CLI.run(["index", "news", "--index", "clean"], in: folder.path).status == 0)

        // What each query matches in the undamaged index: any hit must be one of these.
        var matching: [String: Set<String>] = [:]
        for query in Self.queries {
            let result = try CLI.run(
                ["search", query, "--index", "clean", "--json", "--limit", "100"], in: folder.path)
            matching[query] = Set(Self.paths(result.stdout))
            #expect(!(matching[query]?.isEmpty ?? true), "\(query) finds nothing in the clean index")
        }

        let files = try FileManager.default.contentsOfDirectory(atPath: folder.url("clean"))
            .filter { $0 != "write.lock" }.sorted()
        // Every kind: MANIFEST and, per segment, terms, postings, positions, norms, docs, sources, analysis, deletions.
        let kinds = Set(files.map { $0.split(separator: ".").last.map(String.init) ?? $0 })
        #expect(
            kinds.isSuperset(of: ["MANIFEST", "terms", "postings", "positions", "norms", "docs", "sources", "analysis"])
        )
        #expect(files.contains { $0.contains("_") }, "a deletions file: \(files)")

        var outcomes: [String: Int] = [:]
        var perFile: [String: String] = [:]  // a: answered, r: refused; per damage and query
        for file in files {
            for damage in Damage.allCases {
                try? FileManager.default.removeItem(atPath: folder.url("bad"))
                try FileManager.default.copyItem(atPath: folder.url("clean"), toPath: folder.url("bad"))
                let path = folder.url("bad/" + file)
                try writeBytes(path, damage.apply(to: try readBytes(path)))
                let label = "\(file), \(damage)"

                let verify = try CLI.run(["verify", "--index", "bad"], in: folder.path)
                #expect(verify.status == 65, "\(label): verify exited \(verify.status)")
                #expect(verify.stderr.contains(file), "\(label): verify does not name the file: \(verify.stderr)")

                for query in Self.queries {
                    let result = try CLI.run(
                        ["search", query, "--index", "bad", "--json", "--limit", "100"], in: folder.path)
                    switch result.status {
                    case 0, 1:
                        let wrong = Set(Self.paths(result.stdout)).subtracting(matching[query] ?? [])
                        #expect(wrong.isEmpty, "\(label): \(query) gave hits it does not match: \(wrong)")
                        outcomes["answered", default: 0] += 1
                        perFile[file, default: ""] += "a"
                    case 65:
                        #expect(result.stderr.contains("damaged"), "\(label): \(result.stderr)")
                        outcomes["refused", default: 0] += 1
                        perFile[file, default: ""] += "r"
                    default:
                        Issue.record("\(label): \(query) exited \(result.status): \(result.stderr)")
                    }
                }
            }
        }
        #expect((outcomes["answered"] ?? 0) + (outcomes["refused"] ?? 0) == files.count * 3 * Self.queries.count)
        // What each file's damage led to (a: answered, r: refused), for the record.
        print(
            "corruption outcomes: "
                + perFile.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    static func paths(_ json: String) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return [] }
        return ((object["hits"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
    }
}
