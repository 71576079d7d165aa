#!/usr/bin/env python3
"""Indexing benchmark: Gazette against tantivy, SQLite FTS5 and Xapian.

Usage:
  python3 tools/bench/bench.py CORPUS [--engines gazette,tantivy,fts5,xapian]
      [--threads 1] [--runs 3] [--out DIR] [--gazette PATH] [--memory MB]
  python3 tools/bench/bench.py CORPUS --sync [--runs 1] ...   (Gazette only)

Each engine indexes the same folder in its own child process, which reads the
files itself; the wall time is taken around that child and its peak RSS is
the child's ru_maxrss from os.wait4. The index folder is deleted before every
run, so every run is a full build. Results: a Markdown table
(OUT/bench-<corpus>.md), the raw runs (OUT/bench-<corpus>.json), a bar chart
(OUT/bench-<corpus>.png, when matplotlib can be imported), and ratios
Gazette/peer on stdout. See tools/bench/README.md.

Standard library only; the peers run in tools/bench/peers.py under a Python
that can import them (this one, else Debian's /usr/bin/python3, where apt
puts python3-xapian and python3-matplotlib). Nothing is installed: a missing
engine is named with the command that installs it, and skipped.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import peers  # noqa: E402  (the same corpus walk as the peers use)

ALL_ENGINES = ["gazette", "tantivy", "fts5", "xapian"]
PEER_MODULES = {"tantivy": "tantivy", "fts5": "sqlite3", "xapian": "xapian"}
INSTALL_HINTS = {
    "tantivy": "pip install tantivy",
    "sqlite3": "a Python built with sqlite3 (FTS5 is in every current build)",
    "xapian": "apt-get install -y python3-xapian (Debian's /usr/bin/python3)",
    "matplotlib": "apt-get install -y python3-matplotlib, or pip install matplotlib",
}
VERSION_CODE = {
    "tantivy": "import tantivy; print(getattr(tantivy, '__version__', 'unknown'))",
    "sqlite3": "import sqlite3; print('SQLite', sqlite3.sqlite_version)",
    "xapian": "import xapian; print('Xapian', xapian.version_string())",
    "matplotlib": "import matplotlib; print(matplotlib.__version__)",
}
MB = 1_000_000  # MB in this benchmark are decimal megabytes


def say(message=""):
    print(message, flush=True)


def warn(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Finding the engines


def python_candidates():
    seen = []
    for candidate in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
        if candidate and os.path.exists(candidate) and os.path.realpath(candidate) not in (
                os.path.realpath(c) for c in seen):
            seen.append(candidate)
    return seen


def find_python(module):
    """The first Python interpreter that can import `module`, with the module's version, or (None, None)."""
    for python in python_candidates():
        result = subprocess.run([python, "-c", VERSION_CODE[module]], capture_output=True, text=True)
        if result.returncode == 0:
            return python, result.stdout.strip()
    return None, None


class Gazette:
    """The gazette binary and what its `index` command supports."""

    def __init__(self, path):
        self.path = path
        self.help = ""
        self.version = ""
        self.problem = None
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            self.problem = (f"no gazette binary at {path}; build one with "
                            f"`swift build -c release --product gazette` in the repo, or pass --gazette PATH")
            return
        result = subprocess.run([path, "index", "--help"], capture_output=True, text=True)
        self.help = result.stdout + result.stderr
        version = subprocess.run([path, "--version"], capture_output=True, text=True)
        self.version = version.stdout.strip()

    def supports(self, flag):
        return re.search(rf"(^|\s){re.escape(flag)}\b", self.help) is not None

    def default_memory_mb(self):
        """The --memory default printed by --help, if it prints one."""
        lines = self.help.splitlines()
        for number, line in enumerate(lines):
            if not line.lstrip().startswith("--memory"):
                continue
            block = [line]  # the option's help runs until the next option
            for following in lines[number + 1:]:
                if following.lstrip().startswith("-") or not following.strip():
                    break
                block.append(following)
            match = re.search(r"default:?\s*([\d,]+)", " ".join(block))
            return int(match.group(1).replace(",", "")) if match else None
        return None

    def index_command(self, corpus, index_dir, threads, memory_mb, extra):
        command = [self.path, "index", corpus, "--index", index_dir, "--quiet"]
        if self.supports("--rebuild"):
            command.append("--rebuild")
        if self.supports("--threads"):
            command += ["--threads", str(threads)]
        if memory_mb and self.supports("--memory"):
            command += ["--memory", str(memory_mb)]
        return command + extra


# ---------------------------------------------------------------------------
# Running one child


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return float("nan")


def directory_bytes(path):
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total


def run_child(command, log_prefix):
    """Run `command`; wall seconds, CPU seconds, peak RSS bytes, exit code, stdout, stderr."""
    stdout_path, stderr_path = log_prefix + ".out", log_prefix + ".err"
    load = load_average()
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    with open(stdout_path, errors="replace") as f:
        stdout = f.read()
    with open(stderr_path, errors="replace") as f:
        stderr = f.read()
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_rss": usage.ru_maxrss * 1024,  # Linux: kilobytes
        "exit": process.returncode,
        "load": load,
        "stdout": stdout,
        "stderr": stderr,
    }


def gazette_documents(stdout):
    """Documents in the index after the run: the summary's "index: N
    documents in S segments" line (a commit), else "N unchanged" (an
    up-to-date index, nothing committed)."""
    match = re.search(r"index: ([\d,]+) documents? in", stdout)
    if not match:
        match = re.search(r"([\d,]+) unchanged", stdout)
    return int(match.group(1).replace(",", "")) if match else None


def peer_documents(stdout):
    for line in reversed(stdout.strip().splitlines()):
        try:
            return json.loads(line)["documents"]
        except (ValueError, KeyError):
            continue
    return None


def tail(text, lines=8):
    return "\n".join(text.strip().splitlines()[-lines:])


# ---------------------------------------------------------------------------
# Query latency (latency.py does the measuring)


def measure_query_latency(engine, index_dir, queries, gazette=None, work=None):
    """In-process query latency of `engine` on the index in `index_dir`, over `queries`
    (latency.py's query set): latency.py's measurement, one warm-up pass and three timed
    passes in the engine's own process, p50/p95/p99 in ms over each query's median.
    None without queries (no --latency): the report then says "not measured"."""
    if not queries:
        return None
    import latency
    return latency.measure_engine(engine, index_dir, queries, gazette=gazette, passes=3, work=work)


# ---------------------------------------------------------------------------
# The corpus


def describe_corpus(corpus):
    files = 0
    total = 0
    txt = 0
    for path, is_html in peers.corpus_files(corpus, []):
        try:
            total += os.path.getsize(path)
        except OSError:
            continue
        files += 1
        txt += not is_html
    manifest = None
    for candidate in (os.path.join(corpus, "corpus.json"), os.path.join(os.path.dirname(corpus), "corpus.json")):
        try:
            with open(candidate) as f:
                data = json.load(f)
            if data.get("name") == os.path.basename(corpus):
                manifest = data
                break
        except (OSError, ValueError):
            continue
    return {"path": corpus, "name": os.path.basename(corpus), "files": files, "txt_files": txt,
            "html_files": files - txt, "bytes": total, "manifest": manifest}


def warm_page_cache(corpus):
    """Read every indexable file once, so that every engine starts with the same warm cache."""
    started = time.perf_counter()
    for path, _ in peers.corpus_files(corpus, []):
        try:
            with open(path, "rb") as f:
                while f.read(1 << 20):
                    pass
        except OSError:
            pass
    return time.perf_counter() - started


def machine():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            memory = f"{kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {memory}, {platform.system()} {platform.release()}"


# ---------------------------------------------------------------------------
# Index benchmark


def benchmark(args, corpus_info, gazette, engines, work):
    results = []
    for engine in engines:
        index_dir = os.path.join(work, f"index-{engine}")
        if engine == "gazette":
            command = gazette.index_command(args.corpus, index_dir, args.threads, args.memory, args.gazette_args)
            threads = args.threads if gazette.supports("--threads") else 1
            version = f"gazette {gazette.version}"
        else:
            python, version = engines[engine]
            command = [python, os.path.join(HERE, "peers.py"), engine, args.corpus, index_dir,
                       "--threads", str(args.threads), "--heap-mb", str(args.memory or 256)]
            threads = args.threads if engine == "tantivy" else 1
        say(f"{engine}: {shlex.join(command)}")
        runs = []
        failed = None
        for run in range(args.runs):
            shutil.rmtree(index_dir, ignore_errors=True)
            outcome = run_child(command, os.path.join(work, f"{engine}-{run + 1}"))
            if outcome["exit"] != 0:
                failed = f"exit {outcome['exit']}: {tail(outcome['stderr'] or outcome['stdout'])}"
                break
            outcome["index_bytes"] = directory_bytes(index_dir)
            outcome["documents"] = (gazette_documents(outcome["stdout"]) if engine == "gazette"
                                    else peer_documents(outcome["stdout"]))
            runs.append(outcome)
            say(f"  run {run + 1}: {outcome['wall']:.2f} s wall, {outcome['cpu']:.2f} s CPU, "
                f"peak RSS {outcome['peak_rss'] / MB:.0f} MB, index {outcome['index_bytes'] / MB:.1f} MB, "
                f"{outcome['documents']} documents, load {outcome['load']:.2f}")
        if failed:
            warn(f"{engine} failed; left out of the table. {failed}")
            results.append({"engine": engine, "failed": failed, "command": command})
            continue
        latency = measure_query_latency(engine, index_dir, args.latency_queries, gazette.path, work)
        if latency and "p50" in latency:
            say(f"  query latency: p50 {latency['p50']:.2f} ms, p95 {latency['p95']:.2f} ms, "
                f"p99 {latency['p99']:.2f} ms over {latency['n']} queries")
        elif latency:
            warn(f"{engine}: query latency not measured: {latency.get('failed')}")
        if not args.keep_indexes:
            shutil.rmtree(index_dir, ignore_errors=True)
        wall = statistics.median(r["wall"] for r in runs)
        result = {
            "engine": engine,
            "version": version,
            "command": command,
            "threads": threads,
            "documents": runs[-1]["documents"],
            "wall": wall,
            "walls": [r["wall"] for r in runs],
            "cpu": statistics.median(r["cpu"] for r in runs),
            "peak_rss": max(r["peak_rss"] for r in runs),
            "index_bytes": runs[-1]["index_bytes"],
            "load": [r["load"] for r in runs],
            "query_latency": latency,
        }
        if result["documents"]:
            result["docs_per_second"] = result["documents"] / wall
        result["mb_per_second"] = corpus_info["bytes"] / MB / wall
        if engine == "gazette":
            result["memory_budget_mb"] = None
            if gazette.supports("--memory"):
                result["memory_budget_mb"] = args.memory or gazette.default_memory_mb()
        results.append(result)
    return results


def fmt_int(n):
    return f"{n:,}" if n is not None else "?"


def markdown(args, corpus_info, results, notes, started_at, load_span):
    ok = [r for r in results if "failed" not in r]
    lines = [f"# Indexing benchmark: {corpus_info['name']}", ""]
    lines.append(f"- Corpus: `{corpus_info['path']}`: {corpus_info['files']:,} files "
                 f"({corpus_info['txt_files']:,} text, {corpus_info['html_files']:,} HTML), "
                 f"{corpus_info['bytes'] / MB:,.1f} MB")
    manifest = corpus_info["manifest"]
    if manifest:
        line = (f"- Built by make_corpus.py: {manifest['real_documents']:,} real articles, "
                f"{manifest['replica_documents']:,} replicas")
        if manifest["replica_documents"]:
            line += " (byte copies of real articles under new ids: real text ran out)"
        lines.append(line)
    lines.append(f"- Machine: {machine()}; load average {load_span[0]:.2f} at the start, "
                 f"{load_span[1]:.2f} at the end")
    lines.append(f"- {started_at}; runs per engine: {args.runs} (wall time is the median; "
                 f"peak RSS the largest); threads asked: {args.threads}")
    lines.append("")
    lines.append("| engine | threads | documents | wall s | docs/s | MB/s | CPU s | peak RSS MB | index MB "
                 "| index / input |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in ok:
        lines.append(
            f"| {r['engine']} | {r['threads']} | {fmt_int(r['documents'])} | {r['wall']:.2f} | "
            f"{r.get('docs_per_second', 0):,.0f} | {r['mb_per_second']:.2f} | {r['cpu']:.2f} | "
            f"{r['peak_rss'] / MB:,.0f} | {r['index_bytes'] / MB:,.1f} | "
            f"{r['index_bytes'] / corpus_info['bytes']:.2f} |")
    for r in results:
        if "failed" in r:
            lines.append(f"| {r['engine']} | failed | | | | | | | | |")
    lines.append("")
    gazette = next((r for r in ok if r["engine"] == "gazette"), None)
    if gazette:
        for r in ok:
            if r is not gazette:
                lines.append(f"- Gazette / {r['engine']}: time {gazette['wall'] / r['wall']:.2f}×, "
                             f"index size {gazette['index_bytes'] / r['index_bytes']:.2f}×, "
                             f"peak RSS {gazette['peak_rss'] / r['peak_rss']:.2f}×")
        if gazette.get("memory_budget_mb"):
            budget = gazette["memory_budget_mb"]
            lines.append(f"- Gazette peak RSS {gazette['peak_rss'] / MB:,.0f} MB against its --memory budget of "
                         f"{budget:,} MB ({gazette['peak_rss'] / MB / budget:.0%})")
    counts = {r["documents"] for r in ok}
    if len(counts) > 1:
        lines.append("- **The engines indexed different numbers of documents**: "
                     + ", ".join(f"{r['engine']} {fmt_int(r['documents'])}" for r in ok))
    measured = [r for r in ok if r.get("query_latency") and "p50" in r["query_latency"]]
    if measured:
        lines.append("")
        lines.append(f"Query latency on the fresh indexes (`--latency`: {measured[0]['query_latency']['n']} "
                     f"queries from latency.py, OR, top 10 with snippets, in-process, ms; "
                     f"tools/bench/latency.py gives the full report):")
        lines.append("")
        lines.append("| engine | p50 | p95 | p99 | mean | errors |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
        for r in measured:
            q = r["query_latency"]
            lines.append(f"| {r['engine']} | {q['p50']:.2f} | {q['p95']:.2f} | {q['p99']:.2f} | {q['mean']:.2f} "
                         f"| {q['errors']} |")
    else:
        lines.append("- Query latency: not measured (add `--latency`, or run tools/bench/latency.py).")
    lines.append("")
    lines.append("Versions and commands:")
    lines.append("")
    for r in ok:
        lines.append(f"- {r['engine']} ({r['version']}): `{shlex.join(r['command'])}`; walls "
                     + ", ".join(f"{w:.2f}" for w in r["walls"]) + " s; load at start "
                     + ", ".join(f"{x:.2f}" for x in r["load"]))
    if notes:
        lines.append("")
        lines.append("Notes:")
        lines.append("")
        lines += [f"- {n}" for n in notes]
    lines.append("")
    lines.append("Caveats: one machine, warm page cache (the corpus is read once before timing); "
                 "the Python peers split HTML with regular expressions, much cheaper than Gazette's "
                 "libxml2 parse; Gazette also recognises actors unless given --no-actors; "
                 "index size is the apparent size of the index folder's files. See tools/bench/README.md.")
    return "\n".join(lines) + "\n"


def draw_chart(results, corpus_info, png_path, json_path, work):
    python, version = find_python("matplotlib")
    if not python:
        warn(f"matplotlib is not importable by any Python found; no chart ({INSTALL_HINTS['matplotlib']})")
        return None
    outcome = subprocess.run([python, os.path.join(HERE, "chart.py"), json_path, png_path],
                             capture_output=True, text=True)
    if outcome.returncode != 0:
        warn(f"chart failed: {tail(outcome.stderr)}")
        return None
    return png_path


# ---------------------------------------------------------------------------
# Sync mode (Gazette only)


def make_farm(corpus, farm):
    """A private copy of `corpus` to delete from: hard links when the corpus folder is writable
    (our own corpus, e.g. one made by make_corpus.py), else copies (a read-only shared corpus:
    its files' link counts are not ours to change). Modification times are kept."""
    writable = os.stat(corpus).st_mode & 0o222 != 0
    link = writable
    shutil.rmtree(farm, ignore_errors=True)
    count = 0
    for folder, dirs, files in os.walk(corpus, followlinks=True):
        dirs.sort()
        relative = os.path.relpath(folder, corpus)
        target = os.path.normpath(os.path.join(farm, relative))
        os.makedirs(target, exist_ok=True)
        for name in files:
            source = os.path.join(folder, name)
            destination = os.path.join(target, name)
            if link:
                try:
                    os.link(source, destination)
                    count += 1
                    continue
                except OSError:
                    link = False
            shutil.copy2(source, destination)
            count += 1
    return "hard links" if link else "copies", count


def restore(corpus, farm, relative_paths, how):
    for relative in relative_paths:
        source, destination = os.path.join(corpus, relative), os.path.join(farm, relative)
        if how == "hard links":
            os.link(source, destination)
        else:
            shutil.copy2(source, destination)


def sync_benchmark(args, corpus_info, gazette, work):
    farm = os.path.join(work, "sync-corpus", corpus_info["name"])
    say(f"sync: making a private copy of the corpus in {farm} …")
    how, count = make_farm(args.corpus, farm)
    say(f"sync: {count:,} files ({how})")
    files = sorted(os.path.relpath(path, farm) for path, _ in peers.corpus_files(farm, []))
    victims = files[::100]  # 1% of the indexable files, spread over the corpus
    index_dir = os.path.join(work, "index-sync")
    base = gazette.index_command(farm, index_dir, args.threads, args.memory, args.gazette_args)
    rebuild = "--rebuild" in base
    incremental = [part for part in base if part != "--rebuild"]
    steps = [("full build", "fresh index folder" + (", --rebuild" if rebuild else "")),
             ("no-op sync", "same folder again, nothing changed"),
             (f"delete 1% ({len(victims):,} files)", "files removed from the copy"),
             ("re-add the 1%", "the same files put back, same modification times")]
    timings = {step: [] for step, _ in steps}
    try:
        for run in range(args.runs):
            shutil.rmtree(index_dir, ignore_errors=True)
            for number, (step, _) in enumerate(steps):
                if number == 2:
                    for relative in victims:
                        os.unlink(os.path.join(farm, relative))
                if number == 3:
                    restore(args.corpus, farm, victims, how)
                command = base if number == 0 else incremental
                outcome = run_child(command, os.path.join(work, f"sync-{run + 1}-{number}"))
                if outcome["exit"] != 0:
                    sys.exit(f"bench: gazette failed at '{step}': exit {outcome['exit']}: "
                             f"{tail(outcome['stderr'] or outcome['stdout'])}")
                outcome["documents"] = gazette_documents(outcome["stdout"])
                outcome["summary"] = outcome["stdout"].strip().splitlines()[0] if outcome["stdout"].strip() else ""
                timings[step].append(outcome)
                say(f"  run {run + 1}, {step}: {outcome['wall']:.2f} s, peak RSS {outcome['peak_rss'] / MB:.0f} MB, "
                    f"{outcome['documents']} documents")
    finally:
        # Put back whatever is missing, then drop the private copy.
        missing = [v for v in victims if not os.path.exists(os.path.join(farm, v))]
        if missing:
            restore(args.corpus, farm, missing, how)
        if not args.keep_indexes:
            shutil.rmtree(os.path.join(work, "sync-corpus"), ignore_errors=True)
            shutil.rmtree(index_dir, ignore_errors=True)

    full = statistics.median(o["wall"] for o in timings[steps[0][0]])
    lines = [f"# Gazette incremental indexing: {corpus_info['name']}", ""]
    lines.append(f"- Corpus: private {how} of `{corpus_info['path']}` ({len(files):,} indexable files, "
                 f"{corpus_info['bytes'] / MB:,.1f} MB); the original corpus is never changed")
    lines.append(f"- Machine: {machine()}; runs: {args.runs} (median)")
    lines.append(f"- gazette {gazette.version}: `{shlex.join(base)}`; later steps without --rebuild")
    lines.append("")
    lines.append("| step | what | wall s | vs full build | peak RSS MB | documents | verdict |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    verdicts = []
    for step, what in steps:
        runs = timings[step]
        wall = statistics.median(o["wall"] for o in runs)
        ratio = wall / full
        if step == steps[0][0]:
            verdict = "baseline"
        elif ratio >= 0.7:
            verdict = "**as long as a full build**"
            verdicts.append(f"{step}: {wall:.2f} s, {ratio:.2f}× the full build ({full:.2f} s): "
                            f"took as long as a full build, so no incremental sync is in effect")
        else:
            verdict = f"{1 / ratio:.1f}× faster than a full build"
        lines.append(f"| {step} | {what} | {wall:.2f} | {ratio:.2f}× | {max(o['peak_rss'] for o in runs) / MB:,.0f} "
                     f"| {fmt_int(runs[-1]['documents'])} | {verdict} |")
    lines.append("")
    expected = len(files) - len(victims)
    deleted = timings[steps[2][0]][-1]["documents"]
    full_count = timings[steps[0][0]][-1]["documents"]
    if deleted is not None and full_count is not None and deleted != full_count - len(victims):
        lines.append(f"- After deleting {len(victims):,} files the index holds {deleted:,} documents; "
                     f"expected {full_count - len(victims):,} (of {expected:,} files left).")
    for verdict in verdicts:
        lines.append(f"- {verdict}.")
    lines.append("- A step counts as \"as long as a full build\" at 0.7× the full build's time or more.")
    lines.append("")
    lines.append("What Gazette printed (last run):")
    lines.append("")
    for step, _ in steps:
        lines.append(f"- {step}: `{timings[step][-1]['summary']}`")
    lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", help="folder of .txt/.html articles")
    parser.add_argument("--engines", default=",".join(ALL_ENGINES),
                        help=f"comma-separated, from {','.join(ALL_ENGINES)} (default: all)")
    parser.add_argument("--threads", type=int, default=1, help="indexing threads for engines that have them (1)")
    parser.add_argument("--runs", type=int, default=3, help="runs per engine; the median wall time counts (3)")
    parser.add_argument("--out", default="/tmp/gazette-bench-results", help="results folder")
    parser.add_argument("--gazette", default=os.path.join(REPO, ".build", "release", "gazette"),
                        help="gazette binary (default: .build/release/gazette in the repo)")
    parser.add_argument("--memory", type=int, default=None,
                        help="MB: Gazette's --memory (when it has one) and tantivy's writer heap "
                             "(default: Gazette's own default; tantivy 256)")
    parser.add_argument("--gazette-args", default="", help="extra arguments for `gazette index`, e.g. --no-actors")
    parser.add_argument("--work", default="/tmp/gazette-bench-work", help="scratch folder for the indexes")
    parser.add_argument("--sync", action="store_true",
                        help="time Gazette's incremental cases instead (no-op re-run, 1%% deleted)")
    parser.add_argument("--keep-indexes", action="store_true", help="leave the indexes in --work")
    parser.add_argument("--no-warm", action="store_true", help="do not read the corpus once before timing")
    parser.add_argument("--latency", action="store_true",
                        help="also time queries on each fresh index (latency.py's query set and measurement)")
    args = parser.parse_args()
    args.corpus = os.path.normpath(args.corpus)
    args.gazette_args = shlex.split(args.gazette_args)
    if not os.path.isdir(args.corpus):
        parser.error(f"{args.corpus}: not a folder")
    if args.runs < 1 or args.threads < 1:
        parser.error("--runs and --threads must be at least 1")
    work = os.path.abspath(args.work)
    inside = os.path.realpath(work) + os.sep
    if inside.startswith(os.path.realpath(args.corpus) + os.sep):
        parser.error("--work must not be inside the corpus")
    os.makedirs(work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)

    wanted = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in wanted if e not in ALL_ENGINES]
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(unknown)}; choose from {', '.join(ALL_ENGINES)}")
    if args.sync:
        wanted = ["gazette"]

    notes = []
    gazette = Gazette(os.path.abspath(args.gazette))
    engines = {}
    for engine in wanted:
        if engine == "gazette":
            if gazette.problem:
                warn(f"gazette skipped: {gazette.problem}")
                notes.append(f"gazette skipped: {gazette.problem}")
                continue
            engines[engine] = None
            if not gazette.supports("--threads") and args.threads != 1:
                notes.append(f"gazette has no --threads option yet: it ran with its default, not {args.threads}")
            if not gazette.supports("--rebuild"):
                notes.append("gazette has no --rebuild option yet: every run starts from an empty index folder")
            if not gazette.supports("--memory"):
                notes.append("gazette has no --memory option yet: no memory budget to compare its peak RSS with")
            elif not args.memory and gazette.default_memory_mb() is None:
                notes.append("gazette's --help prints no --memory default: pass --memory to compare its peak RSS "
                             "with a budget")
        else:
            module = PEER_MODULES[engine]
            python, version = find_python(module)
            if not python:
                message = (f"{engine} skipped: no Python here can import `{module}` "
                           f"(tried {', '.join(python_candidates())}); install: {INSTALL_HINTS[module]}")
                warn(message)
                notes.append(message)
                continue
            if os.path.realpath(python) != os.path.realpath(sys.executable):
                say(f"{engine}: runs under {python} (this Python cannot import `{module}`)")
            engines[engine] = (python, version)
    if not engines:
        sys.exit("bench: no engine to run")

    corpus_info = describe_corpus(args.corpus)
    if corpus_info["files"] == 0:
        sys.exit(f"bench: {args.corpus}: no .txt or .html files")
    say(f"corpus {corpus_info['name']}: {corpus_info['files']:,} files, {corpus_info['bytes'] / MB:,.1f} MB")
    manifest = corpus_info["manifest"]
    if manifest and manifest.get("replica_documents"):
        say(f"  {manifest['real_documents']:,} real articles and {manifest['replica_documents']:,} REPLICAS "
            f"(copies under new ids)")
    if not args.no_warm:
        say(f"warming the page cache: {warm_page_cache(args.corpus):.1f} s")
    args.latency_queries = []
    if args.latency and not args.sync:
        import latency
        args.latency_queries, query_notes = latency.make_queries(args.corpus)
        say(f"query latency: {len(args.latency_queries)} queries drawn from the corpus")
        notes += [f"query latency: {n}" for n in query_notes]

    if args.sync:
        if "gazette" not in engines:
            sys.exit("bench: --sync needs the gazette binary")
        report = sync_benchmark(args, corpus_info, gazette, work)
        path = os.path.join(args.out, f"sync-{corpus_info['name']}.md")
        with open(path, "w") as f:
            f.write(report)
        say("")
        say(report)
        say(f"written: {path}")
        return

    started_at = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    load_start = load_average()
    results = benchmark(args, corpus_info, gazette, engines, work)
    load_span = (load_start, load_average())
    report = markdown(args, corpus_info, results, notes, started_at, load_span)

    base = os.path.join(args.out, f"bench-{corpus_info['name']}")
    with open(base + ".md", "w") as f:
        f.write(report)
    raw = {"corpus": {k: v for k, v in corpus_info.items() if k != "manifest"}, "manifest": manifest,
           "machine": machine(), "started": started_at, "runs": args.runs, "threads": args.threads,
           "results": [{k: v for k, v in r.items()} for r in results], "notes": notes}
    with open(base + ".json", "w") as f:
        json.dump(raw, f, indent=2)
        f.write("\n")
    chart = draw_chart(results, corpus_info, base + ".png", base + ".json", work)

    say("")
    say(report)
    gazette_result = next((r for r in results if r["engine"] == "gazette" and "failed" not in r), None)
    if gazette_result:
        for r in results:
            if r is not gazette_result and "failed" not in r:
                say(f"Gazette/{r['engine']}: time {gazette_result['wall'] / r['wall']:.2f}x, "
                    f"size {gazette_result['index_bytes'] / r['index_bytes']:.2f}x")
    say(f"written: {base}.md, {base}.json" + (f", {chart}" if chart else " (no chart)"))


if __name__ == "__main__":
    main()
