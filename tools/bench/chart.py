#!/usr/bin/env python3
"""Bar chart of a bench.py result: wall time, index size and peak RSS side by side.

Usage: python3 tools/bench/chart.py bench-<corpus>.json bench-<corpus>.png
bench.py runs it under a Python that can import matplotlib.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MB = 1_000_000
COLOURS = {"gazette": "#c0392b", "tantivy": "#2c7fb8", "fts5": "#7f8c8d", "xapian": "#27ae60"}


def main():
    source, target = sys.argv[1], sys.argv[2]
    with open(source) as f:
        data = json.load(f)
    results = [r for r in data["results"] if "failed" not in r]
    if not results:
        sys.exit("chart: no successful engine in the results")
    names = [r["engine"] for r in results]
    colours = [COLOURS.get(n, "#555555") for n in names]
    panels = [
        ("wall time (s, median)", [r["wall"] for r in results], "{:.1f}"),
        ("index size (MB)", [r["index_bytes"] / MB for r in results], "{:,.0f}"),
        ("peak RSS (MB)", [r["peak_rss"] / MB for r in results], "{:,.0f}"),
    ]
    figure, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    for axis, (label, values, fmt) in zip(axes, panels):
        bars = axis.bar(names, values, color=colours)
        axis.set_title(label)
        axis.bar_label(bars, labels=[fmt.format(v) for v in values], fontsize=8)
        axis.set_ylim(0, max(values) * 1.15 or 1)
        axis.tick_params(axis="x", labelrotation=0)
    corpus = data["corpus"]
    figure.suptitle(f"Indexing {corpus['name']}: {corpus['files']:,} files, {corpus['bytes'] / MB:,.0f} MB "
                    f"({data['runs']} runs, {data['threads']} thread(s) asked; lower is better)")
    figure.tight_layout()
    figure.savefig(target, dpi=110)


if __name__ == "__main__":
    main()
