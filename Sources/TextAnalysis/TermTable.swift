/// Interns term bytes as dense term ids: an open-addressing hash table over one
/// byte arena, so that looking up a token's term allocates nothing.
///
/// Linear probing, power-of-two capacity, kept at most half full; FNV-1a hashes
/// (the terms are short, so a simple byte-at-a-time hash is fast enough).
public struct TermTable: Sendable {
    private(set) var arena: [UInt8] = []
    private(set) var starts: [Int] = []
    private(set) var lengths: [Int32] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    public init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    public var count: Int { starts.count }

    @inline(__always)
    public static func hash(_ term: Span<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in term.indices {
            h ^= UInt64(term[k])
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    /// The id of `term`, or nil when it is not in the table.
    @inline(__always)
    public func find(_ term: Span<UInt8>) -> Int? {
        let h = Self.hash(term)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return nil }
            if hashes[id] == h && equals(id, term) { return id }
            slot = (slot + 1) & mask
        }
    }

    /// The id of `term`, adding it if new.
    public mutating func intern(_ term: Span<UInt8>) -> Int {
        let h = Self.hash(term)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { break }
            if hashes[id] == h && equals(id, term) { return id }
            slot = (slot + 1) & mask
        }
        let id = starts.count
        starts.append(arena.count)
        lengths.append(Int32(term.count))
        hashes.append(h)
        for k in term.indices { arena.append(term[k]) }
        slots[slot] = Int32(id)
        if starts.count * 2 > slots.count { grow() }
        return id
    }

    @inline(__always)
    private func equals(_ id: Int, _ term: Span<UInt8>) -> Bool {
        guard Int(lengths[id]) == term.count else { return false }
        let start = starts[id]
        for k in term.indices where arena[start + k] != term[k] { return false }
        return true
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for id in 0..<starts.count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    public func bytes(_ id: Int) -> ArraySlice<UInt8> {
        arena[starts[id]..<starts[id] + Int(lengths[id])]
    }

    /// Term ids in increasing bytewise order of their terms (the on-disk order).
    public func sortedIDs() -> [Int] {
        (0..<count).sorted { a, b in
            bytes(a).lexicographicallyPrecedes(bytes(b))
        }
    }
}
