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
        // byteToScalar[i] = scalars that start before byte i.
        let utf8 = Array(text.utf8)
        var byteToScalar = [Int](repeating: 0, count: utf8.count + 1)
        var scalars = 0
        for (offset, byte) in utf8.enumerated() {
            byteToScalar[offset] = scalars
            if byte & 0xC0 != 0x80 { scalars += 1 }
        }
        byteToScalar[utf8.count] = scalars
        return highlights.map { byteToScalar[$0.lowerBound]..<byteToScalar[$0.upperBound] }
    }
}
