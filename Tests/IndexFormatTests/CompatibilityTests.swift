import Foundation
import IndexFormat
import Testing

/// Indexes written by earlier releases must stay readable (or be refused by
/// name). Fixtures/v1 was written by `gazette index` (format version 1) from:
///   a.txt:  "Iran and Iraq" / "Tehran says foreign forces must leave Iraq."
///   b.html: <title>Oil</title> <p>OPEC cuts oil output; Iran&#39;s exports rise.</p>
@Suite("Format compatibility")
struct CompatibilityTests {
    @Test("the version 1 fixture opens, verifies and answers")
    func version1() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/v1", withExtension: nil))
        let reader = try IndexReader(directory: url.path)
        try reader.verifyChecksums()
        #expect(reader.manifest.generation == 1)
        #expect(reader.documentCount == 2)
        #expect(reader.terms.count == 15)
        #expect(try reader.lengths.length(of: 0) == 10)
        #expect(try reader.lengths.length(of: 1) == 8)
        let iran = try #require(try reader.terms.lookup(Array("iran".utf8)))
        #expect(iran.documentFrequency == 2)
        var cursor = try reader.postings(for: iran)
        #expect(try cursor.next())
        #expect(try cursor.positions() == [0])
        #expect(try cursor.next())
        // b.html: title "Oil" (position 0), gap, then "OPEC cuts oil output Iran's": 1 + 16 + 4.
        #expect(try cursor.positions() == [21])
        let b = try reader.documents.article(1)
        #expect(b.title == "Oil")
        #expect(b.body == "OPEC cuts oil output; Iran's exports rise.")
        #expect(b.format == .html)
    }
}
