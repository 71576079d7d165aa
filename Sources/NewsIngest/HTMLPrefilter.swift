import NewsCore

/// Takes out of a page, before libxml2 parses it, the bytes no reader sees:
/// the content of `<script>` (but JSON-LD, which holds the page's metadata),
/// `<style>` and `<svg>` elements, and comments. The elements themselves
/// stay, empty.
///
/// On the 130 real pages of ../shared/corpora/html-pages these are 45% of
/// the bytes (scripts 7.4 MB, styles 4.1 MB, comments 0.2 MB of 25.7 MB),
/// and libxml2's HTML parser reads raw text a character at a time, so
/// parsing them was nearly half of extracting a page. The scan follows the
/// HTML tokenizer as far as it matters here: a tag runs to the first `>`
/// outside quotes, a comment from `<!--` to `-->`, and a script or style to
/// the first `</script` or `</style` (any case), as a browser ends them.
/// Anything else is copied as it is, so libxml2 still sees every tag and
/// all the text; only attributes ingestion never reads are left out of the
/// tags (``appendPrunedAttributes(_:from:to:into:)``).
enum HTMLPrefilter {
    static func strip(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0  // bytes[..<copied] are decided
        var i = 0
        let n = bytes.count
        @inline(__always) func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        /// Whether `word` (lower case) is at `at`, in any case.
        func matches(_ word: [UInt8], at: Int) -> Bool { bytes.hasBytes(word, at: at, ignoringCase: true) }
        let script = Array("script".utf8)
        let style = Array("style".utf8)
        let svg = Array("svg".utf8)
        let jsonLD = Array("ld+json".utf8)
        let commentStart = Array("<!--".utf8)
        while i < n {
            guard let open = bytes.span.firstIndex(of: UInt8(ascii: "<"), from: i) else { break }
            i = open
            if matches(commentStart, at: i) {
                // A comment: dropped whole, up to its "-->" (or the end).
                var end = i + 4
                while end + 2 < n && !(bytes[end] == 0x2D && bytes[end + 1] == 0x2D && bytes[end + 2] == 0x3E) {
                    end += 1
                }
                out.append(contentsOf: bytes[copied..<i])
                i = min(n, end + 3)
                copied = i
                continue
            }
            guard i + 1 < n, isLetter(bytes[i + 1]) else {
                i += 1
                continue
            }
            // A start tag: its name, then to the ">" outside quotes.
            var nameEnd = i + 1
            while nameEnd < n && (isLetter(bytes[nameEnd]) || (bytes[nameEnd] >= 0x30 && bytes[nameEnd] <= 0x39)) {
                nameEnd += 1
            }
            let isScript = nameEnd - i - 1 == 6 && matches(script, at: i + 1)
            let isStyle = nameEnd - i - 1 == 5 && matches(style, at: i + 1)
            let isSVG = nameEnd - i - 1 == 3 && matches(svg, at: i + 1)
            var tagEnd = nameEnd
            var quote: UInt8 = 0
            while tagEnd < n {
                let byte = bytes[tagEnd]
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == 0x22 || byte == 0x27 {
                    quote = byte
                } else if byte == 0x3E {
                    break
                }
                tagEnd += 1
            }
            guard tagEnd < n else { break }  // an unclosed tag: the rest is copied
            if !isScript && !isStyle, nameEnd < tagEnd {
                // The tag up to its name, then its attributes as pruned, or
                // as written when none was dropped.
                out.append(contentsOf: bytes[copied..<nameEnd])
                let mark = out.count
                if !appendPrunedAttributes(bytes, from: nameEnd, to: tagEnd, into: &out) {
                    out.removeLast(out.count - mark)
                    out.append(contentsOf: bytes[nameEnd..<tagEnd])
                }
                copied = tagEnd
            }
            i = tagEnd + 1
            // The content of a script (but JSON-LD), a style or a drawing
            // (an inline <svg>, which the extractor never reads) goes, up
            // to the end tag.
            let name: [UInt8]
            if isSVG, bytes[tagEnd - 1] != UInt8(ascii: "/") {
                name = svg
            } else if isStyle {
                name = style
            } else if isScript, bytes.firstIndex(of: jsonLD, from: nameEnd, to: tagEnd, ignoringCase: true) == nil {
                name = script
            } else {
                continue
            }
            let close = contentEnd(of: name, in: bytes, from: i, nesting: isSVG)
            out.append(contentsOf: bytes[copied..<i])
            i = close
            copied = close
        }
        if copied == 0 { return bytes }
        out.append(contentsOf: bytes[copied...])
        return out
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
    static func appendPrunedAttributes(_ bytes: [UInt8], from: Int, to: Int, into out: inout [UInt8]) -> Bool {
        var i = from
        var dropped = false
        // The name must end at white space: `<mjx-c class=…>` goes as it is
        // (the scan's name stops at the hyphen).
        guard from < to, bytes[from].isHTMLSpace else { return false }
        while i < to {
            while i < to, bytes[i].isHTMLSpace { i += 1 }
            guard i < to else { break }
            if bytes[i] == UInt8(ascii: "/") {  // a self-closing slash: kept, and the rest with it
                out.append(contentsOf: bytes[i..<to])
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
            if j < to, bytes[j] == UInt8(ascii: "=") {
                j += 1
                while j < to, bytes[j].isHTMLSpace { j += 1 }
                guard j < to else { return false }
                if bytes[j] == 0x22 || bytes[j] == 0x27 {
                    let quote = bytes[j]
                    j += 1
                    while j < to, bytes[j] != quote { j += 1 }
                    guard j < to else { return false }
                    j += 1
                } else {
                    while j < to, !bytes[j].isHTMLSpace { j += 1 }
                }
                i = j
            }
            // Namespace declarations stay too: libxml2 reads them (dropping
            // them from MathML lost the text after a formula).
            if HTMLAttribute.of(bytes.span.extracting(nameStart..<nameEnd)) != nil
                || (nameEnd - nameStart >= 5 && bytes.hasBytes(Self.xmlns, at: nameStart, ignoringCase: true))
            {
                out.append(0x20)
                out.append(contentsOf: bytes[nameStart..<i])
            } else {
                dropped = true
            }
        }
        return dropped
    }

    private static let xmlns = Array("xmlns".utf8)
}
