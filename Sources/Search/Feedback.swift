import IndexFormat
import TextAnalysis

/// Pseudo-relevance feedback for verbose queries: RM3 (Lavrenko and Croft's
/// relevance model, interpolated with the query as Anserini's `RM3` does).
///
/// A query of ``minimumWords`` bare words or more is run once; its best
/// ``documents`` are taken as relevant and re-analysed from their stored
/// text; each of their terms scores Σ over those documents of (the
/// document's BM25 score) · tf / (document length), times the term's idf
/// (what those documents share and the rest of the collection does not),
/// the query's own words included; the ``terms`` best, stop words, single
/// letters and terms with digits aside, become the feedback model F,
/// normalised to sum to 1. The
/// query then runs again, every term weighted:
///
///     w(t) = λ · (times t is in the query) + (1 − λ) · n · F(t)
///
/// with λ = ``originalWeight`` and n the query's word count (so that the query
/// and the model weigh as the two parts of RM3's mixture). A weight scales
/// the term's idf, which scales its BM25 score.
///
/// Why only verbose queries: feedback helps when a query describes a topic in
/// a sentence (the test collections' queries, a pasted paragraph), whose
/// best documents share vocabulary the query did not use; a news search of
/// one to three words is a name or a topic whose words are already the ones
/// that matter, and must stay fast (feedback reads and analyses ten stored
/// articles and runs a query of up to twice as many terms: on Reuters-21578,
/// 19,045 articles, a ten-word query takes 85 ms instead of 23). On the
/// eight test collections of `tools/relevance` (MAP, k1 1.5, b 0.6, stop
/// words dropped), mean 0.392 without feedback and 0.405 with it: adi 0.420
/// → 0.429, cacm 0.353 → 0.339, cisi 0.223 → 0.244, cran 0.316 → 0.337, lisa
/// 0.358 → 0.367, med 0.529 → 0.571, npl 0.290 → 0.297, time 0.647 → 0.658.
///
/// What was tried (the same measure; starred figures from a Python replica
/// of this ranking that reproduces Gazette's MAP within 0.001): plain RM3
/// selection, without idf, 0.403 (5 documents, 20 terms) and 0.404* (10
/// documents, 10 terms, but cacm 0.332*); 10 terms instead of 20, 0.401
/// (cacm 0.334); λ 0.5 to 0.7 cost cacm and time more*; feedback from 3
/// words on, 0.405 (time 0.649), from 8, 0.402; Lucene's k1 1.2 and b 0.75,
/// 0.401 (cacm 0.331). Feedback loses on cacm mostly through queries with
/// one relevant document, whose other best documents pull the query off it.
struct Feedback {
    /// Queries with fewer bare words (stop words dropped) are run as they are.
    static let minimumWords = 5
    /// Feedback documents: the first run's best.
    static let documents = 10
    /// Terms in the feedback model.
    static let terms = 20
    /// λ: the weight of the query against the feedback model.
    static let originalWeight = 0.8

    /// The words of a query that feedback can expand: bare words (no
    /// phrase, sign, operator, prefix or actor), each one term; nil otherwise.
    static func words(of query: Query) -> [String]? {
        guard query.requiredActors.isEmpty, let root = query.root else { return nil }
        switch root {
        case .word(let word): return [word]
        case .boolean(let clauses):
            var words: [String] = []
            for clause in clauses {
                guard clause.occur == .should, case .word(let word) = clause.node else { return nil }
                words.append(word)
            }
            return words
        default: return nil
        }
    }
}

extension Searcher {
    /// `plan` expanded by RM3 feedback when `query` is verbose enough
    /// (``Feedback``); nil when feedback does not apply.
    func feedbackPlan(_ query: Query, _ plan: QueryPlan, deadline: Deadline?) throws -> QueryPlan? {
        guard let words = Feedback.words(of: query), words.count >= Feedback.minimumWords else { return nil }
        // Each word's term, in query order (a repeated word counts again).
        var queryTerms: [[UInt8]] = []
        for word in words {
            var terms: [[UInt8]] = []
            analyzer.analyze(word.utf8.span) { _, term in terms.append(term.array) }
            guard terms.count == 1 else { return nil }
            queryTerms.append(terms[0])
        }
        let best = try topDocuments(plan, limit: Feedback.documents, deadline: deadline).documents
        guard !best.isEmpty else { return nil }

        var model: [[UInt8]: Double] = [:]
        var counts: [[UInt8]: Int] = [:]
        var articles = reader.articleCursor()
        for scored in best {
            let article = try articles.article(scored.document)
            counts.removeAll(keepingCapacity: true)
            var length = 0
            for text in [article.title, article.body] {
                analyzer.analyze(text.utf8.span) { _, term in
                    length += 1
                    guard Self.isFeedbackTerm(term) else { return }
                    counts[term.array, default: 0] += 1
                }
            }
            guard length > 0 else { continue }
            for (term, count) in counts {
                model[term, default: 0] += scored.score * Double(count) / Double(length)
            }
        }
        // Weighed by idf too: what the best documents share and the rest of
        // the collection does not (plain RM3 picks the most frequent words
        // of the best documents, stop words aside, and costs cacm 0.02 MAP).
        let documentCount = reader.documentCount
        var idfs: [[UInt8]: (infos: [TermInfo?], idf: Double)] = [:]
        for (term, value) in model {
            let infos = try reader.lookup(term)
            let frequency = infos.reduce(UInt32(0)) { $0 + ($1?.documentFrequency ?? 0) }
            let idf = frequency == 0 ? 0 : similarity.idf(documentFrequency: frequency, documentCount: documentCount)
            idfs[term] = (infos, idf)
            model[term] = value * idf
        }
        let chosen = model.sorted {
            $0.value > $1.value || ($0.value == $1.value && $0.key.lexicographicallyPrecedes($1.key))
        }.prefix(Feedback.terms)
        let total = chosen.reduce(0) { $0 + $1.value }
        guard total > 0 else { return nil }

        // w(t) = λ · count in the query + (1 − λ) · n · F(t), in first-seen order.
        var weights: [[UInt8]: Double] = [:]
        var order: [[UInt8]] = []
        func add(_ term: [UInt8], _ weight: Double) {
            if weights[term] == nil { order.append(term) }
            weights[term, default: 0] += weight
        }
        let λ = Feedback.originalWeight
        for term in queryTerms { add(term, λ) }
        let n = Double(queryTerms.count)
        for (term, value) in chosen { add(term, (1 - λ) * n * value / total) }

        var expanded = QueryPlan()
        expanded.dates = plan.dates
        var should: [QueryPlan.Node] = []
        for term in order {
            let (infos, plainIDF): ([TermInfo?], Double)
            if let known = idfs[term] {
                (infos, plainIDF) = known
            } else {
                infos = try reader.lookup(term)
                let frequency = infos.reduce(UInt32(0)) { $0 + ($1?.documentFrequency ?? 0) }
                plainIDF =
                    frequency == 0 ? 0 : similarity.idf(documentFrequency: frequency, documentCount: documentCount)
            }
            guard plainIDF > 0 else { continue }
            let idf = plainIDF * weights[term]!
            var leaf = QueryPlan.Leaf(
                kind: .terms(.sum), terms: [QueryPlan.Term(bytes: term, infos: infos, idf: idf)], actor: false,
                idf: idf)
            leaf.label = String(decoding: term, as: UTF8.self)
            expanded.leaves.append(leaf)
            should.append(.leaf(expanded.leaves.count - 1))
        }
        guard !should.isEmpty else { return nil }
        expanded.root = .boolean(must: [], should: should, mustNot: [])
        return expanded
    }

    /// A term worth adding to a query: two letters or more, letters only
    /// (no numbers), not a stop word.
    static func isFeedbackTerm(_ term: Span<UInt8>) -> Bool {
        guard term.count >= 2 else { return false }
        for k in term.indices {
            let byte = term[k]
            guard byte &- UInt8(ascii: "a") < 26 || byte >= 0x80 else { return false }
        }
        return !StopWords.isStemmedStopWord(term)
    }
}
