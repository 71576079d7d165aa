import NewsCore

/// The elements ingestion tells apart; every other element is `.phrasing`
/// (inline, as `<b>` or `<strong>`), `.block` (breaks a paragraph, as
/// `<caption>` or `<details>`) or `.other` (neither: custom elements,
/// `<u>`, unknown tags).
enum PageTag: UInt8 {
    case document, text
    case html, head, title, meta, link, script, style, noscript, template
    case body, p, div, section, article, main, header, nav, footer, aside
    case h1, h2, h3, h4, h5, h6
    case pre, code, blockquote, address, figure, figcaption
    case table, caption, tableMeta, tr, td, th
    case ol, ul, li, dl, dd, dt
    case form, fieldset, input, embed, img, br, hr
    case a, del, ins, span, time, abbr
    case svg, canvas, button, select, textarea, dialog
    case phrasing, block, other

    /// The tag of an element named `name`, looked up on its bytes: no
    /// String per element.
    static func of(_ name: Span<UInt8>) -> PageTag { byName.value(for: name) ?? .other }

    private static let byName = ByteNameTable<PageTag>(
        {
            var table: [(String, PageTag)] = [
                ("html", .html), ("head", .head), ("title", .title), ("meta", .meta), ("link", .link),
                ("script", .script), ("style", .style), ("noscript", .noscript), ("template", .template),
                ("body", .body), ("p", .p), ("div", .div), ("section", .section), ("article", .article),
                ("main", .main), ("header", .header), ("nav", .nav), ("footer", .footer), ("aside", .aside),
                ("h1", .h1), ("h2", .h2), ("h3", .h3), ("h4", .h4), ("h5", .h5), ("h6", .h6),
                ("pre", .pre), ("code", .code), ("blockquote", .blockquote), ("address", .address),
                ("figure", .figure), ("figcaption", .figcaption), ("table", .table), ("caption", .caption),
                ("col", .tableMeta), ("colgroup", .tableMeta), ("thead", .tableMeta), ("tfoot", .tableMeta),
                ("tr", .tr), ("td", .td), ("th", .th), ("ol", .ol), ("ul", .ul), ("li", .li), ("dl", .dl),
                ("dd", .dd), ("dt", .dt), ("form", .form), ("fieldset", .fieldset), ("input", .input),
                ("embed", .embed), ("object", .embed), ("iframe", .embed), ("img", .img), ("br", .br), ("hr", .hr),
                ("a", .a), ("del", .del), ("ins", .ins), ("span", .span), ("time", .time), ("abbr", .abbr),
                ("svg", .svg), ("canvas", .canvas), ("button", .button), ("select", .select),
                ("textarea", .textarea), ("dialog", .dialog),
                // <font> is an inline <span> to a reader.
                ("font", .span),
            ]
            // Inline elements (HTML's phrasing content, as Readability lists it).
            for name in [
                "audio", "b", "bdo", "cite", "data", "datalist", "dfn", "em", "i", "kbd", "label", "mark", "math",
                "meter", "output", "progress", "q", "ruby", "samp", "small", "strong", "sub", "sup", "var", "wbr",
            ] {
                table.append((name, .phrasing))
            }
            for name in ["tbody", "details", "summary", "center", "menu", "legend", "hgroup", "picture", "video"] {
                table.append((name, .block))
            }
            return table
        }())

    var isHeading: Bool { self.rawValue >= PageTag.h1.rawValue && self.rawValue <= PageTag.h6.rawValue }

    /// Inline content: text and the elements a paragraph is made of. (`<a>`,
    /// `<del>` and `<ins>` are inline when everything inside them is.)
    var isPhrasing: Bool {
        switch self {
        case .text, .phrasing, .span, .code, .br, .img, .input, .embed, .time, .abbr, .button, .select,
            .textarea, .noscript, .script:
            true
        default: false
        }
    }

    /// The elements whose presence inside a `<div>` make it more than a paragraph.
    var isBlockForDivision: Bool {
        switch self {
        case .blockquote, .dl, .div, .img, .ol, .p, .pre, .table, .ul: true
        default: false
        }
    }

    /// Whether the element ends a paragraph of the extracted text where it opens and closes.
    var breaksParagraph: Bool {
        switch self {
        case .p, .div, .section, .article, .main, .header, .h1, .h2, .h3, .h4, .h5, .h6, .pre, .blockquote,
            .address, .figure, .figcaption, .table, .caption, .tr, .td, .th, .ol, .ul, .li, .dl, .dd, .dt,
            .form, .fieldset, .br, .hr, .body, .html, .nav, .footer, .aside, .dialog, .block:
            true
        default: false
        }
    }
}

/// What an element's class, id and other attributes say about it, matched
/// once as the element is read.
struct PageHints: OptionSet {
    let rawValue: UInt32
    /// class or id says content ("article", "body", "content", "story", …).
    static let classPositive = PageHints(rawValue: 1 << 0)
    /// class says boilerplate ("comment", "share", "sidebar", "promo", …).
    static let classNegative = PageHints(rawValue: 1 << 1)
    static let idPositive = PageHints(rawValue: 1 << 2)
    static let idNegative = PageHints(rawValue: 1 << 3)
    /// class or id names site furniture ("menu", "related", "footer", …).
    static let unlikely = PageHints(rawValue: 1 << 4)
    /// … unless it also names content ("article", "main", "column", …).
    static let maybeCandidate = PageHints(rawValue: 1 << 5)
    /// A byline: class or id "byline", "author", "dateline", `rel=author` or `itemprop` author.
    static let byline = PageHints(rawValue: 1 << 6)
    /// Share buttons ("share", "sharedaddy" as a word).
    static let share = PageHints(rawValue: 1 << 7)
    /// `role` says navigation, menu, complementary, alert or dialog.
    static let unlikelyRole = PageHints(rawValue: 1 << 8)
    /// A link to a place on the same page (`href="#…"`).
    static let pageLink = PageHints(rawValue: 1 << 9)
    /// A table marked as layout (`role=presentation`, `datatable=0`).
    static let layoutTable = PageHints(rawValue: 1 << 10)
    /// A table with a `summary`: data.
    static let summarizedTable = PageHints(rawValue: 1 << 11)
    /// Computed: everything inside is inline (for `<a>`, `<del>`, `<ins>`).
    static let inlineOnly = PageHints(rawValue: 1 << 12)
    /// Computed: a paragraph-like element is inside (``PageTag/isBlockForDivision``).
    static let hasBlockInside = PageHints(rawValue: 1 << 13)
    /// Computed: a table of data, not of layout.
    static let dataTable = PageHints(rawValue: 1 << 14)
    /// Computed: inside a table of data.
    static let inDataTable = PageHints(rawValue: 1 << 15)
    /// `itemprop` names a name: inside a byline, the author's name alone.
    static let itempropName = PageHints(rawValue: 1 << 16)
}

/// One node of a ``PageTree``: an element or a run of text.
struct PageNode {
    var tag: PageTag
    var hints: PageHints = []
    /// Set by ``PageTree/append(_:to:)``.
    var parent: Int32 = -1
    var firstChild: Int32 = -1
    var lastChild: Int32 = -1
    var next: Int32 = -1
    /// Text: the run's bytes in ``PageTree/bytes``. Unused for elements.
    var start: Int32 = 0
    var end: Int32 = 0
    /// Text: its length in characters (Unicode scalars) with white space
    /// runs counted as one, and its commas. Unused for elements.
    var length: Int32 = 0
    var commas: Int32 = 0
    /// A hash of the element's class attribute (0: none), to find siblings styled alike.
    var classHash: UInt32 = 0
}

extension PageNode {
    /// Inline content: text, inline elements, and `<a>`, `<del>` or `<ins>`
    /// with only inline content inside (marked ``PageHints/inlineOnly``).
    var isPhrasing: Bool {
        tag.isPhrasing || ((tag == .a || tag == .del || tag == .ins) && hints.contains(.inlineOnly))
    }
}

/// A page as a compact tree: elements and text in flat arrays, linked by
/// index, with text bytes in one buffer.
///
/// Built from the SAX events of ``HTMLDocument`` (no libxml2 tree is ever
/// built), then reshaped and scored by ``ReaderExtraction``. Node 0 is the
/// document; indexes are `Int32` to keep a node at 40 bytes.
struct PageTree {
    var nodes: [PageNode] = [PageNode(tag: .document)]
    var bytes: [UInt8] = []

    /// Appends a node linked nowhere yet, returning its index.
    mutating func make(_ tag: PageTag) -> Int32 {
        nodes.append(PageNode(tag: tag))
        return Int32(nodes.count - 1)
    }

    /// Appends a node as the last child of `parent`, returning its index.
    @discardableResult
    mutating func append(_ node: PageNode, to parent: Int32) -> Int32 {
        let index = Int32(nodes.count)
        nodes.append(node)
        link(index, under: parent)
        return index
    }

    /// Links the node `child` (not linked anywhere) as the last child of `parent`.
    mutating func link(_ child: Int32, under parent: Int32) {
        nodes[Int(child)].parent = parent
        nodes[Int(child)].next = -1
        let last = nodes[Int(parent)].lastChild
        if last < 0 {
            nodes[Int(parent)].firstChild = child
        } else {
            nodes[Int(last)].next = child
        }
        nodes[Int(parent)].lastChild = child
    }

    /// Appends text under `parent`, extending its last child when that is
    /// text just written (libxml2 reports one run in several pieces).
    mutating func appendText(_ text: Span<UInt8>, to parent: Int32) {
        guard !text.isEmpty else { return }
        let last = nodes[Int(parent)].lastChild
        let index: Int
        if last >= 0, nodes[Int(last)].tag == .text, nodes[Int(last)].end == Int32(bytes.count) {
            index = Int(last)
        } else {
            index = Int(append(PageNode(tag: .text, start: Int32(bytes.count)), to: parent))
        }
        var length = nodes[index].length
        var commas = nodes[index].commas
        var previousIsSpace = nodes[index].end == nodes[index].start || (bytes.last.map(\.isHTMLSpace) ?? true)
        for k in text.indices {
            let byte = text[k]
            if byte < 0x80 {
                if byte <= 0x20 && byte.isHTMLSpace {
                    if !previousIsSpace { length += 1 }
                    previousIsSpace = true
                    continue
                }
                previousIsSpace = false
                length += 1
                if byte == 0x2C { commas += 1 }
                continue
            }
            previousIsSpace = false
            if byte & 0xC0 != 0x80 {
                length += 1  // a scalar's first byte
            } else if byte == 0x8C || byte == 0x81, k >= 1 {
                // Commas of other scripts (Arabic ، U+060C, ideographic 、
                // U+3001, fullwidth ， U+FF0C), known by their last bytes.
                if byte == 0x8C, text[k - 1] == 0xD8 { commas += 1 }
                if k >= 2, byte == 0x81, text[k - 1] == 0x80, text[k - 2] == 0xE3 { commas += 1 }
                if k >= 2, byte == 0x8C, text[k - 1] == 0xBC, text[k - 2] == 0xEF { commas += 1 }
            }
        }
        // Copied in one go: appending byte by byte checked the buffer's
        // uniqueness for each byte.
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: text.count))
        var out = bytes.mutableSpan
        for k in text.indices { out[start + k] = text[k] }
        nodes[index].end = Int32(bytes.count)
        nodes[index].length = length
        nodes[index].commas = commas
    }

    /// Whether node `index` is text of white space only.
    func isWhitespace(_ index: Int32) -> Bool {
        let node = nodes[Int(index)]
        guard node.tag == .text else { return node.tag == .br }
        for k in Int(node.start)..<Int(node.end) where !bytes[k].isHTMLSpace { return false }
        return true
    }

    /// The children of `index`, in order.
    func children(_ index: Int32) -> [Int32] {
        var out: [Int32] = []
        var child = nodes[Int(index)].firstChild
        while child >= 0 {
            out.append(child)
            child = nodes[Int(child)].next
        }
        return out
    }

    /// Re-links `index`'s children to be exactly `children`, in order.
    mutating func setChildren(_ index: Int32, _ children: [Int32]) {
        nodes[Int(index)].firstChild = -1
        nodes[Int(index)].lastChild = -1
        for child in children { link(child, under: index) }
    }

    /// The nodes under `root` (itself included) in document order.
    func preorder(from root: Int32 = 0) -> [Int32] {
        var out: [Int32] = []
        if root == 0 { out.reserveCapacity(nodes.count) }  // the whole page: grown once, not by doubling
        var node = root
        while node >= 0 {
            out.append(node)
            node = next(after: node, under: root)
        }
        return out
    }

    /// The node after `node` in document order, staying under `root`
    /// (-1 past its last); with `enteringChildren` false, past `node`'s
    /// children, as a walk that skips a subtree goes on.
    func next(after node: Int32, under root: Int32, enteringChildren: Bool = true) -> Int32 {
        if enteringChildren, nodes[Int(node)].firstChild >= 0 { return nodes[Int(node)].firstChild }
        var current = node
        while current != root {
            let next = nodes[Int(current)].next
            if next >= 0 { return next }
            current = nodes[Int(current)].parent
        }
        return -1
    }
}

extension UInt8 {
    /// HTML's white space: space, tab, line feed, form feed, carriage return.
    var isHTMLSpace: Bool { self == 0x20 || self == 0x0A || self == 0x09 || self == 0x0D || self == 0x0C }
}

/// Matches an element's class and id against the word lists of main-content
/// extraction, all at once: one pass over the bytes through an Aho-Corasick
/// automaton of the words (ASCII case folded into its alphabet), so each
/// byte costs one table step whatever the number of words.
///
/// The lists are Readability's (Mozilla, Apache-2.0), the reference the
/// html-pages gold was made with. Adding "cookie", "newsletter" or "nav" as
/// boilerplate words lowered the pages' F1 (0.996 to 0.995): those words
/// also name containers of real content ("navbox", a story's newsletter
/// box class on the whole column).
enum ClassHintMatcher {
    /// A word the automaton found ends here: its length, groups, and how it
    /// must stand.
    private struct Match {
        var length: Int32
        var groups: Groups
        /// Must stand as a word: not next to a letter or digit ("share" in
        /// "share-bar" and "post_share", not in "shared"); "hid" must be a
        /// whole space-separated class.
        var boundary: Boundary
    }
    enum Boundary { case none, word, token }

    struct Groups: OptionSet {
        let rawValue: UInt8
        static let unlikely = Groups(rawValue: 1)
        static let maybe = Groups(rawValue: 2)
        static let positive = Groups(rawValue: 4)
        static let negative = Groups(rawValue: 8)
        static let byline = Groups(rawValue: 16)
        static let share = Groups(rawValue: 32)
    }

    /// The automaton: for each byte its symbol (0: a byte in no word, which
    /// leads back to the start); for each state and symbol the next state;
    /// for each state the range of ``Match``es of the words that end there.
    private final class Automaton: Sendable {
        let symbols: [UInt8]
        let symbolCount: Int
        let next: [UInt16]
        let matchStart: [Int32]
        let matches: [Match]

        init(_ words: [(bytes: [UInt8], groups: Groups, boundary: Boundary)]) {
            var symbols = [UInt8](repeating: 0, count: 256)
            var symbolCount = 1
            for word in words {
                for byte in word.bytes where symbols[Int(byte)] == 0 {
                    symbols[Int(byte)] = UInt8(symbolCount)
                    symbolCount += 1
                }
            }
            for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { symbols[Int(byte)] = symbols[Int(byte | 0x20)] }
            // The trie of the words, then the failure links breadth first,
            // which turn it into a complete transition table.
            var next = [Int](repeating: -1, count: symbolCount)
            var ending: [[Match]] = [[]]
            for word in words {
                var state = 0
                for byte in word.bytes {
                    let slot = state * symbolCount + Int(symbols[Int(byte)])
                    if next[slot] < 0 {
                        next[slot] = ending.count
                        next += [Int](repeating: -1, count: symbolCount)
                        ending.append([])
                    }
                    state = next[slot]
                }
                ending[state].append(
                    Match(length: Int32(word.bytes.count), groups: word.groups, boundary: word.boundary))
            }
            var failure = [Int](repeating: 0, count: ending.count)
            var queue: [Int] = []
            for symbol in 0..<symbolCount {
                if next[symbol] < 0 {
                    next[symbol] = 0
                } else {
                    queue.append(next[symbol])
                }
            }
            var head = 0
            while head < queue.count {
                let state = queue[head]
                head += 1
                ending[state] += ending[failure[state]]
                for symbol in 0..<symbolCount {
                    let slot = state * symbolCount + symbol
                    let fallback = next[failure[state] * symbolCount + symbol]
                    if next[slot] < 0 {
                        next[slot] = fallback
                    } else {
                        failure[next[slot]] = fallback
                        queue.append(next[slot])
                    }
                }
            }
            precondition(ending.count < Int(UInt16.max))
            self.symbols = symbols
            self.symbolCount = symbolCount
            self.next = next.map { UInt16($0) }
            var matchStart: [Int32] = [0]
            var matches: [Match] = []
            for list in ending {
                matches += list
                matchStart.append(Int32(matches.count))
            }
            self.matchStart = matchStart
            self.matches = matches
        }
    }

    private static let automaton: Automaton = {
        var list: [(String, Groups, Boundary)] = []
        for word in [
            "-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap", "disqus",
            "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark", "replies", "rss",
            "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental", "ad-break", "agegate",
            "pagination", "pager", "popup", "yom-remote",
        ] {
            list.append((word, .unlikely, .none))
        }
        for word in ["and", "article", "body", "column", "content", "main", "mathjax", "shadow"] {
            list.append((word, .maybe, .none))
        }
        for word in [
            "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post",
            "text", "blog", "story",
        ] {
            list.append((word, .positive, .none))
        }
        for word in [
            "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr", "masthead",
            "media", "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar",
            "skyscraper", "sponsor", "shopping", "tags", "widget",
        ] {
            list.append((word, .negative, .none))
        }
        list.append(("hid", .negative, .token))
        for word in ["byline", "author", "dateline", "writtenby", "p-author"] { list.append((word, .byline, .none)) }
        list.append(("share", .share, .word))
        list.append(("sharedaddy", .share, .word))
        var merged: [(bytes: [UInt8], groups: Groups, boundary: Boundary)] = []
        for (word, groups, boundary) in list {
            let bytes = Array(word.utf8)
            if let k = merged.firstIndex(where: { $0.bytes == bytes && $0.boundary == boundary }) {
                merged[k].groups.insert(groups)
            } else {
                merged.append((bytes, groups, boundary))
            }
        }
        return Automaton(merged)
    }()

    /// The groups whose words occur in `value` (ASCII case ignored).
    static func groups(in value: Span<UInt8>) -> Groups {
        let automaton = Self.automaton
        let (symbolTable, nextTable, startTable, matchTable) =
            (automaton.symbols, automaton.next, automaton.matchStart, automaton.matches)
        let symbols = symbolTable.span
        let next = nextTable.span
        let matchStart = startTable.span
        let matches = matchTable.span
        let symbolCount = automaton.symbolCount
        var found: Groups = []
        var state = 0
        for i in value.indices {
            state = Int(next[state * symbolCount + Int(symbols[Int(value[i])])])
            let first = Int(matchStart[state])
            let last = Int(matchStart[state + 1])
            guard first < last else { continue }
            for m in first..<last {
                let match = matches[m]
                guard !found.isSuperset(of: match.groups) else { continue }
                let start = i + 1 - Int(match.length)
                switch match.boundary {
                case .none: break
                case .word:
                    if start > 0, value[start - 1].isASCIIAlphanumeric { continue }
                    if i + 1 < value.count, value[i + 1].isASCIIAlphanumeric { continue }
                case .token:
                    if start > 0, value[start - 1] != 0x20 { continue }
                    if i + 1 < value.count, value[i + 1] != 0x20 { continue }
                }
                found.insert(match.groups)
            }
        }
        return found
    }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (self >= 0x30 && self <= 0x39) || (self | 0x20 >= 0x61 && self | 0x20 <= 0x7A)
    }
}
