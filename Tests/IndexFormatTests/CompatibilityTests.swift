import Foundation
import IndexFormat
import NewsCore
import Testing

/// Indexes written by earlier releases must stay readable (or be refused by
/// name). Version 1 (no analysis file, unstemmed terms, no actors) is refused:
/// its terms would not match stemmed queries. Fixtures/v1 was written by
/// `gazette index` (format version 1) from:
///   a.txt:  "Iran and Iraq" / "Tehran says foreign forces must leave Iraq."
///   b.html: <title>Oil</title> <p>OPEC cuts oil output; Iran&#39;s exports rise.</p>
@Suite("Format compatibility")
struct CompatibilityTests {
    /// Fixtures/v2 was written by `gazette index src --index v2` (format
    /// version 2, bundled gazetteer) from the same two files as v1.
    ///
    /// Known issue until the release bumps the format version: the documents
    /// file is now zstd-compressed blocks, still under version 2, so this
    /// fixture's uncompressed documents file is refused as damaged. The bump
    /// decides between refusing version 2 (`formatTooOld`, as for v1) and
    /// reading its documents the old way; either ends the known issue, which
    /// then fails here and must be resolved with it.
    @Test("the version 2 fixture opens, verifies and answers, actors included")
    func version2() throws {
        try withKnownIssue("v2's uncompressed documents file, under an unchanged version number") {
            try readVersion2()
        } matching: { issue in
            guard let error = issue.error as? IndexError else { return false }
            return error.code == .corruptIndex && error.path?.hasSuffix("v2/seg-00000001.docs") == true
        }
    }

    func readVersion2() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/v2", withExtension: nil))
        let reader = try IndexReader(directory: url.path)
        try reader.verifyChecksums()
        #expect(reader.documentCount == 2)
        #expect(reader.analysis.stemmer == "english")
        #expect(reader.analysis.recognisesActors)
        #expect(reader.analysis.zoneWeights == ZoneWeights(title: 3, lead: 3, body: 1))
        #expect(try reader.analysisFile.settings().gazetteer.contains("IRN country Iran"))
        // Stemmed words: "forces" is stored as "forc".
        #expect(try reader.terms.lookup(Array("forc".utf8)) != nil)
        #expect(try reader.terms.lookup(Array("forces".utf8)) == nil)
        // a.txt: "Iran" in the title (position 0, weight 3) and "Tehran" opening the
        // body's lead (position 3 + 16 = 19: three title words, then the gap), weight 3.
        let iran = try #require(try reader.terms.lookup(Array("@IRN".utf8)))
        #expect(iran.documentFrequency == 2)
        var cursor = try reader.postings(for: iran)
        #expect(try cursor.next())
        #expect(cursor.frequency == 6)
        #expect(try cursor.positions() == [0, 0, 0, 19, 19, 19])
        // Document lengths count words only: 3 + 7 and 1 + 7.
        #expect(try reader.lengths.length(of: 0) == 10)
        #expect(try reader.lengths.length(of: 1) == 8)
    }

    @Test("the version 1 fixture is refused by name: too old, rebuild")
    func version1() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/v1", withExtension: nil))
        do {
            _ = try IndexReader(directory: url.path)
            Issue.record("a version 1 index opened")
        } catch {
            #expect(error.code == .formatTooOld)
            #expect(error.description.contains("rebuild"))
        }
    }
}
