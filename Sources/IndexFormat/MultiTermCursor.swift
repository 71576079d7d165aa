/// Walks the terms of several dictionaries at once, in bytewise order, each
/// distinct term once with the dictionaries that hold it: what a segment
/// merge and an index-wide term count need. Each dictionary is read through
/// its sequential iterator, which decodes each block once.
public struct MultiTermCursor {
    private var iterators: [TermIterator]
    /// Each dictionary's current term, nil once it is exhausted.
    private var current: [[UInt8]?]
    private var started = false

    public init(_ dictionaries: [TermDictionary]) {
        iterators = dictionaries.map { $0.makeIterator() }
        current = Array(repeating: nil, count: dictionaries.count)
    }

    private mutating func advance(_ index: Int) throws(IndexError) {
        current[index] = try iterators[index].next() ? iterators[index].term : nil
    }

    /// The next term and, for each dictionary holding it (by index), its entry.
    public mutating func next() throws(IndexError) -> (term: [UInt8], members: [(Int, TermInfo)])? {
        if !started {
            started = true
            for index in iterators.indices { try advance(index) }
        }
        var smallest: [UInt8]? = nil
        for term in current {
            if let term, smallest.map({ term.lexicographicallyPrecedes($0) }) ?? true { smallest = term }
        }
        guard let term = smallest else { return nil }
        var members: [(Int, TermInfo)] = []
        for index in iterators.indices where current[index] == term {
            members.append((index, iterators[index].info))
            try advance(index)
        }
        return (term, members)
    }
}
