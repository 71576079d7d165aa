#!/usr/bin/env python3
"""Ranking quality of Gazette and its peers on the classic IR test collections.

Usage: python3 tools/relevance/relevance.py [--collections PATH] [--collections-only adi,cran]
           [--engines gazette,tantivy,fts5,xapian,bm25s] [--gazette PATH] [--gazette-args=ARGS]
           [--search-args=ARGS] [--no-batch] [--out FILE.json]
(--engines also takes tantivy-fields and tantivy-each-word; see README.md)

For each collection (a folder with docs/, queries.tsv and a TREC qrels.txt)
and each engine, index docs/, run every query for its top 1000, and score
MAP, nDCG@10, P@10 and recall@1000 with trec_eval's definitions
(metrics.py). Prints one Markdown table per measure: a row per collection
and the mean of the collections, a column per engine.

Every engine gets the same query: the text of queries.tsv lower-cased and
stripped to its words (runs of letters, digits and "_"), joined by spaces,
words combined with OR. Documents are the files of docs/; a file's name
without extension is its docno in the qrels.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import metrics  # noqa: E402

COLLECTIONS = ("adi", "cacm", "cisi", "cran", "lisa", "med", "npl", "time")
ENGINES = ("gazette", "tantivy", "fts5", "xapian", "bm25s")
OPTIONAL_ENGINES = ("tantivy-fields", "tantivy-each-word")  # run only when named in --engines
# Peer engine: (the Python that runs peer_run.py for it, the modules it imports, how to install them).
# Xapian's bindings are Debian's python3-xapian, in /usr/bin/python3 only.
PEERS = {
    "tantivy": (sys.executable, "tantivy", "pip install tantivy"),
    "tantivy-fields": (sys.executable, "tantivy", "pip install tantivy"),
    "tantivy-each-word": (sys.executable, "tantivy", "pip install tantivy"),
    "fts5": (sys.executable, "sqlite3", "a Python built with sqlite3"),
    "xapian": ("/usr/bin/python3", "xapian", "apt-get install -y python3-xapian"),
    "bm25s": (sys.executable, "bm25s, Stemmer", "pip install bm25s PyStemmer"),
}
MEASURE_TITLES = {"map": "MAP", "ndcg_cut_10": "nDCG@10", "P_10": "P@10", "recall_1000": "Recall@1000"}
WORD = re.compile(r"\w+")


def normalise_query(text):
    """The query every engine sees: lower-cased, stripped to words, space-separated."""
    return " ".join(WORD.findall(text.lower()))


def read_queries(path):
    """{qid: text} from a queries.tsv (qid TAB text), in file order."""
    queries = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if "\t" not in line:
                raise ValueError(f"{path}:{number}: no tab between query id and text")
            qid, text = line.split("\t", 1)
            queries[qid.strip()] = text
    return queries


def docno(path):
    return os.path.splitext(os.path.basename(path))[0]


def engine_available(engine, gazette):
    """None if the engine can run, else a message saying what is missing."""
    if engine == "gazette":
        return None if os.access(gazette, os.X_OK) else (
            f"{gazette} not found; build it with `swift build -c release` or give --gazette")
    python, modules, install = PEERS[engine]
    if not os.access(python, os.X_OK):
        return f"{python} not found ({install})"
    check = subprocess.run([python, "-c", f"import {modules}"], capture_output=True)
    return None if check.returncode == 0 else f"{python} cannot import {modules} ({install})"


def run_peer(engine, docs, queries):
    """{qid: [(docno, score)]} and timings from peer_run.py in a child process."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump(queries, f)
        queries_path = f.name
    try:
        child = subprocess.run([PEERS[engine][0], os.path.join(HERE, "peer_run.py"), engine, docs, queries_path],
                               capture_output=True, text=True)
    finally:
        os.unlink(queries_path)
    if child.returncode != 0:
        raise RuntimeError(f"{engine} failed (exit {child.returncode}): {child.stderr.strip()[-2000:]}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    runs = {qid: [(name, score) for name, score in hits] for qid, hits in result["runs"].items()}
    return runs, {key: result[key] for key in ("version", "documents", "index_seconds", "search_seconds")}


def gazette_version(gazette):
    """`gazette --version` and, when the binary is this repository's build, the last commit to its sources."""
    version = subprocess.run([gazette, "--version"], capture_output=True, text=True).stdout.strip()
    if os.path.dirname(gazette) == os.path.join(REPOSITORY, ".build", "release"):
        commit = subprocess.run(["git", "-C", REPOSITORY, "log", "-1", "--format=%h", "--", "Sources", "Package.swift"],
                                capture_output=True, text=True).stdout.strip()
        changed = subprocess.run(["git", "-C", REPOSITORY, "status", "--porcelain", "--", "Sources", "Package.swift"],
                                 capture_output=True, text=True).stdout.strip()
        if commit:
            version += f" (sources at commit {commit}{', with uncommitted changes' if changed else ''})"
    return f"Gazette {version}"


def gazette_help(gazette):
    return subprocess.run([gazette, "search", "--help"], capture_output=True, text=True).stdout


def parse_gazette_hits(answer):
    return [(docno(hit["path"]), float(hit["score"])) for hit in answer.get("hits", [])]


def run_gazette(gazette, docs, queries, use_batch, index_arguments, search_arguments=()):
    """Index docs with `gazette index` into a temporary folder, then search each query (top 1000)."""
    directory = tempfile.mkdtemp(prefix="relevance-gazette-")
    index = os.path.join(directory, "index")
    try:
        started = time.perf_counter()
        indexing = subprocess.run([gazette, "index", docs, "--index", index, "--rebuild", "-q", *index_arguments],
                                  capture_output=True, text=True)
        if indexing.returncode != 0:
            raise RuntimeError(f"gazette index failed (exit {indexing.returncode}): {indexing.stderr.strip()}")
        match = re.search(r"Indexed ([\d,]+) documents", indexing.stdout + indexing.stderr)
        indexed = time.perf_counter()
        if use_batch:
            runs = search_gazette_batch(gazette, index, queries, directory, search_arguments)
        else:
            runs = {qid: search_gazette_one(gazette, index, query, search_arguments) for qid, query in queries.items()}
        searched = time.perf_counter()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return runs, {"version": gazette_version(gazette), "documents": int(match.group(1).replace(",", "")) if match else None,
                  "index_seconds": round(indexed - started, 3), "search_seconds": round(searched - indexed, 3),
                  "mode": "batch" if use_batch else "one process per query",
                  "index_arguments": index_arguments, "search_arguments": list(search_arguments)}


def search_gazette_one(gazette, index, query, search_arguments=()):
    words = query.split()
    if not words:
        return []
    child = subprocess.run([gazette, "search", "--index", index, "--limit", str(metrics.DEPTH), "--json",
                            *search_arguments, "--", *words], capture_output=True, text=True)
    output = child.stdout.strip()
    if not output:
        if child.returncode != 0:
            raise RuntimeError(f"gazette search {query!r} failed (exit {child.returncode}): {child.stderr.strip()}")
        return []
    return parse_gazette_hits(json.loads(output))


def search_gazette_batch(gazette, index, queries, directory, search_arguments=()):
    """All queries through one `gazette search --batch FILE` process.

    FILE holds one query per line; Gazette answers with one JSON object per line in the --json shape,
    carrying the query's line number (1-based) as "line"; without it the answers are taken in order.
    """
    qids = list(queries)
    batch = os.path.join(directory, "queries.txt")
    with open(batch, "w", encoding="utf-8") as f:
        for qid in qids:
            f.write(queries[qid] + "\n")
    child = subprocess.run([gazette, "search", "--batch", batch, "--index", index, "--limit", str(metrics.DEPTH),
                            "--json", *search_arguments], capture_output=True, text=True)
    if child.returncode != 0:
        raise RuntimeError(f"gazette search --batch failed (exit {child.returncode}): {child.stderr.strip()}")
    runs = {}
    answers = [json.loads(line) for line in child.stdout.splitlines() if line.strip()]
    for position, answer in enumerate(answers):
        line = answer.get("line", answer.get("query_line", position + 1))
        if not 1 <= line <= len(qids):
            raise RuntimeError(f"gazette search --batch answered line {line}; there are {len(qids)} queries")
        runs[qids[line - 1]] = parse_gazette_hits(answer)
    return runs


def markdown_table(measure, results, collections, engines):
    lines = [f"| {MEASURE_TITLES[measure]} | " + " | ".join(engines) + " |",
             "| --- | " + " | ".join("---:" for _ in engines) + " |"]
    for collection in collections:
        cells = []
        for engine in engines:
            value = results.get(collection, {}).get(engine)
            cells.append(f"{value['means'][measure]:.3f}" if value else "–")
        lines.append(f"| {collection} | " + " | ".join(cells) + " |")
    cells = []
    for engine in engines:
        values = [results[c][engine]["means"][measure] for c in collections if engine in results.get(c, {})]
        cells.append(f"**{sum(values) / len(values):.3f}**" if len(values) == len(collections) else "–")
    lines.append("| **mean** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collections", default=os.path.join(REPOSITORY, "..", "shared", "corpora", "testcollections"),
                        help="folder holding the collections (default: ../shared/corpora/testcollections "
                             "beside the repository)")
    parser.add_argument("--collections-only", help="comma-separated collections to run (default: all eight)")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated (default: {','.join(ENGINES)}; also: {','.join(OPTIONAL_ENGINES)})")
    parser.add_argument("--gazette", default=os.path.join(REPOSITORY, ".build", "release", "gazette"),
                        help="the gazette binary (default: .build/release/gazette)")
    parser.add_argument("--no-batch", action="store_true",
                        help="one `gazette search` per query even when Gazette has --batch")
    parser.add_argument("--gazette-args", default="",
                        help="extra arguments for `gazette index`, space-separated, e.g. --no-actors")
    parser.add_argument("--search-args", default="",
                        help="extra arguments for `gazette search`, space-separated, e.g. '--k1 1.2 --b 0.75'")
    parser.add_argument("--out", help="also write the measures (means and per query) and timings as JSON")
    args = parser.parse_args()

    root = os.path.abspath(args.collections)
    if not os.path.isdir(root):
        sys.exit(f"relevance: {root}: no such folder. The test collections (adi cacm cisi cran lisa med npl time, "
                 f"each with docs/, queries.tsv, qrels.txt) are expected there; give --collections PATH.")
    collections = args.collections_only.split(",") if args.collections_only else list(COLLECTIONS)
    for collection in collections:
        folder = os.path.join(root, collection)
        missing = [name for name in ("docs", "queries.tsv", "qrels.txt") if not os.path.exists(os.path.join(folder, name))]
        if missing:
            sys.exit(f"relevance: {folder}: missing {', '.join(missing)}")
    engines = args.engines.split(",")
    unknown = [engine for engine in engines if engine not in ENGINES + OPTIONAL_ENGINES]
    if unknown:
        sys.exit(f"relevance: unknown engine {', '.join(unknown)}; choose from {', '.join(ENGINES + OPTIONAL_ENGINES)}")
    gazette = os.path.abspath(args.gazette)
    available = []
    for engine in engines:
        problem = engine_available(engine, gazette)
        if problem:
            print(f"relevance: skipping {engine}: {problem}", file=sys.stderr)
        else:
            available.append(engine)
    if not available:
        sys.exit("relevance: no engine can run")
    use_batch = ("gazette" in available and not args.no_batch and "--batch" in gazette_help(gazette))

    results = {}
    for collection in collections:
        folder = os.path.join(root, collection)
        queries = {qid: normalise_query(text) for qid, text in read_queries(os.path.join(folder, "queries.tsv")).items()}
        qrels = metrics.read_qrels(os.path.join(folder, "qrels.txt"))
        unanswerable = sorted(set(qrels) - set(queries))
        if unanswerable:
            sys.exit(f"relevance: {collection}: qrels name queries not in queries.tsv: {', '.join(unanswerable[:5])}")
        docs = os.path.join(folder, "docs")
        evaluated = {qid: queries[qid] for qid in queries if qid in qrels}
        results[collection] = {}
        for engine in available:
            started = time.perf_counter()
            if engine == "gazette":
                runs, info = run_gazette(gazette, docs, evaluated, use_batch, args.gazette_args.split(),
                                         args.search_args.split())
            else:
                runs, info = run_peer(engine, docs, evaluated)
            means, per_query = metrics.evaluate(runs, qrels)
            info["wall_seconds"] = round(time.perf_counter() - started, 3)
            info["queries"] = len(per_query)
            info["queries_without_hits"] = sum(1 for qid in per_query if not runs.get(qid))
            results[collection][engine] = {"means": means, "per_query": per_query, "info": info}
            print(f"relevance: {collection} {engine}: MAP {means['map']:.3f} ({len(per_query)} queries, "
                  f"{info['documents']} documents, {info['wall_seconds']:.1f} s)", file=sys.stderr)

    print(f"Top {metrics.DEPTH}, queries lower-cased and stripped to words, OR; trec_eval definitions "
          f"(relevant: qrels value >= 1).")
    versions = {}
    for collection in collections:
        for engine, value in results[collection].items():
            versions.setdefault(engine, value["info"]["version"])
    print("Engines: " + "; ".join(f"{engine}: {version}" for engine, version in versions.items()) + ".\n")
    for measure in metrics.MEASURES:
        print(markdown_table(measure, results, collections, available) + "\n")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"collections": collections, "engines": available, "depth": metrics.DEPTH,
                       "gazette_search": "batch" if use_batch else "one process per query",
                       "results": results}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
