import NewsCore

/// Interns term bytes as dense term ids: an open-addressing hash table over one
/// byte arena, so that looking up a token's term allocates nothing.
///
/// Linear probing, power-of-two capacity, kept at most half full; FNV-1a hashes
/// (the terms are short, so a simple byte-at-a-time hash is fast enough).
/// Each slot holds the term's 32-bit hash beside its id, so a probe reads one
/// array until the hashes agree: a lookup of an absent term (most probes of
/// the actor recogniser's tables) costs one memory access, not four.
public struct TermTable: Sendable {
    private(set) var arena: [UInt8] = []
    /// Per id: where its bytes start in the arena (high 40 bits) and how many (low 24).
    private var entries: [UInt64] = []
    /// Per slot: hash << 32 | (id + 1); 0 is an empty slot.
    private var slots: [UInt64]
    private var mask: Int

    public init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    public var count: Int { entries.count }

    @inline(__always)
    public static func hash(_ term: Span<UInt8>) -> UInt64 { term.fnv1a }

    /// The 32 bits of the hash a slot keeps (the high ones: FNV mixes them best).
    @inline(__always)
    private static func hash32(_ term: Span<UInt8>) -> UInt64 { hash(term) >> 32 }

    /// The id of `term`, or nil when it is not in the table.
    @inline(__always)
    public func find(_ term: Span<UInt8>) -> Int? {
        let h = Self.hash32(term)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { return nil }
            if stored >> 32 == h {
                let id = Int(truncatingIfNeeded: stored & 0xFFFF_FFFF) - 1
                if equals(id, term) { return id }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The id of `term`, adding it if new.
    public mutating func intern(_ term: Span<UInt8>) -> Int {
        let h = Self.hash32(term)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { break }
            if stored >> 32 == h {
                let id = Int(truncatingIfNeeded: stored & 0xFFFF_FFFF) - 1
                if equals(id, term) { return id }
            }
            slot = (slot + 1) & mask
        }
        precondition(term.count < 1 << 24, "a term of 16 MiB or more")
        let id = entries.count
        entries.append(UInt64(arena.count) << 24 | UInt64(term.count))
        arena.append(term)
        slots[slot] = h << 32 | UInt64(id + 1)
        if entries.count * 2 > slots.count { grow() }
        return id
    }

    @inline(__always)
    private func range(_ id: Int) -> Range<Int> {
        let entry = entries[id]
        let start = Int(truncatingIfNeeded: entry >> 24)
        return start..<start + Int(truncatingIfNeeded: entry & 0xFF_FFFF)
    }

    @inline(__always)
    private func equals(_ id: Int, _ term: Span<UInt8>) -> Bool {
        let range = range(id)
        guard range.count == term.count else { return false }
        let start = range.lowerBound
        for k in term.indices where arena[start + k] != term[k] { return false }
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        for stored in old where stored != 0 {
            var slot = Int(truncatingIfNeeded: stored >> 32) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = stored
        }
    }

    public func bytes(_ id: Int) -> ArraySlice<UInt8> { arena[range(id)] }

    /// Term ids in increasing bytewise order of their terms (the on-disk order).
    ///
    /// Sorted on each term's first eight bytes as one big-endian integer, and
    /// on the whole term only when those tie: most comparisons are one integer
    /// comparison rather than a byte loop.
    public func sortedIDs() -> [Int] {
        var keyed: [(key: UInt64, id: Int32)] = []
        keyed.reserveCapacity(count)
        for id in 0..<count {
            let start = range(id).lowerBound
            let length = range(id).count
            var key: UInt64 = 0
            for k in 0..<8 { key = key << 8 | (k < length ? UInt64(arena[start + k]) : 0) }
            keyed.append((key, Int32(id)))
        }
        keyed.sort { a, b in
            if a.key != b.key { return a.key < b.key }
            return Self.precedes(self, Int(a.id), self, Int(b.id))
        }
        return keyed.map { Int($0.id) }
    }

    /// Whether term `a` of `first` sorts before term `b` of `second`, bytewise.
    public static func precedes(_ first: TermTable, _ a: Int, _ second: TermTable, _ b: Int) -> Bool {
        compareBytes(first.arena.span.extracting(first.range(a)), second.arena.span.extracting(second.range(b))) < 0
    }
}
