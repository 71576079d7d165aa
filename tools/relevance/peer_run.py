#!/usr/bin/env python3
"""Index one test collection with one peer engine and run its queries: the engine's top 1000 per query.

Usage: python3 tools/relevance/peer_run.py ENGINE DOCS QUERIES_JSON
ENGINE: tantivy | tantivy-fields | tantivy-each-word | fts5 | xapian | bm25s

relevance.py starts one child per engine and collection (Xapian's bindings
live in Debian's /usr/bin/python3, the others in the python3 on PATH).
QUERIES_JSON is {qid: query}, the query already lower-cased and stripped to
words separated by spaces. The last line on stdout is one JSON object:
engine, documents, index_seconds, search_seconds and runs, {qid: [[docno,
score], ...]} best first, at most 1000 hits, only documents that match at
least one query word.

Documents are read, and split into title and body, by tools/bench/peers.py's
`articles` (a text file's first non-empty line is the title, the rest the
body, as in Gazette; empty files are skipped). The docno is the file name
without its extension (`docs/17.txt` is document 17).

Engines (indexing as in tools/bench/peers.py, every ranking at its defaults):
- tantivy: one field holding the title, a newline and the body, with the
  `en_stem` tokenizer (lower-case, Snowball English stemmer); the query goes
  through tantivy's QueryParser on that field (`Index.parse_query(query,
  ["text"])`, OR); BM25 k1 1.2, b 0.75. The QueryParser keeps one clause per
  distinct term, so a word repeated in the query counts once (the other
  engines count it again); this is tantivy as it is by default.
- tantivy-fields (not run unless named): title and body as two `en_stem`
  fields, as tools/bench/peers.py indexes them; the QueryParser on both
  fields, so each word is scored by BM25 in each field with that field's own
  length norm, and the two scores are summed. FTS5's bm25() and Xapian pool
  the title's and the body's term counts and lengths into one document, so
  the one-field tantivy is the like-for-like peer.
- tantivy-each-word (not run unless named): the one-field index, but the
  query is a BooleanQuery with one SHOULD clause per query word, repeats
  included (each clause from `parse_query(word, ["text"])`), so a repeated
  word counts again, as in the other engines: what the QueryParser's merging
  costs.
- fts5: `fts5(path UNINDEXED, title, body, tokenize='porter unicode61')`; the
  query is each word in double quotes joined by OR; ranked by `bm25(articles)`
  (k1 1.2, b 0.75, column weights 1), the lowest (best) first.
- xapian: TermGenerator with the English stemmer, title indexed with prefix S
  and without, body without; QueryParser with the English stemmer,
  STEM_SOME, default operator OR, default flags; BM25Weight defaults
  (k1 1, k2 0, k3 1, b 0.5, min_normlen 0.5).
- bm25s: `bm25s.tokenize(title + "\\n" + body, stemmer=Stemmer.Stemmer("english"))`,
  as bm25s's README does it: lower-case, the pattern `(?u)\\b\\w\\w+\\b`
  (words of two or more characters), its English stopword list (the default),
  PyStemmer's Snowball English stemmer (bm25s stems nothing unless given a
  stemmer; the other three peers stem with Snowball English or Porter);
  `bm25s.BM25()` with its defaults (method "lucene", k1 1.5, b 0.75). Queries
  are tokenized the same way; scores from `BM25.get_scores`, documents scoring
  0 (no query word) dropped, as an OR query would not return them.
"""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from peers import Counter, articles, build_xapian  # noqa: E402  (tools/bench/peers.py)

DEPTH = 1000


def engine_version(engine):
    if engine.startswith("tantivy"):
        from importlib.metadata import version
        return "tantivy-py " + version("tantivy")
    if engine == "fts5":
        import sqlite3
        return "SQLite " + sqlite3.sqlite_version
    if engine == "xapian":
        import xapian
        return "Xapian " + xapian.version_string()
    import bm25s
    from importlib.metadata import version
    return f"bm25s {bm25s.__version__}, PyStemmer {version('PyStemmer')}"


def docno(path):
    return os.path.splitext(os.path.basename(path))[0]


def run_tantivy(documents, queries, directory, separate_fields=False, each_word=False):
    import tantivy

    fields = ["title", "body"] if separate_fields else ["text"]
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("path", stored=True, tokenizer_name="raw", index_option="basic")
    for field in fields:
        builder.add_text_field(field, stored=False, tokenizer_name="en_stem", index_option="position")
    index = tantivy.Index(builder.build(), path=directory)
    writer = index.writer(heap_size=128_000_000, num_threads=1)
    for path, title, body in documents:
        if separate_fields:
            writer.add_document(tantivy.Document(path=docno(path), title=title, body=body))
        else:
            writer.add_document(tantivy.Document(path=docno(path), text=title + "\n" + body))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    yield
    searcher = index.searcher()
    for qid, query in queries.items():
        if not query.strip():
            yield qid, []
            continue
        if each_word:
            parsed = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, index.parse_query(word, fields)) for word in query.split()])
        else:
            parsed = index.parse_query(query, fields)
        hits = searcher.search(parsed, DEPTH).hits
        yield qid, [(searcher.doc(address)["path"][0], score) for score, address in hits]


def run_tantivy_fields(documents, queries, directory):
    return run_tantivy(documents, queries, directory, separate_fields=True)


def run_tantivy_each_word(documents, queries, directory):
    return run_tantivy(documents, queries, directory, each_word=True)


def run_fts5(documents, queries, directory):
    import sqlite3

    connection = sqlite3.connect(os.path.join(directory, "index.sqlite"), isolation_level=None)
    connection.execute(
        "CREATE VIRTUAL TABLE articles USING fts5(path UNINDEXED, title, body, tokenize='porter unicode61')")
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO articles(path, title, body) VALUES (?, ?, ?)",
                           ((docno(path), title, body) for path, title, body in documents))
    connection.execute("COMMIT")
    yield
    for qid, query in queries.items():
        words = query.split()
        if not words:
            yield qid, []
            continue
        match = " OR ".join('"' + word.replace('"', '""') + '"' for word in words)
        rows = connection.execute(
            "SELECT path, bm25(articles) FROM articles WHERE articles MATCH ? ORDER BY bm25(articles) LIMIT ?",
            (match, DEPTH)).fetchall()
        yield qid, [(path, -score) for path, score in rows]
    connection.close()


def run_xapian(documents, queries, directory):
    import xapian

    database = build_xapian(documents, directory, lambda path, title, body: docno(path))
    yield
    parser = xapian.QueryParser()
    parser.set_stemmer(xapian.Stem("english"))
    parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    parser.set_database(database)
    parser.set_default_op(xapian.Query.OP_OR)
    enquire = xapian.Enquire(database)
    for qid, query in queries.items():
        if not query.strip():
            yield qid, []
            continue
        enquire.set_query(parser.parse_query(query))
        yield qid, [(match.document.get_data().decode("utf-8"), match.weight)
                    for match in enquire.get_mset(0, DEPTH)]
    database.close()


def run_bm25s(documents, queries, directory):
    import bm25s
    import numpy
    import Stemmer

    stemmer = Stemmer.Stemmer("english")

    names = []
    texts = []
    for path, title, body in documents:
        names.append(docno(path))
        texts.append(title + "\n" + body)
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stemmer=stemmer, show_progress=False), show_progress=False)
    yield
    for qid, query in queries.items():
        tokens = bm25s.tokenize([query], stemmer=stemmer, return_ids=False, show_progress=False)[0]
        if not any(token in retriever.vocab_dict for token in tokens):
            yield qid, []
            continue
        scores = retriever.get_scores(tokens)
        matching = numpy.flatnonzero(scores > 0)
        best = matching[numpy.argsort(-scores[matching], kind="stable")][:DEPTH]
        yield qid, [(names[i], float(scores[i])) for i in best]


ENGINES = {"tantivy": run_tantivy, "tantivy-fields": run_tantivy_fields, "tantivy-each-word": run_tantivy_each_word, "fts5": run_fts5, "xapian": run_xapian, "bm25s": run_bm25s}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ENGINES:
        sys.exit(__doc__.split("\n\n")[1])
    engine, docs, queries_path = sys.argv[1:]
    with open(queries_path, encoding="utf-8") as f:
        queries = json.load(f)
    counter = Counter()
    with tempfile.TemporaryDirectory(prefix=f"relevance-{engine}-") as directory:
        started = time.perf_counter()
        steps = ENGINES[engine](articles(docs, [], counter), queries, directory)
        next(steps)  # index
        indexed = time.perf_counter()
        runs = {qid: [[name, score] for name, score in hits] for qid, hits in steps}
        searched = time.perf_counter()
    print(json.dumps({"engine": engine, "version": engine_version(engine), "documents": counter.documents,
                      "index_seconds": round(indexed - started, 3),
                      "search_seconds": round(searched - indexed, 3), "runs": runs}))


if __name__ == "__main__":
    main()
