import NewsCore
import NewsIngest
import TestSupport
import Testing

@Suite("Publication dates: parsing, date lines, HTML metadata")
struct PublicationDateTests {
    @Test(
        "a whole value parses to the instant or day it names",
        arguments: [
            ("2024-06-02", "2024-06-02"),
            ("2024/06/02", "2024-06-02"),
            ("2024-06-02T10:15:00Z", "2024-06-02T10:15:00Z"),
            ("2024-06-02T10:15:00.123+03:00", "2024-06-02T10:15:00+03:00"),
            ("2024-06-02 10:15:00-0400", "2024-06-02T10:15:00-04:00"),
            ("2023-01-01 00:00:30+00:00", "2023-01-01T00:00:30Z"),
            ("2024-06-02T10:15", "2024-06-02T10:15:00Z"),
            ("June 2, 2024", "2024-06-02"),
            ("Jun. 2 2024", "2024-06-02"),
            ("Sunday, 2 June 2024 10:15:00 GMT", "2024-06-02T10:15:00Z"),
            ("Sun, 02 Jun 2024 10:15:00 +0200", "2024-06-02T10:15:00+02:00"),
            ("Nov 2, 2013 3:45 pm", "2013-11-02T15:45:00Z"),
            ("Nov 2, 2013 12:05 a.m. EST", "2013-11-02T00:05:00-05:00"),
            ("26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01Z"),
            ("2nd of June 2024", "2024-06-02"),
            ("February 29, 2024", "2024-02-29"),
        ])
    func parses(text: String, expected: String) {
        #expect(DateParser.parse(text)?.iso8601 == expected)
    }

    @Test(
        "anything more or less than a date is refused",
        arguments: [
            "", "2024", "June 2024", "June 2", "02/06/2024", "February 30, 2024", "2023-02-29",
            "June 2, 2024 was a Sunday", "Tehran said on June 2, 2024", "12 34 5678", "2024-13-01",
            "June 2, 1066", "10:15 June 2, 2024 +25:00", "2024-06-02T25:00:00Z",
        ])
    func refuses(text: String) {
        #expect(DateParser.parse(text) == nil, "\(text)")
    }

    @Test("a date's local day is the day it was written in, not the UTC day")
    func localDay() throws {
        let late = try #require(DateParser.parse("2024-03-31T23:30:00-05:00"))
        #expect(late.day.iso8601 == "2024-03-31")
        #expect(late.seconds == 1_711_945_800)  // 2024-04-01T04:30:00Z
        let early = try #require(DateParser.parse("2024-04-01T00:30:00+02:00"))
        #expect(early.day.iso8601 == "2024-04-01")
        #expect(CalendarDay(year: 1970, month: 1, day: 1)?.number == 0)
        #expect(CalendarDay(year: 1969, month: 12, day: 31)?.number == -1)
        // Every day from 1800 to 2200 survives the round trip through its number.
        var day = try #require(CalendarDay(year: 1800, month: 1, day: 1))
        let end = try #require(CalendarDay(year: 2200, month: 12, day: 31))
        var previous = day.number - 1
        while day <= end {
            let (y, m, d) = day.components
            #expect(CalendarDay(year: y, month: m, day: d) == day)
            #expect(day.number == previous + 1)
            previous = day.number
            day = day.advanced(by: 1)
        }
    }

    @Test(
        "a plain-text article's date line, under its title",
        arguments: [
            ("Title\n\nJune 2, 2024\n\nBody text.", "2024-06-02"),
            ("Title\n\nPublished: 2024-06-02T08:00:00Z\nBody text.", "2024-06-02T08:00:00Z"),
            ("Title\nBy Jane Doe | Sunday, June 2, 2024\n\nBody.", "2024-06-02"),
            ("Title\n\nPublished June 2, 2024\n\nBody.", "2024-06-02"),
            ("Title\n\nDate - 26-FEB-1987 15:01:01.79\nBody.", "1987-02-26T15:01:01Z"),
        ])
    func dateLine(file: String, expected: String) throws {
        let article = try #require(try withTemporaryDirectory { try readArticle($0.write("a.txt", file)) }.article)
        #expect(article.published?.iso8601 == expected)
        // A line that is only the date leaves the body; one with a byline stays.
        #expect(article.body.hasPrefix("Body") != file.contains("Jane Doe"), "\(article.body)")
        #expect(article.body.contains("Jane Doe") == file.contains("Jane Doe"))
    }

    @Test("no date line, no date: never the file's time, never a date in a sentence or past the top")
    func noDateLine() throws {
        let lines = (1...9).map { "Line \($0) of the article." }.joined(separator: "\n")
        for file in [
            "Title\n\nTEHRAN, March 3 - Iran said on June 2, 2024 that talks would resume.",
            "Title\n\n" + lines + "\nJune 2, 2024\n",
            "Title\n\nUpdated: June 2, 2024\nBody.",
        ] {
            let article = try #require(try withTemporaryDirectory { try readArticle($0.write("a.txt", file)) }.article)
            #expect(article.published == nil, "\(file)")
        }
    }

    @Test("HTML: JSON-LD beats article:published_time, which beats <time>, the last resort")
    func htmlMetadata() throws {
        func published(_ head: String, _ body: String = "<p>Text.</p>") throws -> String? {
            let page = "<html><head><title>T</title>\(head)</head><body>\(body)</body></html>"
            return try #require(try withTemporaryDirectory { try readArticle($0.write("a.html", page)) }.article)
                .published?.iso8601
        }
        let jsonLD =
            #"<script type="application/ld+json">{"@type":"NewsArticle","datePublished": "2024-05-01T09:00:00+01:00"}</script>"#
        #expect(
            try published(#"<meta property="article:published_time" content="2024-06-02T10:00:00Z">"# + jsonLD)
                == "2024-05-01T09:00:00+01:00")
        #expect(
            try published(
                #"<meta property="article:published_time" content="2024-06-02T10:00:00Z">"#,
                #"<time datetime="2020-01-01">x</time>"#) == "2024-06-02T10:00:00Z")
        #expect(try published(jsonLD, #"<time datetime="2020-01-01">x</time>"#) == "2024-05-01T09:00:00+01:00")
        #expect(try published(#"<meta name="DC.date.issued" content="2019-07-04">"#) == "2019-07-04")
        #expect(
            try published(
                "",
                #"<aside><time datetime="2001-01-01">a</time></aside><article><time datetime="2002-02-02">b</time></article>"#
            )
                == "2002-02-02")
        #expect(
            try published("", #"<span itemprop="datePublished" content="2018-03-04">March 4</span>"#) == "2018-03-04")
        #expect(try published(#"<meta property="article:published_time" content="not a date">"#) == nil)
        #expect(try published("") == nil)
        // A script that is not JSON-LD stays unread, and its text out of the body.
        let page = #"<html><body><script>var datePublished = "2024-01-01";</script><p>Text.</p></body></html>"#
        let article = try #require(try withTemporaryDirectory { try readArticle($0.write("b.html", page)) }.article)
        #expect(article.published == nil)
        #expect(article.body == "Text.")
    }

    /// The Readability test pages that state a publication time: Gazette
    /// must read the same day from each (their metadata has no time zone
    /// for some, so days are compared).
    @Test("the real pages' publication days (../shared/corpora/html-pages)")
    func realPages() throws {
        guard let (root, names) = try htmlPageFolders() else { return }
        var checked = 0
        var wrong: [String] = []
        for name in names {
            let metadata = String(decoding: try readBytes(root + "/" + name + "/expected-metadata.json"), as: UTF8.self)
            guard let expected = jsonValue("publishedTime", in: metadata), let want = DateParser.parse(expected)
            else { continue }
            let outcome = try readArticle(root + "/" + name + "/source.html")
            let got = outcome.article?.published
            checked += 1
            if got?.day != want.day { wrong.append("\(name): \(got?.iso8601 ?? "none") for \(expected)") }
        }
        #expect(checked >= 30)
        #expect(wrong.isEmpty, "\(wrong.count) of \(checked) wrong:\n\(wrong.joined(separator: "\n"))")
    }
}

/// A string value in a flat JSON object (the metadata files' shape).
private func jsonValue(_ key: String, in json: String) -> String? {
    guard let range = json.range(of: "\"\(key)\": \"") else { return nil }
    let rest = json[range.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return String(rest[..<end])
}

@Suite("Page metadata: byline, modified, site, url, language, description")
struct PageMetadataTests {
    func metadata(_ head: String, html: String = "<html>") throws -> ArticleMetadata {
        let page = "\(html)<head><title>T</title>\(head)</head><body><p>Text.</p></body></html>"
        return try #require(try withTemporaryDirectory { try readArticle($0.write("a.html", page)) }.article).metadata
    }

    @Test("each field from its best source")
    func sources() throws {
        let full = try metadata(
            #"""
            <meta name="author" content="Meta Author">
            <script type="application/ld+json">{"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Jane Doe"}], "dateModified": "2024-06-03T08:00:00Z"}</script>
            <meta property="og:site_name" content="The Daily">
            <meta name="application-name" content="Other">
            <link rel="canonical" href="https://example.com/a">
            <meta property="og:url" content="https://example.com/og">
            <meta name="description" content="What it is about.">
            <meta property="og:description" content="Another summary.">
            """#, html: #"<html lang="en-GB">"#)
        #expect(full.byline == "Jane Doe")
        #expect(full.modified?.iso8601 == "2024-06-03T08:00:00Z")
        #expect(full.site == "The Daily")
        #expect(full.url == "https://example.com/a")
        #expect(full.language == "en-GB")
        #expect(full.description == "What it is about.")
        // The fallbacks.
        let fallback = try metadata(
            #"""
            <meta name="author" content="Meta Author">
            <meta property="article:author" content="https://example.com/authors/x">
            <meta property="og:url" content="https://example.com/og">
            <meta property="og:description" content="Another summary.">
            <meta http-equiv="Content-Language" content="fr">
            <meta property="article:modified_time" content="2024-06-04">
            """#)
        #expect(fallback.byline == "Meta Author", "an author given as a link names no one")
        #expect(fallback.url == "https://example.com/og")
        #expect(fallback.description == "Another summary.")
        #expect(fallback.language == "fr")
        #expect(fallback.modified?.iso8601 == "2024-06-04")
        #expect(
            try metadata(#"<script type="application/ld+json">{"author": "Plain Name"}</script>"#).byline
                == "Plain Name")
        #expect(try metadata("") == ArticleMetadata())
    }
}
