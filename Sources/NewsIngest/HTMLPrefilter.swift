import NewsCore

/// Takes out of a page, before libxml2 parses it, the bytes no reader sees:
/// the content of `<script>` (but JSON-LD, which holds the page's metadata),
/// `<style>` and `<svg>` elements, comments, the attributes ingestion never
/// reads, and the white space a browser collapses. The elements themselves
/// stay, empty.
///
/// libxml2's HTML parser reads a character at a time (80 instructions or
/// so for each), so every byte it is spared counts. On the 130 real pages
/// of ../shared/corpora/html-pages, scripts, styles and comments are 45% of
/// the bytes (7.4, 4.1 and 0.2 MB of 25.7 MB); of the 11.2 MB left, a third
/// was white space beyond the first of a run (indentation), and a third
/// attribute values (links' addresses alone 1.1 MB).
///
/// The scan follows the HTML tokenizer as far as it matters here: a tag
/// runs to the first `>` outside quotes, a comment from `<!--` to `-->`,
/// and a script or style to the first `</script` or `</style` (any case),
/// as a browser ends them. What is left goes to libxml2 as written but
/// for these changes:
/// - a run of two or more white-space bytes in text becomes one (a line
///   feed if the run had one, else a space), except inside `<pre>`,
///   `<textarea>`, `<listing>`, `<xmp>` and `<plaintext>`, where white space
///   is text; ingestion collapses white space everywhere else, so no
///   extracted byte changes;
/// - JSON-LD goes as written, white space and all;
/// - only the attributes ingestion reads stay in a plainly written start
///   tag, and of those, only the values it can use: a link's address when
///   it points into the page, a style that hides the element, a title on
///   `<abbr>` (``appendPrunedAttributes(_:from:to:element:into:)``).
enum HTMLPrefilter {
    /// Elements whose start tags the prefilter treats apart.
    enum Element {
        /// `<a>`: its `href` is read only for whether it points into the page.
        case anchor
        /// `<abbr>`: the one element whose `title` is read (a date in it).
        case abbr
        /// `<pre>` and the like: white space is text inside them.
        case preformatted
        case script, style, svg
        case other
    }

    static func strip(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        let span = bytes.span
        var copied = 0  // bytes[..<copied] are decided
        var preformatted = 0  // open <pre> and the like
        var classes = ClassNames()
        var i = 0
        var unclosed = false  // a tag runs to the end of the input
        let n = bytes.count
        @inline(__always) func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        /// Whether "doctype" (any case) starts at `k`.
        func isDoctype(at k: Int) -> Bool {
            let word = Array("doctype".utf8)
            guard k + word.count <= n else { return false }
            for j in word.indices where bytes[k + j] | 0x20 != word[j] { return false }
            return true
        }
        /// Writes the text `bytes[copied..<end]`, each run of white space
        /// made one byte unless inside a preformatted element.
        func flush(to end: Int) {
            guard copied < end else { return }
            if preformatted > 0 {
                out.append(span.extracting(copied..<end))
                copied = end
                return
            }
            var k = copied
            while let pair = span.firstLowBytePair(from: k, to: end) {
                guard span[pair].isHTMLSpace, span[pair + 1].isHTMLSpace else {
                    k = pair + 1
                    continue
                }
                var run = pair + 2
                var lineFeed = span[pair] == 0x0A || span[pair + 1] == 0x0A
                while run < end, span[run].isHTMLSpace {
                    if span[run] == 0x0A { lineFeed = true }
                    run += 1
                }
                out.append(span.extracting(copied..<pair))
                out.append(lineFeed ? 0x0A : 0x20)
                copied = run
                k = run
            }
            out.append(span.extracting(copied..<end))
            copied = end
        }
        while i < n {
            guard let open = span.firstIndex(of: UInt8(ascii: "<"), from: i) else { break }
            i = open
            if i + 3 < n, bytes[i + 1] == UInt8(ascii: "!"), bytes[i + 2] == 0x2D, bytes[i + 3] == 0x2D {
                // A comment: dropped whole, up to its "-->" (or the end).
                var end = i + 4
                while end + 2 < n && !(bytes[end] == 0x2D && bytes[end + 1] == 0x2D && bytes[end + 2] == 0x3E) {
                    end += 1
                }
                flush(to: i)
                i = min(n, end + 3)
                copied = i
                continue
            }
            if i + 2 < n, bytes[i + 1] == UInt8(ascii: "!"), isLetter(bytes[i + 2]), !isDoctype(at: i + 2) {
                // A declaration of a DTD ("<!ENTITY …>", "<!ELEMENT …>"): in
                // HTML a bogus comment, dropped up to its ">" as a browser
                // drops it (WHATWG tokenizer). libxml2 would hand it on as
                // text, so that a page's entity declarations (a billion-laughs
                // DOCTYPE, say) were read as words. Not a change of speed:
                // the one place the prefilter changes what is read.
                let end = span.firstIndex(of: 0x3E, from: i + 2) ?? n
                flush(to: i)
                i = min(n, end + 1)
                copied = i
                continue
            }
            let closing = i + 1 < n && bytes[i + 1] == UInt8(ascii: "/")
            let nameStart = closing ? i + 2 : i + 1
            guard nameStart < n, isLetter(bytes[nameStart]) else {
                i += 1
                continue
            }
            // A tag: its name, then to the ">" outside quotes.
            var nameEnd = nameStart + 1
            while nameEnd < n && (isLetter(bytes[nameEnd]) || (bytes[nameEnd] >= 0x30 && bytes[nameEnd] <= 0x39)) {
                nameEnd += 1
            }
            let element = Self.element(span.extracting(nameStart..<nameEnd))
            var tagEnd = nameEnd
            while tagEnd < n {
                let byte = bytes[tagEnd]
                if byte == 0x22 || byte == 0x27 {
                    // A quoted value, skipped whole (values are a third of the tags' bytes).
                    tagEnd = span.firstIndex(of: byte, from: tagEnd + 1).map { $0 + 1 } ?? n
                    continue
                }
                if byte == 0x3E { break }
                tagEnd += 1
            }
            guard tagEnd < n else {
                unclosed = true
                break
            }
            flush(to: i)
            if closing {
                out.append(span.extracting(i...tagEnd))
                if element == .preformatted, preformatted > 0 { preformatted -= 1 }
                i = tagEnd + 1
                copied = i
                continue
            }
            // The tag up to its name, then its attributes as pruned, or as
            // written when none was dropped.
            out.append(span.extracting(i..<nameEnd))
            let mark = out.count
            if !appendPrunedAttributes(
                bytes, from: nameEnd, to: tagEnd, element: element, classes: &classes, into: &out)
            {
                out.removeLast(out.count - mark)
                out.append(span.extracting(nameEnd..<tagEnd))
            }
            out.append(UInt8(ascii: ">"))
            i = tagEnd + 1
            copied = i
            // The content of a script (but JSON-LD, which goes as written),
            // a style or a drawing (an inline <svg>, which the extractor
            // never reads) goes, up to the end tag.
            let name: [UInt8]
            var keep = false
            switch element {
            case .preformatted:
                preformatted += 1
                continue
            case .svg where bytes[tagEnd - 1] != UInt8(ascii: "/"):
                name = Self.svg
            case .style:
                name = Self.style
            case .script:
                name = Self.script
                keep = Self.mentionsJSONLD(span, from: nameEnd, to: tagEnd)
            default:
                continue
            }
            let close = contentEnd(of: name, in: bytes, from: i, nesting: element == .svg)
            if keep { out.append(span.extracting(i..<close)) }
            i = close
            copied = close
        }
        if unclosed {
            flush(to: i)
            out.append(span.extracting(i..<n))  // an unclosed tag goes as written
        } else {
            flush(to: n)
        }
        return out
    }

    /// The element a start or end tag's name (`bytes`) names, for the
    /// prefilter's purposes.
    static func element(_ name: Span<UInt8>) -> Element { elements.value(for: name) ?? .other }

    private static let elements = ByteNameTable<Element>([
        ("a", .anchor), ("abbr", .abbr), ("pre", .preformatted), ("textarea", .preformatted),
        ("listing", .preformatted), ("xmp", .preformatted), ("plaintext", .preformatted),
        ("script", .script), ("style", .style), ("svg", .svg),
    ])
    private static let script = Array("script".utf8)
    private static let style = Array("style".utf8)
    private static let svg = Array("svg".utf8)
    private static let jsonLD = Array("ld+json".utf8)

    /// Whether `bytes[from..<to]` (a script tag) holds "ld+json" in any
    /// case: found from its "+", which few tags have (a search from every
    /// byte of a script's long address was 1% of extracting a page).
    static func mentionsJSONLD(_ bytes: Span<UInt8>, from: Int, to: Int) -> Bool {
        var at = from
        while let plus = bytes.firstIndex(of: UInt8(ascii: "+"), from: at, to: to) {
            let start = plus - 2
            if start >= from, start + jsonLD.count <= to {
                var k = 0
                while k < jsonLD.count, bytes[start + k].asciiLowercased == jsonLD[k] { k += 1 }
                if k == jsonLD.count { return true }
            }
            at = plus + 1
        }
        return false
    }

    /// Where the content of an element named `name` (lower case), starting
    /// at `start`, ends: the `<` of its end tag (any case), or the end of
    /// the input. A script or style ends at the first `</script` or
    /// `</style`, as a browser ends them; a drawing (`nesting`) at the
    /// `</svg` that closes it, counting the drawings opened inside.
    static func contentEnd(of name: [UInt8], in bytes: [UInt8], from start: Int, nesting: Bool) -> Int {
        let n = bytes.count
        var depth = 1
        var at = start
        while at < n, let lt = bytes.span.firstIndex(of: UInt8(ascii: "<"), from: at) {
            let closing = lt + 1 < n && bytes[lt + 1] == UInt8(ascii: "/")
            let nameStart = closing ? lt + 2 : lt + 1
            let after = nameStart + name.count
            if closing || nesting, bytes.hasBytes(name, at: nameStart, ignoringCase: true),
                after >= n || bytes[after] == UInt8(ascii: ">") || bytes[after] == UInt8(ascii: "/")
                    || bytes[after].isHTMLSpace
            {
                depth += closing ? -1 : 1
                if depth == 0 { return lt }
            }
            at = lt + 1
        }
        return n
    }

    /// Appends to `out` the attributes of a start tag (`bytes[from..<to]`,
    /// after its name, up to its `>`) without those ingestion never reads
    /// (`src`, `srcset`, `data-*`, `alt`, `width`, event handlers, …); false
    /// when all are read, or when the tag is not plainly written (then it
    /// goes to libxml2 as it is, and `out` is to be taken back). Attributes
    /// were half of what libxml2 parsed on the 130 pages, each value read a
    /// character at a time and copied.
    static func appendPrunedAttributes(
        _ bytes: [UInt8], from: Int, to: Int, element: Element = .other, classes: inout ClassNames,
        into out: inout [UInt8]
    ) -> Bool {
        var i = from
        var dropped = false
        // The name must end at white space: `<mjx-c class=…>` goes as it is
        // (the scan's name stops at the hyphen).
        guard from < to, bytes[from].isHTMLSpace else { return false }
        while i < to {
            while i < to, bytes[i].isHTMLSpace { i += 1 }
            guard i < to else { break }
            if bytes[i] == UInt8(ascii: "/") {  // a self-closing slash: kept, and the rest with it
                out.append(bytes.span.extracting(i..<to))
                break
            }
            let nameStart = i
            while i < to, !bytes[i].isHTMLSpace, bytes[i] != UInt8(ascii: "="), bytes[i] != UInt8(ascii: "/"),
                bytes[i] != 0x22, bytes[i] != 0x27
            {
                i += 1
            }
            let nameEnd = i
            guard nameEnd > nameStart else { return false }
            var j = i
            while j < to, bytes[j].isHTMLSpace { j += 1 }
            var value = i..<i  // the value as written, without its quotes
            if j < to, bytes[j] == UInt8(ascii: "=") {
                j += 1
                while j < to, bytes[j].isHTMLSpace { j += 1 }
                guard j < to else { return false }
                if bytes[j] == 0x22 || bytes[j] == 0x27 {
                    guard let close = bytes.span.firstIndex(of: bytes[j], from: j + 1, to: to) else { return false }
                    value = (j + 1)..<close
                    j = close + 1
                } else {
                    let start = j
                    while j < to, !bytes[j].isHTMLSpace { j += 1 }
                    value = start..<j
                }
                i = j
            }
            // Namespace declarations stay too: libxml2 reads them (dropping
            // them from MathML lost the text after a formula).
            let attribute = HTMLAttribute.of(bytes.span.extracting(nameStart..<nameEnd))
            var keep =
                attribute != nil
                || (nameEnd - nameStart >= 5 && bytes.hasBytes(Self.xmlns, at: nameStart, ignoringCase: true))
            if attribute == .title {
                keep = element == .abbr
            } else if attribute == .href, element == .anchor {
                // A link's address is read only for a leading "#" (a link
                // into the page); any other goes (a "&" may be an escaped "#").
                var first = value.lowerBound
                while first < value.upperBound, bytes[first].isHTMLSpace { first += 1 }
                keep =
                    first < value.upperBound
                    && (bytes[first] == UInt8(ascii: "#") || bytes[first] == UInt8(ascii: "&"))
            } else if attribute == .style {
                // A style is read only for whether it hides the element;
                // one with a character reference is left to libxml2 to decode.
                let style = bytes.span.extracting(value)
                keep =
                    style.firstIndex(of: UInt8(ascii: "&"), from: 0) != nil
                    || HTMLTextExtractor.hidesElement(style: style)
            }
            if keep, attribute == .className || attribute == .id, !value.isEmpty,
                let digest = attribute == .id
                    ? ClassNames.idDigest(bytes.span.extracting(value))
                    : classes.digest(bytes.span.extracting(value))
            {
                // A class or id with words the extractor has no use for: those go.
                dropped = true
                guard !digest.isEmpty else { continue }
                out.append(0x20)
                out.append(bytes.span.extracting(nameStart..<value.lowerBound))
                out.append(contentsOf: digest)
                out.append(bytes.span.extracting(value.upperBound..<i))
            } else if keep {
                out.append(0x20)
                out.append(bytes.span.extracting(nameStart..<i))
            } else {
                dropped = true
            }
        }
        return dropped
    }

    private static let xmlns = Array("xmlns".utf8)
}

/// Class and id values cut to the words main-content extraction reads.
///
/// The extractor reads a class or id for the words of
/// ``ClassHintMatcher``'s lists in it ("comment", "article-body", …), and
/// a class also for whether a sibling has the same one. A word of the
/// lists has no space in it, so it lies within one space-separated part
/// of the value, and a part with none of them can go without changing
/// what is matched (the edge of a part looks the same as a space to the
/// matcher's boundary rules). For a class, a token `~N` then stands for
/// the parts that went, N numbering the page's distinct class values, so
/// that two values are equal after this exactly when they were equal
/// before (a value kept whole never holds such a token, which matches
/// nothing). Class values were 59% of the attribute bytes libxml2 read
/// from the 130 html-pages, most of them framework names ("css-1dbjc4n",
/// "col-md-8"); this takes 60% of them off.
///
/// A value with a character reference is left alone: the extractor sees
/// it decoded, and `&#45;` may make a word.
struct ClassNames {
    /// The number of each distinct class value cut, by the value's 64-bit
    /// FNV-1a hash (two values of a page sharing one is left to chance:
    /// 2^-64), and the cut value.
    private var cut: [UInt64: [UInt8]] = [:]
    /// Values kept whole, by hash.
    private var whole: Set<UInt64> = []

    /// `value` cut, or nil when it stays as it is.
    mutating func digest(_ value: Span<UInt8>) -> [UInt8]? {
        let hash = value.fnv1a
        if let known = cut[hash] { return known }
        if whole.contains(hash) { return nil }
        guard var kept = Self.matchedParts(value) else {
            whole.insert(hash)
            return nil
        }
        if !kept.isEmpty { kept.append(0x20) }
        kept.append(UInt8(ascii: "~"))
        kept.append(contentsOf: String(cut.count + 1).utf8)
        cut[hash] = kept
        return kept
    }

    /// An id cut to its parts with words of the lists (empty: none, and the
    /// id can go), or nil when it stays as it is.
    static func idDigest(_ value: Span<UInt8>) -> [UInt8]? { matchedParts(value) }

    /// The space-separated parts of `value` that hold a word of the lists,
    /// joined by spaces; nil when no part goes (or `value` holds a `&`).
    private static func matchedParts(_ value: Span<UInt8>) -> [UInt8]? {
        var kept: [UInt8] = []
        var droppedAny = false
        var k = 0
        while k < value.count {
            if value[k] == UInt8(ascii: "&") { return nil }
            guard value[k] != 0x20 else {
                k += 1
                continue
            }
            let start = k
            while k < value.count, value[k] != 0x20 {
                if value[k] == UInt8(ascii: "&") { return nil }
                k += 1
            }
            let part = value.extracting(start..<k)
            if ClassHintMatcher.groups(in: part).isEmpty {
                droppedAny = true
            } else {
                if !kept.isEmpty { kept.append(0x20) }
                kept.append(part)
            }
        }
        return droppedAny ? kept : nil
    }
}
