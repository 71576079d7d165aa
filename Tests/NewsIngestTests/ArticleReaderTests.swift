import NewsCore
import NewsIngest
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("ArticleReader: plain text")
struct PlainTextTests {
    @Test("the first non-empty line is the title, the rest the body, trimmed")
    func titleAndBody() throws {
        try withTemporaryDirectory { directory in
            let text =
                "\u{FEFF}\n  \n\t\nIran pulls   forces from Iraq  \n\nTehran said on Monday.\n\nTalks resume.\n\n\n  \n"
            let path = try directory.write("iran.txt", text)
            let outcome = try readArticle(path)
            let article = try #require(outcome.article)
            #expect(article.title == "Iran pulls forces from Iraq")
            #expect(article.body == "Tehran said on Monday.\n\nTalks resume.")
            #expect(article.path == path)
            #expect(article.format == .text)
            #expect(article.sourceSize == UInt64(text.utf8.count))
            #expect(outcome.warnings.isEmpty)
        }
    }

    @Test("a byte-order mark directly before the title is not part of it")
    func byteOrderMark() throws {
        try withTemporaryDirectory { directory in
            let article = try #require(try readArticle(directory.write("bom.txt", "\u{FEFF}Title\nBody")).article)
            #expect(article.title == "Title")
            #expect(article.title.unicodeScalars.first == "T")
            #expect(article.body == "Body")
        }
    }

    @Test("a file with only a title has an empty body")
    func titleOnly() throws {
        try withTemporaryDirectory { directory in
            let article = try #require(try readArticle(directory.write("t.txt", "Just a headline\n")).article)
            #expect(article.title == "Just a headline")
            #expect(article.body == "")
        }
    }

    @Test("extensions are matched without regard to case", arguments: ["STORY.TXT", "story.Text"])
    func extensionCase(name: String) throws {
        try withTemporaryDirectory { directory in
            let article = try #require(try readArticle(directory.write(name, "Headline\nBody")).article)
            #expect(article.format == .text)
            #expect(article.title == "Headline")
        }
    }

    @Test("Windows (CRLF) line ends separate the title from the body")
    func windowsLineEnds() throws {
        try withTemporaryDirectory { directory in
            let path = try directory.write("crlf.txt", "Headline\r\n\r\nFirst line.\r\nSecond line.\r\n")
            let article = try #require(try readArticle(path).article)
            #expect(article.title == "Headline")
            #expect(article.body.hasPrefix("First line."))
            #expect(article.body.hasSuffix("Second line."))
        }
    }
}

@Suite("ArticleReader: invalid UTF-8")
struct InvalidUTF8Tests {
    @Test("text: UTF-8 with a damaged byte is kept, repaired, with a warning naming the byte offset")
    func plainText() throws {
        try withTemporaryDirectory { directory in
            // "Zürich" is UTF-8, so the lone 0xE9 is damage, not another encoding.
            let bytes = Array("Title\ncaf".utf8) + [0xE9] + Array(" society in Zürich\nthe end".utf8)
            let path = try directory.write("damaged.txt", bytes: bytes)
            let outcome = try readArticle(path)
            let article = try #require(outcome.article)
            #expect(article.title == "Title")
            #expect(article.body == "caf\u{FFFD} society in Zürich\nthe end")
            #expect(outcome.warnings.count == 1)
            let warning = try #require(outcome.warnings.first)
            #expect(warning.severity == .warning)
            #expect(warning.path == path)
            #expect(warning.reason.contains("invalid UTF-8"))
            #expect(warning.reason.contains("byte 9"))
        }
    }

    @Test("text: a file with no UTF-8 character and invalid bytes is windows-1252, with a warning naming it")
    func windows1252() throws {
        try withTemporaryDirectory { directory in
            // Latin-1 é, and windows-1252's curly quotes and euro sign.
            let bytes =
                Array("Caf".utf8) + [0xE9] + Array(" prices\n".utf8) + [0x93] + Array("up 5".utf8) + [0x80]
                + [0x94]
            let path = try directory.write("latin1.txt", bytes: bytes)
            let outcome = try readArticle(path)
            let article = try #require(outcome.article)
            #expect(article.title == "Café prices")
            #expect(article.body == "\u{201C}up 5€\u{201D}")
            let warning = try #require(outcome.warnings.first)
            #expect(warning.path == path && warning.reason.contains("read as windows-1252"), "\(warning.reason)")
        }
    }

    @Test("text: UTF-16 with a byte-order mark is read; without one its NULs make it binary")
    func utf16() throws {
        try withTemporaryDirectory { directory in
            let text = "Téhéran talks\n\nIran said 😀 no."
            let units = Array(text.utf16)
            let little: [UInt8] = [0xFF, 0xFE] + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            let big: [UInt8] = [0xFE, 0xFF] + units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            for (name, bytes) in [("le.txt", little), ("be.txt", big)] {
                let article = try #require(try readArticle(directory.write(name, bytes: bytes)).article, "\(name)")
                #expect(article.title == "Téhéran talks" && article.body == "Iran said 😀 no.", "\(name)")
            }
            let bare = try readArticle(directory.write("bare.txt", bytes: Array(little.dropFirst(2))))
            guard case .skipped(let problem) = bare else {
                Issue.record("UTF-16 without a mark was read")
                return
            }
            #expect(problem.reason.hasPrefix("binary file (NUL byte at offset"))
        }
    }

    @Test("HTML: a Latin-1 or ASCII label means windows-1252; an unlabelled non-UTF-8 page too")
    func htmlWindows1252() throws {
        try withTemporaryDirectory { directory in
            let body =
                Array("<p>Caf".utf8) + [0xE9] + Array(" costs 5".utf8) + [0x80] + Array("</p></body></html>".utf8)
            for (name, head) in [
                ("latin1.html", "<html><head><meta charset=\"ISO-8859-1\"><title>T</title></head><body>"),
                (
                    "ascii.html",
                    "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=us-ascii\"><title>T</title></head><body>"
                ),
                ("none.html", "<html><head><title>T</title></head><body>"),
            ] {
                let outcome = try readArticle(directory.write(name, bytes: Array(head.utf8) + body))
                let article = try #require(outcome.article, "\(name)")
                #expect(article.body == "Café costs 5€", "\(name): \(article.body)")
                #expect(outcome.warnings.isEmpty == (name != "none.html"), "\(name): a label needs no warning")
            }
        }
    }

    @Test(
        "HTML: a legacy label on bytes that are valid UTF-8 with multi-byte characters is overruled (a page saved again)",
        arguments: ["gb2312", "ISO-8859-1", "windows-1251"])
    func mislabelledUTF8(label: String) throws {
        try withTemporaryDirectory { directory in
            let page =
                "<html><head><meta charset=\"\(label)\"><title>新电脑</title></head><body><p>Café, 谷歌 and Tehran.</p></body></html>"
            let outcome = try readArticle(directory.write("saved.html", page))
            let article = try #require(outcome.article)
            #expect(article.title == "新电脑")
            #expect(article.body == "Café, 谷歌 and Tehran.")
            #expect(outcome.warnings.isEmpty)
        }
    }

    @Test("text: several bad sequences are counted; the first offset is reported")
    func severalSequences() throws {
        try withTemporaryDirectory { directory in
            let bytes = Array("Ti".utf8) + [0xFF] + Array("tle\nbo".utf8) + [0xC3] + Array("dy ©".utf8)
            let outcome = try readArticle(directory.write("two.txt", bytes: bytes))
            let article = try #require(outcome.article)
            #expect(article.title == "Ti\u{FFFD}tle")
            #expect(article.body == "bo\u{FFFD}dy ©")
            let warning = try #require(outcome.warnings.first)
            #expect(warning.reason.contains("2 invalid UTF-8 sequences"))
            #expect(warning.reason.contains("byte 2"))
        }
    }

    @Test("HTML: the article is kept, repaired, with a warning naming the byte offset")
    func html() throws {
        try withTemporaryDirectory { directory in
            let head = Array("<html><head><meta charset=\"utf-8\"><title>Cafes</title></head><body><p>caf".utf8)
            let bytes = head + [0xE9] + Array(" society</p><p>Second paragraph.</p></body></html>".utf8)
            let path = try directory.write("bad.html", bytes: bytes)
            let outcome = try readArticle(path)
            let article = try #require(outcome.article)
            #expect(article.title == "Cafes")
            #expect(article.body == "caf\u{FFFD} society\n\nSecond paragraph.")
            let warning = try #require(outcome.warnings.first)
            #expect(outcome.warnings.count == 1)
            #expect(warning.severity == .warning)
            #expect(warning.reason.contains("invalid UTF-8"))
            #expect(warning.reason.contains("byte \(head.count)"))
        }
    }

    @Test("HTML without a charset declaration is read as UTF-8 and repaired")
    func htmlWithoutCharset() throws {
        try withTemporaryDirectory { directory in
            let bytes = Array("<p>na".utf8) + [0xEF, 0xBB] + Array("ve</p><p>Zürich</p>".utf8)
            let outcome = try readArticle(directory.write("nocharset.html", bytes: bytes))
            let article = try #require(outcome.article)
            #expect(article.body == "na\u{FFFD}ve\n\nZürich")
            #expect(outcome.warnings.first?.reason.contains("byte 5") == true)
        }
    }

    @Test(
        "HTML declaring ISO-8859-1 is converted by libxml2, without a warning",
        arguments: [
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">",
            "<meta charset=\"ISO-8859-1\">",
        ])
    func latin1(declaration: String) throws {
        try withTemporaryDirectory { directory in
            let bytes =
                Array("<html><head>\(declaration)<title>Caf".utf8) + [0xE9]
                + Array("</title></head><body><p>Caf".utf8) + [0xE9] + Array(" society</p></body></html>".utf8)
            let outcome = try readArticle(directory.write("latin1.html", bytes: bytes))
            let article = try #require(outcome.article)
            #expect(article.title == "Café")
            #expect(article.body == "Café society")
            #expect(outcome.warnings.isEmpty)
        }
    }

    @Test("valid UTF-8 in every script gives no warning")
    func validUTF8() throws {
        try withTemporaryDirectory { directory in
            let text = "Москва 伊朗 مُحَمَّد हिन्दी 🇮🇷\nBody"
            let outcome = try readArticle(directory.write("scripts.txt", text))
            #expect(outcome.article?.title == "Москва 伊朗 مُحَمَّد हिन्दी 🇮🇷")
            #expect(outcome.warnings.isEmpty)
        }
    }
}

@Suite("ArticleReader: skipped files")
struct SkippedFileTests {
    @Test("an empty file is skipped", arguments: ["empty.txt", "empty.html"])
    func emptyFile(name: String) throws {
        try withTemporaryDirectory { directory in
            let path = try directory.write(name, "")
            let problem = try #require(try readArticle(path).skipped)
            #expect(problem.reason == "empty file")
            #expect(problem.severity == .skipped)
            #expect(problem.path == path)
        }
    }

    @Test("a text file of white space only is skipped", arguments: [" \n\t\n  \n", "\u{FEFF}\n  \n", "\n"])
    func whitespaceOnly(text: String) throws {
        try withTemporaryDirectory { directory in
            let problem = try #require(try readArticle(directory.write("blank.txt", text)).skipped)
            #expect(problem.reason.contains("no text"))
            #expect(problem.severity == .skipped)
        }
    }

    @Test(
        "an HTML page without text is skipped",
        arguments: ["  \n ", "<html><body><script>var x = 1;</script></body></html>"])
    func htmlWithoutText(page: String) throws {
        try withTemporaryDirectory { directory in
            let problem = try #require(try readArticle(directory.write("blank.html", page)).skipped)
            #expect(problem.reason == "no text found in the HTML")
        }
    }

    @Test("a file with a NUL byte is binary and skipped, with the offset", arguments: ["photo.txt", "photo.html"])
    func binaryFile(name: String) throws {
        try withTemporaryDirectory { directory in
            let bytes = Array("GIF89a header".utf8) + [0x00, 0x01, 0x02]
            let problem = try #require(try readArticle(directory.write(name, bytes: bytes)).skipped)
            #expect(problem.reason.contains("binary"))
            #expect(problem.reason.contains("offset 13"))
            #expect(problem.severity == .skipped)
        }
    }

    @Test(
        "unsupported file types are skipped without being read",
        arguments: [
            ("report.pdf", "unsupported file type (.pdf)"),
            ("README", "unsupported file type (no extension)"),
            ("notes.md", "unsupported file type (.md)"),
            ("archive.txt.gz", "unsupported file type (.gz)"),
        ])
    func unsupportedType(name: String, reason: String) throws {
        try withTemporaryDirectory { directory in
            let problem = try #require(try readArticle(directory.write(name, "Title\nBody")).skipped)
            #expect(problem.reason == reason)
            #expect(problem.severity == .skipped)
        }
    }

    @Test("a file larger than the limit is skipped before it is read")
    func tooLarge() throws {
        try withTemporaryDirectory { directory in
            let path = try directory.write("huge.txt", "Title\nBody")
            var status = try SystemFiles.status(path).get()
            status.size = UInt64(ArticleReader.maximumFileSize) + 1
            let problem = try #require(ArticleReader().read(path: path, status: status).skipped)
            #expect(problem.reason.contains("file too large"))
        }
    }

    // Tests usually run as root in containers, and root reads a chmod 000 file
    // anyway; the case can only be observed as an ordinary user.
    @Test("an unreadable file is skipped", .enabled(if: getuid() != 0, "root can read a chmod 000 file"))
    func unreadable() throws {
        try withTemporaryDirectory { directory in
            let path = try directory.write("secret.txt", "Title\nBody")
            #expect(chmod(path, 0) == 0)
            let problem = try #require(try readArticle(path).skipped)
            #expect(problem.reason.contains("cannot read"))
            #expect(problem.severity == .skipped)
        }
    }
}

@Suite("ArticleReader: file extensions")
struct FileExtensionTests {
    @Test(
        "fileExtension is the lower-cased text after the last dot of the name",
        arguments: [
            ("a/b/story.TXT", "txt"), ("page.htm", "htm"), ("dir.v2/README", ""), (".profile", ""),
            ("archive.tar.gz", "gz"), ("plain", ""), ("folder/", ""), ("a.b/c.HTML/", "html"),
            ("notes.ÉTÉ", "été"),
        ])
    func fileExtension(path: String, expected: String) {
        #expect(ArticleReader.fileExtension(path) == expected)
    }

    @Test("only text and HTML files are supported")
    func supported() {
        #expect(["a.txt", "a.text", "a.html", "a.HTM", "a.xhtml"].allSatisfy(ArticleReader.isSupported))
        #expect(!["a.pdf", "a", "a.txt.bak", ".txt"].contains(where: ArticleReader.isSupported))
    }
}
