import NewsCore
import NewsIngest
import TestSupport
import Testing

/// Reads `page` as an HTML file in a fresh directory.
private func readHTML(_ page: String, name: String = "page.html") throws -> ArticleReader.Outcome {
    try withTemporaryDirectory { directory in try readArticle(directory.write(name, page)) }
}

@Suite("HTML: title and body text")
struct HTMLExtractionTests {
    static let fullPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta property="og:title" content="Iran pulls  forces from Iraq">
          <title>Iran pulls forces from Iraq | The Gazette</title>
          <style>.stylemarker { color: red }</style>
          <script>var scriptmarker = "<p>not text</p>";</script>
        </head>
        <body>
          <nav><ul><li><a href="/">navmarker Home</a></li></ul></nav>
          <header><div>headermarker Site banner</div></header>
          <noscript>noscriptmarker Please enable JavaScript</noscript>
          <form action="/search"><label>formmarker Search</label><input name="q"></form>
          <template><p>templatemarker</p></template>
          <article>
            <h1>Iran pulls forces from Iraq</h1>
            <p>Tehran said on Monday   it would
               withdraw advisers &amp; troops from three bases, a spokesman for the foreign ministry told
               reporters, adding that the timetable had been agreed with Baghdad over several weeks of talks.</p>
            <div hidden><p>hiddenmarker</p></div>
            <p>The move &mdash; expected for <em>weeks</em> &mdash; follows talks in Geneva, Muscat and Baghdad,
               where officials from both governments, and observers from the region, met in private to settle
               the terms of the departure, the schedule of each stage, and the fate of the equipment left behind.</p>
            <script>scriptmarker()</script>
          </article>
          <aside>asidemarker Related stories</aside>
          <footer><p>footermarker Copyright 2024</p></footer>
        </body>
        </html>
        """

    @Test("og:title wins; the body is the article's paragraphs, nothing else")
    func fullPageExtraction() throws {
        let outcome = try readHTML(Self.fullPage)
        let article = try #require(outcome.article)
        #expect(article.format == .html)
        #expect(article.title == "Iran pulls forces from Iraq")
        #expect(article.body.hasPrefix("Tehran said on Monday it would withdraw advisers & troops from three bases,"))
        #expect(article.body.contains(" troops from three bases, a spokesman for the foreign ministry told reporters,"))
        #expect(article.body.contains("weeks of talks.\n\nThe move — expected for weeks — follows talks in Geneva,"))
        #expect(article.body.hasSuffix("the fate of the equipment left behind."))
        #expect(outcome.warnings.isEmpty)
    }

    /// The same furniture without an `<article>`, so that only the skip rules keep it out.
    static let flatPage = """
        <html><head><title>Flat page</title><style>.stylemarker {}</style></head>
        <body>
          <nav>navmarker</nav><header>headermarker</header><noscript>noscriptmarker</noscript>
          <form><p>formmarker</p></form><template>templatemarker</template>
          <p>First paragraph.</p>
          <div hidden>hiddenmarker</div><aside>asidemarker</aside><script>scriptmarker()</script>
          <iframe>iframemarker</iframe><button>buttonmarker</button><svg><text>svgmarker</text></svg>
          <select><option>selectmarker</option></select><textarea>textareamarker</textarea>
          <p>Second paragraph.</p>
          <footer>footermarker</footer>
        </body></html>
        """

    @Test("without an article that scores, elements that are never text still leave no trace")
    func flatPageExtraction() throws {
        let article = try #require(try readHTML(Self.flatPage).article)
        #expect(article.title == "Flat page")
        // A page this short scores nothing: its whole visible text is kept.
        #expect(article.body.contains("First paragraph.\n\n") && article.body.contains("Second paragraph."))
    }

    @Test(
        "skipped elements leave no trace in the body",
        arguments: [
            "noscriptmarker", "templatemarker", "hiddenmarker", "scriptmarker", "stylemarker", "The Gazette",
            "iframemarker", "buttonmarker", "svgmarker", "selectmarker", "textareamarker",
        ])
    func skippedElements(marker: String) throws {
        for page in [Self.fullPage, Self.flatPage] {
            let article = try #require(try readHTML(page).article)
            #expect(!article.body.contains(marker))
        }
    }

    @Test(
        "around an article that scores, navigation, header, search form, aside and footer are left out",
        arguments: ["navmarker", "headermarker", "formmarker", "asidemarker", "footermarker"])
    func furnitureAroundArticle(marker: String) throws {
        let article = try #require(try readHTML(Self.fullPage).article)
        #expect(!article.body.contains(marker))
    }

    @Test("without og:title the <title> is the title")
    func titleElement() throws {
        let page = "<html><head><title> Gaza  ceasefire &amp; talks </title></head><body><p>Body.</p></body></html>"
        let article = try #require(try readHTML(page).article)
        #expect(article.title == "Gaza ceasefire & talks")
        #expect(article.body == "Body.")
    }

    @Test("og:title may be given with name= instead of property=")
    func openGraphName() throws {
        let page = "<head><meta name=\"og:title\" content=\"OG\"><title>Other</title></head><p>Body.</p>"
        #expect(try readHTML(page).article?.title == "OG")
    }

    @Test("an empty og:title or <title> falls through to the next rule")
    func emptyTitles() throws {
        let page =
            "<head><meta property=\"og:title\" content=\"  \"><title> </title></head><body><h1>Headline</h1><p>Body.</p></body>"
        let article = try #require(try readHTML(page).article)
        #expect(article.title == "Headline")
        #expect(article.body == "Body.")
    }

    @Test("without og:title or <title> the first <h1> is the title, not repeated in the body")
    func firstHeading() throws {
        let page = "<body><p>Kicker</p><h1>Houthis  hit <b>tanker</b></h1><p>Body.</p><h1>Second heading</h1></body>"
        let article = try #require(try readHTML(page).article)
        #expect(article.title == "Houthis hit tanker")
        #expect(article.body == "Kicker\n\nBody.\n\nSecond heading")
    }

    @Test("an <h1> or <h2> equal to the title is dropped; other headings stay")
    func headingEqualToTitle() throws {
        let page = """
            <html><head><title>OPEC cuts output</title></head><body>
            <h2>OPEC cuts output</h2><p>Vienna.</p><h2>Background</h2><p>Prices rose.</p>
            </body></html>
            """
        let article = try #require(try readHTML(page).article)
        #expect(article.title == "OPEC cuts output")
        #expect(article.body == "Vienna.\n\nBackground\n\nPrices rose.")
    }

    @Test("a page with no title at all is named after its file")
    func noTitle() throws {
        let article = try #require(try readHTML("<p>Only a paragraph.</p>", name: "untitled.html").article)
        #expect(article.title == "untitled.html")
        #expect(article.body == "Only a paragraph.")
    }

    @Test("elements marked hidden are skipped, whatever the attribute's value")
    func hiddenAttribute() throws {
        let page =
            "<p>Visible.</p><div hidden>secret one</div><p hidden=\"hidden\">secret two</p><span HIDDEN>three</span><p>End.</p>"
        let article = try #require(try readHTML(page).article)
        #expect(article.body == "Visible.\n\nEnd.")
    }

    @Test("<pre> keeps its line breaks and spaces")
    func preformatted() throws {
        let page = "<title>T</title><p>Before.</p><pre>line one\n  line two</pre><p>After   this.</p>"
        let article = try #require(try readHTML(page).article)
        #expect(article.body == "Before.\n\nline one\n  line two\n\nAfter this.")
    }

    @Test("the newline right after <pre> is not content (as in browsers)")
    func preLeadingNewline() throws {
        let page = "<title>T</title><pre>\nline one\nline two\n</pre>"
        let article = try #require(try readHTML(page).article)
        #expect(article.body.contains("line one\nline two"))
        #expect(article.body == "line one\nline two")
    }

    @Test("entities are decoded; inline elements and white space collapse")
    func entitiesAndInlineText() throws {
        let page =
            "<p>AT&amp;T &lt;b&gt; caf&eacute; &#8364;5&nbsp;bn &quot;quoted&quot; &#x41;</p><p> a <i>b</i><b>c</b>  d </p>"
        let article = try #require(try readHTML(page).article)
        #expect(article.body == "AT&T <b> café €5 bn \"quoted\" A\n\na bc d")
    }

    @Test("block elements end paragraphs; a list item is a paragraph")
    func blocks() throws {
        let page =
            "<div>One<div>Two</div>Three</div><ul><li>Four</li><li>Five</li></ul><table><tr><td>Six</td></tr></table>"
        let article = try #require(try readHTML(page).article)
        #expect(article.body == "One\n\nTwo\n\nThree\n\nFour\n\nFive\n\nSix")
    }

    @Test("broken HTML still yields its text")
    func brokenHTML() throws {
        let page = "<title>Tag soup</title><p>First <b>bold</p></div><p>Second paragraph<div>Third</span> end"
        let outcome = try readHTML(page)
        let article = try #require(outcome.article)
        #expect(article.title == "Tag soup")
        #expect(article.body == "First bold\n\nSecond paragraph\n\nThird end")
        #expect(outcome.warnings.isEmpty)
    }

    @Test("unclosed <script> and comments do not leak")
    func unclosedElements() throws {
        let page = "<p>Kept.<!-- a comment --></p><p>Also kept<script>leak()"
        let article = try #require(try readHTML(page).article)
        #expect(article.body == "Kept.\n\nAlso kept")
    }

    @Test("an empty heading on an untitled page does not hide the next paragraph")
    func emptyHeadingWithoutTitle() throws {
        let page = "<html><body><h1><img src=\"logo.png\" alt=\"Logo\"></h1><p>Body text.</p></body></html>"
        let outcome = try readHTML(page, name: "logo.html")
        let article = try #require(outcome.article)
        #expect(article.body == "Body text.")
    }
}

@Suite("HTML: hostile pages")
struct HostileHTMLTests {
    @Test("text nested far deeper than libxml2's default limit is read, without recursion")
    func deepNesting() throws {
        try withTemporaryDirectory { directory in
            let page =
                "<html><body><article><p>start</p>" + String(repeating: "<b>", count: 100_000)
                + "deepword</article></body></html>"
            let path = try directory.write("deep.html", page)
            let article = try #require(try readArticle(path).article)
            #expect(article.body.contains("start"))
            #expect(article.body.contains("deepword"))
        }
    }

    @Test("terminal control characters never reach the stored text", arguments: ["txt", "html"])
    func controlCharacters(ext: String) throws {
        try withTemporaryDirectory { directory in
            let evil = "Title \u{1B}]0;pwned\u{07} here\u{1B}[2J\u{9B}31m end"
            let text =
                ext == "txt"
                ? evil + "\n\nBody \u{1B}[31mred\u{7F}." : "<title>\(evil)</title><p>Body \u{1B}[31mred\u{7F}.</p>"
            let path = try directory.write("evil.\(ext)", text)
            let article = try #require(try readArticle(path).article)
            for field in [article.title, article.body] {
                #expect(!field.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" })
                #expect(!field.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) })
            }
            #expect(article.body.contains("red"))
        }
    }
}

@Suite("HTML: what is not shown is not text")
struct HiddenElementTests {
    @Test("hidden, aria-hidden=true, display: none and visibility: hidden drop an element; other styles do not")
    func hidden() throws {
        let page = """
            <html><body><article>
            <p>shown one</p>
            <p hidden>gone hidden</p>
            <div aria-hidden="true"><p>gone aria</p></div>
            <div aria-hidden="false"><p>shown aria false</p></div>
            <p style="display: none;">gone display</p>
            <p style="color:red;DISPLAY:NONE">gone upper</p>
            <div style="visibility : hidden"><p>gone visibility</p></div>
            <p style="display: block">shown block</p>
            <p style="visibility: visible">shown visible</p>
            </article></body></html>
            """
        let article = try #require(
            try withTemporaryDirectory { try readArticle($0.write("hidden.html", page)) }.article)
        #expect(article.body == "shown one\n\nshown aria false\n\nshown block\n\nshown visible")
    }
}
