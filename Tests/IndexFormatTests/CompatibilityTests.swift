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
    /// version 2: one segment, postings as VInts) from the same two files as
    /// v1. Version 3 changed every file, so it is refused by name.
    @Test("the version 2 fixture is refused by name: too old, rebuild")
    func version2() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/v2", withExtension: nil))
        let error = try #require(throws: IndexError.self) { try IndexReader(directory: url.path) }
        #expect(error.code == .formatTooOld)
        #expect(error.description.contains("rebuild"))
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
