/// Compares two paths in walk order: -1, 0 or 1.
///
/// Walk order is the order in which ``CorpusWalker`` lists a folder: the
/// entries of each directory sorted bytewise by name, a directory's contents
/// right after its own name. That is bytewise order with "/" ranked below
/// every other byte ("a/b" before "a-b", whose "-" sorts below "/" in ASCII),
/// since no name holds a "/". The index keeps each segment's sources in this
/// order, so that a sync walks the folder and the index side by side, as a
/// merge of two sorted lists, with neither held in memory.
public func comparePaths(_ a: Span<UInt8>, _ b: Span<UInt8>) -> Int {
    let n = min(a.count, b.count)
    var i = 0
    while i < n {
        let x = a[i]
        let y = b[i]
        if x != y {
            // "/" (0x2F) ranks as 0: below every byte a name can hold.
            let rankX = x == 0x2F ? 0 : Int(x) + 1
            let rankY = y == 0x2F ? 0 : Int(y) + 1
            return rankX < rankY ? -1 : 1
        }
        i += 1
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}
