import NewsCore
import TextAnalysis

/// How a clause counts in a boolean query (Lucene's `BooleanClause.Occur`).
public enum Occur: Sendable, Equatable {
    /// The document must match it (`+word`, `AND`, or any clause under `--all`).
    case must
    /// The document may match it, and scores more if it does (the default).
    case should
    /// The document must not match it (`-word`, `NOT`).
    case mustNot
}

/// One clause of a boolean query.
public struct QueryClause: Sendable, Equatable {
    public var occur: Occur
    public var node: QueryNode

    public init(_ occur: Occur, _ node: QueryNode) {
        self.occur = occur
        self.node = node
    }
}

/// A parsed query, before analysis: words are kept as typed, and analysed
/// with the index's own analyser when the query runs.
public indirect enum QueryNode: Sendable, Equatable {
    /// A word. One that analyses into several terms ("U.S.-led") is searched
    /// as a phrase of them; one that analyses into none (punctuation) is dropped.
    case word(String)
    /// `"exact words"`: the terms at consecutive positions.
    case phrase(String)
    /// `milit*`: any term that starts with the folded (unstemmed) prefix.
    case prefix(String)
    /// `actor:Iran`, `actor:"Quds Force"`.
    case actor(String)
    /// `title:iran`, `title:"foreign forces"`: a word or phrase in the title
    /// (the title terms, ``TitleTerm``).
    case title(QueryNode)
    /// `a NEAR/n b`: every operand within `n` positions of the others, in
    /// any order (words, phrases or actors).
    case near(Int, [QueryNode])
    /// Clauses combined: every `must`, no `mustNot`, and (without a `must`)
    /// at least one `should`.
    case boolean([QueryClause])
    /// `date:2024-01-01..2024-03-31`: published in the range. A filter of the
    /// whole query, not a scored clause (``Query/dates``).
    case date(DateRange)
}

/// The days of a `date:` clause, both ends included; an open end is nil.
///
/// Written `FROM..TO`, `FROM..`, `..TO` or one period, each end a year
/// (`2024`), a month (`2024-03`) or a day (`2024-03-31`): a start means its
/// period's first day and an end its last, so `date:2024-01..2024-03` is the
/// first quarter and `date:2024` the year.
public struct DateRange: Sendable, Equatable {
    public var lower: CalendarDay?
    public var upper: CalendarDay?
    /// Character offset of the clause in the query, for messages.
    public var position: Int

    public init(lower: CalendarDay?, upper: CalendarDay?, position: Int = 0) {
        self.lower = lower
        self.upper = upper
        self.position = position
    }

    public func contains(_ day: CalendarDay) -> Bool {
        (lower.map { day >= $0 } ?? true) && (upper.map { day <= $0 } ?? true)
    }

    /// The range as the query language writes it.
    public var label: String {
        "date:" + (lower?.iso8601 ?? "") + ".." + (upper?.iso8601 ?? "")
    }

    /// Why a `date:` clause is refused where it stands.
    static let misplaced = "date: filters the whole query; it cannot be inside parentheses, OR, AND or NEAR"

    static let syntax =
        "date: needs a year, month or day (2024, 2024-03, 2024-03-31) or a range FROM..TO, either end open"

    /// Reads `text` (the part after `date:`); `position` is its offset in the query.
    static func parse(_ text: String, position: Int) throws(SearchError) -> (DateRange?, errorAt: Int, message: String)
    {
        func period(_ part: Substring) -> (first: CalendarDay, last: CalendarDay)? {
            let fields = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...3).contains(fields.count), fields[0].count == 4,
                fields.dropFirst().allSatisfy({ $0.count == 2 }),
                fields.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                let year = Int(fields[0])
            else { return nil }
            let month = fields.count > 1 ? Int(fields[1]) : nil
            let day = fields.count > 2 ? Int(fields[2]) : nil
            if let month, let day {
                guard let date = CalendarDay(year: year, month: month, day: day) else { return nil }
                return (date, date)
            }
            if let month {
                guard let first = CalendarDay(year: year, month: month, day: 1) else { return nil }
                return (first, first.advanced(by: Int32(CalendarDay.daysIn(month: month, year: year) - 1)))
            }
            guard let first = CalendarDay(year: year, month: 1, day: 1),
                let last = CalendarDay(year: year, month: 12, day: 31)
            else { return nil }
            return (first, last)
        }
        guard let dots = text.firstRange(of: "..") else {
            guard let whole = period(Substring(text)) else { return (nil, position, syntax) }
            return (DateRange(lower: whole.first, upper: whole.last, position: position - 5), 0, "")
        }
        let from = text[..<dots.lowerBound]
        let to = text[dots.upperBound...]
        let toPosition = position + text.distance(from: text.startIndex, to: dots.upperBound)
        guard !(from.isEmpty && to.isEmpty) else { return (nil, position, "date: needs at least one end of its range") }
        var lower: CalendarDay? = nil
        var upper: CalendarDay? = nil
        if !from.isEmpty {
            guard let start = period(from) else { return (nil, position, syntax) }
            lower = start.first
        }
        if !to.isEmpty {
            guard let end = period(to) else { return (nil, toPosition, syntax) }
            upper = end.last
        }
        if let lower, let upper, lower > upper {
            return (nil, position, "date: the range starts (\(lower.iso8601)) after it ends (\(upper.iso8601))")
        }
        return (DateRange(lower: lower, upper: upper, position: position - 5), 0, "")
    }
}

/// Reads the query language (README, "Query language"):
///
///     query    := sequence
///     sequence := ([+|-] disjunction)*        adjacency: the default operator
///     disjunction := conjunction (OR conjunction)*
///     conjunction := unary (AND unary)*
///     unary    := NOT unary | near
///     near     := primary (NEAR[/n] primary)*
///     primary  := "(" sequence ")" | "phrase" | word | prefix* | actor:(word | "phrase")
///               | title:(word | "phrase") | date:range
///
/// Operators are upper case (`AND`, `OR`, `NOT`, `NEAR/3`), so "and" stays a
/// word; `&&`, `||` and `!` are accepted too. Adjacent clauses combine with
/// the default operator: OR (ranked: more matching words rank higher), or
/// AND with `--all`. A clause prefixed with `+` must match, one prefixed with
/// `-` must not, as in Lucene. NOT binds tightest, then NEAR, AND, OR, and
/// adjacency loosest, so `iran sanctions OR embargo` is `iran (sanctions OR
/// embargo)`.
///
/// A syntax error throws ``SearchError`` with the offending character's
/// position (``SearchError/position``).
///
/// With `bareWordRules` (as ``Query`` parses), two rules apply to the bare
/// words of each sequence, those with no sign, quote or operator:
/// - a run of two or more single letters is an abbreviation typed without
///   its periods, and becomes one word: "u n forces" searches "un" (what
///   "U.N." and "UN" are indexed as, see ``Tokenizer``) and "forces";
/// - stop words (``StopWords``) are dropped, as Xapian's `QueryParser` does
///   with a stopper: "the impact of sanctions on iran" searches "impact",
///   "sanctions" and "iran". They are kept in "phrases", when +required, in
///   NEAR, AND and OR, and when the sequence has nothing else to search for
///   ("the who", "to be or not to be").
public struct QueryParser {
    public enum DefaultOperator: Sendable, Equatable {
        case or, and
    }

    /// NEAR without a distance: within this many positions (Xapian's default).
    public static let defaultNearDistance = 10
    /// The largest NEAR distance.
    public static let maximumNearDistance = 1000

    private let text: String
    private let characters: [Character]
    private let defaultOperator: DefaultOperator
    private let bareWordRules: Bool
    private var tokens: [Lexeme] = []
    private var next = 0

    /// Parses `text`; a query that is only operators or excluded clauses is
    /// an error. `bareWordRules`: join single letters and drop stop words
    /// among the bare words (see above); off, the tree is the text as written.
    public static func parse(
        _ text: String, defaultOperator: DefaultOperator = .or, bareWordRules: Bool = false
    ) throws(SearchError) -> QueryNode {
        var parser = QueryParser(text: text, defaultOperator: defaultOperator, bareWordRules: bareWordRules)
        try parser.lex()
        guard !parser.tokens.isEmpty else { throw SearchError(.emptyQuery, "the query is empty", query: text) }
        let clauses = try parser.sequence()
        if parser.next < parser.tokens.count {
            // Only ")" stops a sequence early.
            throw parser.error("unmatched \")\"", at: parser.tokens[parser.next].start)
        }
        let node = simplify(.boolean(clauses))
        try parser.checkPositive(node)
        return node
    }

    private init(text: String, defaultOperator: DefaultOperator, bareWordRules: Bool) {
        self.text = text
        characters = Array(text)
        self.defaultOperator = defaultOperator
        self.bareWordRules = bareWordRules
    }

    // MARK: Lexing

    private enum Token: Equatable {
        case word(String)
        case prefix(String)
        case phrase(String)
        case actorField
        case titleField
        case date(DateRange)
        case open, close, plus, minus, and, or, not
        case near(Int)
    }

    private struct Lexeme {
        var token: Token
        /// Character offset of its first character.
        var start: Int
    }

    private func error(_ message: String, at position: Int) -> SearchError {
        SearchError(.badQuery, message, query: text, position: position)
    }

    private static func isDelimiter(_ character: Character) -> Bool {
        character.isWhitespace || character == "(" || character == ")" || character == "\""
    }

    private mutating func lex() throws(SearchError) {
        var i = 0
        while i < characters.count {
            let character = characters[i]
            if character.isWhitespace {
                i += 1
                continue
            }
            let start = i
            switch character {
            case "(":
                tokens.append(Lexeme(token: .open, start: start))
                i += 1
            case ")":
                tokens.append(Lexeme(token: .close, start: start))
                i += 1
            case "\"":
                guard let close = characters[(i + 1)...].firstIndex(of: "\"") else {
                    throw error("this quote is never closed", at: start)
                }
                tokens.append(Lexeme(token: .phrase(String(characters[(i + 1)..<close])), start: start))
                i = close + 1
            case "+", "-", "!":
                // A sign counts at the start of a clause only: "al-Qaeda" is one word.
                let following = i + 1 < characters.count ? characters[i + 1] : nil
                guard let following, !following.isWhitespace, following != ")" else {
                    throw error("\"\(character)\" must be followed by what it applies to", at: start)
                }
                tokens.append(Lexeme(token: character == "+" ? .plus : character == "-" ? .minus : .not, start: start))
                i += 1
            default:
                var end = i
                while end < characters.count && !Self.isDelimiter(characters[end]) { end += 1 }
                let word = String(characters[i..<end])
                i = end
                try lexWord(word, start: start, followedByQuote: end < characters.count && characters[end] == "\"")
            }
        }
    }

    private mutating func lexWord(_ word: String, start: Int, followedByQuote: Bool) throws(SearchError) {
        switch word {
        case "AND", "&&": tokens.append(Lexeme(token: .and, start: start))
        case "OR", "||": tokens.append(Lexeme(token: .or, start: start))
        case "NOT": tokens.append(Lexeme(token: .not, start: start))
        case "NEAR": tokens.append(Lexeme(token: .near(Self.defaultNearDistance), start: start))
        default:
            if word.hasPrefix("NEAR/") {
                guard let distance = Int(word.dropFirst(5)), distance >= 1, distance <= Self.maximumNearDistance else {
                    throw error(
                        "NEAR/n needs a distance n from 1 to \(Self.maximumNearDistance)", at: start + 5)
                }
                tokens.append(Lexeme(token: .near(distance), start: start))
                return
            }
            let lower = word.lowercased()
            // A field, then its value in the same word or as the phrase after it.
            for (field, token, needs) in [
                ("title:", Token.titleField, "title: needs a word or a phrase"),
                ("actor:", .actorField, "actor: needs a name"),
            ] where lower.hasPrefix(field) {
                tokens.append(Lexeme(token: token, start: start))
                let value = String(word.dropFirst(field.count))
                if value.isEmpty {
                    guard followedByQuote else { throw error(needs, at: start + field.count) }
                    return
                }
                tokens.append(Lexeme(token: .word(value), start: start + field.count))
                return
            }
            if lower.hasPrefix("date:") {
                let (range, errorAt, message) = try DateRange.parse(String(word.dropFirst(5)), position: start + 5)
                guard let range else { throw error(message, at: errorAt) }
                tokens.append(Lexeme(token: .date(range), start: start))
                return
            }
            if word.hasSuffix("*") && word.count > 1 {
                let stem = String(word.dropLast())
                guard !stem.contains("*") else { throw error("one \"*\", at the end of a word", at: start) }
                tokens.append(Lexeme(token: .prefix(stem), start: start))
            } else if word == "*" {
                throw error("\"*\" needs a prefix before it (such as milit*)", at: start)
            } else {
                tokens.append(Lexeme(token: .word(word), start: start))
            }
        }
    }

    // MARK: Parsing

    private var peek: Lexeme? { next < tokens.count ? tokens[next] : nil }
    private var endPosition: Int { characters.count }

    /// Clauses combined by adjacency, until the end or a ")".
    private mutating func sequence() throws(SearchError) -> [QueryClause] {
        var clauses: [QueryClause] = []
        // Whether each clause is a bare word: no sign, and nothing but a word.
        var bare: [Bool] = []
        while let lexeme = peek, lexeme.token != .close {
            var occur: Occur? = nil
            if lexeme.token == .plus || lexeme.token == .minus {
                occur = lexeme.token == .plus ? .must : .mustNot
                next += 1
            }
            let wordToken = peek.map { if case .word = $0.token { true } else { false } } ?? false
            let (node, negated) = try disjunction()
            var isBare = false
            if case .word = node, occur == nil, !negated, wordToken { isBare = true }
            bare.append(isBare)
            clauses.append(
                QueryClause(negated ? .mustNot : occur ?? (defaultOperator == .and ? .must : .should), node))
        }
        return bareWordRules ? Self.applyBareWordRules(clauses, bare: bare) : clauses
    }

    /// Joins runs of single letters and drops stop words among the bare words.
    private static func applyBareWordRules(_ clauses: [QueryClause], bare: [Bool]) -> [QueryClause] {
        func letter(_ k: Int) -> Character? {
            guard bare[k], case .word(let word) = clauses[k].node, word.count == 1, let character = word.first,
                character.isLetter
            else { return nil }
            return character
        }
        var joined: [QueryClause] = []
        var joinedBare: [Bool] = []
        var k = 0
        while k < clauses.count {
            var end = k
            while end < clauses.count, letter(end) != nil { end += 1 }
            if end - k >= 2 {
                joined.append(QueryClause(clauses[k].occur, .word(String((k..<end).map { letter($0)! }))))
                joinedBare.append(true)
                k = end
                continue
            }
            joined.append(clauses[k])
            joinedBare.append(bare[k])
            k += 1
        }
        func isStop(_ k: Int) -> Bool {
            guard joinedBare[k], case .word(let word) = joined[k].node else { return false }
            return StopWords.isStopWord(word)
        }
        // Only when something else is left to search for.
        let searchable = joined.indices.contains { joined[$0].occur != .mustNot && !isStop($0) }
        guard searchable else { return joined }
        return joined.indices.filter { !isStop($0) }.map { joined[$0] }
    }

    private mutating func disjunction() throws(SearchError) -> (QueryNode, negated: Bool) {
        try chain(.or, "OR", .should) { parser throws(SearchError) in try parser.conjunction() }
    }

    private mutating func conjunction() throws(SearchError) -> (QueryNode, negated: Bool) {
        try chain(.and, "AND", .must) { parser throws(SearchError) in try parser.unary() }
    }

    /// Operands joined by `token` (OR, AND), each as `occur`, or the one
    /// operand alone; a negated operand is excluded.
    private mutating func chain(
        _ token: Token, _ name: String, _ occur: Occur,
        _ operand: (inout QueryParser) throws(SearchError) -> (QueryNode, negated: Bool)
    ) throws(SearchError) -> (QueryNode, negated: Bool) {
        var items = [try operand(&self)]
        while let lexeme = peek, lexeme.token == token {
            next += 1
            guard peek != nil, peek?.token != .close else {
                throw error("\(name) needs a clause after it", at: lexeme.start)
            }
            items.append(try operand(&self))
        }
        if items.count == 1 { return items[0] }
        // "oil OR date:2024" would read as "oil, published in 2024" once the
        // date becomes the query's filter (Query): refused, not misread.
        if token == .or {
            for (node, _) in items {
                if case .date(let range) = node {
                    throw error(
                        DateRange.misplaced,
                        at: range.position)
                }
            }
        }
        return (.boolean(items.map { QueryClause($0.negated ? .mustNot : occur, $0.0) }), false)
    }

    private mutating func unary() throws(SearchError) -> (QueryNode, negated: Bool) {
        guard let lexeme = peek else { throw error("a clause is missing at the end", at: endPosition) }
        if lexeme.token == .not || lexeme.token == .minus {
            next += 1
            guard peek != nil else { throw error("NOT needs a clause after it", at: lexeme.start) }
            let (node, negated) = try unary()
            return (node, !negated)
        }
        if lexeme.token == .plus {
            // "a AND +b": required already.
            next += 1
            return try unary()
        }
        return (try near(), false)
    }

    private mutating func near() throws(SearchError) -> QueryNode {
        let firstStart = peek?.start ?? endPosition
        let first = try primary()
        guard case .near(let distance) = peek?.token else { return first }
        var operands = [first]
        while let lexeme = peek, case .near(let d) = lexeme.token {
            guard d == distance else { throw error("one NEAR distance per group", at: lexeme.start) }
            next += 1
            let operandStart = peek?.start ?? endPosition
            let operand = try primary()
            operands.append(operand)
            for item in [first, operand] {
                switch item {
                case .word, .phrase, .actor: continue
                default:
                    throw error(
                        "NEAR joins words, phrases and actors (not groups or prefixes)",
                        at: item == first ? firstStart : operandStart)
                }
            }
        }
        return .near(distance, operands)
    }

    private mutating func primary() throws(SearchError) -> QueryNode {
        guard let lexeme = peek else { throw error("a clause is missing at the end", at: endPosition) }
        next += 1
        switch lexeme.token {
        case .word(let word): return .word(word)
        case .prefix(let prefix): return .prefix(prefix)
        case .phrase(let phrase):
            guard !phrase.trimmingWhitespace.isEmpty else { throw error("the phrase is empty", at: lexeme.start) }
            return .phrase(phrase)
        case .date(let range): return .date(range)
        case .titleField:
            guard let value = peek else { throw error("title: needs a word or a phrase", at: lexeme.start) }
            next += 1
            switch value.token {
            case .word(let word) where !word.trimmingWhitespace.isEmpty: return .title(.word(word))
            case .phrase(let phrase) where !phrase.trimmingWhitespace.isEmpty: return .title(.phrase(phrase))
            default: throw error("title: needs a word or a phrase", at: value.start)
            }
        case .actorField:
            guard let value = peek else { throw error("actor: needs a name", at: lexeme.start) }
            next += 1
            switch value.token {
            case .word(let name), .phrase(let name):
                guard !name.trimmingWhitespace.isEmpty else { throw error("actor: needs a name", at: value.start) }
                return .actor(name)
            default: throw error("actor: needs a name", at: value.start)
            }
        case .open:
            let clauses = try sequence()
            guard let close = peek, close.token == .close else {
                throw error("this parenthesis is never closed", at: lexeme.start)
            }
            next += 1
            guard !clauses.isEmpty else { throw error("empty parentheses", at: lexeme.start) }
            return Self.simplify(.boolean(clauses))
        case .close: throw error("unmatched \")\"", at: lexeme.start)
        case .and, .or: throw error("\(lexeme.token == .and ? "AND" : "OR") needs a clause before it", at: lexeme.start)
        case .near: throw error("NEAR needs a word before it", at: lexeme.start)
        case .plus, .minus, .not:
            throw error("NEAR joins words, phrases and actors, not negations", at: lexeme.start)
        }
    }

    /// A boolean of one `should` or `must` clause is that clause.
    static func simplify(_ node: QueryNode) -> QueryNode {
        guard case .boolean(let clauses) = node else { return node }
        if clauses.count == 1, clauses[0].occur != .mustNot { return simplify(clauses[0].node) }
        return .boolean(clauses.map { QueryClause($0.occur, simplify($0.node)) })
    }

    /// Every boolean must have a clause that is not excluded: `-syria` alone
    /// would mean "every document but", which ranks nothing.
    private func checkPositive(_ node: QueryNode) throws(SearchError) {
        guard case .boolean(let clauses) = node else { return }
        guard clauses.contains(where: { $0.occur != .mustNot }) else {
            throw SearchError(
                .badQuery, "a query (or group) of only excluded clauses matches nothing; add something to search for",
                query: text, position: 0)
        }
        for clause in clauses { try checkPositive(clause.node) }
    }
}
