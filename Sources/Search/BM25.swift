/// Okapi BM25 exactly as Lucene's `BM25Similarity` defines it (Lucene 8 and later):
///
///     idf(t)      = ln(1 + (N − n + 0.5) / (n + 0.5))
///     score(t, d) = idf(t) · f / (f + k1 · (1 − b + b · dl / avgdl))
///     score(q, d) = Σ over the query terms t in d of score(t, d)
///
/// N: documents in the index; n: documents containing t; f: occurrences of t
/// in d; dl: d's length in tokens; avgdl: mean document length; k1 = 1.2,
/// b = 0.75. Lucene dropped the classic (k1 + 1) numerator factor in version 8
/// because it scales every score alike and so never changes the ranking; we
/// follow Lucene. One difference, on purpose: Lucene encodes dl in one lossy
/// byte, we use the exact length (see `DocumentLengthsWriter`).
public struct BM25: Sendable, Equatable {
    public var k1: Double
    public var b: Double

    public static let lucene = BM25(k1: 1.2, b: 0.75)
    /// For actor terms: Lucene's k1, no length normalisation (see `Searcher.actorSimilarity`).
    public static let actors = BM25(k1: 1.2, b: 0)

    public init(k1: Double, b: Double) {
        self.k1 = k1
        self.b = b
    }

    /// Inverse document frequency of a term found in `documentFrequency` of `documentCount` documents.
    public func idf(documentFrequency n: UInt32, documentCount N: UInt32) -> Double {
        let n = Double(n)
        return log1pDouble((Double(N) - n + 0.5) / (n + 0.5))
    }

    /// The score of one term in one document.
    @inline(__always)
    public func score(idf: Double, frequency f: UInt32, length dl: UInt32, averageLength avgdl: Double) -> Double {
        let f = Double(f)
        return idf * f / (f + k1 * (1 - b + b * Double(dl) / avgdl))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Darwin
#endif

@inline(__always)
func log1pDouble(_ x: Double) -> Double { log1p(x) }
