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
and JSON printing included); a peer's is its Python function timed
in-process over all the pages. The timed runs are interleaved: each of the
--runs rounds times every engine once, in an order that rotates from round
to round, so that a machine's slow spells fall on all engines alike.
pages/s is the median over the rounds, and for each peer the script prints
Gazette's speed over the peer's within each round, and the median of those
ratios. A peer that cannot be imported is skipped with a message (pip
install trafilatura readability-lxml resiliparse). Prints one Markdown table.
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


class Gazette:
    """`gazette extract --json` over all the pages, one process per run."""

    def __init__(self, binary, pages):
        self.command = [binary, "extract", "--json"] + [p["source"] for p in pages]
        self.pages = pages

    def run(self):
        started = time.perf_counter()
        result = subprocess.run(self.command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        by_path = {}
        for line in result.stdout.splitlines():
            item = json.loads(line)
            by_path[item["path"]] = item
        extracted = [by_path.get(p["source"], {}) for p in self.pages]
        return [(e.get("title"), e.get("text")) for e in extracted], seconds


class Peer:
    """A Python extractor, timed in-process over the pages already decoded."""

    def __init__(self, function, pages):
        self.function = function
        self.sources = []
        for p in pages:
            with open(p["source"], "rb") as f:
                self.sources.append(f.read().decode("utf-8", errors="replace"))

    def run(self):
        started = time.perf_counter()
        results = []
        for html in self.sources:
            try:
                results.append(self.function(html))
            except Exception:  # a peer that fails on a page scores 0 there
                results.append((None, ""))
        return results, time.perf_counter() - started


def trafilatura_function():
    import trafilatura

    def one(html):
        text = trafilatura.extract(html, include_comments=False, favor_precision=False) or ""
        meta = trafilatura.extract_metadata(html)
        return (meta.title if meta else None), text

    return one


def readability_function():
    from readability import Document
    import lxml.html

    def one(html):
        document = Document(html)
        summary = document.summary(html_partial=True)
        text = lxml.html.fromstring(summary).text_content() if summary.strip() else ""
        return document.short_title(), text

    return one


def resiliparse_function():
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    def one(html):
        tree = HTMLTree.parse(html)
        return tree.title, extract_plain_text(tree, main_content=True)

    return one


PEERS = {"trafilatura": trafilatura_function, "readability": readability_function, "resiliparse": resiliparse_function}


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
    engines = {}
    for engine in args.engines.split(","):
        if engine == "gazette":
            if not os.path.exists(args.gazette):
                sys.exit(f"score.py: no Gazette binary at {args.gazette} (swift build -c release)")
            engines[engine] = Gazette(args.gazette, pages)
        elif engine in PEERS:
            try:
                engines[engine] = Peer(PEERS[engine](), pages)
            except ImportError as error:
                print(f"score.py: {engine} skipped: {error} (pip install trafilatura readability-lxml resiliparse)",
                      file=sys.stderr)
        else:
            sys.exit(f"score.py: unknown engine {engine}")
    names = list(engines)
    times = {name: [] for name in names}
    results = {}
    for round_number in range(args.runs):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            results[name], seconds = engines[name].run()
            times[name].append(seconds)
    rows = []
    report = {"pages": len(pages), "runs": args.runs, "engines": {}}
    for name in names:
        scores = [f1(text, p["text"]) for (title, text), p in zip(results[name], pages)]
        titled = [p for p in pages if p["title"]]
        exact = [collapse(title) == collapse(p["title"]) for (title, _), p in zip(results[name], pages) if p["title"]]
        row = {
            "f1": statistics.mean(scores),
            "exact_title": sum(exact) / len(titled) if titled else 0.0,
            "pages_per_second": len(pages) / statistics.median(times[name]),
            "seconds": times[name],
            "per_page": {p["name"]: s for p, s in zip(pages, scores)},
        }
        report["engines"][name] = row
        rows.append((name, row))
    print(f"{len(pages)} pages of {os.path.normpath(args.pages)}; word F1 and exact title averaged over the pages; "
          f"pages/s on one core, median of {args.runs} interleaved rounds.\n")
    print("| extractor | F1 | exact title | pages/s |")
    print("| --- | ---: | ---: | ---: |")
    for engine, row in rows:
        print(f"| {engine} | {row['f1']:.3f} | {row['exact_title']:.2f} | {row['pages_per_second']:.0f} |")
    if "gazette" in times:
        print()
        for name in names:
            if name == "gazette":
                continue
            # Within a round both ran back to back: the ratio of their times
            # is steadier than the ratio of two medians.
            ratios = sorted(peer / ours for ours, peer in zip(times["gazette"], times[name]))
            report["engines"][name]["gazette_speed_ratio"] = ratios
            print(f"Gazette / {name}: {statistics.median(ratios):.2f}x the speed, median of {len(ratios)} rounds "
                  f"({ratios[0]:.2f}x to {ratios[-1]:.2f}x)")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
