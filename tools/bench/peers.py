#!/usr/bin/env python3
"""Index a folder of articles with one peer engine, the way `gazette index` does.

Usage: python3 tools/bench/peers.py ENGINE CORPUS INDEX_DIR [--threads N] [--heap-mb MB]
ENGINE: tantivy | fts5 | xapian

One process does everything that `gazette index` does, so that `bench.py` can
time it from outside and take its peak RSS: walk CORPUS (sorted, hidden names
skipped, symbolic links followed), read each .txt/.text/.html/.htm/.xhtml
file, split it into title and body, and index title and body with positions,
stemmed with an English stemmer, storing path, title and body. The last line
on stdout is one JSON object: engine, documents, skipped, input bytes,
seconds (in-process).

Title and body:
- text: the first non-empty line is the title, the rest the body (as Gazette);
- HTML: regular expressions, not a parser: comments, script, style, noscript
  and template elements are dropped, the title is og:title, else <title>, else
  the first <h1>; the body is the <article> (else <main>, else <body>) with
  its tags removed and entities decoded. This is much cheaper than Gazette's
  libxml2 parse and block-aware text extraction, which favours the peers.
Files over 64 MiB, empty files and files with a NUL byte are skipped, like
Gazette; invalid UTF-8 is replaced with U+FFFD.

Engines:
- tantivy: `en_stem` tokenizer on title and body (positions), stored; path
  stored; writer(heap_size, num_threads); one commit, then wait for merges.
- fts5: sqlite3 FTS5 table (path UNINDEXED, title, body),
  tokenize='porter unicode61' (positions: detail=full, the default), content
  stored in the table; one transaction; defaults otherwise (no 'optimize').
- xapian: TermGenerator with the English stemmer (positions on), title indexed
  with prefix S and unprefixed, body unprefixed; path, title and body stored
  as the document data; one commit at the end (Xapian still flushes every
  XAPIAN_FLUSH_THRESHOLD documents, default 10,000).
"""
import argparse
import html
import json
import os
import re
import sys
import time

TEXT_EXTENSIONS = {"txt", "text"}
HTML_EXTENSIONS = {"html", "htm", "xhtml"}
MAXIMUM_FILE_SIZE = 64 << 20  # as Gazette's ArticleReader.maximumFileSize


def corpus_files(root, exclude):
    """Indexable files under root, sorted by name within each folder, skipping hidden names
    and the folders in `exclude`; each real folder is entered once."""
    exclude = {os.path.realpath(p) for p in exclude}
    seen = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen or real in exclude:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            ext = name.rsplit(".", 1)[-1].lower() if "." in name[1:] else ""
            if ext in TEXT_EXTENSIONS or ext in HTML_EXTENSIONS:
                yield os.path.join(folder, name), ext in HTML_EXTENSIONS


def split_text(text):
    text = text.lstrip("\ufeff")
    parts = text.lstrip().split("\n", 1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


_DROP = re.compile(r"<!--.*?-->|<(script|style|noscript|template)\b.*?</\1\s*>", re.S | re.I)
_OG_TITLE = re.compile(r"<meta\s[^>]*property=[\"']og:title[\"'][^>]*>", re.I)
_CONTENT = re.compile(r"content=(?:\"([^\"]*)\"|'([^']*)')", re.I)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.S | re.I)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.S | re.I)
_REGIONS = [re.compile(rf"<{tag}\b[^>]*>(.*)</{tag}\s*>", re.S | re.I) for tag in ("article", "main", "body")]
_BLOCK = re.compile(r"</?(?:p|div|br|li|h[1-6]|tr|blockquote|section)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\s*\n\s*")


def strip_tags(fragment):
    text = html.unescape(_TAG.sub("", _BLOCK.sub("\n", fragment)))
    return _LINES.sub("\n", _SPACES.sub(" ", text)).strip()


def split_html(text):
    text = _DROP.sub(" ", text)
    title = ""
    meta = _OG_TITLE.search(text)
    if meta:
        content = _CONTENT.search(meta.group(0))
        if content:
            title = html.unescape(content.group(1) or content.group(2) or "").strip()
    if not title:
        match = _TITLE.search(text) or _H1.search(text)
        if match:
            title = " ".join(strip_tags(match.group(1)).split())
    body_html = text
    for region in _REGIONS:
        match = region.search(text)
        if match:
            body_html = match.group(1)
            break
    else:
        body_html = _TITLE.sub(" ", text)
    return title, strip_tags(body_html)


class Counter:
    def __init__(self):
        self.documents = 0
        self.skipped = 0
        self.bytes = 0


def read_article(path, is_html, counter):
    """(title, body) of one file, or None when it is skipped (counted in `counter`)."""
    try:
        if os.path.getsize(path) > MAXIMUM_FILE_SIZE:
            counter.skipped += 1
            return None
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        counter.skipped += 1
        return None
    if not data or b"\0" in data:
        counter.skipped += 1
        return None
    counter.bytes += len(data)
    text = data.decode("utf-8", "replace")
    title, body = split_html(text) if is_html else split_text(text)
    if not title and not body:
        counter.skipped += 1
        return None
    counter.documents += 1
    return title or os.path.basename(path), body


def articles(root, exclude, counter):
    """(path, title, body) for every indexable article, in corpus order."""
    for path, is_html in corpus_files(root, exclude):
        article = read_article(path, is_html, counter)
        if article:
            yield path, article[0], article[1]


def index_tantivy(docs, directory, threads, heap_mb):
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("path", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem", index_option="position")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem", index_option="position")
    index = tantivy.Index(builder.build(), path=directory)
    writer = index.writer(heap_size=heap_mb * 1_000_000, num_threads=threads)
    for path, title, body in docs:
        writer.add_document(tantivy.Document(path=path, title=title, body=body))
    writer.commit()
    writer.wait_merging_threads()


def index_fts5(docs, directory, threads, heap_mb):
    import sqlite3

    connection = sqlite3.connect(os.path.join(directory, "index.sqlite"), isolation_level=None)
    connection.execute(
        "CREATE VIRTUAL TABLE articles USING fts5(path UNINDEXED, title, body, tokenize='porter unicode61')")
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO articles(path, title, body) VALUES (?, ?, ?)", docs)
    connection.execute("COMMIT")
    connection.close()


def build_xapian(docs, directory, data):
    """Indexes (path, title, body) docs into a new Xapian database in `directory`
    (title prefixed "S" and in the text, then the body, Snowball English), each
    document's data being data(path, title, body); returns it committed, open."""
    import xapian

    database = xapian.WritableDatabase(directory, xapian.DB_CREATE_OR_OVERWRITE)
    generator = xapian.TermGenerator()
    generator.set_stemmer(xapian.Stem("english"))
    for path, title, body in docs:
        document = xapian.Document()
        generator.set_document(document)
        generator.index_text(title, 1, "S")
        generator.index_text(title)
        generator.increase_termpos()
        generator.index_text(body)
        document.set_data(data(path, title, body))
        database.add_document(document)
    database.commit()
    return database


def index_xapian(docs, directory, threads, heap_mb):
    build_xapian(docs, directory, lambda path, title, body: path + "\n" + title + "\n\n" + body).close()


ENGINES = {"tantivy": index_tantivy, "fts5": index_fts5, "xapian": index_xapian}
MODULES = {"tantivy": "tantivy", "fts5": "sqlite3", "xapian": "xapian"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("engine", choices=sorted(ENGINES))
    parser.add_argument("corpus")
    parser.add_argument("index_dir")
    parser.add_argument("--threads", type=int, default=1, help="indexing threads (tantivy only; default 1)")
    parser.add_argument("--heap-mb", type=int, default=256, help="tantivy writer heap, all threads (default 256)")
    args = parser.parse_args()
    if not os.path.isdir(args.corpus):
        sys.exit(f"peers: {args.corpus}: not a folder")
    if args.threads != 1 and args.engine != "tantivy":
        print(f"peers: {args.engine} indexes on one thread; --threads ignored", file=sys.stderr)
    os.makedirs(args.index_dir, exist_ok=True)
    if os.listdir(args.index_dir):
        sys.exit(f"peers: {args.index_dir}: not empty; give a new or empty folder")
    started = time.perf_counter()
    counter = Counter()
    ENGINES[args.engine](articles(args.corpus, [args.index_dir], counter), args.index_dir, args.threads,
                         args.heap_mb)
    seconds = time.perf_counter() - started
    print(json.dumps({"engine": args.engine, "documents": counter.documents, "skipped": counter.skipped,
                      "bytes": counter.bytes, "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
