/// Walks the terms of several dictionaries at once, in bytewise order, each
/// distinct term once with the dictionaries that hold it: what a segment
/// merge and an index-wide term count need.
public struct MultiTermCursor {
    private let dictionaries: [TermDictionary]
    private var positions: [Int]
    private var current: [[UInt8]?]

    public init(_ dictionaries: [TermDictionary]) {
        self.dictionaries = dictionaries
        positions = Array(repeating: 0, count: dictionaries.count)
        current = Array(repeating: nil, count: dictionaries.count)
    }

    /// The next term and, for each dictionary holding it (by index), its entry.
    public mutating func next() throws(IndexError) -> (term: [UInt8], members: [(Int, TermInfo)])? {
        var smallest: [UInt8]? = nil
        for index in dictionaries.indices {
            if current[index] == nil, positions[index] < dictionaries[index].count {
                current[index] = try dictionaries[index].term(at: positions[index])
            }
            if let term = current[index], smallest.map({ term.lexicographicallyPrecedes($0) }) ?? true {
                smallest = term
            }
        }
        guard let term = smallest else { return nil }
        var members: [(Int, TermInfo)] = []
        for index in dictionaries.indices where current[index] == term {
            members.append((index, try dictionaries[index].info(at: positions[index])))
            positions[index] += 1
            current[index] = nil
        }
        return (term, members)
    }
}
