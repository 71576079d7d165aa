#!/usr/bin/env python3
"""Ranking-quality measures with trec_eval's definitions (usnistgov/trec_eval 9.x).

Usage: python3 tools/relevance/metrics.py --self-test

What trec_eval does, and so what this module does:
- A run is, per query, a list of (docno, score). trec_eval ignores the rank
  column: it sorts by score, highest first, and breaks ties by docno in
  *decreasing* strcmp order (form_res_rels.c, comp_sim_docno). Then it keeps
  the first 1000 (-M, max_num_docs_per_topic, default 1000).
- A document is relevant when its qrels value is >= 1 (relevance_level 1).
  Retrieved documents missing from the qrels count as non-relevant.
- map (m_map.c): the sum, over relevant retrieved documents, of the precision
  at their rank, divided by the number of relevant documents in the qrels
  (retrieved or not).
- P_10 (m_P.c): relevant documents in the first 10, divided by 10 (also when
  fewer than 10 were retrieved).
- recall_1000 (m_recall.c): relevant documents in the first 1000, divided by
  the number of relevant documents in the qrels.
- ndcg_cut_10 (m_ndcg_cut.c): the gain of a document is its qrels value (so a
  graded qrels such as Cranfield's counts 4 as four times 1), rank i (from 1)
  is discounted by log2(i), rank 1 by nothing; divided by the same sum over
  the ideal ordering of all judged documents of the query, best value first.
- The averages are over the queries that have qrels. A query with qrels but
  no retrieved documents counts 0 on every measure (trec_eval -c; without -c
  trec_eval would leave such a query out). Queries without qrels are not
  evaluated. A query whose qrels hold no relevant document scores 0 on map and
  recall (trec_eval divides by zero as 0); none of the eight collections has one.
"""
import math
import sys
from collections import defaultdict

MEASURES = ("map", "ndcg_cut_10", "P_10", "recall_1000")
DEPTH = 1000


def read_qrels(path):
    """{qid: {docno: relevance}} from a TREC qrels file (qid iteration docno relevance)."""
    qrels = defaultdict(dict)
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 4:
                raise ValueError(f"{path}:{number}: expected 4 fields, found {len(fields)}")
            qrels[fields[0]][fields[2]] = int(fields[3])
    return dict(qrels)


def trec_order(hits, depth=DEPTH):
    """Docnos in trec_eval's order: score descending, ties by docno descending; first `depth`."""
    ranked = sorted(hits, key=lambda hit: hit[0], reverse=True)  # docno descending first...
    ranked.sort(key=lambda hit: hit[1], reverse=True)  # ...then a stable sort on score
    seen = set()
    docnos = []
    for docno, _ in ranked:
        if docno in seen:
            raise ValueError(f"duplicate document {docno} in a run")
        seen.add(docno)
        docnos.append(docno)
    return docnos[:depth]


def evaluate_query(hits, judgments):
    """The four measures for one query: hits is [(docno, score)], judgments {docno: relevance}."""
    ranked = trec_order(hits)
    relevances = [judgments.get(docno, 0) for docno in ranked]
    number_relevant = sum(1 for value in judgments.values() if value >= 1)

    found = 0
    precision_sum = 0.0
    for rank, value in enumerate(relevances, 1):
        if value >= 1:
            found += 1
            precision_sum += found / rank
    average_precision = precision_sum / number_relevant if number_relevant else 0.0
    recall = found / number_relevant if number_relevant else 0.0
    precision_10 = sum(1 for value in relevances[:10] if value >= 1) / 10

    def dcg(gains):
        return sum(gain / (math.log2(rank) if rank > 1 else 1.0)
                   for rank, gain in enumerate(gains, 1) if gain > 0)

    ideal = dcg(sorted((value for value in judgments.values() if value > 0), reverse=True)[:10])
    ndcg_10 = dcg(relevances[:10]) / ideal if ideal > 0 else 0.0
    return {"map": average_precision, "ndcg_cut_10": ndcg_10, "P_10": precision_10, "recall_1000": recall}


def evaluate(run, qrels):
    """Per-query measures and their means: run is {qid: [(docno, score)]}, qrels {qid: {docno: rel}}.

    Returns (means, per_query); every query of the qrels is evaluated, a missing one as an empty run.
    """
    per_query = {qid: evaluate_query(run.get(qid, []), qrels[qid]) for qid in qrels}
    count = len(per_query)
    means = {measure: (sum(values[measure] for values in per_query.values()) / count if count else 0.0)
             for measure in MEASURES}
    return means, per_query


def self_test():
    """Check the measures against values worked out by hand (and with trec_eval's rules)."""
    failures = []

    def check(name, got, expected):
        if abs(got - expected) > 1e-9:
            failures.append(f"{name}: got {got!r}, expected {expected!r}")

    # Query 1: binary qrels, relevant d1 d3 d7 (d7 never retrieved); d9 judged non-relevant.
    # Run scores give the order d3 d2 d1 d9 (d2 unjudged, d9 judged non-relevant).
    qrels = {"1": {"d1": 1, "d3": 1, "d7": 1, "d9": 0},
             "2": {"a": 3, "b": 1, "c": 2},
             "3": {"x": 1}}
    run = {"1": [("d1", 2.0), ("d2", 3.0), ("d3", 4.0), ("d9", 1.0)],
           # Query 2: a tie at score 5.0 between "a" and "b": trec_eval puts "b" first (docno descending).
           "2": [("a", 5.0), ("b", 5.0), ("z", 4.0), ("c", 1.0)]}
    # Query 3 retrieves nothing: 0 everywhere.
    means, per_query = evaluate(run, qrels)

    q1 = per_query["1"]
    # Ranks: d3(rel) d2 d1(rel) d9. AP = (1/1 + 2/3) / 3 = 5/9.
    check("q1 map", q1["map"], 5 / 9)
    check("q1 P_10", q1["P_10"], 0.2)
    check("q1 recall_1000", q1["recall_1000"], 2 / 3)
    # DCG@10 = 1 + 1/log2(3); ideal = 1 + 1/log2(2) + 1/log2(3) = 2 + 1/log2(3).
    check("q1 ndcg_cut_10", q1["ndcg_cut_10"], (1 + 1 / math.log2(3)) / (2 + 1 / math.log2(3)))

    q2 = per_query["2"]
    # Order b(1) a(3) z(-) c(2). AP = (1/1 + 2/2 + 3/4) / 3 = 2.75/3.
    check("q2 map", q2["map"], 2.75 / 3)
    check("q2 P_10", q2["P_10"], 0.3)
    check("q2 recall_1000", q2["recall_1000"], 1.0)
    # DCG = 1 + 3/log2(2) + 0 + 2/log2(4) = 1 + 3 + 1 = 5; ideal = 3 + 2/1 + 1/log2(3).
    check("q2 ndcg_cut_10", q2["ndcg_cut_10"], 5 / (5 + 1 / math.log2(3)))

    for measure in MEASURES:
        check(f"q3 {measure}", per_query["3"][measure], 0.0)
    check("mean map", means["map"], (5 / 9 + 2.75 / 3) / 3)

    # Depth: a relevant document at rank 1001 does not count.
    deep = [(f"n{i:04d}", 2000.0 - i) for i in range(1000)] + [("r", 1.0)]
    check("depth recall", evaluate_query(deep, {"r": 1})["recall_1000"], 0.0)
    check("rank 1000 AP", evaluate_query(deep[:999] + [("r", 1.0)], {"r": 1})["map"], 1 / 1000)

    if failures:
        print("metrics self-test FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("metrics self-test passed (map, ndcg_cut_10, P_10, recall_1000, tie order, depth)")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    sys.exit(__doc__.split("\n\n")[1])
