/// Encodes one term's postings and positions in their on-disk form, as documents
/// arrive in increasing order (IndexFileFormat.md, "Postings" and "Positions").
///
/// TermPostings := DocEntry^DocFreq
/// DocEntry := VInt(DocDelta << 1 | FreqIsOne), [VInt(Freq) if FreqIsOne = 0]
/// TermPositions := (VInt(PositionDelta))^Freq for each document, in order
///
/// DocDelta is the document number minus the previous one (the first is the
/// number itself); a frequency of 1, the commonest, costs no byte (Lucene's
/// trick). PositionDelta restarts at 0 in each document. The indexer keeps one
/// encoder per term in memory and the segment writer copies its bytes out.
public struct PostingsEncoder: Sendable {
    public private(set) var postings: [UInt8] = []
    public private(set) var positions: [UInt8] = []
    public private(set) var documentFrequency: UInt32 = 0
    public private(set) var totalTermFrequency: UInt64 = 0
    private var lastDocument: UInt32 = 0

    public init() {}

    /// Adds document `document` (greater than every earlier one) with the term's
    /// positions in it (increasing, at least one).
    public mutating func add(document: UInt32, positions termPositions: ArraySlice<UInt32>) {
        precondition(!termPositions.isEmpty)
        precondition(documentFrequency == 0 || document > lastDocument, "documents arrive in order")
        let delta = UInt64(document - (documentFrequency == 0 ? 0 : lastDocument))
        let frequency = termPositions.count
        if frequency == 1 {
            postings.appendVInt(delta << 1 | 1)
        } else {
            postings.appendVInt(delta << 1)
            postings.appendVInt(UInt64(frequency))
        }
        var previous: UInt32 = 0
        for position in termPositions {
            positions.appendVInt(UInt64(position - previous))
            previous = position
        }
        lastDocument = document
        documentFrequency += 1
        totalTermFrequency += UInt64(frequency)
    }
}
