import NewsCore

/// Reads an HTML page from an ``HTMLDocument`` walk: its metadata, and the
/// page itself as a ``PageTree`` for ``ReaderExtraction`` to find the article in.
///
/// - Title (``title``): an article's JSON-LD name or headline, else a title
///   `<meta>` (Dublin Core, Open Graph, Twitter, Parse.ly), else `<title>`
///   without its site name (``cleanedTitle(_:heading:)``), else the first `<h1>`.
/// - Tree: every element but those whose content is never text
///   (``isSkipped(_:)``) and those the page hides (``isHidden(_:_:)``), with
///   what their class, id, role and other attributes say (``PageHints``).
/// - Publication date: the best-ranked of the page's date metadata
///   (``DateRank``): JSON-LD `datePublished`, `article:published_time`,
///   `itemprop="datePublished"`, other date `<meta>` names, then a `<time>`
///   element (marked `pubdate`, else inside `<article>`, else the first).
/// - The rest of ``metadata``: byline, modified date, site, canonical URL,
///   language and description, each from its best-ranked source.
struct HTMLTextExtractor: HTMLVisitor {
    /// Elements whose content is never text a reader reads.
    static func isSkipped(_ element: PageTag) -> Bool {
        switch element {
        case .head, .script, .style, .noscript, .template: true
        // Never rendered as text either:
        case .svg, .canvas, .button, .select, .textarea, .dialog: true
        default: false
        }
    }

    /// The title the page's metadata gives, and its rank (``titleMetaRank``).
    private(set) var metaTitle: String?
    private var metaTitleRank = Int.max
    /// JSON-LD's `headline` and `name`, from an article's own object.
    private var jsonHeadline: String?
    private var jsonName: String?
    private(set) var titleElement: String?
    private(set) var firstHeading: String?
    /// The page as read, for ``ReaderExtraction``.
    private(set) var tree = PageTree()
    /// The open elements of `tree`, innermost last.
    private var openElements: [Int32] = [0]

    /// Appends `node` under the innermost open element, and opens it.
    private mutating func open(_ node: PageNode) {
        openElements.append(tree.append(node, to: openElements[openElements.count - 1]))
    }

    private var inHead = false
    /// Open `<article>` elements (a `<time>` inside one dates the article).
    private var articleDepth = 0
    /// Capture of a `<title>` or `<h1>` text while inside one.
    private var capture: [UInt8]? = nil
    private var captureElement: PageTag? = nil

    mutating func enter(
        element: PageTag, attribute: (HTMLAttribute) -> String?,
        withBytes: (HTMLAttribute, (Span<UInt8>) -> Void) -> Void
    ) -> Bool {
        if element == .meta {
            let property = attribute(.property)?.lowercased()
            let name = attribute(.name)?.lowercased()
            let itemprop = attribute(.itemprop)?.lowercased()
            guard let raw = attribute(.content) else { return false }
            if let rank = [property, name, itemprop].compactMap({ $0.flatMap { Self.dateMetaRank[$0] } }).min() {
                offerDate(raw, rank: rank)
            }
            let content = raw.collapsingWhitespace
            guard !content.isEmpty else { return false }
            // A property may list several, space-separated ("dc:creator twitter:site_name").
            let named = (property?.split(separator: " ").map(String.init) ?? []) + [name].compactMap { $0 }
            if let rank = named.compactMap({ Self.titleMetaRank[$0] }).min() {
                // Of two with the same key, the last, as Readability reads them.
                Self.offer(&metaTitle, content, rank: rank, &metaTitleRank, orEqual: true)
            }
            for key in named + [itemprop].compactMap({ $0 }) { noteMeta(key, content) }
            if attribute(.httpEquiv)?.lowercased() == "content-language" {
                Self.offer(&metadata.language, content, rank: 1, &languageRank)
            }
            return false
        }
        if element == .html {
            if let lang = attribute(.lang)?.collapsingWhitespace, !lang.isEmpty {
                Self.offer(&metadata.language, lang, rank: 0, &languageRank)
            }
            open(PageNode(tag: element))
            return true
        }
        if element == .link {
            if let rel = attribute(.rel)?.lowercased(), let href = attribute(.href)?.collapsingWhitespace,
                !href.isEmpty
            {
                if rel.split(separator: " ").contains("canonical") {
                    Self.offer(&metadata.url, href, rank: 0, &urlRank)
                }
            }
            return false
        }
        if element == .time || element == .span || element == .abbr {
            if let value = attribute(.datetime) ?? attribute(.content)
                ?? (element == .abbr ? attribute(.title) : nil)
            {
                if attribute(.itemprop)?.lowercased() == "datepublished" {
                    offerDate(value, rank: DateRank.itemprop)
                } else if element == .time {
                    offerDate(
                        value,
                        rank: attribute(.pubdate) != nil
                            ? DateRank.timePubdate : (articleDepth > 0 ? DateRank.timeInArticle : DateRank.timeAnywhere)
                    )
                }
            }
        }
        if element == .script {
            // JSON-LD metadata (schema.org NewsArticle): read for its
            // datePublished; no other script's text is read.
            guard attribute(.type)?.containsASCII("ld+json") == true else { return false }
            capture = []
            captureElement = element
            open(PageNode(tag: element))
            return true
        }
        if element == .title {
            capture = []
            captureElement = element
            open(PageNode(tag: element))
            return true
        }
        if element == .head {
            inHead = true  // for <title> and <meta>; its text is not body text
            open(PageNode(tag: element))
            return true
        }
        if Self.isSkipped(element) || Self.isHidden(attribute, withBytes) { return false }
        var node = PageNode(tag: element)
        readHints(of: element, attribute, withBytes, into: &node)
        if element == .embed || element == .img || element == .input {
            // Counted when a block is judged (pictures, inputs, embedded
            // players); their content is not text.
            tree.append(node, to: openElements[openElements.count - 1])
            return false
        }
        open(node)
        if element == .article { articleDepth += 1 }
        if element == .h1, capture == nil, firstHeading == nil {
            capture = []
            captureElement = element
        }
        return true
    }

    /// What `class`, `id`, `role`, `rel`, `itemprop`, `href` and a table's
    /// attributes say of an element (``PageHints``).
    private mutating func readHints(
        of tag: PageTag, _ attribute: (HTMLAttribute) -> String?,
        _ withBytes: (HTMLAttribute, (Span<UInt8>) -> Void) -> Void, into node: inout PageNode
    ) {
        var hints: PageHints = []
        var matched: ClassHintMatcher.Groups = []
        var classHash: UInt64 = 0
        withBytes(.className) { value in
            guard !value.isEmpty else { return }
            classHash = value.fnv1a
            // Matched anew each time: the automaton's pass over a class
            // costs less than looking it up in a dictionary of those seen.
            let groups = ClassHintMatcher.groups(in: value)
            if groups.contains(.positive) { hints.insert(.classPositive) }
            if groups.contains(.negative) { hints.insert(.classNegative) }
            matched = groups
        }
        node.classHash = classHash == 0 ? 0 : UInt32(truncatingIfNeeded: classHash ^ (classHash >> 32)) | 1
        withBytes(.id) { value in
            guard !value.isEmpty else { return }
            let groups = ClassHintMatcher.groups(in: value)
            if groups.contains(.positive) { hints.insert(.idPositive) }
            if groups.contains(.negative) { hints.insert(.idNegative) }
            matched.formUnion(groups)
        }
        if matched.contains(.unlikely) { hints.insert(.unlikely) }
        if matched.contains(.maybe) { hints.insert(.maybeCandidate) }
        if matched.contains(.byline) { hints.insert(.byline) }
        if matched.contains(.share) { hints.insert(.share) }
        // <nav> is navigation whatever its role says.
        if tag == .nav { hints.insert(.unlikelyRole) }
        if let role = attribute(.role)?.lowercased() {
            if ["menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"].contains(role) {
                hints.insert(.unlikelyRole)
            }
            if tag == .table, role == "presentation" { hints.insert(.layoutTable) }
        }
        if attribute(.rel)?.lowercased() == "author" { hints.insert(.byline) }
        if let itemprop = attribute(.itemprop)?.lowercased() {
            if itemprop.containsASCII("author") { hints.insert(.byline) }
            if itemprop.containsASCII("name") { hints.insert(.itempropName) }
        }
        if tag == .a {
            withBytes(.href) { href in
                if href.count > 1, href[0] == UInt8(ascii: "#") { hints.insert(.pageLink) }
            }
        }
        if tag == .table {
            if attribute(.datatable) == "0" { hints.insert(.layoutTable) }
            if attribute(.summary) != nil { hints.insert(.summarizedTable) }
        }
        node.hints = hints
    }

    mutating func leave(element: PageTag) {
        if element == .script, captureElement == .script, let bytes = capture {
            // An article's own JSON-LD (its top-level @type says so): its
            // name and headline, for the title.
            let top = Self.jsonTopLevelStrings(bytes)
            if jsonHeadline == nil, jsonName == nil, let type = top["@type"], Self.isArticleType(type) {
                jsonHeadline = top["headline"]?.collapsingWhitespace.nonEmpty
                jsonName = top["name"]?.collapsingWhitespace.nonEmpty
            }
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
            if element == .title {
                if titleElement == nil { titleElement = text }
            } else if !text.isEmpty {
                firstHeading = text
            }
            capture = nil
            captureElement = nil
        }
        if element == .head { inHead = false }
        if element == .article { articleDepth -= 1 }
        if openElements.count > 1 { openElements.removeLast() }
    }

    mutating func text(_ bytes: Span<UInt8>) {
        if captureElement == .title || captureElement == .script {
            capture?.append(bytes)
            return
        }
        if inHead { return }
        capture?.append(bytes)
        tree.appendText(bytes, to: openElements[openElements.count - 1])
    }

    /// Whether an element is not shown, as Readability judges it: the
    /// `hidden` attribute, `aria-hidden="true"`, or an inline style with
    /// `display: none` or `visibility: hidden`. (Stylesheets are not read.)
    static func isHidden(
        _ attribute: (HTMLAttribute) -> String?, _ withBytes: (HTMLAttribute, (Span<UInt8>) -> Void) -> Void
    ) -> Bool {
        if attribute(.hidden) != nil { return true }
        if let aria = attribute(.ariaHidden), aria.lowercased() == "true" { return true }
        var hides = false
        withBytes(.style) { style in hides = hidesElement(style: style) }
        return hides
    }

    private static let displayNone = Array("display:none".utf8)
    private static let visibilityHidden = Array("visibility:hidden".utf8)

    /// Whether an inline style says `display: none` or `visibility: hidden`
    /// (white space and case ignored), read on its bytes with no copy.
    static func hidesElement(style: Span<UInt8>) -> Bool {
        for pattern in [displayNone, visibilityHidden] {
            var start = 0
            while start < style.count {
                // Match `pattern` from `start`, skipping white space in the style.
                var i = start
                var k = 0
                while i < style.count, k < pattern.count {
                    let byte = style[i]
                    if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                        i += 1
                        continue
                    }
                    guard byte.asciiLowercased == pattern[k] else { break }
                    i += 1
                    k += 1
                }
                if k == pattern.count { return true }
                start += 1
            }
        }
        return false
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

    private static func offer(
        _ field: inout String?, _ value: String, rank: Int, _ best: inout Int, orEqual: Bool = false
    ) {
        guard rank < best || (orEqual && rank == best) else { return }
        field = value
        best = rank
    }

    /// A `<meta>` by its property, name or itemprop key (lower case).
    private mutating func noteMeta(_ key: String, _ content: String) {
        switch key {
        case "og:site_name": Self.offer(&metadata.site, content, rank: 0, &siteRank)
        case "application-name", "twitter:site": Self.offer(&metadata.site, content, rank: 1, &siteRank)
        case "og:url": Self.offer(&metadata.url, content, rank: 1, &urlRank)
        case "description": Self.offer(&metadata.description, content, rank: 0, &descriptionRank)
        case "og:description": Self.offer(&metadata.description, content, rank: 1, &descriptionRank)
        case "twitter:description": Self.offer(&metadata.description, content, rank: 2, &descriptionRank)
        case "og:locale": Self.offer(&metadata.language, content, rank: 2, &languageRank)
        case "dc.creator", "dc:creator", "dcterm:creator", "dcterms.creator", "dcterms:creator":
            // Dublin Core first, the last one given winning, as in Readability.
            if !content.hasPrefix("http") { Self.offer(&metadata.byline, content, rank: 1, &bylineRank, orEqual: true) }
        case "author", "article:author", "byl", "parsely-author", "sailthru.author":
            // An author given as a link (article:author often is) names no one.
            if !content.hasPrefix("http") { Self.offer(&metadata.byline, content, rank: 2, &bylineRank) }
        case "article:modified_time", "og:updated_time", "dcterms.modified", "last-modified", "datemodified":
            if modifiedRank > 1, let date = DateParser.parse(content) {
                metadata.modified = date
                modifiedRank = 1
            }
        default: break
        }
    }

    /// The author in JSON-LD: `"author": "Name"`, `"author": {"name":
    /// "Name"}`, or a list of those, names joined with ", " (as Readability
    /// gives several authors).
    static func jsonAuthor(in bytes: [UInt8]) -> String? {
        let key = Array("\"author\"".utf8)
        guard let start = bytes.firstIndex(of: key) else { return nil }
        var i = start + key.count
        skipJSONSpace(bytes, &i)
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        skipJSONSpace(bytes, &i)
        guard i < bytes.count else { return nil }
        let isList = bytes[i] == UInt8(ascii: "[")
        if isList { i += 1 }
        var names: [String] = []
        while i < bytes.count, names.count < 20 {
            skipJSONSpace(bytes, &i)
            guard i < bytes.count else { break }
            if bytes[i] == UInt8(ascii: "\"") {
                guard let name = readJSONString(bytes, &i) else { break }
                if !name.isEmpty { names.append(name) }
            } else if bytes[i] == UInt8(ascii: "{") {
                // A person or organisation: its own "name".
                if let name = jsonObjectStrings(bytes, at: &i)["name"], !name.isEmpty { names.append(name) }
            } else {
                break
            }
            guard isList else { break }
            skipJSONSpace(bytes, &i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { break }
            i += 1
        }
        return names.isEmpty ? nil : names.joined(separator: ", ").collapsingWhitespace
    }

    private static func skipJSONSpace(_ bytes: [UInt8], _ i: inout Int) {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
    }

    /// The JSON string starting at `bytes[i]` (a quote), escapes decoded;
    /// `i` ends after its closing quote. Nil if it does not close.
    static func readJSONString(_ bytes: [UInt8], _ i: inout Int) -> String? {
        var out: [UInt8] = []
        var k = i + 1
        var pendingHigh: UInt32? = nil
        func appendScalar(_ value: UInt32) {
            if let scalar = Unicode.Scalar(value) { UTF8.encode(scalar) { out.append($0) } }
        }
        while k < bytes.count {
            let byte = bytes[k]
            if byte == UInt8(ascii: "\"") {
                i = k + 1
                return String(decoding: out, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\"), k + 1 < bytes.count else {
                out.append(byte)
                k += 1
                continue
            }
            let escaped = bytes[k + 1]
            k += 2
            switch escaped {
            case UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): out.append(0x20)
            case UInt8(ascii: "b"), UInt8(ascii: "f"): break
            case UInt8(ascii: "u"):
                guard k + 4 <= bytes.count,
                    let value = UInt32(String(decoding: bytes[k..<k + 4], as: UTF8.self), radix: 16)
                else { return nil }
                k += 4
                if value >= 0xD800 && value < 0xDC00 {
                    pendingHigh = value
                } else if value >= 0xDC00 && value < 0xE000, let high = pendingHigh {
                    appendScalar(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00))
                    pendingHigh = nil
                } else {
                    appendScalar(value)
                }
            default: out.append(escaped)  // \" \\ \/
            }
        }
        return nil
    }

    /// The best publication date offered so far, and its rank.
    private(set) var published: PublicationDate?
    private var publishedRank = Int.max

    private mutating func offerDate(_ value: String, rank: Int) {
        guard rank < publishedRank, let date = DateParser.parse(value) else { return }
        published = date
        publishedRank = rank
    }

    /// The string values of a JSON object's own keys (not those of objects
    /// inside it): `{"@type": "NewsArticle", "name": …, "author": {"name": …}}`
    /// gives `@type` and the first `name`.
    static func jsonTopLevelStrings(_ bytes: [UInt8]) -> [String: String] {
        // From the first object: past a CDATA wrapper, and into the first
        // object of a list.
        guard var i = bytes.firstIndex(of: UInt8(ascii: "{")) else { return [:] }
        return jsonObjectStrings(bytes, at: &i)
    }

    /// The string values of the own keys of the JSON object at `bytes[i]`
    /// (a `{`); `i` ends past the object.
    static func jsonObjectStrings(_ bytes: [UInt8], at i: inout Int) -> [String: String] {
        var out: [String: String] = [:]
        var depth = 0
        var key: String? = nil
        var expectingKey = false
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = byte == UInt8(ascii: "{")
                key = nil
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                key = nil
                i += 1
                if depth <= 0 { return out }
            case UInt8(ascii: ","):
                expectingKey = true
                key = nil
                i += 1
            case UInt8(ascii: "\""):
                guard let text = readJSONString(bytes, &i) else { return out }
                if depth == 1 {
                    if expectingKey {
                        key = text
                        expectingKey = false
                    } else if let name = key, out[name] == nil {
                        out[name] = text
                        key = nil
                    }
                }
            default: i += 1
            }
        }
        return out
    }

    /// Whether a schema.org `@type` is an article's (Readability's list:
    /// Article, NewsArticle, BlogPosting, Report, … and their kin).
    static func isArticleType(_ type: String) -> Bool {
        ["Article", "Posting", "Report", "APIReference"].contains { type.hasSuffix($0) }
    }

    /// The JSON string value after `key` (`"key": "value"`), escapes decoded.
    static func jsonString(after key: String, in bytes: [UInt8]) -> String? {
        let needle = Array(key.utf8)
        var from = 0
        while let found = bytes.firstIndex(of: needle, from: from) {
            from = found + 1
            var i = found + needle.count
            skipJSONSpace(bytes, &i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { continue }
            i += 1
            skipJSONSpace(bytes, &i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { continue }
            if let value = readJSONString(bytes, &i) { return value }
        }
        return nil
    }

    /// Title `<meta>` keys (property or name, lower case) and their ranks, as
    /// Readability ranks them: Dublin Core, Open Graph, then the others;
    /// JSON-LD `headline` (rank 0) comes first.
    static let titleMetaRank: [String: Int] = [
        "dc:title": 1, "dc.title": 1, "dcterm:title": 2, "dcterms.title": 2, "dcterms:title": 2, "og:title": 3,
        "weibo:article:title": 4, "weibo:webpage:title": 4, "title": 5, "twitter:title": 6, "parsely-title": 7,
    ]

    /// The title: the best-ranked metadata title, else `<title>` without its
    /// site name (``cleanedTitle(_:)``), else the first `<h1>`; empty if none.
    var title: String {
        let element = titleElement.flatMap { $0.isEmpty ? nil : Self.cleanedTitle($0, heading: firstHeading) }
        // JSON-LD first. When its name and headline differ (Wikipedia puts
        // a description in headline, some sites their own name in name),
        // the one that reads like <title>, else the name.
        if let name = jsonName, let headline = jsonHeadline, name != headline {
            let reads = { (text: String) in
                element.map { ReaderExtraction.similarity(Array(text.utf8), Array($0.utf8)) > 0.75 } ?? false
            }
            return reads(headline) && !reads(name) ? headline : name
        }
        if let json = jsonName ?? jsonHeadline { return json }
        return metaTitle ?? element ?? firstHeading ?? ""
    }

    /// A `<title>` without the site name sites add to it ("Story - Site",
    /// "Site | Story"), as Readability cuts it: at the last separator with
    /// spaces around it (`|`, `-`, `–`, `—`, `\`, `/`, `>`, `»`), unless
    /// fewer than three words would be left (then the first part goes
    /// instead); and a title of four words or fewer after cutting is kept
    /// whole unless only the site's one word went.
    static func cleanedTitle(_ title: String, heading: String? = nil) -> String {
        let separators: Set<String> = ["|", "-", "–", "—", "\\", "/", ">", "»"]
        let words = title.split(separator: " ").map(String.init)
        let wordCount = { (text: String) in text.split(whereSeparator: \.isWhitespace).count }
        guard let last = words.indices.dropFirst().dropLast().last(where: { separators.contains(words[$0]) })
        else {
            // "Series: Story": the story, unless the page's heading is the
            // whole title or the part before the colon is long.
            guard title.contains(": "), heading != title, let colon = title.lastIndex(of: ":") else { return title }
            var cut = String(title[title.index(after: colon)...]).collapsingWhitespace
            if wordCount(cut) < 3, let first = title.firstIndex(of: ":") {
                cut = String(title[title.index(after: first)...]).collapsingWhitespace
            } else if let first = title.firstIndex(of: ":"), wordCount(String(title[..<first])) > 5 {
                return title
            }
            return cut.isEmpty || wordCount(cut) <= 4 ? title : cut
        }
        let hierarchical = words.contains { ["\\", "/", ">", "»"].contains($0) }
        var cut = words[..<last].joined(separator: " ")
        if wordCount(cut) < 3, let first = words.indices.dropFirst().first(where: { separators.contains(words[$0]) }) {
            cut = words[(first + 1)...].joined(separator: " ")
        }
        let count = wordCount(cut)
        let wholeWords = words.filter { !separators.contains($0) }.count
        if count <= 4 && (!hierarchical || count != wholeWords - 1) { return title }
        return cut
    }

    /// The article's text, paragraphs separated by blank lines, found by
    /// ``ReaderExtraction``; a byline written in the text becomes the
    /// page's byline when its metadata names none.
    mutating func body() -> String {
        var reader = ReaderExtraction(tree: tree, title: title)
        let text = reader.text()
        if let byline = reader.byline { Self.offer(&metadata.byline, byline, rank: 3, &bylineRank) }
        return String(decoding: text, as: UTF8.self)
    }
}

extension String {
    /// Nil when empty.
    var nonEmpty: String? { isEmpty ? nil : self }

    /// White space runs collapsed to one space, trimmed.
    ///
    /// On the bytes: white space is the Unicode White_Space code points
    /// (``whiteSpaceWidth(_:at:)``), the set `Character.isWhitespace` asks
    /// for, but per code point. (The Character path, a grapheme break and a
    /// property lookup per Character, was 2% of extracting the 130
    /// html-pages, on metadata alone.) The one difference: a space that
    /// carries a combining mark is one Character, and not white space to
    /// it; here the space is white space and the mark is text.
    var collapsingWhitespace: String {
        let span = utf8.span
        var isCollapsed = true
        var previousIsSpace = true  // a leading space is not collapsed
        var k = 0
        while k < span.count {
            let width = Self.whiteSpaceWidth(span, at: k)
            if width > 0 {
                if width > 1 || span[k] != 0x20 || previousIsSpace { isCollapsed = false }
                previousIsSpace = true
                k += width
            } else {
                previousIsSpace = false
                k += 1
            }
        }
        if isCollapsed && !(span.count > 0 && previousIsSpace) { return self }
        var out: [UInt8] = []
        out.reserveCapacity(span.count)
        var pendingSpace = false
        k = 0
        while k < span.count {
            let width = Self.whiteSpaceWidth(span, at: k)
            if width > 0 {
                pendingSpace = !out.isEmpty
                k += width
                continue
            }
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            out.append(span[k])
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The length in bytes of the white-space code point at `k` (Unicode
    /// White_Space: tab to carriage return, space, U+0085, U+00A0, U+1680,
    /// U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), or 0.
    @inline(__always)
    static func whiteSpaceWidth(_ bytes: Span<UInt8>, at k: Int) -> Int {
        let byte = bytes[k]
        if byte < 0x80 { return byte == 0x20 || byte &- 0x09 < 5 ? 1 : 0 }
        guard byte == 0xC2 || byte == 0xE1 || byte == 0xE2 || byte == 0xE3, k + 1 < bytes.count else { return 0 }
        let second = bytes[k + 1]
        if byte == 0xC2 { return second == 0x85 || second == 0xA0 ? 2 : 0 }
        guard k + 2 < bytes.count else { return 0 }
        let third = bytes[k + 2]
        switch (byte, second) {
        case (0xE1, 0x9A): return third == 0x80 ? 3 : 0
        case (0xE2, 0x80): return third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF ? 3 : 0
        case (0xE2, 0x81): return third == 0x9F ? 3 : 0
        case (0xE3, 0x80): return third == 0x80 ? 3 : 0
        default: return 0
        }
    }

    /// Whether the string holds `needle` (lower-case ASCII), in any ASCII
    /// case; on the bytes (`String.contains` goes through the regex
    /// library, some 18,000 instructions a call).
    func containsASCII(_ needle: String) -> Bool {
        Array(utf8).firstIndex(of: Array(needle.utf8), ignoringCase: true) != nil
    }
}
