import NewsCore

/// Collects an HTML page's title and visible body text from an ``HTMLDocument`` walk.
///
/// - Title: `<meta property="og:title">`, else `<title>`, else the first `<h1>`.
/// - Body: the text of `<body>` less the elements a reader never reads as the
///   article (``skippedElements``) and anything marked `hidden`; block elements
///   end paragraphs (a blank line in the output); white space inside a
///   paragraph collapses to one space, except in `<pre>`. A heading whose text
///   is the title is left out of the body, so the title is not counted twice.
/// - When the page marks its content with `<article>` (or else `<main>`), only
///   the text inside counts: on a saved news page everything around it is
///   site furniture (newsletter boxes, "most read" lists, cookie notices).
///
/// - Publication date: the best-ranked of the page's date metadata
///   (``DateRank``): JSON-LD `datePublished`, `article:published_time`,
///   `itemprop="datePublished"`, other date `<meta>` names, then a `<time>`
///   element (marked `pubdate`, else inside `<article>`, else the first).
///
/// Main-content extraction (readability-style scoring) is issue "Read real web pages".
struct HTMLTextExtractor: HTMLVisitor {
    static let skippedElements: Set<String> = [
        "head", "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
        // Never rendered as text either:
        "iframe", "svg", "canvas", "object", "embed", "button", "select", "textarea", "dialog",
    ]
    static let blockElements: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr",
        "td", "th", "thead", "tbody", "tfoot", "caption", "blockquote", "pre", "article", "section", "main",
        "figure", "figcaption", "hr", "address", "center", "details", "summary", "body", "html", "br",
    ]

    private(set) var openGraphTitle: String?
    private(set) var titleElement: String?
    private(set) var firstHeading: String?
    private(set) var paragraphs: [[UInt8]] = []
    /// For each paragraph: 2 inside `<article>`, 1 inside `<main>`, else 0.
    private var containment: [Int] = []
    private var articleDepth = 0
    private var mainDepth = 0
    /// Headings' texts, to drop the one that repeats the title.
    private var headingParagraphs: [Int: String] = [:]

    private var current: [UInt8] = []
    private var pendingSpace = false
    private var preformatted = 0
    private var inHead = false
    private var skipLeadingNewline = false
    /// Capture of a `<title>` or `<h1>` text while inside one.
    private var capture: [UInt8]? = nil
    private var captureElement: String? = nil

    mutating func enter(element: String, attribute: (String) -> String?) -> Bool {
        if element == "meta" {
            let property = attribute("property")?.lowercased()
            let name = attribute("name")?.lowercased()
            if openGraphTitle == nil, property == "og:title" || name == "og:title",
                let content = attribute("content")?.collapsingWhitespace, !content.isEmpty
            {
                openGraphTitle = content
            }
            let itemprop = attribute("itemprop")?.lowercased()
            let rank = [property, name, itemprop].compactMap { key in
                key.flatMap { Self.dateMetaRank[$0] }
            }.min()
            if let rank, let content = attribute("content") { offerDate(content, rank: rank) }
            if let content = attribute("content")?.collapsingWhitespace, !content.isEmpty {
                for key in [property, name, itemprop].compactMap({ $0 }) {
                    noteMeta(key, content, httpEquiv: attribute("http-equiv")?.lowercased())
                }
                if let equiv = attribute("http-equiv")?.lowercased(), equiv == "content-language" {
                    Self.offer(&metadata.language, content, rank: 1, &languageRank)
                }
            }
            return false
        }
        if element == "html" {
            if let lang = attribute("lang")?.collapsingWhitespace, !lang.isEmpty {
                Self.offer(&metadata.language, lang, rank: 0, &languageRank)
            }
            return true
        }
        if element == "link" {
            if let rel = attribute("rel")?.lowercased(), let href = attribute("href")?.collapsingWhitespace,
                !href.isEmpty
            {
                if rel.split(separator: " ").contains("canonical") {
                    Self.offer(&metadata.url, href, rank: 0, &urlRank)
                }
            }
            return false
        }
        if element == "time" || element == "span" || element == "abbr" {
            if let value = attribute("datetime") ?? attribute("content")
                ?? (element == "abbr" ? attribute("title") : nil)
            {
                if attribute("itemprop")?.lowercased() == "datepublished" {
                    offerDate(value, rank: DateRank.itemprop)
                } else if element == "time" {
                    offerDate(
                        value,
                        rank: attribute("pubdate") != nil
                            ? DateRank.timePubdate : (articleDepth > 0 ? DateRank.timeInArticle : DateRank.timeAnywhere)
                    )
                }
            }
        }
        if element == "script" {
            // JSON-LD metadata (schema.org NewsArticle): read for its
            // datePublished; no other script's text is read.
            guard attribute("type")?.lowercased().contains("ld+json") == true else { return false }
            capture = []
            captureElement = element
            return true
        }
        if element == "title" {
            capture = []
            captureElement = element
            return true
        }
        if element == "head" {
            inHead = true  // for <title> and <meta>; its text is not body text
            return true
        }
        if Self.skippedElements.contains(element) || Self.isHidden(attribute) { return false }
        if Self.blockElements.contains(element) { endParagraph() }
        if element == "pre" {
            preformatted += 1
            skipLeadingNewline = true  // HTML drops a newline right after <pre>
        }
        if element == "article" { articleDepth += 1 }
        if element == "main" { mainDepth += 1 }
        if element == "h1" || element == "h2", capture == nil {
            capture = []
            captureElement = element
        }
        return true
    }

    mutating func leave(element: String) {
        if element == "script", captureElement == "script", let bytes = capture {
            if let value = Self.jsonString(after: "\"datePublished\"", in: bytes) {
                offerDate(value, rank: DateRank.jsonLD)
            }
            if let value = Self.jsonString(after: "\"dateModified\"", in: bytes), let date = DateParser.parse(value),
                modifiedRank > 0
            {
                metadata.modified = date
                modifiedRank = 0
            }
            if let author = Self.jsonAuthor(in: bytes) { Self.offer(&metadata.byline, author, rank: 0, &bylineRank) }
            capture = nil
            captureElement = nil
            return
        }
        if element == captureElement, let bytes = capture {
            let text = String(decoding: bytes, as: UTF8.self).collapsingWhitespace
            if element == "title" {
                if titleElement == nil { titleElement = text }
            } else {
                if element == "h1", firstHeading == nil, !text.isEmpty { firstHeading = text }
                if !text.isEmpty { headingParagraphs[paragraphs.count] = text }
            }
            capture = nil
            captureElement = nil
        }
        if element == "pre" { preformatted -= 1 }
        if element == "head" { inHead = false }
        if Self.blockElements.contains(element) { endParagraph() }
        if element == "article" { articleDepth -= 1 }
        if element == "main" { mainDepth -= 1 }
    }

    mutating func text(_ bytes: Span<UInt8>) {
        if captureElement == "title" || captureElement == "script" {
            for k in bytes.indices { capture?.append(bytes[k]) }
            return
        }
        if inHead { return }
        for k in bytes.indices { capture?.append(bytes[k]) }
        for k in bytes.indices {
            let byte = bytes[k]
            if skipLeadingNewline {
                skipLeadingNewline = false
                if byte == 0x0A { continue }
            }
            if preformatted == 0 && (byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C) {
                pendingSpace = !current.isEmpty
                continue
            }
            if byte == 0xC2, k + 1 < bytes.count, bytes[k + 1] == 0xA0 {  // no-break space
                pendingSpace = !current.isEmpty
                continue
            }
            if byte == 0xA0, k > 0, bytes[k - 1] == 0xC2 { continue }
            if pendingSpace { current.append(0x20) }
            pendingSpace = false
            current.append(byte)
        }
    }

    private mutating func endParagraph() {
        pendingSpace = false
        while let last = current.last, last == 0x20 || last == 0x0A { current.removeLast() }
        if !current.isEmpty {
            paragraphs.append(current)
            containment.append(articleDepth > 0 ? 2 : (mainDepth > 0 ? 1 : 0))
        }
        current.removeAll(keepingCapacity: true)
    }

    /// Whether an element is not shown, as Readability judges it: the
    /// `hidden` attribute, `aria-hidden="true"`, or an inline style with
    /// `display: none` or `visibility: hidden`. (Stylesheets are not read.)
    static func isHidden(_ attribute: (String) -> String?) -> Bool {
        if attribute("hidden") != nil { return true }
        if let aria = attribute("aria-hidden"), aria.lowercased() == "true" { return true }
        guard let style = attribute("style") else { return false }
        var compact: [UInt8] = []
        for byte in style.utf8 where byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
            compact.append(byte.asciiLowercased)
        }
        return compact.firstIndex(of: Array("display:none".utf8)) != nil
            || compact.firstIndex(of: Array("visibility:hidden".utf8)) != nil
    }

    // MARK: Publication date

    /// Where a publication date was read, best first: metadata before a
    /// `<time>` element in the text. JSON-LD comes first, as in Readability:
    /// sites republish a story and move `article:published_time` while the
    /// schema.org `datePublished` keeps the first publication (2 of the 33
    /// dated pages in ../shared/corpora/html-pages; neither disagrees the other way).
    enum DateRank {
        static let jsonLD = 0
        static let publishedTime = 1
        static let itemprop = 2
        static let otherMeta = 3
        static let timePubdate = 4
        static let timeInArticle = 5
        static let timeAnywhere = 6
    }

    /// `<meta>` keys (property, name or itemprop, lower case) that give the
    /// publication date, and their ranks: Open Graph's article:published_time
    /// first, then the names news sites and their content systems use
    /// (Dublin Core, Parse.ly, Sailthru, Highwire citations).
    static let dateMetaRank: [String: Int] = {
        var table: [String: Int] = [:]
        for key in ["article:published_time", "og:article:published_time", "article.published", "og:published_time"] {
            table[key] = DateRank.publishedTime
        }
        table["datepublished"] = DateRank.itemprop
        for key in [
            "pubdate", "publishdate", "publish-date", "publish_date", "published_time", "published-date",
            "publication_date", "publication-date", "date", "dc.date", "dc.date.issued", "dc.date.created",
            "dcterms.issued", "dcterms.created", "dcterms.date", "sailthru.date", "parsely-pub-date",
            "originalpublicationdate", "article_date_original", "citation_publication_date", "citation_date",
            "release_date", "datecreated",
        ] {
            table[key] = DateRank.otherMeta
        }
        return table
    }()

    // MARK: Other metadata

    /// What the page says of itself besides title and dates, each value
    /// taken from its best-ranked source (lower is better).
    private(set) var metadata = ArticleMetadata()
    private var languageRank = Int.max
    private var urlRank = Int.max
    private var siteRank = Int.max
    private var descriptionRank = Int.max
    private var bylineRank = Int.max
    private var modifiedRank = Int.max

    private static func offer(_ field: inout String?, _ value: String, rank: Int, _ best: inout Int) {
        guard rank < best else { return }
        field = value
        best = rank
    }

    /// A `<meta>` by its property, name or itemprop key (lower case).
    private mutating func noteMeta(_ key: String, _ content: String, httpEquiv: String?) {
        switch key {
        case "og:site_name": Self.offer(&metadata.site, content, rank: 0, &siteRank)
        case "application-name", "twitter:site": Self.offer(&metadata.site, content, rank: 1, &siteRank)
        case "og:url": Self.offer(&metadata.url, content, rank: 1, &urlRank)
        case "description": Self.offer(&metadata.description, content, rank: 0, &descriptionRank)
        case "og:description": Self.offer(&metadata.description, content, rank: 1, &descriptionRank)
        case "twitter:description": Self.offer(&metadata.description, content, rank: 2, &descriptionRank)
        case "og:locale": Self.offer(&metadata.language, content, rank: 2, &languageRank)
        case "author", "article:author", "byl", "dc.creator", "parsely-author", "sailthru.author":
            // An author given as a link (article:author often is) names no one.
            if !content.hasPrefix("http") { Self.offer(&metadata.byline, content, rank: 1, &bylineRank) }
        case "article:modified_time", "og:updated_time", "dcterms.modified", "last-modified", "datemodified":
            if modifiedRank > 1, let date = DateParser.parse(content) {
                metadata.modified = date
                modifiedRank = 1
            }
        default: break
        }
    }

    /// The author's name in JSON-LD: `"author": "Name"`, `"author":
    /// {"name": "Name"}` or a list of those (the first).
    static func jsonAuthor(in bytes: [UInt8]) -> String? {
        let key = Array("\"author\"".utf8)
        guard let start = bytes.firstIndex(of: key) else { return nil }
        var i = start + key.count
        while i < bytes.count,
            bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x3A
                || bytes[i] == 0x5B
        {
            i += 1
        }
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "\"") {
            return jsonString(after: "\"author\"", in: bytes).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard bytes[i] == UInt8(ascii: "{") else { return nil }
        let rest = Array(bytes[i...].prefix(2000))
        return jsonString(after: "\"name\"", in: rest).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The best publication date offered so far, and its rank.
    private(set) var published: PublicationDate?
    private var publishedRank = Int.max

    private mutating func offerDate(_ value: String, rank: Int) {
        guard rank < publishedRank, let date = DateParser.parse(value) else { return }
        published = date
        publishedRank = rank
    }

    /// The JSON string value after `key` (`"key": "value"`), escapes left as written.
    static func jsonString(after key: String, in bytes: [UInt8]) -> String? {
        let needle = Array(key.utf8)
        func skipSpace(_ i: inout Int) {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D {
                i += 1
            }
        }
        var from = 0
        while let found = bytes.firstIndex(of: needle, from: from) {
            from = found + 1
            var i = found + needle.count
            skipSpace(&i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { continue }
            i += 1
            skipSpace(&i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { continue }
            let valueStart = i + 1
            var end = valueStart
            while end < bytes.count, bytes[end] != UInt8(ascii: "\""), end - valueStart < 100 { end += 1 }
            if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
                return String(decoding: bytes[valueStart..<end], as: UTF8.self)
            }
        }
        return nil
    }

    /// The title as chosen by the rules above; empty if the page has none.
    var title: String {
        openGraphTitle ?? (titleElement.flatMap { $0.isEmpty ? nil : $0 }) ?? firstHeading ?? ""
    }

    /// The body: paragraphs separated by blank lines.
    mutating func body() -> String {
        endParagraph()
        let title = self.title
        let level = containment.max() ?? 0
        var out: [UInt8] = []
        for (index, paragraph) in paragraphs.enumerated() where containment[index] == level {
            if !title.isEmpty, let heading = headingParagraphs[index], heading == title { continue }
            if !out.isEmpty { out.append(contentsOf: [0x0A, 0x0A]) }
            out.append(contentsOf: paragraph)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// White space runs collapsed to one space, trimmed.
    ///
    /// ASCII text (every Reuters title) is collapsed on its bytes: there
    /// `Character.isWhitespace` holds exactly for tab, line feed, vertical
    /// tab, form feed, carriage return and space (and "\r\n", one Character
    /// of two of them), and asking it per Character costs a Unicode property
    /// lookup each. Other text takes the Character path.
    var collapsingWhitespace: String {
        let span = utf8.span
        var isCollapsed = true
        var previousIsSpace = true  // a leading space is not collapsed
        for k in span.indices {
            let byte = span[k]
            if byte >= 0x80 { return split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
            if byte == 0x20 || byte &- 0x09 < 5 {
                if byte != 0x20 || previousIsSpace { isCollapsed = false }
                previousIsSpace = true
            } else {
                previousIsSpace = false
            }
        }
        if isCollapsed && !(span.count > 0 && previousIsSpace) { return self }
        var out: [UInt8] = []
        out.reserveCapacity(span.count)
        var pendingSpace = false
        for k in span.indices {
            let byte = span[k]
            if byte == 0x20 || byte &- 0x09 < 5 {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
