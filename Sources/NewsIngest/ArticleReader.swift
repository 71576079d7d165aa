import NewsCore

/// Reads one corpus file into an ``Article``, or says why not.
///
/// - `.txt`, `.text`: the first non-empty line is the title, the rest the body.
/// - `.html`, `.htm`, `.xhtml`: parsed by libxml2 (``HTMLDocument``), then
///   ``HTMLTextExtractor``.
/// - Anything else is skipped as an unsupported type.
///
/// A file with a NUL byte is binary and skipped; so is an empty file, one
/// with no text, and one larger than ``maximumFileSize``. Invalid UTF-8 is
/// repaired (U+FFFD) and reported as a warning: the article is still indexed.
public struct ArticleReader: Sendable {
    /// Larger files are not news articles (a saved page with inline images is
    /// a few MB); reading them would only waste memory.
    public static let maximumFileSize = 64 << 20

    public static let textExtensions: Set<String> = ["txt", "text"]
    public static let htmlExtensions: Set<String> = ["html", "htm", "xhtml"]

    /// Whether articles get their ``ContentHash`` (what incremental
    /// indexing compares). `gazette extract` has no use for it: 3% of its work.
    public var hashesContent = true

    public init(hashesContent: Bool = true) { self.hashesContent = hashesContent }

    public enum Outcome: Sendable {
        case article(Article, warnings: [IngestProblem])
        case skipped(IngestProblem)
    }

    /// The lower-cased extension of `path`, or "" if it has none. On the
    /// UTF-8 bytes: a sync of a million files asks it a million times.
    public static func fileExtension(_ path: String) -> String {
        let ascii = asciiExtension(path.utf8.span)
        return ascii ?? slowExtension(path)
    }

    /// The lower-cased extension when it is ASCII, else nil.
    private static func asciiExtension(_ bytes: Span<UInt8>) -> String? {
        do {
            var end = bytes.count
            while end > 0, bytes[end - 1] == 0x2F { end -= 1 }  // trailing "/"
            var dot = -1
            var start = end
            while start > 0, bytes[start - 1] != 0x2F {
                if dot < 0, bytes[start - 1] == 0x2E { dot = start - 1 }
                start -= 1
            }
            // No dot, or only a leading one (a hidden file's name): no extension.
            guard dot > start else { return "" }
            var ext: [UInt8] = []
            ext.reserveCapacity(end - dot - 1)
            for k in (dot + 1)..<end {
                let byte = bytes[k]
                ext.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
            }
            return ext.allSatisfy({ $0 < 0x80 }) ? String(decoding: ext, as: UTF8.self) : nil
        }
    }

    /// Non-ASCII extensions lower-case by Unicode's rules.
    private static func slowExtension(_ path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    public static func isSupported(_ path: String) -> Bool {
        if case .success = format(of: path) { true } else { false }
    }

    /// The format of `path` by its extension, or why it is not an article.
    public static func format(of path: String) -> Result<SourceFormat, IngestProblem> {
        let ext = fileExtension(path)
        if textExtensions.contains(ext) { return .success(.text) }
        if htmlExtensions.contains(ext) { return .success(.html) }
        return .failure(
            IngestProblem(
                path: path,
                reason: ext.isEmpty ? "unsupported file type (no extension)" : "unsupported file type (.\(ext))",
                severity: .skipped))
    }

    /// Reads the file at `path` (whose `stat` the walker already has).
    public func read(path: String, status: SystemFiles.Status) -> Outcome {
        let format: SourceFormat
        switch Self.format(of: path) {
        case .success(let found): format = found
        case .failure(let problem): return .skipped(problem)
        }
        func skip(_ reason: String) -> Outcome {
            .skipped(IngestProblem(path: path, reason: reason, severity: .skipped))
        }
        if status.size > UInt64(Self.maximumFileSize) {
            return skip("file too large (\(status.size) bytes; the limit is \(Self.maximumFileSize))")
        }
        switch SystemFiles.readFile(path, limit: Self.maximumFileSize) {
        case .success(let bytes):
            return read(
                bytes: bytes, path: path, format: format, size: status.size,
                modificationTime: status.modificationTime)
        case .failure(let error):
            return skip("cannot read: \(error.reason)")
        }
    }

    /// Reads an article from `bytes`, the contents of the file at `path` (which
    /// names the article; nothing is read from it) in `format`. `size` and
    /// `modificationTime` are recorded as the file's, for incremental indexing.
    public func read(
        bytes: [UInt8], path: String, format: SourceFormat, size: UInt64? = nil, modificationTime: Int64 = 0
    ) -> Outcome {
        func skip(_ reason: String) -> Outcome {
            .skipped(IngestProblem(path: path, reason: reason, severity: .skipped))
        }
        var bytes = bytes
        let size = size ?? UInt64(bytes.count)
        if bytes.isEmpty { return skip("empty file") }
        // A UTF-16 file says so with its byte-order mark (its NULs are text).
        if let decoded = TextEncoding.utf16(bytes) {
            bytes = decoded
            if bytes.isEmpty { return skip("empty file (a UTF-16 byte-order mark only)") }
        }
        // NUL bytes mean binary (UTF-16 without its byte-order mark included).
        if let nul = bytes.span.firstIndex(of: 0, from: 0) { return skip("binary file (NUL byte at offset \(nul))") }

        var warnings: [IngestProblem] = []
        let parsed: (title: String, body: String)?
        var published: PublicationDate? = nil
        var metadata = ArticleMetadata()
        switch format {
        case .text:
            let (utf8, warning) = Self.asUTF8(bytes, path: path, mayBeWindows1252: true)
            if let warning { warnings.append(warning) }
            parsed = Self.splitPlainText(utf8: utf8)
        case .html:
            switch Self.readHTML(bytes, path: path) {
            case .success(let result):
                if let warning = result.warning { warnings.append(warning) }
                parsed = (result.title, result.body)
                published = result.published
                metadata = result.metadata
            case .failure(let problem):
                return .skipped(problem)
            }
        }
        guard var parsed, !(parsed.title.isEmpty && parsed.body.isEmpty) else {
            return skip(format == .html ? "no text found in the HTML" : "no text (only white space)")
        }
        if format == .text {
            let body = Array(parsed.body.utf8)
            if let found = DateParser.dateLine(in: body) {
                published = found.date
                if let line = found.line {
                    // The line is only the date: out of the body, with the blank lines after it.
                    var rest = body[line.upperBound...]
                    while let first = rest.first, first == 0x0A || first == 0x0D || first == 0x20 || first == 0x09 {
                        rest = rest.dropFirst()
                    }
                    parsed.body = String(decoding: body[..<line.lowerBound] + rest, as: UTF8.self)
                }
            }
        }
        var title = Self.replacingControlCharacters(parsed.title)
        let body = Self.replacingControlCharacters(parsed.body)
        if title.isEmpty {
            // A page without any title: name it after its file, as a file manager would.
            title = String(path.split(separator: "/").last ?? "")
        }
        return .article(
            Article(
                path: path, title: title, body: body, format: format, sourceSize: size,
                modificationTime: modificationTime, contentHash: hashesContent ? ContentHash.hash(bytes) : 0,
                published: published, metadata: metadata),
            warnings: warnings)
    }

    /// `text` with control characters (C0 but tab, line feed and carriage
    /// return; DEL; C1) turned into spaces. They are never prose, and printed
    /// raw they would drive the reader's terminal (an ESC sequence in a title
    /// could retitle the window or clear the screen).
    static func replacingControlCharacters(_ text: String) -> String {
        // Copied in runs between the characters replaced (Reuters has one,
        // an ETX, per article), and not at all when there are none.
        let span = text.utf8.span
        var out: [UInt8] = []
        var runStart = 0
        var i = 0
        while i < span.count {
            let byte = span[i]
            if byte &- 0x20 < 0x5F {  // printable ASCII, nearly every byte
                i += 1
                continue
            }
            let length: Int
            if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F {
                length = 1
            } else if byte == 0xC2, i + 1 < span.count, (0x80...0x9F).contains(span[i + 1]) {
                length = 2
            } else {
                i += 1
                continue
            }
            if runStart == 0 { out.reserveCapacity(span.count) }
            out.append(span.extracting(runStart..<i))
            out.append(0x20)
            i += length
            runStart = i
        }
        if runStart == 0 { return text }
        out.append(span.extracting(runStart..<span.count))
        return String(decoding: out, as: UTF8.self)
    }

    /// `bytes` as valid UTF-8, and the warning if they were not: invalid
    /// UTF-8 with no valid multi-byte character anywhere is another encoding,
    /// read as windows-1252 when `mayBeWindows1252` (as browsers read a
    /// Western single-byte file); otherwise each invalid sequence becomes
    /// U+FFFD. Valid UTF-8 (nearly every file) comes back as it is.
    static func asUTF8(
        _ bytes: [UInt8], path: String, mayBeWindows1252: Bool, checked: UTF8Repair.Report? = nil
    ) -> ([UInt8], IngestProblem?) {
        let report = checked ?? UTF8Repair.check(bytes.span)
        if report.invalidSequences == 0 { return (bytes, nil) }
        if mayBeWindows1252 && report.multibyteSequences == 0 {
            return (TextEncoding.windows1252(bytes), windows1252Warning(path, report))
        }
        return (Array(String(decoding: bytes, as: UTF8.self).utf8), repairWarning(path, report))
    }

    static func windows1252Warning(_ path: String, _ report: UTF8Repair.Report) -> IngestProblem {
        IngestProblem(
            path: path,
            reason:
                "not UTF-8 (first invalid byte at \(report.firstOffset ?? 0), no UTF-8 character anywhere): read as windows-1252",
            severity: .warning)
    }

    /// The warning for UTF-8 with damaged bytes (valid multi-byte characters
    /// elsewhere say the file is UTF-8): each invalid sequence became U+FFFD.
    static func repairWarning(_ path: String, _ report: UTF8Repair.Report) -> IngestProblem? {
        guard report.invalidSequences > 0, let first = report.firstOffset else { return nil }
        let count =
            report.invalidSequences == 1
            ? "1 invalid UTF-8 sequence" : "\(report.invalidSequences) invalid UTF-8 sequences"
        return IngestProblem(
            path: path, reason: "\(count) replaced with U+FFFD (first at byte \(first))", severity: .warning)
    }

    /// Title: first non-empty line; body: every line after it, trimmed.
    /// Works on the UTF-8 bytes (valid: see ``asUTF8(_:path:mayBeWindows1252:)``),
    /// without a string of the whole file: this runs once per article.
    static func splitPlainText(utf8: [UInt8]) -> (title: String, body: String)? {
        var bytes = utf8[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }  // byte-order mark
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0C }
        // Skip blank lines.
        while let first = bytes.first, isBlank(first) || first == 0x0A { bytes = bytes.dropFirst() }
        guard !bytes.isEmpty else { return nil }
        let lineEnd = bytes.firstIndex(of: 0x0A) ?? bytes.endIndex
        let title = String(decoding: bytes[..<lineEnd], as: UTF8.self).collapsingWhitespace
        var body = bytes[lineEnd...]
        while let first = body.first, isBlank(first) || first == 0x0A { body = body.dropFirst() }
        while let last = body.last, isBlank(last) || last == 0x0A { body = body.dropLast() }
        return (title, String(decoding: body, as: UTF8.self))
    }

    struct HTMLText {
        var title: String
        var body: String
        var published: PublicationDate?
        var metadata = ArticleMetadata()
        var warning: IngestProblem?
    }

    /// Parses HTML. A page that declares a charset other than UTF-8 is handed to
    /// libxml2 as is, which converts it; everything else is read as UTF-8,
    /// repaired first so that one bad byte cannot make libxml2 re-read the whole
    /// page as Latin-1.
    /// `prefiltered` false hands libxml2 the page as it is (tests compare
    /// the two: ``HTMLPrefilter`` must change no extracted byte).
    static func readHTML(_ bytes: [UInt8], path: String, prefiltered: Bool = true) -> Result<HTMLText, IngestProblem> {
        var input = bytes
        var encoding: String? = "UTF-8"
        var warning: IngestProblem? = nil
        var declared = declaredCharset(bytes)
        var checked: UTF8Repair.Report? = nil
        if let label = declared, !["utf-8", "utf8"].contains(label) {
            // A page saved again as UTF-8 often keeps its old label (the
            // html-pages copy of a GB2312 page does). Bytes that are valid
            // UTF-8 with multi-byte characters are almost never text in a
            // legacy encoding, so they are read as the UTF-8 they are.
            let report = UTF8Repair.check(bytes.span)
            if report.invalidSequences == 0, report.multibyteSequences > 0 {
                declared = "utf-8"
                checked = report
            }
        }
        if let declared, TextEncoding.windows1252Labels.contains(declared) {
            // Latin-1 and ASCII labels mean windows-1252, as in browsers
            // (libxml2 would read 0x80-0x9F as control characters).
            input = TextEncoding.windows1252(bytes)
        } else if let declared, !["utf-8", "utf8"].contains(declared) {
            encoding = nil  // libxml2 converts from the declared charset
        } else {
            // Declared UTF-8 is repaired; with no charset given, a page that
            // is not UTF-8 gets a browser's default, windows-1252.
            (input, warning) = asUTF8(bytes, path: path, mayBeWindows1252: declared == nil, checked: checked)
        }
        var extractor = HTMLTextExtractor()
        guard
            let outcome = HTMLDocument.parse(
                prefiltered ? HTMLPrefilter.strip(input) : input, url: path, encoding: encoding, into: &extractor)
        else {
            return .failure(IngestProblem(path: path, reason: "libxml2 could not parse the HTML", severity: .skipped))
        }
        if let fatal = outcome.fatalError {
            warning = IngestProblem(
                path: path, reason: "libxml2 stopped reading the HTML (\(fatal)); text after that point is missing",
                severity: .warning)
        }
        let body = extractor.body()
        return .success(
            HTMLText(
                title: extractor.title, body: body, published: extractor.published, metadata: extractor.metadata,
                warning: warning))
    }

    /// The charset a page declares in its first 1024 bytes (`charset=…`), lower-cased.
    ///
    /// On the bytes, ASCII case folded as it goes: lower-casing the head as a
    /// String (Unicode case mapping of every character) took about 3% of
    /// indexing a news corpus with a quarter of its files in HTML (perf).
    static func declaredCharset(_ bytes: [UInt8]) -> String? {
        let head = Array(bytes.prefix(1024))
        let needle: [UInt8] = Array("charset=".utf8)
        guard let start = head.firstIndex(of: needle, ignoringCase: true) else { return nil }
        var i = start + needle.count
        // Quotes and spaces before the name: charset="utf-8", charset= 'utf-8'.
        while i < head.count, head[i] == 0x22 || head[i] == 0x27 || head[i] == 0x20 { i += 1 }
        var name: [UInt8] = []
        while i < head.count {
            let byte = head[i].asciiLowercased
            let letterOrDigit = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            guard letterOrDigit || byte == 0x2D || byte == 0x5F else { break }
            name.append(byte)
            i += 1
        }
        return name.isEmpty ? nil : String(decoding: name, as: UTF8.self)
    }
}
