import NewsCore
import NewsIngest
import TestSupport
import Testing

/// Hostile pages, generated here: each must be read without a crash, its
/// text kept, in time and memory that grow with its size (the figures are
/// in the closing note; tests assert behaviour, never timings).
@Suite("HTML robustness: deep nesting, huge pages, tag soup, broken entities")
struct HTMLRobustnessTests {
    func read(_ bytes: [UInt8], name: String = "page.html") throws -> ArticleReader.Outcome {
        try withTemporaryDirectory { try readArticle($0.write(name, bytes: bytes)) }
    }

    @Test("a megabyte of nested tags: 200,000 levels, and the text inside and after them")
    func deepNesting() throws {
        let page =
            "<html><body>" + String(repeating: "<div>", count: 200_000) + "deep text"
            + String(repeating: "</div>", count: 200_000) + "<p>after</p></body></html>"
        let article = try #require(try read(Array(page.utf8)).article)
        #expect(article.body == "deep text\n\nafter")
        // Never closed, and inline: the same.
        let unclosed = "<html><body>" + String(repeating: "<span><b>", count: 100_000) + "inside"
        #expect(try #require(try read(Array(unclosed.utf8)).article).body == "inside")
    }

    @Test(
        "shapes that would make a reader view quadratic: 100,000 sibling blocks, 20,000 nested tables, 50,000 nested bylines"
    )
    func wideAndNestedShapes() throws {
        let paragraph = "<div><p>A paragraph long enough to score, with a comma, about the talks.</p></div>"
        let wide = "<html><body>" + String(repeating: paragraph, count: 100_000) + "<p>The end.</p></body></html>"
        let body = try #require(try read(Array(wide.utf8)).article).body
        #expect(body.hasSuffix("The end.") && body.utf8.count > 6_500_000, "every paragraph is kept")
        let tables =
            "<html><body>" + String(repeating: "<table><tr><td>", count: 20_000) + "cell"
            + String(repeating: "</td></tr></table>", count: 20_000) + "</body></html>"
        #expect(try #require(try read(Array(tables.utf8)).article).body == "cell")
        let bylines =
            "<html><body>" + String(repeating: "<div class=\"byline author\">", count: 50_000) + "x"
            + String(repeating: "</div>", count: 50_000) + "</body></html>"
        #expect(try read(Array(bylines.utf8)).article != nil)
    }

    @Test("a 50 MB page is read whole: its last paragraph is in the text")
    func hugePage() throws {
        var page = Array("<html><head><title>Huge</title></head><body>".utf8)
        let paragraph = Array("<p>The minister said the talks would continue next week in Vienna.</p>\n".utf8)
        while page.count < 50_000_000 { page += paragraph }
        page += Array("<p>The last paragraph.</p></body></html>".utf8)
        let article = try #require(try read(page).article)
        #expect(article.title == "Huge")
        #expect(article.body.hasSuffix("The last paragraph."))
        #expect(article.body.utf8.count > 40_000_000)
    }

    @Test("tag soup and broken entities: text kept, entities decoded where they can be")
    func tagSoup() throws {
        let page = """
            <html><head><title>Soup &amp; more</title><body><p>One <b>bold <i>both</b> italic?</i> end
            <p>Broken &amp entity, &#xZZ; bad number, &notanentity; unknown, &lt;tag&gt; kept, &#233; ok
            <table><tr><td>cell<td>cell two</table><div><p>unclosed div
            """
        let article = try #require(try read(Array(page.utf8)).article)
        #expect(article.title == "Soup & more")
        #expect(article.body.contains("One bold both italic? end"))
        #expect(article.body.contains("<tag> kept, é ok"))
        #expect(article.body.contains("cell"))
        #expect(article.body.contains("unclosed div"))
    }

    @Test("entity expansion is not performed: a billion-laughs DOCTYPE stays small")
    func entityBomb() throws {
        var doctype = "<!DOCTYPE html [<!ENTITY a0 \"lol\">"
        for k in 1...10 { doctype += "<!ENTITY a\(k) \"" + String(repeating: "&a\(k - 1);", count: 10) + "\">" }
        doctype += "]>"
        let page = doctype + "<html><body><p>&a10;</p><p>safe</p></body></html>"
        let outcome = try read(Array(page.utf8))
        if let article = outcome.article {
            #expect(article.body.utf8.count < 10_000, "an entity was expanded: \(article.body.utf8.count) bytes")
            #expect(article.body.contains("safe"))
            // The declarations are bogus comments, as in a browser: not text.
            #expect(!article.body.contains("ENTITY") && !article.body.contains("lol"), "\(article.body)")
        }
    }
}
