/// A trie over the words of every alias: the recogniser walks it token by
/// token, so a multi-word alias ("Islamic Revolutionary Guard Corps") costs one
/// hash probe per word, and text that starts no alias costs one probe at a
/// capitalised word and nothing at a lower-case one.
public struct AliasMatcher: Sendable {
    /// What a word of an alias demands of the word in the text.
    enum CaseDemand: UInt8 {
        /// Written in lower case in the alias ("al", "of"): any case matches.
        case any = 0
        /// Capitalised in the alias ("Iran"): capitalised or capitals in the text.
        case capitalised = 1
        /// In capitals in the alias, two letters or more ("US", "U.S.", "IRGC"):
        /// only capitals in the text.
        case capitals = 2
    }

    /// One alias ending at a trie node.
    struct Entry: Sendable {
        var actor: Int32
        var rule: ActorRule
        var needsContext: Bool
        var demands: [CaseDemand]
    }

    /// The words of all aliases, interned.
    private(set) var words = TermTable(capacity: 1 << 12)
    /// (node << 32 | word) → child node. Node 0 is the root.
    private var children: [UInt64: Int32] = [:]
    /// Aliases ending at a node.
    private var entries: [Int32: [Entry]] = [:]
    private var nodeCount: Int32 = 1
    /// Words that begin an alias with a lower-case first word ("al-Qaeda"):
    /// only these are probed at a lower-case token.
    private var lowercaseStarts: Set<Int> = []
    /// The most words in one alias.
    private(set) var longest = 0

    init(actors: [Actor]) {
        let tokenizer = Tokenizer()
        for (index, actor) in actors.enumerated() {
            // A name marked ambiguous needs context under every rule that lists
            // it (the display name "Jordan" as much as `ambiguous: Jordan`).
            let needingContext = Set(actor.aliases.filter(\.needsContext).map { AliasKey($0.text) })
            for alias in actor.aliases {
                let needsContext = alias.needsContext || (!needingContext.isEmpty && needingContext.contains(AliasKey(alias.text)))
                let bytes = Array(alias.text.utf8)
                var node: Int32 = 0
                var demands: [CaseDemand] = []
                var first = true
                tokenizer.tokenize(bytes.span) { token, term in
                    let word = words.intern(term)
                    let demand = Self.demand(of: bytes.span.extracting(token.sourceRange))
                    if first && demand == .any { lowercaseStarts.insert(word) }
                    first = false
                    demands.append(demand)
                    let key = UInt64(UInt32(node)) << 32 | UInt64(word)
                    if let child = children[key] {
                        node = child
                    } else {
                        children[key] = nodeCount
                        node = nodeCount
                        nodeCount += 1
                    }
                }
                guard !demands.isEmpty else { continue }
                longest = max(longest, demands.count)
                let entry = Entry(actor: Int32(index), rule: alias.rule, needsContext: needsContext, demands: demands)
                // The same alias twice for one actor (as name and alias) keeps the first.
                if entries[node]?.contains(where: { $0.actor == entry.actor && $0.demands == entry.demands }) == true {
                    continue
                }
                entries[node, default: []].append(entry)
            }
        }
    }

    /// The case an alias word demands, from the way the alias writes it.
    static func demand(of word: Span<UInt8>) -> CaseDemand {
        let shape = WordShape(word)
        if shape.isAllCapitals { return .capitals }
        if shape.upperFirst { return .capitalised }
        return .any
    }

    @inline(__always)
    func word(_ term: Span<UInt8>) -> Int? { words.find(term) }

    @inline(__always)
    func canStart(word: Int, shape: WordShape) -> Bool {
        shape.upperFirst || lowercaseStarts.contains(word)
    }

    @inline(__always)
    func child(of node: Int32, word: Int) -> Int32? {
        children[UInt64(UInt32(node)) << 32 | UInt64(word)]
    }

    func entries(at node: Int32) -> [Entry]? { entries[node] }
}

/// The case shape of a word as written in the source text.
public struct WordShape: Sendable, Equatable {
    /// The first letter is upper-case (or title-case).
    public var upperFirst = false
    /// Some letter is lower-case.
    public var hasLower = false
    /// Letters seen.
    public var letterCount = 0

    public init(_ word: Span<UInt8>) {
        var i = 0
        while i < word.count {
            let byte = word[i]
            if byte < 0x80 {
                if byte &- UInt8(ascii: "A") < 26 {
                    if letterCount == 0 { upperFirst = true }
                    letterCount += 1
                } else if byte &- UInt8(ascii: "a") < 26 {
                    hasLower = true
                    letterCount += 1
                }
                i += 1
                continue
            }
            guard let (scalar, length) = Tokenizer.decode(word, at: i), let value = Unicode.Scalar(scalar) else {
                i += 1
                continue
            }
            let properties = value.properties
            if properties.isUppercase || properties.generalCategory == .titlecaseLetter {
                if letterCount == 0 { upperFirst = true }
                letterCount += 1
            } else if properties.isLowercase {
                hasLower = true
                letterCount += 1
            } else if properties.isAlphabetic {
                letterCount += 1
            }
            i += length
        }
    }

    /// Whether a text word of this shape meets an alias word's demand.
    @inline(__always)
    func meets(_ demand: AliasMatcher.CaseDemand) -> Bool {
        switch demand {
        case .any: true
        case .capitalised: upperFirst
        case .capitals: upperFirst && !hasLower
        }
    }

    /// All capitals, two letters or more ("IRAN", "U.S", "IRGC").
    public var isAllCapitals: Bool { upperFirst && !hasLower && letterCount >= 2 }
}
