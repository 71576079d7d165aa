#!/usr/bin/env python3
"""Main-content extraction quality and speed: Gazette against trafilatura,
readability-lxml and resiliparse on the real pages of ../shared/corpora/html-pages.

Usage:
  python3 tools/extraction/score.py [--pages DIR] [--gazette BIN] [--runs 5]
      [--engines gazette,trafilatura,readability,resiliparse] [--out REPORT.json]

Each page folder holds source.html, expected.txt (the text a reader should
get) and expected-metadata.json (its title). Per page:
- word F1: the extracted text and expected.txt as bags of lower-cased words
  (\\w+ runs, with counts); precision and recall over the bags' overlap;
- exact title: the extracted title equals the expected one, white space
  collapsed.
Both are averaged over the pages. Speed is pages per second on one core:
Gazette's is one `gazette extract --json` process over all the pages (start
and JSON printing included), the median of --runs; a peer's is its Python
function timed in-process over all the pages, the median of --runs. A peer
that cannot be imported is skipped with a message (pip install trafilatura
readability-lxml resiliparse). Prints one Markdown table.
"""
import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORD = re.compile(r"\w+", re.UNICODE)


def words(text):
    return collections.Counter(WORD.findall((text or "").lower()))


def f1(predicted, expected):
    p, e = words(predicted), words(expected)
    if not p and not e:
        return 1.0
    overlap = sum((p & e).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(p.values())
    recall = overlap / sum(e.values())
    return 2 * precision * recall / (precision + recall)


def collapse(text):
    return " ".join((text or "").split())


def load_pages(folder):
    pages = []
    for name in sorted(os.listdir(folder)):
        base = os.path.join(folder, name)
        source = os.path.join(base, "source.html")
        if not os.path.isfile(source):
            continue
        with open(os.path.join(base, "expected.txt"), encoding="utf-8") as f:
            expected = f.read()
        with open(os.path.join(base, "expected-metadata.json"), encoding="utf-8") as f:
            metadata = json.load(f)
        pages.append({"name": name, "source": source, "text": expected, "title": metadata.get("title")})
    return pages


def run_gazette(binary, pages, runs):
    command = [binary, "extract", "--json"] + [p["source"] for p in pages]
    times = []
    output = None
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        output = result.stdout
    by_path = {}
    for line in output.splitlines():
        item = json.loads(line)
        by_path[item["path"]] = item
    extracted = [by_path.get(p["source"], {}) for p in pages]
    return [(e.get("title"), e.get("text")) for e in extracted], statistics.median(times)


def run_trafilatura(pages, runs):
    import trafilatura

    def one(html):
        text = trafilatura.extract(html, include_comments=False, favor_precision=False) or ""
        meta = trafilatura.extract_metadata(html)
        return (meta.title if meta else None), text

    return run_python(one, pages, runs)


def run_readability(pages, runs):
    from readability import Document
    import lxml.html

    def one(html):
        document = Document(html)
        summary = document.summary(html_partial=True)
        text = lxml.html.fromstring(summary).text_content() if summary.strip() else ""
        return document.short_title(), text

    return run_python(one, pages, runs)


def run_resiliparse(pages, runs):
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    def one(html):
        tree = HTMLTree.parse(html)
        return tree.title, extract_plain_text(tree, main_content=True)

    return run_python(one, pages, runs)


def run_python(function, pages, runs):
    sources = []
    for p in pages:
        with open(p["source"], "rb") as f:
            raw = f.read()
        sources.append(raw.decode("utf-8", errors="replace"))
    times = []
    results = None
    for _ in range(runs):
        started = time.perf_counter()
        current = []
        for html in sources:
            try:
                current.append(function(html))
            except Exception as error:  # a peer that fails on a page scores 0 there
                current.append((None, ""))
        times.append(time.perf_counter() - started)
        results = current
    return results, statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", default=os.path.join(ROOT, "..", "shared", "corpora", "html-pages"))
    parser.add_argument("--gazette", default=os.path.join(ROOT, ".build", "release", "gazette"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engines", default="gazette,trafilatura,readability,resiliparse")
    parser.add_argument("--out")
    args = parser.parse_args()
    if not os.path.isdir(args.pages):
        sys.exit(f"score.py: no pages at {args.pages} (../shared/corpora/html-pages beside the repository)")
    pages = load_pages(args.pages)
    rows = []
    report = {"pages": len(pages), "engines": {}}
    for engine in args.engines.split(","):
        try:
            if engine == "gazette":
                if not os.path.exists(args.gazette):
                    sys.exit(f"score.py: no Gazette binary at {args.gazette} (swift build -c release)")
                results, seconds = run_gazette(args.gazette, pages, args.runs)
            elif engine == "trafilatura":
                results, seconds = run_trafilatura(pages, args.runs)
            elif engine == "readability":
                results, seconds = run_readability(pages, args.runs)
            elif engine == "resiliparse":
                results, seconds = run_resiliparse(pages, args.runs)
            else:
                sys.exit(f"score.py: unknown engine {engine}")
        except ImportError as error:
            print(f"score.py: {engine} skipped: {error} (pip install trafilatura readability-lxml resiliparse)", file=sys.stderr)
            continue
        scores = [f1(text, p["text"]) for (title, text), p in zip(results, pages)]
        titled = [p for p in pages if p["title"]]
        exact = [collapse(title) == collapse(p["title"]) for (title, _), p in zip(results, pages) if p["title"]]
        row = {
            "f1": statistics.mean(scores),
            "exact_title": sum(exact) / len(titled) if titled else 0.0,
            "pages_per_second": len(pages) / seconds,
            "per_page": {p["name"]: s for p, s in zip(pages, scores)},
        }
        report["engines"][engine] = row
        rows.append((engine, row))
    print(f"{len(pages)} pages of {os.path.normpath(args.pages)}; word F1 and exact title averaged over the pages; "
          f"pages/s on one core, median of {args.runs} runs.\n")
    print("| extractor | F1 | exact title | pages/s |")
    print("| --- | ---: | ---: | ---: |")
    for engine, row in rows:
        print(f"| {engine} | {row['f1']:.3f} | {row['exact_title']:.2f} | {row['pages_per_second']:.0f} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
