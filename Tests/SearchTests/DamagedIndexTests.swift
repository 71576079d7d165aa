import Foundation
import IndexFormat
import Indexing
import NewsCore
import Search
import TestSupport
import Testing

/// Queries over an index whose large files were damaged after the commit.
///
/// Opening an index checksums only the manifest and deletions; postings,
/// positions, the dictionary, the norms, the stored documents and the analysis
/// file's actors are read lazily, structurally checked. So a query can meet
/// damaged bytes there, and it must then either answer or throw: never trap,
/// never read out of bounds. (`gazette check` finds every one of these by CRC.)
@Suite("Damaged index")
struct DamagedIndexTests {
    static let bodies = [
        "Tehran demanded the withdrawal of foreign forces from Iraq on Sunday.",
        "Proxy militias aligned with Iran attacked bases hosting foreign forces.",
        "OPEC agreed to extend output cuts as oil prices slid for a third week.",
        "The IAEA said inspectors had lost continuity of knowledge in Iran.",
        "Hezbollah and Israel traded fire across the border for a fourth day.",
    ]

    @Test(
        "random damage to a lazily read file never crashes a query",
        arguments: [IndexFileKind.terms, .postings, .positions, .norms, .documents, .analysis])
    func randomDamage(kind: IndexFileKind) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try IndexWriter(directory: directory.path)
        for (index, body) in Self.bodies.enumerated() {
            try writer.add(Article(path: "a\(index).txt", title: "Article \(index)", body: body, format: .text))
        }
        _ = try writer.commit()
        let manifest = try Manifest.read(directory: directory.path)
        let path = directory.path + "/" + manifest.segments[0].fileName(kind)
        let original = try readBytes(path)
        var generator = SplitMix(seed: 7 &* UInt64(kind.rawValue.utf8.count))
        var answered = 0
        var refused = 0
        for _ in 0..<300 {
            var bytes = original
            // Damage 1 to 4 bytes of the body (between header and footer), with any values.
            for _ in 0...(generator.next() % 4) {
                let offset = 40 + Int(generator.next() % UInt64(bytes.count - 40 - IndexFileFooter.length))
                bytes[offset] = UInt8(truncatingIfNeeded: generator.next())
            }
            try writeBytes(path, bytes)
            do {
                let searcher = Searcher(reader: try IndexReader(directory: directory.path))
                for query in ["foreign forces", "iran", "oil prices opec", "fourth"] {
                    _ = try searcher.search(query, limit: 3)
                }
                // Actor queries read the analysis file's gazetteer and learned actors.
                _ = try searcher.search("", SearchOptions(limit: 3, actors: ["Iran"]))
                answered += 1
            } catch let error as IndexError {
                #expect(error.code == .corruptIndex, "\(error)")
                refused += 1
            }
        }
        #expect(answered + refused == 300)
    }
}
