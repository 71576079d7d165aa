import Foundation
import IndexFormat
import Indexing
import NewsCore
import TestSupport
import Testing

/// Indexes written by earlier releases must stay readable (or be refused by
/// name). Version 1 (no analysis file, unstemmed terms, no actors) is refused:
/// its terms would not match stemmed queries. Fixtures/v1 was written by
/// `gazette index` (format version 1) from:
///   a.txt:  "Iran and Iraq" / "Tehran says foreign forces must leave Iraq."
///   b.html: <title>Oil</title> <p>OPEC cuts oil output; Iran&#39;s exports rise.</p>
@Suite("Format compatibility")
struct CompatibilityTests {
    /// Fixtures/v3 was written by `gazette index src --index v3 --threads 1`
    /// (format version 3: one segment of 142 documents) from the same two files
    /// as v1 and v2, then 140 files "Filler NNN" / "The common word appears in
    /// filler NNN.", so that "common" fills a packed block of 128 documents
    /// with its skip entry. Fixtures/v4 was written the same way by format
    /// version 4, whose sources file is in walk order with document numbers,
    /// Fixtures/v5 by format version 5, whose skip entries carry impacts, and
    /// Fixtures/v6 by format version 6, whose norms carry publication dates:
    /// for it a.txt has the date line "Published: 2024-03-03" under its title
    /// (taken out of the body, so positions are as before) and b.html the
    /// `<meta property="article:published_time" content="2024-03-04T10:00:00+03:30">`.
    /// Fixtures/v7 by format version 7, whose documents carry page metadata:
    /// b.html also has `<meta name="author" content="Jane Doe">` and
    /// `<meta property="og:site_name" content="Oil Daily">`.
    @Test(
        "the version 3 to 7 fixtures open, verify and answer: actors, a packed block, stored text, sources, dates, metadata",
        arguments: ["v3", "v4", "v5", "v6", "v7"])
    func version3and4(_ version: String) throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(version)", withExtension: nil))
        let reader = try IndexReader(directory: url.path)
        try reader.verifyChecksums()
        let report = try reader.verifyStructure()
        #expect(report.documents == 142)
        #expect(reader.documentCount == 142 && reader.segments.count == 1)
        #expect(reader.analysis.stemmer == "english")
        #expect(reader.analysis.recognisesActors)
        #expect(reader.analysis.zoneWeights == ZoneWeights(title: 3, lead: 3, body: 1))
        let segment = reader.segments[0]
        #expect(try segment.analysisFile.settings().gazetteer.contains("IRN country Iran"))
        // Stemmed words: "forces" is stored as "forc".
        #expect(try segment.terms.lookup(Array("forc".utf8)) != nil)
        #expect(try segment.terms.lookup(Array("forces".utf8)) == nil)
        // a.txt: "Iran" in the title (position 0, weight 3) and "Tehran" opening the
        // body's lead (position 3 + 16 = 19), weight 3; b.html names Iran too.
        let iran = try #require(try segment.terms.lookup(Array("@IRN".utf8)))
        #expect(iran.documentFrequency == 2)
        var cursor = try segment.postings(for: iran)
        #expect(try cursor.next())
        #expect(cursor.document == 0 && cursor.frequency == 6)
        #expect(try cursor.positions() == [0, 0, 0, 19, 19, 19])
        // "common": 140 documents, one packed block of 128 and a tail of 12.
        let common = try #require(try segment.terms.lookup(Array("common".utf8)))
        #expect(common.documentFrequency == 140)
        var commons = try segment.postings(for: common)
        #expect(try commons.advance(to: 130))
        #expect(commons.document == 130)
        // Two title words, the 16-position gap, then "The" (18) and "common" (19).
        #expect(try commons.positions() == [19])
        // Its block's best BM25 bound: frequency 1 at the shortest length, 9
        // ("Filler NNN" and "The common word appears in filler NNN."), from the
        // impacts (version 5) or from the skip entry's two bounds (3 and 4).
        #expect(segment.postingsHaveImpacts == (version >= "v5"))
        var block = try segment.postings(for: common)
        try block.advanceShallow(to: 0)
        var impacts: [String] = []
        _ = try block.blockMaxScore { frequency, length in
            impacts.append("\(frequency)@\(length)")
            return 0
        }
        #expect(impacts == ["1@9"])
        // Document lengths count words only: 3 + 7 and 1 + 7.
        #expect(try segment.lengths.length(of: 0) == 10)
        #expect(try segment.lengths.length(of: 1) == 8)
        let article = try reader.article(1)
        #expect(article.path == "src/b.html" && article.title == "Oil")
        #expect(
            article.body.contains("OPEC cuts oil output; Iran\u{2019}s exports rise.")
                || article.body.contains("OPEC cuts oil output; Iran's exports rise."))
        let header = try IndexFileHeader.read(from: segment.sourcesFile, expecting: .sources).0
        #expect(header.version == ["v3": 3, "v4": 4, "v5": 5, "v6": 6, "v7": 7][version])
        // Dates since version 6; before, none, and a merge alone refuses to
        // write a segment that would claim them.
        let dated = version >= "v6"
        #expect(reader.hasDates == dated)
        #expect(try reader.article(0).published?.iso8601 == (dated ? "2024-03-03" : nil))
        #expect(try reader.article(1).published?.iso8601 == (dated ? "2024-03-04T10:00:00+03:30" : nil))
        // Page metadata since version 7.
        #expect(reader.hasMetadata == (version == "v7"))
        let page = try reader.article(1).metadata
        #expect(page.byline == (version == "v7" ? "Jane Doe" : nil))
        #expect(page.site == (version == "v7" ? "Oil Daily" : nil))
        #expect(try reader.article(0).metadata == ArticleMetadata())
        #expect(try reader.article(2).published == nil)
        let copy = try TemporaryDirectory()
        defer { copy.remove() }
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
            try FileManager.default.copyItem(atPath: url.path + "/" + name, toPath: copy.path + "/" + name)
        }
        if version == "v7" {
            #expect(reader.analysis.abbreviationsJoined)
            #expect(try IndexWriter(directory: copy.path).rebuildReason == nil)
        } else if version == "v6" {
            // The next `gazette index` rebuilds it to read the pages' metadata;
            // a merge alone refuses it.
            #expect(
                try IndexWriter(directory: copy.path).rebuildReason
                    == "page metadata (byline, site, URL, language, description) is now stored (format 7)")
            let error = try #require(throws: IndexError.self) { try IndexWriter(mergingIn: copy.path) }
            #expect(error.code == .formatTooOld && error.message.contains("predates stored page metadata"))
        } else {
            // Built before abbreviations lost their periods: the next
            // `gazette index` rebuilds it, saying why.
            #expect(!reader.analysis.abbreviationsJoined)
            #expect(
                try IndexWriter(directory: copy.path).rebuildReason
                    == "abbreviations are now one word (U.N. is indexed as un)")
            let error = try #require(throws: IndexError.self) { try IndexWriter(mergingIn: copy.path) }
            #expect(error.code == .formatTooOld && error.message.contains("predates publication dates"))
        }
        let sources = try segment.sources()
        #expect(sources.count == 142 && sources[2].path == "src/filler-000.txt")
        // A sync reads sources in walk order: as stored since version 4; a
        // version 3 segment's (in document order) are read whole and sorted.
        var walk = try MergedSourceCursor(segments: reader.segments)
        var walked: [String] = []
        while try walk.next() { walked.append(String(decoding: walk.path, as: UTF8.self)) }
        #expect(walked.count == 142 && Set(walked) == Set(sources.map(\.path)))
        #expect(walked == walked.sorted { comparePaths(Array($0.utf8).span, Array($1.utf8).span) < 0 })
    }

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
