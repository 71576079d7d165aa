import CLibXML2
import NewsCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What an ``HTMLDocument`` walk reports, in document order.
protocol HTMLVisitor {
    /// An element opens. `attribute(name)` reads one of its attributes
    /// (nil: absent; "": given without a value). Return false to skip the
    /// element's content.
    ///
    /// `withBytes(name, body)` calls `body` with an attribute's value as
    /// bytes, if it is given: no String is made (class and id are read so).
    mutating func enter(
        element: PageTag, attribute: (HTMLAttribute) -> String?,
        withBytes: (HTMLAttribute, (Span<UInt8>) -> Void) -> Void
    ) -> Bool
    /// Character data (entities already decoded), as UTF-8.
    mutating func text(_ bytes: Span<UInt8>)
    /// The element opened by the matching `enter` (only if it returned true) closes.
    mutating func leave(element: PageTag)
}

/// The attributes ingestion reads. Each element's attributes are matched
/// against these once, on their bytes; the others are never made Strings.
/// (`charset` is libxml2's: it reads a page's encoding from it, so the
/// prefilter must keep it.)
enum HTMLAttribute: Int, CaseIterable {
    case ariaHidden, charset, className, content, datatable, datetime, hidden, href, httpEquiv, id, itemprop
    case lang, name, property, pubdate, rel, role, style, summary, title, type

    var name: String {
        switch self {
        case .ariaHidden: "aria-hidden"
        case .className: "class"
        case .httpEquiv: "http-equiv"
        default: "\(self)"
        }
    }

    /// The attribute named `name` (any case), if ingestion reads it. The
    /// prefilter keeps only these in the tags it gives libxml2.
    static func of(_ name: Span<UInt8>) -> HTMLAttribute? { byName.value(for: name) }

    private static let byName = ByteNameTable(allCases.map { ($0.name, $0) })
}

/// Parses HTML with libxml2 and reports it to an ``HTMLVisitor``: the one
/// file that talks to libxml2.
///
/// libxml2's SAX interface, with no tree: the parser calls back as it
/// reads (an element opens, text, an element closes), and the visitor sees
/// the events in document order, libxml2's repairs of tag soup included
/// (implied `<html>` and `<body>`, elements closed for it), exactly what its
/// tree builder would have built from the same events. Building the tree and
/// freeing it again was a fifth of extracting a page (callgrind on the 130
/// html-pages), and a tree walk made a String of every element's name.
///
/// Options: RECOVER (tag soup is read the way a browser would, never
/// refused), NONET (no network access, ever), NOERROR and NOWARNING (nothing
/// printed on stderr), and HUGE (nesting deeper than 256 levels is read, not
/// cut off). Parser errors go to a Swift closure through
/// `xmlSetStructuredErrorFunc`: recoverable ones are only counted (real pages
/// are full of them), a fatal one is kept for the file's report.
enum HTMLDocument {
    /// What a parse found besides the visitor's results.
    struct Outcome {
        /// Parser errors, recovered from or not.
        var errorCount: Int
        /// The first error after which libxml2 stopped parsing, if any.
        var fatalError: String?
    }

    /// libxml2's global set-up, done once before any parse: it must not race
    /// when several threads parse at once (a Swift global is initialised once,
    /// thread-safely).
    private static let libraryReady: Bool = {
        xmlInitParser()
        return true
    }()

    /// Parses `bytes`, reporting to `visitor`. `encoding` is an IANA charset
    /// name, or nil to let libxml2 read the document's own `<meta charset>`
    /// declaration. Nil when libxml2 cannot start a parse (out of memory).
    static func parse<V: HTMLVisitor>(
        _ bytes: [UInt8], url: String, encoding: String?, into visitor: inout V
    ) -> Outcome? {
        guard libraryReady else { return nil }
        let collector = ErrorCollector()
        let context = unsafe Unmanaged.passUnretained(collector).toOpaque()
        // SAFETY: the closure captures nothing (it converts to a C function
        // pointer); `context` points at `collector`, which outlives the parse
        // because the handler is removed below before `collector` goes away.
        unsafe xmlSetStructuredErrorFunc(context) { context, error in
            guard let context = unsafe context, let error = unsafe error else { return }
            let collector = unsafe Unmanaged<ErrorCollector>.fromOpaque(context).takeUnretainedValue()
            collector.count += 1
            // Recoverable errors are everyday tag soup; a fatal one means libxml2
            // stopped reading, and the text after it is lost: that is reported.
            if unsafe error.pointee.level == XML_ERR_FATAL, collector.firstFatal == nil,
                let message = unsafe error.pointee.message
            {
                collector.firstFatal = unsafe String(cString: message).trimmingTrailingNewlines
            }
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
                | HTML_PARSE_NOWARNING.rawValue | XML_PARSE_HUGE.rawValue)
        let sink = Sink(visitor)
        // SAFETY: htmlNewParserCtxt returns an owned context or nil; it is
        // freed below, after the parse, and nothing keeps a pointer to it.
        guard let parser = unsafe htmlNewParserCtxt() else { return nil }
        defer { unsafe htmlFreeParserCtxt(parser) }
        // SAFETY: `parser.pointee.sax` is the context's own handler block
        // (allocated with it); its fields are replaced before the parse reads
        // them. `_private` points at `sink`, which outlives the parse (it is
        // a local, used after it); the callbacks below read it back.
        unsafe installHandlers(parser.pointee.sax)
        unsafe parser.pointee._private = UnsafeMutableRawPointer(Unmanaged.passUnretained(sink).toOpaque())
        // SAFETY: the buffer is valid for the duration of the call; libxml2
        // copies what it keeps. With SAX callbacks and no tree builder it
        // returns no document (nil), which is expected.
        _ = unsafe bytes.withUnsafeBufferPointer { buffer in
            unsafe buffer.withMemoryRebound(to: CChar.self) { chars in
                unsafe htmlCtxtReadMemory(parser, chars.baseAddress, Int32(chars.count), url, encoding, options)
            }
        }
        visitor = unsafe sink.visitor
        return Outcome(errorCount: collector.count, fatalError: collector.firstFatal)
    }

    /// The callbacks, each reading its ``SinkBase`` from the parser context's
    /// `_private`. Text and script or style content (CDATA) both go to
    /// `text`; whitespace libxml2 calls ignorable is dropped, as its tree
    /// builder drops it; comments and processing instructions are not asked for.
    private static func installHandlers(_ sax: UnsafeMutablePointer<xmlSAXHandler>) {
        // SAFETY: `sax` is the parser context's handler block, writable
        // before the parse; zeroing it first leaves every callback not set
        // here nil (libxml2 checks each before calling it).
        unsafe sax.initialize(to: xmlSAXHandler())
        unsafe sax.pointee.initialized = 1  // SAX version 1 callbacks (startElement with name and attributes)
        unsafe sax.pointee.startElement = { context, name, attributes in
            guard let name = unsafe name else { return }
            unsafe HTMLDocument.withSink(context) { unsafe $0.start(name: name, attributes: attributes) }
        }
        unsafe sax.pointee.endElement = { context, name in
            guard let name = unsafe name else { return }
            unsafe HTMLDocument.withSink(context) { unsafe $0.end(name: name) }
        }
        unsafe sax.pointee.characters = { context, text, length in
            guard let text = unsafe text, length > 0 else { return }
            unsafe HTMLDocument.withSink(context) {
                unsafe $0.text(UnsafeBufferPointer(start: text, count: Int(length)))
            }
        }
        unsafe sax.pointee.cdataBlock = unsafe sax.pointee.characters
    }

    /// Calls `body` with the sink of the parse whose context is `context`.
    private static func withSink(_ context: UnsafeMutableRawPointer?, _ body: (SinkBase) -> Void) {
        // SAFETY: libxml2 passes the parser context as the callbacks' first
        // argument; its `_private` was set to a live sink before the parse,
        // and `parse` holds that sink until the parse returns, so the
        // reference needs no retain of its own (a retain and release per
        // callback were 5% of extracting a page, in atomic operations).
        guard let context = unsafe context else { return }
        let parser = unsafe context.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let sink = unsafe parser.pointee._private else { return }
        unsafe Unmanaged<SinkBase>.fromOpaque(sink)._withUnsafeGuaranteedRef(body)
    }

    /// The callbacks' target, not generic (a C callback cannot be).
    private class SinkBase {
        func start(name: UnsafePointer<xmlChar>, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {}
        func end(name: UnsafePointer<xmlChar>) {}
        func text(_ bytes: UnsafeBufferPointer<xmlChar>) {}
    }

    /// Turns the events into the visitor's calls: an element the visitor
    /// declines (`enter` false) is skipped with everything inside it, and
    /// only the elements it entered are left.
    private final class Sink<V: HTMLVisitor>: SinkBase {
        // The callbacks run one at a time on the parsing thread, and no
        // access to these properties overlaps another: dynamic exclusivity
        // checks on them were 3% of extracting a page (callgrind).
        @exclusivity(unchecked) var visitor: V
        /// Elements open inside a declined one (0: not skipping).
        @exclusivity(unchecked) private var skipping = 0
        /// For each ``HTMLAttribute``, the index of its name in the current
        /// element's attribute list, or -1.
        @exclusivity(unchecked) private var slots = [Int](repeating: -1, count: HTMLAttribute.allCases.count)
        /// The slots set for the current element, to clear after it.
        @exclusivity(unchecked) private var found: [Int] = []

        init(_ visitor: V) { unsafe self.visitor = visitor }

        /// The NUL-terminated `text` as a span (names are short: at most
        /// `limit` bytes are looked at; a longer one gives `limit + 1`).
        private static func length(_ text: UnsafePointer<xmlChar>, limit: Int) -> Int {
            var k = 0
            // SAFETY: `text` is NUL-terminated; reading stops at the NUL or
            // one byte past `limit`, both within the string.
            while k <= limit, unsafe text[k] != 0 { k += 1 }
            return k
        }

        /// The tag of the element named `element` (libxml2's HTML parser
        /// gives names in lower case).
        private static func tag(_ element: UnsafePointer<xmlChar>) -> PageTag {
            let count = unsafe length(element, limit: 32)
            // SAFETY: the `count` bytes from `element` are the name's, live
            // during the callback this runs in.
            return PageTag.of(unsafe UnsafeBufferPointer(start: element, count: count).span)
        }

        override func start(
            name element: UnsafePointer<xmlChar>, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
        ) {
            if unsafe skipping > 0 {
                unsafe skipping += 1
                return
            }
            // Each attribute name is matched once against the ones read;
            // a lookup is then an array access.
            if let attributes = unsafe attributes {
                var k = 0
                // SAFETY: `attributes` is libxml2's nil-terminated list of
                // name, value pairs for this element, live during the callback;
                // each name is NUL-terminated and in lower case.
                while let attribute = unsafe attributes[k] {
                    // A longer name is no name HTMLAttribute knows.
                    let count = unsafe Self.length(attribute, limit: 16)
                    if let known = HTMLAttribute.of(unsafe UnsafeBufferPointer(start: attribute, count: count).span),
                        unsafe slots[known.rawValue] < 0
                    {
                        unsafe slots[known.rawValue] = k
                        unsafe found.append(known.rawValue)
                    }
                    k += 2
                }
            }
            let entered = unsafe visitor.enter(
                element: Self.tag(element),
                attribute: { wanted in
                    let k = unsafe self.slots[wanted.rawValue]
                    guard k >= 0, let attributes = unsafe attributes else { return nil }
                    // SAFETY: as above; a nil value is an attribute given without one.
                    return unsafe attributes[k + 1].map { unsafe String(cString: $0) } ?? ""
                },
                withBytes: { wanted, body in
                    let k = unsafe self.slots[wanted.rawValue]
                    guard k >= 0, let attributes = unsafe attributes else { return }
                    // SAFETY: as above; the value is NUL-terminated and live
                    // while `body` runs, which cannot keep the span.
                    guard let value = unsafe attributes[k + 1] else { return body(Span()) }
                    var count = 0
                    while unsafe value[count] != 0 { count += 1 }
                    body(unsafe UnsafeBufferPointer(start: value, count: count).span)
                })
            for slot in unsafe found { unsafe self.slots[slot] = -1 }
            unsafe found.removeAll(keepingCapacity: true)
            if !entered { unsafe skipping = 1 }
        }

        override func end(name element: UnsafePointer<xmlChar>) {
            if unsafe skipping > 0 {
                unsafe skipping -= 1
                return
            }
            unsafe visitor.leave(element: Self.tag(element))
        }

        override func text(_ bytes: UnsafeBufferPointer<xmlChar>) {
            if unsafe skipping > 0 { return }
            unsafe visitor.text(unsafe bytes.span)
        }
    }
}

private final class ErrorCollector {
    var count = 0
    var firstFatal: String?
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while let last = s.last, last.isNewline || last == " " { s.removeLast() }
        return String(s)
    }
}
