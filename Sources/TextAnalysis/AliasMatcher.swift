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
        /// The actor is a blocker (kind `none`): kept here so that matching
        /// never reads the actors array.
        var blocks: Bool
    }

    /// The words of all aliases, and of the recogniser's word lists, interned:
    /// one probe per capitalised word answers both what it may start and what
    /// the lists say of it.
    private(set) var words = TermTable(capacity: 1 << 12)
    /// What the word lists say of each word of `words` (empty for most alias words).
    private var wordFlags: [WordFlags] = []
    /// (node << 32 | word) → child node. Node 0 is the root.
    private var children = EdgeTable()
    /// Aliases ending at a node, by node (empty for most).
    private var entries: [[Entry]] = [[]]
    private var nodeCount: Int32 = 1
    /// Words that begin an alias with a lower-case first word ("al-Qaeda"):
    /// only these are probed at a lower-case token. Few, so a list.
    private var lowercaseStartBytes: [[UInt8]] = []
    /// Their first bytes, as a 256-bit set, and their lengths, as a 64-bit
    /// set: most lower-case words fail one of these two tests at once.
    private var lowercaseFirstBytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var lowercaseLengths: UInt64 = 0
    /// The most words in one alias.
    private(set) var longest = 0

    init(actors: [Actor]) {
        let tokenizer = Tokenizer()
        var seenLowercaseStarts = Set<Int>()
        for (index, actor) in actors.enumerated() {
            // A name marked ambiguous needs context under every rule that lists
            // it (the display name "Jordan" as much as `ambiguous: Jordan`).
            let needingContext = Set(actor.aliases.filter(\.needsContext).map { AliasKey($0.text) })
            for alias in actor.aliases {
                let needsContext =
                    alias.needsContext || (!needingContext.isEmpty && needingContext.contains(AliasKey(alias.text)))
                let bytes = Array(alias.text.utf8)
                var node: Int32 = 0
                var demands: [CaseDemand] = []
                var first = true
                tokenizer.tokenize(bytes.span) { token, term in
                    let word = words.intern(term)
                    while wordFlags.count <= word { wordFlags.append([]) }
                    if first { wordFlags[word].insert(.aliasStart) }
                    let demand = Self.demand(of: bytes.span.extracting(token.sourceRange))
                    if first && demand == .any, seenLowercaseStarts.insert(word).inserted {
                        lowercaseStartBytes.append(term.array)
                        let byte = term[0]
                        switch byte >> 6 {
                        case 0: lowercaseFirstBytes.0 |= 1 << UInt64(byte & 63)
                        case 1: lowercaseFirstBytes.1 |= 1 << UInt64(byte & 63)
                        case 2: lowercaseFirstBytes.2 |= 1 << UInt64(byte & 63)
                        default: lowercaseFirstBytes.3 |= 1 << UInt64(byte & 63)
                        }
                        lowercaseLengths |= 1 << UInt64(min(term.count, 63))
                    }
                    first = false
                    demands.append(demand)
                    let key = UInt64(UInt32(node)) << 32 | UInt64(word)
                    if let child = children.find(key) {
                        node = child
                    } else {
                        children.insert(key, nodeCount)
                        entries.append([])
                        node = nodeCount
                        nodeCount += 1
                    }
                }
                guard !demands.isEmpty else { continue }
                longest = max(longest, demands.count)
                let entry = Entry(
                    actor: Int32(index), rule: alias.rule, needsContext: needsContext, demands: demands,
                    blocks: actor.kind == .none)
                // The same alias twice for one actor (as name and alias) keeps the first.
                if entries[Int(node)].contains(where: { $0.actor == entry.actor && $0.demands == entry.demands }) {
                    continue
                }
                entries[Int(node)].append(entry)
            }
        }
        for (list, flag) in WordLists.all {
            for word in list {
                let bytes = Array(word.utf8)
                let id = words.intern(bytes.span)
                while wordFlags.count <= id { wordFlags.append([]) }
                wordFlags[id].insert(flag)
            }
        }
        while wordFlags.count < words.count { wordFlags.append([]) }
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

    /// What the word lists say of word `word` (an id of `words`).
    @inline(__always)
    func flags(ofWord word: Int) -> WordFlags { wordFlags[word] }

    /// False when no lower-case alias start has this first byte and length.
    /// The recogniser passes the source's first byte, the term's own for a
    /// lower-case ASCII word; a word that folds to ASCII from another letter
    /// ("ál") is therefore never a lower-case alias start.
    @inline(__always)
    func mayStartLowercaseAlias(firstByte byte: UInt8, length: Int) -> Bool {
        guard lowercaseLengths & (1 << UInt64(min(length, 63))) != 0 else { return false }
        let bits: UInt64
        switch byte >> 6 {
        case 0: bits = lowercaseFirstBytes.0
        case 1: bits = lowercaseFirstBytes.1
        case 2: bits = lowercaseFirstBytes.2
        default: bits = lowercaseFirstBytes.3
        }
        return bits & (1 << UInt64(byte & 63)) != 0
    }

    /// Whether some alias starts with the lower-case word `term`, without
    /// hashing it: most words of a text are lower-case, and need no probe.
    @inline(__always)
    func startsLowercaseAlias(_ term: Span<UInt8>) -> Bool {
        guard term.count > 0, mayStartLowercaseAlias(firstByte: term[0], length: term.count) else { return false }
        for start in lowercaseStartBytes where start.count == term.count {
            var equal = true
            for k in term.indices where start[k] != term[k] {
                equal = false
                break
            }
            if equal { return true }
        }
        return false
    }

    @inline(__always)
    func child(of node: Int32, word: Int) -> Int32? {
        children.find(UInt64(UInt32(node)) << 32 | UInt64(word))
    }

    @inline(__always)
    func hasEntries(at node: Int32) -> Bool { !entries[Int(node)].isEmpty }

    /// The actors with an alias of exactly the words of `name`, whatever their
    /// case ("tehran", "IRANIAN", "Iran's"), in gazetteer order.
    func actors(named name: String) -> [Int] {
        let bytes = Array(name.utf8)
        var node: Int32 = 0
        var found = true
        var any = false
        Tokenizer().tokenize(bytes.span) { _, term in
            any = true
            guard found, let word = words.find(term), let next = child(of: node, word: word) else {
                found = false
                return
            }
            node = next
        }
        guard found && any else { return [] }
        return Set(entries[Int(node)].map { Int($0.actor) }).sorted()
    }

    func entries(at node: Int32) -> [Entry] { entries[Int(node)] }
}

/// The trie's edges: an open-addressing table from (node, word) to child,
/// with a multiplicative hash (a `Dictionary` would hash with SipHash, several
/// times the cost, on the recogniser's hot path).
struct EdgeTable: Sendable {
    /// Key and child side by side, so that a probe reads one place.
    private var slots: [(key: UInt64, child: Int32)]
    private var mask: Int
    private var count = 0
    private static let empty = UInt64.max

    init() {
        slots = Array(repeating: (Self.empty, 0), count: 1 << 12)
        mask = (1 << 12) - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    @inline(__always)
    func find(_ key: UInt64) -> Int32? {
        var slot = Self.slot(key, mask)
        while true {
            let stored = slots[slot]
            if stored.key == key { return stored.child }
            if stored.key == Self.empty { return nil }
            slot = (slot + 1) & mask
        }
    }

    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > slots.count { grow() }
        var slot = Self.slot(key, mask)
        while slots[slot].key != Self.empty { slot = (slot + 1) & mask }
        slots[slot] = (key, value)
        count += 1
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: (Self.empty, 0), count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for stored in old where stored.key != Self.empty { insert(stored.key, stored.child) }
    }
}

/// The case shape of a word as written in the source text.
public struct WordShape: Sendable, Equatable {
    /// The first letter is upper-case (or title-case).
    public var upperFirst = false
    /// Some letter is lower-case.
    public var hasLower = false
    /// Letters seen: for a word with a lower-case letter, counted up to three
    /// (up to two for one starting with a lower-case ASCII letter).
    public var letterCount = 0

    /// No letters.
    public init() {}

    @inline(__always)
    init(upperFirst: Bool, hasLower: Bool, letterCount: Int) {
        self.upperFirst = upperFirst
        self.hasLower = hasLower
        self.letterCount = letterCount
    }

    public init(_ word: Span<UInt8>) {
        // Most words start with a lower-case ASCII letter: nothing more is
        // needed of them than that (their letters are counted up to two).
        if word.count > 0, word[0] &- UInt8(ascii: "a") < 26 {
            hasLower = true
            letterCount = word.count >= 2 && word[1] &- UInt8(ascii: "a") < 26 ? 2 : 1
            return
        }
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
                // Nothing asks more of a word with a lower-case letter than
                // whether it has three letters ("Kanaani" as a surname).
                if hasLower && letterCount >= 3 { return }
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
