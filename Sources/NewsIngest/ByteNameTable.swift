/// ASCII names (element and attribute names) looked up on their bytes,
/// ASCII case ignored, with no String made: the names are kept in buckets
/// by their first byte, and a lookup compares only the few of its length
/// in its bucket.
struct ByteNameTable<Value: Sendable>: Sendable {
    private let buckets: [[(name: [UInt8], value: Value)]]
    /// The longest name's length: longer input is no name of the table.
    let longest: Int

    /// The table of `entries`' names (lower-case ASCII) and values.
    init(_ entries: [(String, Value)]) {
        var buckets = [[(name: [UInt8], value: Value)]](repeating: [], count: 256)
        for (name, value) in entries { buckets[Int(name.utf8.first!)].append((Array(name.utf8), value)) }
        self.buckets = buckets
        longest = entries.map(\.0.utf8.count).max() ?? 0
    }

    /// The value of the name `name` spells, in any case; nil if none.
    func value(for name: Span<UInt8>) -> Value? {
        guard name.count > 0, name.count <= longest else { return nil }
        for entry in buckets[Int(name[0].asciiLowercased)] where entry.name.count == name.count {
            var k = 1
            while k < name.count, name[k].asciiLowercased == entry.name[k] { k += 1 }
            if k == name.count { return entry.value }
        }
        return nil
    }
}
