import NewsCore

/// Splits UTF-8 text into normalised word tokens.
///
/// The rules, modelled on Unicode word boundaries (UAX #29) as Lucene's
/// `StandardTokenizer` applies them, plus the normalisation of its
/// `EnglishAnalyzer` minus stemming:
/// - A word is a run of letters, digits and combining marks (any script).
/// - An apostrophe (' or ’) between two letters stays inside the word
///   ("don't", "O'Brien"); a period between two letters too ("U.S.", "e.g.");
///   a period or comma between two digits too ("5.93", "155,221"). Anything
///   else, hyphens included, ends the word.
/// - Han ideographs and Hiragana, written without spaces, are one token each
///   (as `StandardTokenizer` does), with any combining marks that follow them; other scripts without spaces (Thai, Khmer, …)
///   come out as whole runs, a known limit until a dictionary segmenter exists.
/// - Terms are lower-cased and folded (``FoldingTable``: "É" → "e", "ß" → "ss"),
///   the curly apostrophe becomes "'", and a final possessive "'s" is dropped
///   ("Iran's" → "iran").
/// - An abbreviation of single letters and periods loses its periods: "U.N."
///   → "un", "U.S.A." → "usa", "e.g." → "eg" (Lucene's `ClassicFilter` does
///   the same to its acronyms, and Xapian's `TermGenerator` too), so that
///   `UN`, `U.N.` and the letters a user types without punctuation all find
///   it. Other dotted words keep their periods ("ph.d", "example.com").
/// - A term longer than ``maxTermLength`` bytes is dropped, and takes no
///   position (Lucene's `LengthFilter` leaves a gap instead; a phrase across
///   such a blob is not worth the difference): such strings are data, not words.
///
/// Works on bytes: ASCII is classified and lower-cased arithmetically; only
/// non-ASCII runs decode scalars.
public struct Tokenizer: Sendable {
    public static let maxTermLength = 255

    public init() {}

    /// Calls `body` with each token and its term bytes, in order.
    ///
    /// - Parameters:
    ///   - text: UTF-8 bytes. Invalid sequences are treated as separators.
    ///   - startPosition: the position of the first token.
    /// - Returns: the position after the last token.
    @discardableResult
    public func tokenize(
        _ text: Span<UInt8>, startPosition: UInt32 = 0,
        _ body: (Token, Span<UInt8>) -> Void
    ) -> UInt32 {
        tokenize(text, startPosition: startPosition) { token, term, _ in body(token, term) }
    }

    /// ``tokenize(_:startPosition:_:)``, also telling `body` whether the term
    /// is the text's own bytes from the token's start (most words: lower-case
    /// ASCII), which a caller keeping the text need not copy.
    @inline(__always)
    func tokenize(
        _ text: Span<UInt8>, startPosition: UInt32 = 0,
        _ body: (Token, Span<UInt8>, _ isTextSlice: Bool) -> Void
    ) -> UInt32 {
        var position = startPosition
        var term: [UInt8] = []
        term.reserveCapacity(64)
        let count = text.count
        var i = 0
        while i < count {
            let (kind, length, scalar) = Self.classify(text, at: i)
            switch kind {
            case .other:
                i += length
                continue
            case .unigram:
                // One character, with the combining marks that follow it (dakuten,
                // variation selectors): they belong to it and are never tokens alone.
                term.removeAll(keepingCapacity: true)
                Self.appendScalar(scalar, from: text, at: i, length: length, to: &term)
                var end = i + length
                while end < count {
                    let (_, markLength, mark) = Self.classify(text, at: end)
                    guard markLength > 1, Self.isCombiningMark(mark) else { break }
                    Self.appendScalar(mark, from: text, at: end, length: markLength, to: &term)
                    end += markLength
                }
                body(Token(position: position, sourceRange: i..<end), term.span, false)
                position &+= 1
                i = end
                continue
            case .letter, .digit:
                break
            }
            // A word starts at i. While `verbatim`, its term is its source
            // bytes so far, text[start..<j] (lower-case ASCII letters, digits,
            // and "'", "." or "," joiners: most words), and `term` is not
            // written: the term is handed on as a slice of `text`. The first
            // byte that the term changes (a capital, a non-ASCII scalar, a
            // curly apostrophe) copies the bytes so far into `term`.
            let start = i
            var verbatim = true
            var previous = kind
            var j = i
            // Whether the word so far is an abbreviation: single letters
            // joined by periods ("u.n"). `segment`: characters since the last
            // period (2 stands for "more than one").
            var abbreviation = true
            var periods = 0
            var segment = 0
            while j < count {
                if verbatim {
                    // A run of lower-case ASCII letters and digits, the bulk of
                    // the text: nothing to classify further or to copy.
                    var end = j
                    while end < count {
                        let byte = text[end]
                        guard byte &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10 else { break }
                        end += 1
                    }
                    if end > j {
                        previous = text[end - 1] &- UInt8(ascii: "0") < 10 ? .digit : .letter
                        segment = min(segment + end - j, 2)
                        if previous == .digit { abbreviation = false }
                        j = end
                        if j == count { break }
                    }
                }
                let (k, len, s) = Self.classify(text, at: j)
                switch k {
                case .letter, .digit:
                    segment = min(segment + 1, 2)
                    if k == .digit { abbreviation = false }
                    if len == 1 {
                        let byte = text[j]
                        if byte &- UInt8(ascii: "A") < 26 {
                            if verbatim {
                                Self.copy(text, start..<j, to: &term)
                                verbatim = false
                            }
                            term.append(byte | 0x20)
                        } else if !verbatim {
                            term.append(byte)
                        }
                    } else {
                        if verbatim {
                            Self.copy(text, start..<j, to: &term)
                            verbatim = false
                        }
                        Self.appendScalar(s, from: text, at: j, length: len, to: &term)
                    }
                    previous = k
                    j += len
                    continue
                case .other:
                    // Joiners: only between two word characters of the right kinds.
                    let byte = text[j]
                    let isApostrophe = byte == UInt8(ascii: "'") || s == 0x2019
                    let isPeriod = byte == UInt8(ascii: ".")
                    let isComma = byte == UInt8(ascii: ",")
                    if isApostrophe || isPeriod || isComma, j + len < count {
                        let (next, _, _) = Self.classify(text, at: j + len)
                        let joins: Bool
                        if isApostrophe {
                            joins = previous == .letter && next == .letter
                        } else if isPeriod {
                            joins =
                                (previous == .letter && next == .letter)
                                || (previous == .digit && next == .digit)
                        } else {
                            joins = previous == .digit && next == .digit
                        }
                        if joins {
                            if isPeriod {
                                if segment != 1 { abbreviation = false }
                                periods += 1
                            } else {
                                abbreviation = false
                            }
                            segment = 0
                            if len > 1 && verbatim {
                                Self.copy(text, start..<j, to: &term)
                                verbatim = false
                            }
                            if !verbatim { term.append(isApostrophe ? UInt8(ascii: "'") : byte) }
                            j += len
                            continue
                        }
                    }
                case .unigram:
                    break
                }
                break
            }
            if abbreviation && periods > 0 && segment == 1 {
                // "u.n" -> "un": the term without its periods.
                if verbatim {
                    Self.copy(text, start..<j, to: &term)
                    verbatim = false
                }
                term.removeAll { $0 == UInt8(ascii: ".") }
            }
            if verbatim {
                // Possessive: "iran's" -> "iran".
                var end = j
                if end - start > 2, text[end - 1] == UInt8(ascii: "s"), text[end - 2] == UInt8(ascii: "'") {
                    end -= 2
                }
                if end > start && end - start <= Self.maxTermLength {
                    body(Token(position: position, sourceRange: start..<j), text.extracting(start..<end), true)
                    position &+= 1
                }
                i = j
                continue
            }
            // Possessive: "iran's" -> "iran".
            let n = term.count
            if n > 2, term[n - 1] == UInt8(ascii: "s"), term[n - 2] == UInt8(ascii: "'") {
                term.removeLast(2)
            }
            if !term.isEmpty && term.count <= Self.maxTermLength {
                body(Token(position: position, sourceRange: start..<j), term.span, false)
                position &+= 1
            }
            i = j
        }
        return position
    }

    /// Convenience for tests and queries: the terms of `text`, in order.
    public func terms(_ text: String) -> [String] {
        var out: [String] = []
        let utf8 = Array(text.utf8)
        tokenize(utf8.span) { _, term in out.append(term.string) }
        return out
    }

    // MARK: - Classification

    enum Kind: UInt8 { case other, letter, digit, unigram }

    /// Classifies the character at `offset`: its kind, its length in bytes and
    /// (for non-ASCII) its scalar value.
    @inline(__always)
    static func classify(_ text: Span<UInt8>, at offset: Int) -> (Kind, Int, UInt32) {
        let byte = text[offset]
        if byte < 0x80 {
            return (Self.asciiKind(byte), 1, UInt32(byte))
        }
        guard let (scalar, length) = decode(text, at: offset) else { return (.other, 1, 0) }
        return (kind(ofScalar: scalar), length, scalar)
    }

    /// ASCII classes by arithmetic, not a table: a global table costs a
    /// lazy-initialisation check (`swift_once`) on every access.
    @inline(__always)
    static func asciiKind(_ byte: UInt8) -> Kind {
        if (byte | 0x20) &- UInt8(ascii: "a") < 26 { return .letter }
        if byte &- UInt8(ascii: "0") < 10 { return .digit }
        return .other
    }

    @inline(__always)
    static func asciiLowercased(_ byte: UInt8) -> UInt8 { byte.asciiLowercased }

    static func kind(ofScalar value: UInt32) -> Kind {
        if (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x20000...0x2FFFF).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0x3040...0x3098).contains(value) || (0x309B...0x309F).contains(value)
        {
            return .unigram
        }
        guard let scalar = Unicode.Scalar(value) else { return .other }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .digit
        default:
            return .other
        }
    }

    static func isCombiningMark(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else { return false }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Decodes one well-formed UTF-8 sequence (no overlongs, no surrogates).
    @inline(__always)
    static func decode(_ text: Span<UInt8>, at offset: Int) -> (UInt32, Int)? {
        let lead = text[offset]
        let remaining = text.count - offset
        func continuation(_ k: Int) -> UInt32? {
            let b = text[offset + k]
            return b & 0xC0 == 0x80 ? UInt32(b & 0x3F) : nil
        }
        switch lead {
        case 0xC2...0xDF:
            guard remaining >= 2, let c1 = continuation(1) else { return nil }
            return (UInt32(lead & 0x1F) << 6 | c1, 2)
        case 0xE0...0xEF:
            guard remaining >= 3, let c1 = continuation(1), let c2 = continuation(2) else { return nil }
            let value = UInt32(lead & 0x0F) << 12 | c1 << 6 | c2
            guard value >= 0x800, !(0xD800...0xDFFF).contains(value) else { return nil }
            return (value, 3)
        case 0xF0...0xF4:
            guard remaining >= 4, let c1 = continuation(1), let c2 = continuation(2),
                let c3 = continuation(3)
            else { return nil }
            let value = UInt32(lead & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
            guard (0x10000...0x10FFFF).contains(value) else { return nil }
            return (value, 4)
        default:
            return nil
        }
    }

    /// Makes `term` the bytes `range` of `text`: a word's term so far, when
    /// it stops being a slice of the text.
    @inline(__always)
    static func copy(_ text: Span<UInt8>, _ range: Range<Int>, to term: inout [UInt8]) {
        if !term.isEmpty { term.removeAll(keepingCapacity: true) }
        term.append(text.extracting(range))
    }

    @inline(__always)
    static func appendScalar(
        _ scalar: UInt32, from text: Span<UInt8>, at offset: Int, length: Int, to term: inout [UInt8]
    ) {
        if !FoldingTable.shared.appendFolded(scalar, to: &term) {
            for k in 0..<length { term.append(text[offset + k]) }
        }
    }
}
