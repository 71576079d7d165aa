#!/usr/bin/env python3
"""Loads `gazette serve` with wrk, while an indexer commits, and checks it held.

Usage:
    tools/load/load.py [--bin .build/release] [--corpus DIR] [--seconds 60]
                       [--connections 64] [--threads 2] [--no-commits]

Indexes the corpus (default: ../shared/corpora/reuters21578 if present,
else Corpus/) into a fresh index, starts `gazette serve` on a free loopback
port, and runs wrk (Debian's) for --seconds at --connections over a mix of
API requests (keyword, phrase, actor and date searches, pages, facets,
timelines, documents). Meanwhile, unless --no-commits, a second process
keeps adding articles and committing (`gazette index` of a growing folder),
and the server's resident memory is read every second from /proc.

Prints one JSON object (requests/s, latency percentiles, errors, memory
samples, commits made) and exits 1 if any request failed (a socket error,
a timeout or a status other than 200), if the server died, or if its memory
after the first quarter of the run grew by more than 25% (and 50 MB).
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import quote

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

LUA = r"""
local paths = {
  "/api/search?q=iran&limit=10",
  "/api/search?q=oil%20prices&limit=10",
  "/api/search?q=%22foreign%20exchange%22&limit=10",
  "/api/search?q=trade%20deficit%20-japan&limit=10&offset=10",
  "/api/search?q=milit*&limit=10",
  "/api/search?q=bank&actor=USA&limit=10",
  "/api/search?actor=JPN&limit=20",
  "/api/search?q=date:1987-03%20coffee&limit=10",
  "/api/search?q=crude%20oil%20opec%20output%20quota%20cuts%20prices&limit=10",
  "/api/actors?q=oil&limit=12",
  "/api/actors?with=OPEC&limit=10",
  "/api/timeline?q=wheat",
  "/api/documents/DOCUMENT",
}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format(
    "WRK {\"requests\": %d, \"duration_us\": %d, \"bytes\": %d, \"connect_errors\": %d, \"read_errors\": %d, " ..
    "\"write_errors\": %d, \"status_errors\": %d, \"timeouts\": %d, \"p50_us\": %d, \"p90_us\": %d, " ..
    "\"p99_us\": %d, \"max_us\": %d}\n",
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release"))
    reuters = os.path.join(ROOT, "../shared/corpora/reuters21578")
    parser.add_argument("--corpus", default=reuters if os.path.isdir(reuters) else os.path.join(ROOT, "Corpus"))
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-commits", action="store_true")
    args = parser.parse_args()
    gazette = os.path.join(args.bin, "gazette")
    if not shutil.which("wrk"):
        sys.exit("tools/load: wrk is not installed (apt-get install wrk)")

    work = tempfile.mkdtemp(prefix="gazette-load-")
    index = os.path.join(work, "index")
    corpus = os.path.join(work, "corpus")  # a copy, which the indexer adds to
    shutil.copytree(args.corpus, corpus)
    subprocess.run([gazette, "index", corpus, "--index", index, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    first = json.loads(subprocess.run([gazette, "search", "oil", "--index", index, "--json", "--limit", "1"],
                                      check=True, capture_output=True, text=True).stdout)["hits"][0]["path"]
    script = os.path.join(work, "mix.lua")
    with open(script, "w") as out:
        out.write(LUA.replace("DOCUMENT", quote(first, safe="")))

    server = subprocess.Popen([gazette, "serve", "--index", index, "--port", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = None
    for line in server.stderr:
        found = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
        if found:
            base = found.group(1)
            break
    if base is None:
        sys.exit("tools/load: the server did not start")
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()

    # Memory, every second; commits, as fast as an indexer makes them.
    samples = []
    commits = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            samples.append(rss_mb(server.pid))
            time.sleep(1)

    def commit():
        n = 0
        while not stop.is_set():
            n += 1
            with open(os.path.join(corpus, f"new-{n}.txt"), "w") as out:
                out.write(f"Wire item {n}\n\nOil ministers met again, the {n}th meeting; Iran and Iraq attended.\n")
            # An incremental sync of the served index: one new article, one commit.
            subprocess.run([gazette, "index", corpus, "--index", index, "--quiet"], check=True,
                           stdout=subprocess.DEVNULL)
            commits[0] += 1

    threads = [threading.Thread(target=sample, daemon=True)]
    if not args.no_commits:
        threads.append(threading.Thread(target=commit, daemon=True))
    for thread in threads:
        thread.start()
    run = subprocess.run(
        ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.seconds}s", "--timeout", "10s",
         "-s", script, base],
        capture_output=True, text=True)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    alive = server.poll() is None
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    shutil.rmtree(work, ignore_errors=True)

    line = next((l for l in run.stdout.splitlines() if l.startswith("WRK ")), None)
    if line is None:
        sys.exit(f"tools/load: no summary from wrk:\n{run.stdout}\n{run.stderr}")
    result = json.loads(line[4:])
    result["requests_per_s"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    result["connections"] = args.connections
    result["corpus"] = args.corpus
    result["commits_during_run"] = commits[0]
    memory = [m for m in samples if m is not None]
    settled = memory[len(memory) // 4:] or memory
    result["rss_mb"] = {"start": round(memory[0], 1) if memory else None,
                        "after_first_quarter": round(settled[0], 1) if settled else None,
                        "end": round(memory[-1], 1) if memory else None,
                        "max": round(max(memory), 1) if memory else None}
    errors = sum(result[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    growth = (settled[-1] - settled[0]) if settled else 0
    result["ok"] = alive and errors == 0 and not (growth > 50 and growth > 0.25 * settled[0])
    print(json.dumps(result))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
