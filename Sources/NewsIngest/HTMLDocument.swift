import CLibXML2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What an ``HTMLDocument`` walk reports, in document order.
protocol HTMLVisitor {
    /// An element opens. `attribute(name)` reads one of its attributes (names
    /// in lower case). Return false to skip the element's content.
    mutating func enter(element: String, attribute: (String) -> String?) -> Bool
    /// Character data (entities already decoded), as UTF-8.
    mutating func text(_ bytes: Span<UInt8>)
    /// The element opened by the matching `enter` (only if it returned true) closes.
    mutating func leave(element: String)
}

/// A parsed HTML document: the one file that talks to libxml2.
///
/// Parsing uses `htmlReadMemory` with RECOVER (tag soup is read the way a
/// browser would, never refused), NONET (no network access, ever), NOERROR and
/// NOWARNING (nothing printed on stderr), and HUGE (nesting deeper than 256
/// levels is read, not cut off). Parser errors go to a Swift closure through
/// `xmlSetStructuredErrorFunc`: recoverable ones are only counted (real pages
/// are full of them), a fatal one is kept for the file's report.
@safe final class HTMLDocument {
    private let document: htmlDocPtr
    /// Parser errors, recovered from or not.
    let errorCount: Int
    /// The first error after which libxml2 stopped parsing, if any.
    let fatalError: String?

    /// Parses `bytes`. `encoding` is an IANA charset name, or nil to let
    /// libxml2 read the document's own `<meta charset>` declaration.
    /// libxml2's global set-up, done once before any parse: it must not race
    /// when several threads parse at once (a Swift global is initialised once,
    /// thread-safely).
    private static let libraryReady: Bool = {
        xmlInitParser()
        return true
    }()

    init?(bytes: [UInt8], url: String, encoding: String?) {
        guard Self.libraryReady else { return nil }
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
        // SAFETY: the buffer is valid for the duration of the call; libxml2 copies what it keeps.
        let parsed = unsafe bytes.withUnsafeBufferPointer { buffer in
            unsafe buffer.withMemoryRebound(to: CChar.self) { chars in
                unsafe htmlReadMemory(chars.baseAddress, Int32(chars.count), url, encoding, options)
            }
        }
        errorCount = collector.count
        fatalError = collector.firstFatal
        guard let parsed = unsafe parsed else { return nil }
        unsafe document = parsed
    }

    deinit {
        unsafe xmlFreeDoc(document)
    }

    /// Walks the element tree depth-first, reporting to `visitor`.
    func walk<V: HTMLVisitor>(_ visitor: inout V) {
        // SAFETY: every node pointer comes from the tree owned by `document`,
        // which is alive for the whole walk; nothing is kept after it returns.
        guard let root = unsafe xmlDocGetRootElement(document) else { return }
        unsafe visit(root, &visitor)
    }

    /// Iterative depth-first walk over `node`, its siblings and their
    /// descendants: child, next and parent links, no recursion, so a page nested
    /// a million levels deep cannot overflow the stack.
    private func visit<V: HTMLVisitor>(_ start: xmlNodePtr, _ visitor: inout V) {
        let top = unsafe start.pointee.parent
        var node: xmlNodePtr = unsafe start
        while true {
            var descended = false
            switch unsafe node.pointee.type {
            case XML_ELEMENT_NODE:
                let name = unsafe Self.name(node)
                if visitor.enter(element: name, attribute: { wanted in unsafe Self.attribute(node, wanted) }) {
                    if let child = unsafe node.pointee.children {
                        unsafe node = child
                        descended = true
                    } else {
                        visitor.leave(element: name)
                    }
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = unsafe node.pointee.content {
                    let length = unsafe strlen(content)
                    let buffer = unsafe UnsafeBufferPointer(start: content, count: Int(length))
                    visitor.text(unsafe buffer.span)
                }
            default:
                break  // comments, processing instructions, DTD nodes
            }
            if descended { continue }
            // Next sibling; at the end of a child list, close the parent and
            // move on to the parent's sibling.
            while unsafe node.pointee.next == nil {
                guard let parent = unsafe node.pointee.parent, unsafe parent != top else { return }
                unsafe node = parent
                visitor.leave(element: unsafe Self.name(node))
            }
            unsafe node = node.pointee.next!
        }
    }

    private static func name(_ node: xmlNodePtr) -> String {
        unsafe node.pointee.name.map { unsafe String(cString: $0) }?.lowercased() ?? ""
    }

    /// The value of attribute `wanted` of `node`: the text of its children.
    private static func attribute(_ node: xmlNodePtr, _ wanted: String) -> String? {
        var attribute = unsafe node.pointee.properties
        while let a = unsafe attribute {
            if let name = unsafe a.pointee.name, unsafe String(cString: name).lowercased() == wanted {
                var value = ""
                var child = unsafe a.pointee.children
                while let c = unsafe child {
                    if let content = unsafe c.pointee.content { value += unsafe String(cString: content) }
                    unsafe child = c.pointee.next
                }
                return value
            }
            unsafe attribute = a.pointee.next
        }
        return nil
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
