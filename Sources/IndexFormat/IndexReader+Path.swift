extension IndexReader {
    /// The live document indexed from `path`, if any: the sources of each
    /// segment are read in order (a linear scan; `gazette serve` asks it
    /// once per document view).
    public func document(path: String) throws(IndexError) -> UInt32? {
        let wanted = Array(path.utf8)
        for (position, segment) in segments.enumerated() {
            var cursor = try segment.sourceCursor()
            while try cursor.next() {
                if cursor.path == wanted, !segment.isDeleted(cursor.document) {
                    return bases[position] + cursor.document
                }
            }
        }
        return nil
    }
}
