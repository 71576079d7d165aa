#!/usr/bin/env python3
"""Index a folder of .txt articles with tantivy (pip `tantivy`), as Gazette does,
and time it, so the two can be compared in the same run.

Same input as `gazette index`: every .txt under the folder, first non-empty line
the title, the rest the body; title and body indexed with positions and stored,
plus the path stored. One writer thread and a 256 MB heap budget; one commit.

Usage: python3 tools/bench_tantivy.py FOLDER [RUNS]
Prints the median wall time of indexing (read files + index + commit) and the
index size, then the median in-process time of the benchmark queries.
"""
import os
import shutil
import statistics
import sys
import tempfile
import time

import tantivy

QUERIES = [
    "oil prices", "opec output quota", "interest rates bundesbank", "iran iraq war", "trade deficit japan",
    "the", "temporao", "coffee cocoa sugar", "merger acquisition shares", "grain exports soviet union",
]


def articles(folder):
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(".txt"):
                continue
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
            lines = text.lstrip().split("\n", 1)
            yield path, lines[0].strip(), (lines[1].strip() if len(lines) > 1 else "")


def build(folder, directory):
    schema = tantivy.SchemaBuilder()
    schema.add_text_field("path", stored=True, tokenizer_name="raw")
    schema.add_text_field("title", stored=True)
    schema.add_text_field("body", stored=True)
    schema = schema.build()
    index = tantivy.Index(schema, path=directory)
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    count = 0
    for path, title, body in articles(folder):
        writer.add_document(tantivy.Document(path=path, title=title, body=body))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return index, count


def size(directory):
    return sum(os.path.getsize(os.path.join(directory, n)) for n in os.listdir(directory))


def main():
    folder = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    times = []
    for _ in range(runs):
        directory = tempfile.mkdtemp(prefix="tantivy-bench-")
        start = time.perf_counter()
        index, count = build(folder, directory)
        times.append(time.perf_counter() - start)
        last_size = size(directory)
        last_dir = directory
    print(f"tantivy index {folder}: median {statistics.median(times) * 1000:.1f} ms over {runs} runs "
          f"({count} documents, {last_size / 1e6:.1f} MB)")
    index.reload()
    searcher = index.searcher()
    query_times = []
    for _ in range(max(runs, 20)):
        start = time.perf_counter()
        total = 0
        for text in QUERIES:
            query = index.parse_query(text, ["title", "body"])
            result = searcher.search(query, 10)
            total += len(result.hits)
            for _, address in result.hits:
                searcher.doc(address)
        query_times.append(time.perf_counter() - start)
    print(f"tantivy search {len(QUERIES)} queries (top 10, stored docs, no snippets): "
          f"median {statistics.median(query_times) * 1000:.3f} ms")
    shutil.rmtree(last_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
