/// A passage of a document to show under a hit, with the query's words marked.
public struct Snippet: Sendable, Equatable {
    /// The passage, white space collapsed to single spaces; "…" marks a cut.
    public var text: String
    /// Byte ranges of `text.utf8` to highlight, increasing and disjoint.
    public var highlights: [Range<Int>]

    public init(text: String, highlights: [Range<Int>]) {
        self.text = text
        self.highlights = highlights
    }
}

extension Snippet {
    /// The highlights as offsets in Unicode scalars (code points), the unit of
    /// `--json` output: what Python's `str` and most JSON consumers index by.
    public var scalarHighlights: [Range<Int>] {
        let byteToScalar = Self.scalarsBefore(Array(text.utf8))
        return highlights.map { byteToScalar[$0.lowerBound]..<byteToScalar[$0.upperBound] }
    }

    /// For each byte offset of `utf8` (and its end), the Unicode scalars that start before it.
    static func scalarsBefore(_ utf8: [UInt8]) -> [Int] {
        var before = [Int](repeating: 0, count: utf8.count + 1)
        var scalars = 0
        for (offset, byte) in utf8.enumerated() {
            before[offset] = scalars
            if byte & 0xC0 != 0x80 { scalars += 1 }
        }
        before[utf8.count] = scalars
        return before
    }
}

extension Snippet {
    /// The passage cut into lines of at most `width` characters (Unicode
    /// scalars; a wide character counts as one), breaking at spaces and
    /// never inside a highlight unless it is longer than a line: what the CLI
    /// prints on a terminal, indented. A word longer than `width` gets a line
    /// of its own. Each line's highlights are its own byte ranges.
    public func lines(width: Int) -> [Snippet] {
        let bytes = Array(text.utf8)
        guard width > 0, !bytes.isEmpty else { return [self] }
        // Scalars before each byte offset, to measure lines by characters.
        let scalarsBefore = Self.scalarsBefore(bytes)
        func insideHighlight(_ offset: Int) -> Bool {
            highlights.contains { $0.lowerBound < offset && offset < $0.upperBound }
        }
        var lines: [Snippet] = []
        var start = 0
        while start < bytes.count {
            // The last space that keeps the line within `width`, outside a highlight.
            var end = bytes.count
            if scalarsBefore[bytes.count] - scalarsBefore[start] > width {
                var cut = -1
                var offset = start
                while offset < bytes.count && scalarsBefore[offset] - scalarsBefore[start] <= width {
                    if bytes[offset] == 0x20 && offset > start && !insideHighlight(offset) { cut = offset }
                    offset += 1
                }
                if cut < 0 {
                    // No space fits: break at the first space after the long word.
                    cut = bytes[start...].firstIndex(of: 0x20) ?? bytes.count
                }
                end = cut
            }
            let marks = highlights.compactMap { range -> Range<Int>? in
                let lower = max(range.lowerBound, start)
                let upper = min(range.upperBound, end)
                return lower < upper ? (lower - start)..<(upper - start) : nil
            }
            lines.append(Snippet(text: String(decoding: bytes[start..<end], as: UTF8.self), highlights: marks))
            start = end
            while start < bytes.count && bytes[start] == 0x20 { start += 1 }
        }
        return lines
    }
}
