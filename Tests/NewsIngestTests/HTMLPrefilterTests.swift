import NewsCore
import TestSupport
import Testing

@testable import NewsIngest

@Suite("HTML prefilter: script, style and comments out before libxml2")
struct HTMLPrefilterTests {
    func strip(_ html: String) -> String {
        String(decoding: HTMLPrefilter.strip(Array(html.utf8)), as: UTF8.self)
    }

    @Test("script and style content and comments go; tags, text and JSON-LD stay")
    func cases() {
        #expect(strip("<p>a</p><script>var x = '<p>no</p>';</script><p>b</p>") == "<p>a</p><script></script><p>b</p>")
        #expect(
            strip("<STYLE type=\"text/css\">p { color: red }</Style ><p>b</p>")
                == "<STYLE type=\"text/css\"></Style ><p>b</p>")
        #expect(strip("a<!-- <script>x</script> -->b") == "ab")
        #expect(strip("a<!-- never closed") == "a")
        // A ">" inside a quoted attribute does not end the tag.
        #expect(strip("<script data-x=\"a>b\">code</script>t") == "<script></script>t")
        #expect(strip("<script type=\"a>b\">code</script>t") == "<script type=\"a>b\"></script>t")
        // "</scripts" is not the end tag; "</script " is.
        #expect(strip("<script>a</scripts>b</script >c") == "<script></script >c")
        #expect(
            strip("<script type=\"application/ld+json\">{\"datePublished\": \"2024-01-01\"}</script>")
                == "<script type=\"application/ld+json\">{\"datePublished\": \"2024-01-01\"}</script>")
        #expect(
            strip("<script type='Application/LD+JSON'>{}</script><script src=\"a+b.js\">x</script>")
                == "<script type='Application/LD+JSON'>{}</script><script></script>")
        // An unclosed script keeps the rest for libxml2, which ends the document there.
        #expect(strip("<p>a</p><script>never closed") == "<p>a</p><script>")
        #expect(strip("plain text, 1 < 2 and <b>bold</b>") == "plain text, 1 < 2 and <b>bold</b>")
        #expect(strip("<p role='<script>'>x</p>") == "<p role='<script>'>x</p>")
        #expect(strip("<scriptx>kept</scriptx>") == "<scriptx>kept</scriptx>")
        // A drawing's content goes, nested drawings included; a self-closed one is left.
        #expect(
            strip(
                "<p>a</p><svg viewBox=\"0 0 1 1\"><path d=\"M0\"/><svg><title>x</title></svg><text>t</text></svg><p>b</p>"
            )
                == "<p>a</p><svg></svg><p>b</p>")
        #expect(strip("<svg/><p>b</p>") == "<svg/><p>b</p>")
        #expect(strip("<svgx>kept</svgx>") == "<svgx>kept</svgx>")
    }

    @Test("attributes ingestion never reads leave the tags; those it reads, and odd tags, stay as written")
    func attributes() {
        #expect(
            strip("<img src=\"a.jpg\" srcset=\"a 1x, b 2x\" alt='x' data-id=7 class=\"story\">t")
                == "<img class=\"story\">t")
        #expect(
            strip("<a href=\"#top\" onclick=\"go()\" ID=main ROLE=\"navigation\" rel=author>x</a>")
                == "<a href=\"#top\" ID=main ROLE=\"navigation\" rel=author>x</a>")
        #expect(
            strip("<div style=\"display: none\" hidden aria-hidden=\"true\">x</div>")
                == "<div style=\"display: none\" hidden aria-hidden=\"true\">x</div>")
        #expect(strip("<br data-x=\"1\"/>") == "<br/>")
        // Namespaces (libxml2 reads them), custom elements, and tags it
        // cannot read plainly are left alone.
        #expect(
            strip("<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\">")
                == "<math xmlns=\"http://www.w3.org/1998/Math/MathML\">")
        #expect(strip("<mjx-c class=\"c\" data-x=\"1\">") == "<mjx-c class=\"c\" data-x=\"1\">")
        #expect(strip("<p data-x=\"unclosed>t") == "<p data-x=\"unclosed>t")
        #expect(strip("a  b<p data-x=\"unclosed>t  u") == "a b<p data-x=\"unclosed>t  u")
    }

    /// A link's address is read only for whether it points into the page,
    /// and `title` only on `<abbr>` (a date written in it).
    @Test("links keep only in-page addresses, and only <abbr> keeps its title")
    func linksAndTitles() {
        #expect(strip("<a href=\"https://example.com/story\" rel=author>x</a>") == "<a rel=author>x</a>")
        #expect(
            strip("<a href='#comments'>x</a><a href = \"#\">y</a>") == "<a href='#comments'>x</a><a href = \"#\">y</a>")
        #expect(strip("<a href=&#35;top>x</a>") == "<a href=&#35;top>x</a>")
        #expect(strip("<A HREF=/next>x</A>") == "<A>x</A>")
        #expect(
            strip("<link rel=canonical href=\"https://example.com/story\">")
                == "<link rel=canonical href=\"https://example.com/story\">")
        #expect(
            strip("<abbr title=\"2024-05-01\">May 1</abbr><p title=\"x\">t</p>")
                == "<abbr title=\"2024-05-01\">May 1</abbr><p>t</p>")
    }

    /// The extractor reads a class for its words of ClassHintMatcher's
    /// lists and for equality with a sibling's; an id for the words only.
    @Test(
        "classes and ids keep the parts with words the extractor reads; equal classes stay equal, different ones different"
    )
    func classesAndIDs() {
        #expect(
            strip("<div class=\"col-md-8 article-body x\" id=\"main-story\">t</div>")
                == "<div class=\"article-body ~1\" id=\"main-story\">t</div>")
        #expect(strip("<p class='css-1dbjc4n r-18u37iz' id=\"u7\">t</p>") == "<p class='~1'>t</p>")
        #expect(
            strip("<p class=\"a\">t</p><p class=\"b\">u</p><p class=\"a\">v</p>")
                == "<p class=\"~1\">t</p><p class=\"~2\">u</p><p class=\"~1\">v</p>")
        // Kept whole: every part has a word, or a character reference
        // might make one once decoded.
        #expect(strip("<div class=\"story hid\">t</div>") == "<div class=\"story hid\">t</div>")
        #expect(strip("<div class=\"com&#45;x y\">t</div>") == "<div class=\"com&#45;x y\">t</div>")

        let values = [
            "", "  ", "a", "b", "a b", "b a", "hid", "a hid", "hidx", "x-hid", "share-bar", "shared", "post_share",
            "sharedaddy", "~1", "a ~1", "col-md-8 article-body", "COMMENT-list", "ai2html-box", "byline  extra",
            "\thid", "story\tx",
        ]
        var names = ClassNames()
        func digest(_ value: String) -> [UInt8] {
            let bytes = Array(value.utf8)
            return names.digest(bytes.span) ?? bytes
        }
        func groups(_ bytes: [UInt8]) -> ClassHintMatcher.Groups { ClassHintMatcher.groups(in: bytes.span) }
        let digests = values.map(digest)
        for (k, value) in values.enumerated() {
            #expect(groups(digests[k]) == groups(Array(value.utf8)), "groups of \"\(value)\"")
            for (j, other) in values.enumerated() where j != k {
                #expect(digests[k] != digests[j], "\"\(value)\" and \"\(other)\" became equal")
            }
            #expect(digest(value) == digests[k], "\"\(value)\" cut the same each time")
        }
    }

    @Test("runs of white space in text become one byte, but in <pre> and the like, in JSON-LD and in tags")
    func whiteSpace() {
        #expect(strip("<p>a  b\t\tc\n  d e</p>\n\n  <p>f</p>") == "<p>a b c\nd e</p>\n<p>f</p>")
        #expect(strip("  <p>x</p>  ") == " <p>x</p> ")
        #expect(strip("<pre>  a\n\n  b</pre>  c") == "<pre>  a\n\n  b</pre> c")
        #expect(strip("<PRE><pre>a  b</pre>  c</PRE>  d") == "<PRE><pre>a  b</pre>  c</PRE> d")
        #expect(
            strip("<textarea>a  b</textarea><listing>c  d</listing><xmp>e  f</xmp>")
                == "<textarea>a  b</textarea><listing>c  d</listing><xmp>e  f</xmp>")
        #expect(strip("</pre>a  b") == "</pre>a b")  // a stray end tag opens nothing
        #expect(
            strip("<script type=\"application/ld+json\">{\"name\":  \"a  <b>  c\"}</script>  x")
                == "<script type=\"application/ld+json\">{\"name\":  \"a  <b>  c\"}</script> x")
        #expect(
            strip("<div class=\"story  main\"   role=\"c\">t</div>")
                == "<div class=\"story  main\"   role=\"c\">t</div>")
        #expect(strip("a <!-- c -->  b") == "a  b")  // runs either side of a comment are two
    }

    /// The prefilter only saves libxml2 work: every real page must give the
    /// same title, text and date with it as without it.
    @Test("the 130 real pages extract to the same bytes with and without it")
    func realPages() throws {
        guard let (root, names) = try htmlPageFolders() else { return }
        var checked = 0
        var saved = 0
        for name in names {
            let path = root + "/" + name + "/source.html"
            guard let bytes = try? readBytes(path) else { continue }
            let filtered = ArticleReader.readHTML(bytes, path: path, prefiltered: true)
            let plain = ArticleReader.readHTML(bytes, path: path, prefiltered: false)
            switch (filtered, plain) {
            case (.success(let a), .success(let b)):
                #expect(a.title == b.title, "\(name): title")
                #expect(a.body == b.body, "\(name): text")
                #expect(a.published == b.published, "\(name): date")
                #expect(a.metadata == b.metadata, "\(name): metadata")
            case (.failure, .failure): break
            default: Issue.record("\(name): one read failed, the other did not")
            }
            saved += bytes.count - HTMLPrefilter.strip(bytes).count
            checked += 1
        }
        #expect(checked == 130)
        #expect(saved > 10_000_000, "the prefilter took \(saved) bytes off libxml2's input")
    }
}
