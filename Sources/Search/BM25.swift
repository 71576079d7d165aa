/// Okapi BM25 exactly as Lucene's `BM25Similarity` defines it (Lucene 8 and later):
///
///     idf(t)      = ln(1 + (N − n + 0.5) / (n + 0.5))
///     score(t, d) = idf(t) · f / (f + k1 · (1 − b + b · dl / avgdl))
///     score(q, d) = Σ over the query terms t in d of score(t, d)
///
/// N: documents in the index; n: documents containing t; f: occurrences of t
/// in d; dl: d's length in tokens; avgdl: mean document length; Lucene's
/// k1 = 1.2, b = 0.75 (Gazette's defaults are ``standard``). Lucene dropped the classic (k1 + 1) numerator factor in version 8
/// because it scales every score alike and so never changes the ranking; we
/// follow Lucene. One difference, on purpose: Lucene encodes dl in one lossy
/// byte, we use the exact length (see `DocumentLengthsWriter`).
public struct BM25: Sendable, Equatable {
    public var k1: Double
    public var b: Double

    public static let lucene = BM25(k1: 1.2, b: 0.75)
    /// Gazette's default: k1 = 1.5, b = 0.6, the best mean MAP over the eight
    /// test collections of `tools/relevance` on the grid k1 ∈ {0.9, 1.2, 1.5,
    /// 2.0} × b ∈ {0.4, 0.6, 0.75, 0.9} (with the query's stop words dropped:
    /// 0.392 against 0.389 for Lucene's 1.2 and 0.75), and inside Robertson
    /// and Zaragoza's usual ranges (k1 1.2 to 2, b 0.5 to 0.8). A little less
    /// length normalisation than Lucene's suits news, where a long feature is
    /// not a padded brief. With feedback (``Feedback``) Lucene's values would
    /// lose cacm 0.008 MAP, below the peers' best.
    public static let standard = BM25(k1: 1.5, b: 0.6)
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

    /// The score of a term whose frequency is weighted (BM25F: a title
    /// occurrence counts `titleWeight` times), in one document.
    @inline(__always)
    public func score(idf: Double, weightedFrequency f: Double, length dl: UInt32, averageLength avgdl: Double)
        -> Double
    {
        idf * f / (f + k1 * (1 - b + b * Double(dl) / avgdl))
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
