#!/usr/bin/env python3
"""Build a large benchmark corpus of plain article files from the shared corpora.

Usage: python3 tools/bench/make_corpus.py OUT_DIR [--docs 1000000]
                                           [--corpora /work/shared/corpora] [--force]

Writes OUT_DIR/<name>/NNNN/NNNNNNN.{txt,html} (1,000 files per folder) and a
manifest OUT_DIR/corpus.json (kept outside the corpus folder, so no engine
sees it; hence one corpus per OUT_DIR). <name> is `news-<size>` when every file is a distinct real article
and `news-<size>-replicated` when real text ran out and some articles were
copied under new ids; the manifest and the last lines printed say how many of
each.

Real articles, in this order (ids are given in this order):
  reuters21578/NN/*.txt      copied byte for byte (title line, blank line, body)
  bbc/<topic>/*.txt          copied byte for byte (same layout)
  ag_news/test.csv           .txt: title, blank line, description
  html-pages/*/source.html   copied byte for byte (real saved web pages)
  gothamist/posts.jsonl.gz   .html: <title> + the post's HTML in an <article>
  rss-news-2023/*.jsonl.gz   .txt (title, blank line, description with entities
                             decoded), or .html like Gothamist when the
                             description holds HTML tags

With --docs N below the number of real articles, N of them are taken evenly
spread over that sequence (so every source keeps its share). Above it, every
real article is written once and the rest are replicas: replica j (0-based,
id R + j for R real articles and M replicas) is a byte copy of real article
floor(j * R / M), again evenly spread. Same inputs, same output: nothing is
random and nothing depends on the clock.

Standard library only. The output is research/benchmark data (see the
corpora's README for terms): never commit it.
"""
import argparse
import csv
import glob
import gzip
import html
import io
import json
import os
import re
import shutil
import sys
import time

FILES_PER_FOLDER = 1000
DEFAULT_CORPORA = "/work/shared/corpora"
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def html_page(title, body_html):
    """A minimal page: the title in <title>, the body in <article> (what Gazette reads)."""
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        + html.escape(html.unescape(title).replace("\n", " ").strip(), quote=False)
        + "</title></head>\n<body><article>\n"
        + body_html
        + "\n</article></body></html>\n"
    ).encode("utf-8")


def text_article(title, body):
    title = " ".join(title.split())
    return (title + "\n\n" + body.strip() + "\n").encode("utf-8")


def sorted_files(pattern):
    return sorted(glob.glob(pattern))


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


# Each source yields (extension, bytes) for its articles in a fixed order.

def reuters(root):
    for path in sorted_files(os.path.join(root, "reuters21578", "[0-9][0-9]", "*.txt")):
        yield "txt", read_bytes(path)


def bbc(root):
    for path in sorted_files(os.path.join(root, "bbc", "*", "*.txt")):
        if os.path.basename(path).upper() == "README.TXT":
            continue
        yield "txt", read_bytes(path)


def ag_news(root):
    with open(os.path.join(root, "ag_news", "test.csv"), newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) < 3:
                continue
            # The CSV writes newlines as a backslash and an n.
            yield "txt", text_article(row[1], row[2].replace("\\n", "\n"))


def html_pages(root):
    for path in sorted_files(os.path.join(root, "html-pages", "*", "source.html")):
        yield "html", read_bytes(path)


def gzip_lines(path):
    with gzip.open(path, "rb") as raw:
        for line in io.BufferedReader(raw, 1 << 20):
            if line.strip():
                yield json.loads(line)


def gothamist(root):
    for post in gzip_lines(os.path.join(root, "gothamist", "posts.jsonl.gz")):
        yield "html", html_page(post.get("title") or "", post.get("body_html") or "")


def rss(root):
    for path in sorted_files(os.path.join(root, "rss-news-2023", "items-*.jsonl.gz")):
        for item in gzip_lines(path):
            title = item.get("title") or ""
            description = item.get("description") or ""
            if HTML_TAG.search(description):
                yield "html", html_page(title, description)
            else:
                yield "txt", text_article(html.unescape(title), html.unescape(description))


SOURCES = [
    ("reuters21578", "reuters21578/NN/*.txt", reuters),
    ("bbc", "bbc/*/*.txt", bbc),
    ("ag_news", "ag_news/test.csv", ag_news),
    ("html-pages", "html-pages/*/source.html", html_pages),
    ("gothamist", "gothamist/posts.jsonl.gz", gothamist),
    ("rss-news-2023", "rss-news-2023/items-2023-*.jsonl.gz", rss),
]


def size_name(n):
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def article_path(folder, doc_id, ext):
    return os.path.join(folder, f"{doc_id // FILES_PER_FOLDER:04d}", f"{doc_id:07d}.{ext}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", help="parent folder; the corpus goes in OUT_DIR/<name>/")
    parser.add_argument("--docs", type=int, default=1_000_000, help="number of article files (default 1000000)")
    parser.add_argument("--corpora", default=DEFAULT_CORPORA, help=f"shared corpora (default {DEFAULT_CORPORA})")
    parser.add_argument("--force", action="store_true", help="replace an existing corpus folder of the same name")
    args = parser.parse_args()
    if args.docs < 1:
        parser.error("--docs must be at least 1")
    if args.docs >= 10_000_000:
        parser.error("--docs must be below 10,000,000 (file names have 7 digits)")

    started = time.monotonic()
    articles = []  # (ext, bytes), real articles in source order
    sources = []
    for name, pattern, reader in SOURCES:
        first = len(articles)
        count_bytes = 0
        for ext, data in reader(args.corpora):
            articles.append((ext, data))
            count_bytes += len(data)
        sources.append({"source": name, "from": pattern, "articles": len(articles) - first, "bytes": count_bytes})
        print(f"read {name}: {len(articles) - first:,} articles, {count_bytes:,} bytes", file=sys.stderr)
    real_available = len(articles)
    if real_available == 0:
        sys.exit(f"make_corpus: no articles found under {args.corpora}")

    n = args.docs
    if n <= real_available:
        real = n
        replicas = 0
        # Evenly spread over all real articles, so each source keeps its share.
        chosen = [i * real_available // n for i in range(n)]
    else:
        real = real_available
        replicas = n - real
        chosen = list(range(real))

    name = f"news-{size_name(n)}" + ("-replicated" if replicas else "")
    folder = os.path.join(args.out_dir, name)
    manifest_path = os.path.join(args.out_dir, "corpus.json")
    # One corpus per OUT_DIR: its corpus.json must not be overwritten by another corpus's.
    try:
        with open(manifest_path) as f:
            previous = json.load(f).get("name")
    except (OSError, ValueError):
        previous = None
    if previous and previous != name and os.path.isdir(os.path.join(args.out_dir, previous)):
        sys.exit(f"make_corpus: {args.out_dir} already holds the corpus {previous} (see {manifest_path}); "
                 f"choose another OUT_DIR for {name}")
    if os.path.exists(folder):
        if not args.force:
            sys.exit(f"make_corpus: {folder} exists; use --force to replace it")
        removing = time.monotonic()
        shutil.rmtree(folder)
        started += time.monotonic() - removing  # the build time leaves out deleting the old corpus
    os.makedirs(folder)

    # Per-source counts of what was actually written (for a subset, fewer than read).
    bounds = []
    start = 0
    for source in sources:
        bounds.append((start, start + source["articles"], source))
        start += source["articles"]

    def source_of(index):
        for lo, hi, source in bounds:
            if lo <= index < hi:
                return source
        raise AssertionError(index)

    for source in sources:
        source.update(written=0, written_bytes=0, first_id=None, last_id=None, replicas=0, replica_bytes=0)

    made_folders = set()

    def write(doc_id, ext, data):
        path = article_path(folder, doc_id, ext)
        shard = doc_id // FILES_PER_FOLDER
        if shard not in made_folders:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            made_folders.add(shard)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)

    counts = {"txt": 0, "html": 0}
    real_bytes = 0
    for doc_id, index in enumerate(chosen):
        ext, data = articles[index]
        write(doc_id, ext, data)
        counts[ext] += 1
        real_bytes += len(data)
        source = source_of(index)
        source["written"] += 1
        source["written_bytes"] += len(data)
        if source["first_id"] is None:
            source["first_id"] = doc_id
        source["last_id"] = doc_id
        if (doc_id + 1) % 100_000 == 0:
            print(f"  {doc_id + 1:,} files", file=sys.stderr)

    replica_bytes = 0
    for j in range(replicas):
        index = j * real // replicas
        ext, data = articles[index]
        doc_id = real + j
        write(doc_id, ext, data)
        counts[ext] += 1
        replica_bytes += len(data)
        source = source_of(index)
        source["replicas"] += 1
        source["replica_bytes"] += len(data)
        if (doc_id + 1) % 100_000 == 0:
            print(f"  {doc_id + 1:,} files", file=sys.stderr)

    seconds = time.monotonic() - started
    manifest = {
        "name": name,
        "folder": os.path.abspath(folder),
        "generator": "tools/bench/make_corpus.py",
        "corpora": os.path.abspath(args.corpora),
        "documents": n,
        "real_documents": real,
        "replica_documents": replicas,
        "real_available": real_available,
        "bytes": real_bytes + replica_bytes,
        "real_bytes": real_bytes,
        "replica_bytes": replica_bytes,
        "txt_files": counts["txt"],
        "html_files": counts["html"],
        "files_per_folder": FILES_PER_FOLDER,
        "layout": "NNNN/NNNNNNN.{txt,html}: folder = id // 1000, file = 7-digit id",
        "selection": (
            f"ids 0..{real - 1}: real article floor(id * {real_available} / {n}) of the source sequence"
            if n <= real_available else
            f"ids 0..{real - 1}: every real article once, in source order; "
            f"ids {real}..{n - 1}: replica j = id - {real} is a byte copy of real id floor(j * {real} / {replicas})"
        ),
        "sources": [
            {k: s[k] for k in ("source", "from", "articles", "bytes", "written", "written_bytes", "first_id",
                               "last_id", "replicas", "replica_bytes")}
            for s in sources
        ],
        "build_seconds": round(seconds, 1),
    }
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

    mb = 1e6
    print(f"corpus: {folder}")
    print(f"  {n:,} files ({counts['txt']:,} .txt, {counts['html']:,} .html), "
          f"{(real_bytes + replica_bytes) / mb:,.1f} MB, in {seconds:.0f} s")
    print(f"  real articles: {real:,} ({real_bytes / mb:,.1f} MB) of {real_available:,} available")
    if replicas:
        print(f"  REPLICAS: {replicas:,} ({replica_bytes / mb:,.1f} MB) are byte copies of real articles "
              f"under new ids: real text ran out at {real_available:,}")
    print(f"  manifest: {manifest_path}")


if __name__ == "__main__":
    main()
