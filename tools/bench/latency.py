#!/usr/bin/env python3
"""Query latency: Gazette against tantivy, SQLite FTS5 and Xapian, over the same articles.

Usage:
  python3 tools/bench/latency.py make-queries CORPUS --out QUERIES.tsv [--seed 1] [--sample 20000]
      [--gazette-index IDX] [--gazette BIN]
  python3 tools/bench/latency.py run CORPUS [--work DIR] [--gazette BIN] [--gazette-index IDX]
      [--queries QUERIES.tsv] [--engines gazette,gazette-exact,tantivy,tantivy-count,fts5,xapian]
      [--passes 3]
      [--out REPORT.md]
  python3 tools/bench/latency.py build CORPUS [--work DIR] [--engines tantivy,fts5,xapian]

`make-queries` draws a query set from a sample of the corpus: single common,
mid-frequency and rare words, 2-4-word queries, "phrases", actor queries
(actor:Iran) and actor+keyword queries (actor:Iran sanctions), 560 in all,
the same on every run with the same seed, sample and index. It writes a TSV:
class, the Gazette query, the peer query (actors expanded into their aliases,
since the peers know no actors).

`run` times every query in each engine's own process over indexes of the same
articles: parse, search with OR semantics, top 10, fetch the 10 stored
documents, a snippet for each. One warm-up round, then --passes timed rounds,
each one pass of every engine (order rotated), so that load changes on a
shared machine fall on all engines alike; each query's median counts, and the
report gives p50/p95/p99 overall and per class. Gazette's time is the `took_ms` that `gazette search --batch` reports
for each query (its own clock, parse to snippets); the peers are timed with
time.perf_counter_ns around the same work in Python. It also times whole
`gazette search` processes (hyperfine when installed). Peer indexes are built
once with peers.py into --work and reused. See tools/bench/README.md.

Standard library only, plus the engines' own modules in the child processes
(xapian runs under Debian's /usr/bin/python3 when this Python lacks it).
"""
import argparse
import datetime
import json
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import peers  # noqa: E402  (the corpus walk and title/body split the peers index with)

ACTORS_FILE = os.path.join(REPO, "Sources", "TextAnalysis", "Gazetteer", "actors.txt")
PEER_ENGINES = ["tantivy", "tantivy-count", "fts5", "xapian"]
# gazette-exact: `--exact-total`, every match counted (tantivy-count's counterpart).
GAZETTE_ENGINES = {"gazette": [], "gazette-exact": ["--exact-total"]}
ALL_ENGINES = list(GAZETTE_ENGINES) + PEER_ENGINES
INDEX_OF = {"tantivy": "tantivy", "tantivy-count": "tantivy", "fts5": "fts5", "xapian": "xapian"}
MODULE_OF = {"tantivy": "tantivy", "fts5": "sqlite3", "xapian": "xapian"}
CLASSES = ["common", "mid", "rare", "multi", "phrase", "actor", "actor+keyword"]
# Queries per class; `actor` is one per actor (at most this many).
CLASS_COUNTS = {"common": 80, "mid": 80, "rare": 80, "multi": 120, "phrase": 80, "actor": 40, "actor+keyword": 80}
LIMIT = 10  # top 10, as the bar: "OR queries, top-10 with a snippet"
SNIPPET_CHARS = 200  # about Gazette's one-passage snippet; FTS5 counts tokens: 32

# Actors asked about whatever the index says (by gazetteer ID), after the
# index's own most-mentioned actors when a Gazette index is given.
DEFAULT_ACTORS = ["IRN", "ISR", "HAMAS", "HEZBOLLAH", "RUS", "CHN", "USA", "UKR", "IRGC", "ISIS", "HOUTHIS",
                  "GBR", "FRA", "DEU", "JPN", "IND", "IRQ", "SYR", "SAU", "TUR", "PRK", "TWN", "PSE", "LBN",
                  "EGY", "QAT", "AFG", "PAK", "UN", "NATO", "EU", "OPEC", "WHO", "CAN", "MEX", "BRA", "KOR"]
# Fields of the actors file whose values the peers get as alias words: what
# Gazette recognises anywhere. `dateline` (only at a dateline) and
# `ambiguous` (only without a capitalised neighbour) are left out.
ALIAS_FIELDS = {"official", "alias", "former", "demonym", "capital", "acronym", "surname"}

# Not used as single-word queries nor as keywords (they are in phrases and
# 2-4-word queries only when a document has them).
STOPWORDS = set("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
on once only or other our ours ourselves out over own said same she should so some such than that the their
theirs them themselves then there these they this those through to too under until up us very was we were what
when where which while who whom why will with would you your yours yourself yourselves says say mr mrs ms one two
new would could may might must shall also its it's been year years last first told according since
""".split())
WORD = re.compile(r"[A-Za-z]+")  # the words queries are drawn from: ASCII letters
NAME_WORD = re.compile(r"[^\W_]+")  # the words of an alias or a peer query: any letters and digits


def say(message=""):
    print(message, flush=True)


def warn(message):
    print(f"latency: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Actors: names from Gazette's gazetteer file


def read_actors(path=ACTORS_FILE):
    """{ID: {"name", "kind", "aliases": [...]}} from an actors file (the format of
    Sources/TextAnalysis/TextAnalysis.docc/ActorsFile.md)."""
    actors = {}
    current = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if not line[0].isspace():
                parts = stripped.split(" ", 2)
                if len(parts) < 3:
                    current = None
                    continue
                current = {"id": parts[0], "kind": parts[1], "name": parts[2], "aliases": [parts[2]]}
                actors[parts[0]] = current
            elif current is not None and ":" in stripped:
                key, value = stripped.split(":", 1)
                if key.strip() in ALIAS_FIELDS:
                    current["aliases"] += [v.strip() for v in value.split(";") if v.strip()]
    return actors


def actor_peer_terms(actor):
    """The peer query for an actor: each alias as a lower-case word or "phrase",
    once. Aliases whose words are all stopwords ("US", "WHO" read as "us", "who":
    Gazette matches them in capitals only, the peers cannot) are left out;
    "U.S." becomes the phrase "u s"."""
    terms = []
    for alias in actor["aliases"]:
        words = [w.lower() for w in NAME_WORD.findall(alias)]
        if not words or all(w in STOPWORDS for w in words) or words[0] == alias.lower() and len(words[0]) == 1:
            continue
        term = words[0] if len(words) == 1 else '"' + " ".join(words) + '"'
        if term not in terms:
            terms.append(term)
    return terms


def actor_query_name(actor):
    name = actor["name"]
    return name if re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", name) else '"' + name.replace('"', "") + '"'


def gazette_top_actors(gazette, index, limit=40):
    """IDs of the actors most mentioned in a Gazette index (`gazette actors --json`), or []."""
    try:
        result = subprocess.run([gazette, "actors", "--index", index, "--json", "--limit", str(limit)],
                                capture_output=True, text=True, timeout=600)
        return [a["id"] for a in json.loads(result.stdout)["actors"]]
    except (OSError, ValueError, KeyError, subprocess.TimeoutExpired) as error:
        warn(f"could not list the index's actors ({error}); using the default list")
        return []


# ---------------------------------------------------------------------------
# The query set


def sample_documents(corpus, sample):
    """Title + body of `sample` indexable files spread evenly over the corpus (all when fewer)."""
    files = list(peers.corpus_files(corpus, []))
    if len(files) > sample:
        files = [files[i * len(files) // sample] for i in range(sample)]
    counter = peers.Counter()
    texts = []
    for path, is_html in files:
        article = peers.read_article(path, is_html, counter)
        if article:
            texts.append(article[0] + "\n" + article[1])
    return texts


def make_queries(corpus, seed=1, sample=20000, gazette=None, gazette_index=None, counts=None):
    """The query set: a list of {"class", "gazette", "peer"}, and notes on how it was drawn."""
    counts = dict(CLASS_COUNTS, **(counts or {}))
    rng = random.Random(seed)
    texts = sample_documents(corpus, sample)
    if not texts:
        raise SystemExit(f"latency: {corpus}: no articles to draw queries from")
    df = {}
    for text in texts:
        for word in {w.lower() for w in WORD.findall(text)}:
            df[word] = df.get(word, 0) + 1

    def content(word):
        return 3 <= len(word) <= 20 and word not in STOPWORDS

    candidates = sorted((w for w in df if content(w)), key=lambda w: (-df[w], w))
    queries = []

    def add(cls, gazette_query, peer_query=None):
        queries.append({"class": cls, "gazette": gazette_query, "peer": peer_query or gazette_query})

    for word in candidates[:counts["common"]]:
        add("common", word)
    # Mid: in 0.1% to 1% of the sampled documents; rare: in 2 to 10 of them.
    low, high = max(11, len(texts) // 1000), max(12, len(texts) // 100)
    mid = [w for w in candidates if low <= df[w] <= high and len(w) >= 4]
    rare = [w for w in candidates if 2 <= df[w] <= 10 and len(w) >= 4]
    for cls, pool in (("mid", mid), ("rare", rare)):
        for word in rng.sample(pool, min(counts[cls], len(pool))):
            add(cls, word)

    def document_words(text):
        words = []
        for word in (w.lower() for w in WORD.findall(text)):
            if content(word) and word not in words:
                words.append(word)
        return words

    attempts = 0
    made = 0
    while made < counts["multi"] and attempts < 100 * counts["multi"]:
        attempts += 1
        words = document_words(rng.choice(texts))
        size = 2 + made % 3  # as many 2-, 3- and 4-word queries
        if len(words) < size:
            continue
        picked = sorted(rng.sample(range(len(words)), size))
        add("multi", " ".join(words[i] for i in picked))
        made += 1

    attempts = 0
    made = 0
    while made < counts["phrase"] and attempts < 100 * counts["phrase"]:
        attempts += 1
        phrase = pick_phrase(rng.choice(texts), 2 + made % 2, rng)
        if phrase:
            add("phrase", '"' + phrase + '"')
            made += 1

    actors, actor_notes = choose_actors(gazette, gazette_index, counts["actor"])
    for actor in actors:
        add("actor", "actor:" + actor_query_name(actor), " ".join(actor_peer_terms(actor)))
    if actors:
        mentions = actor_mentions(texts, actors)
        for number in range(counts["actor+keyword"]):
            actor = actors[number % len(actors)]
            alias_words = {w.lower() for a in actor["aliases"] for w in NAME_WORD.findall(a)}
            pool = mentions[actor["id"]] or range(len(texts))
            keyword = None
            for _ in range(20):
                words = [w for w in document_words(texts[rng.choice(pool)])
                         if len(w) >= 4 and w not in alias_words and df[w] >= 2]
                if words:
                    keyword = rng.choice(words)
                    break
            if keyword:
                add("actor+keyword", f"actor:{actor_query_name(actor)} {keyword}",
                    " ".join(actor_peer_terms(actor) + [keyword]))
    notes = [f"{len(texts):,} sampled documents (of the corpus, evenly spread), seed {seed}",
             f"document frequencies are the sample's: mid = in {low}-{high} sampled documents, "
             f"rare = in 2-10 (on a larger corpus they match proportionally more)"] + actor_notes
    return queries, notes


def pick_phrase(text, size, rng):
    """`size` consecutive words of `text` separated by single spaces, lower-cased, at least one
    of them not a stopword, not glued to a letter or digit on either side; or None."""
    tokens = list(WORD.finditer(text))
    if len(tokens) < size:
        return None
    for _ in range(10):
        start = rng.randrange(len(tokens) - size + 1)
        run = tokens[start:start + size]
        if any(text[a.end():b.start()] != " " for a, b in zip(run, run[1:])):
            continue
        before = text[run[0].start() - 1] if run[0].start() > 0 else " "
        after = text[run[-1].end()] if run[-1].end() < len(text) else " "
        if before.isalnum() or after.isalnum() or before in "'’-" or after in "'’-":
            continue
        words = [t.group(0).lower() for t in run]
        if all(w in STOPWORDS for w in words) or any(len(w) > 20 for w in words):
            continue
        return " ".join(words)
    return None


def choose_actors(gazette, gazette_index, limit):
    try:
        table = read_actors()
    except OSError as error:
        return [], [f"no actor queries: cannot read Gazette's actors file {ACTORS_FILE} ({error})"]
    ids = []
    if gazette and gazette_index:
        ids = gazette_top_actors(gazette, gazette_index)
    chosen = []
    for actor_id in ids + DEFAULT_ACTORS:
        actor = table.get(actor_id)
        if actor and actor not in chosen and actor["kind"] != "none" and actor_peer_terms(actor):
            chosen.append(actor)
        if len(chosen) == limit:
            break
    source = "the index's most-mentioned actors, then a default list" if ids else "a default list"
    return chosen, [f"{len(chosen)} actors ({source}); peers get each actor's aliases from {os.path.relpath(ACTORS_FILE, REPO)}"]


def actor_mentions(texts, actors):
    """For each actor, the sampled documents that name it by an alias (case as written)."""
    mentions = {}
    for actor in actors:
        names = sorted({a for a in actor["aliases"] if NAME_WORD.search(a)}, key=len, reverse=True)
        pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(re.escape(n) for n in names) + r")(?![A-Za-z0-9])")
        mentions[actor["id"]] = [i for i, text in enumerate(texts) if pattern.search(text)]
    return mentions


def write_queries(queries, path):
    with open(path, "w", encoding="utf-8") as f:
        f.write("class\tgazette\tpeer\n")
        for q in queries:
            f.write(f"{q['class']}\t{q['gazette']}\t{q['peer']}\n")


def read_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f):
            line = line.rstrip("\n")
            if number == 0 and line.startswith("class\t") or not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                raise SystemExit(f"latency: {path}:{number + 1}: expected class, gazette query, peer query")
            queries.append({"class": parts[0], "gazette": parts[1], "peer": parts[2]})
    return queries


# ---------------------------------------------------------------------------
# Peer engines, in their own process (`latency.py peer ...`)


def peer_items(query):
    """The peer query's words and phrases: [(is_phrase, [words])]."""
    items = []
    for match in re.finditer(r'"([^"]*)"|(\S+)', query):
        if match.group(1) is not None:
            words = NAME_WORD.findall(match.group(1).lower())
            if words:
                items.append((len(words) > 1, words))
        else:
            items += [(False, [w]) for w in NAME_WORD.findall(match.group(2).lower())]
    return items


def normalised(query):
    """The peer query as lower-case words and "phrases" that every peer's parser reads alike."""
    return " ".join('"' + " ".join(words) + '"' if phrase else words[0] for phrase, words in peer_items(query))


def fts5_query(query):
    return " OR ".join('"' + " ".join(words) + '"' for _, words in peer_items(query))


class Tantivy:
    def __init__(self, directory, count):
        import tantivy
        self.tantivy = tantivy
        self.index = tantivy.Index.open(directory)
        self.index.reload()
        self.searcher = self.index.searcher()
        self.schema = self.index.schema
        self.count = count
        self.version = getattr(tantivy, "__version__", "tantivy ?")

    def documents(self):
        return self.searcher.num_docs

    def search(self, query):
        parsed = self.index.parse_query(normalised(query), ["title", "body"])
        result = self.searcher.search(parsed, LIMIT, count=self.count)
        generator = self.tantivy.SnippetGenerator.create(self.searcher, parsed, self.schema, "body")
        generator.set_max_num_chars(SNIPPET_CHARS)
        hits = []
        for _, address in result.hits:
            document = self.searcher.doc(address)
            hits.append((document.get_first("path"), document.get_first("title"),
                         generator.snippet_from_doc(document).to_html()))
        return hits


class FTS5:
    def __init__(self, directory):
        import sqlite3
        self.connection = sqlite3.connect(f"file:{os.path.join(directory, 'index.sqlite')}?mode=ro", uri=True)
        self.version = "SQLite " + sqlite3.sqlite_version
        self.sql = ("SELECT path, title, snippet(articles, 2, '<b>', '</b>', '…', 32), bm25(articles) "
                    "FROM articles WHERE articles MATCH ? ORDER BY rank LIMIT ?")

    def documents(self):
        return self.connection.execute("SELECT count(*) FROM articles").fetchone()[0]

    def search(self, query):
        return self.connection.execute(self.sql, (fts5_query(query), LIMIT)).fetchall()


class Xapian:
    def __init__(self, directory):
        import xapian
        self.xapian = xapian
        self.database = xapian.Database(directory)
        self.stemmer = xapian.Stem("english")
        self.parser = xapian.QueryParser()
        self.parser.set_stemmer(self.stemmer)
        self.parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        self.parser.set_database(self.database)
        self.parser.set_default_op(xapian.Query.OP_OR)
        self.enquire = xapian.Enquire(self.database)
        self.version = "Xapian " + xapian.version_string()

    def documents(self):
        return self.database.get_doccount()

    def search(self, query):
        parsed = self.parser.parse_query(normalised(query), self.xapian.QueryParser.FLAG_DEFAULT)
        self.enquire.set_query(parsed)
        matches = self.enquire.get_mset(0, LIMIT)
        hits = []
        for match in matches:
            data = match.document.get_data()
            data = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
            path, _, rest = data.partition("\n")
            title, _, body = rest.partition("\n\n")
            hits.append((path, title, matches.snippet(body, SNIPPET_CHARS, self.stemmer)))
        return hits


def open_peer(engine, directory):
    if engine in ("tantivy", "tantivy-count"):
        return Tantivy(directory, count=engine == "tantivy-count")
    if engine == "fts5":
        return FTS5(directory)
    if engine == "xapian":
        return Xapian(directory)
    raise SystemExit(f"latency: unknown peer {engine}")


def peer_main(args):
    """Child process: open the index, print one JSON line (version, documents), then answer
    each "pass" line on stdin with one JSON line: every query's time in ms (None after an
    error), its number of hits, and the errors so far. Ends at end of input."""
    queries = read_queries(args.queries)
    opened = time.perf_counter()
    engine = open_peer(args.engine, args.index)
    open_ms = (time.perf_counter() - opened) * 1000
    print(json.dumps({"engine": args.engine, "version": engine.version, "documents": engine.documents(),
                      "open_ms": open_ms}), flush=True)
    errors = {}
    for line in sys.stdin:
        if line.strip() != "pass":
            continue
        times = [None] * len(queries)
        hits = [0] * len(queries)
        for i, query in enumerate(queries):
            if i in errors:
                continue
            started = time.perf_counter_ns()
            try:
                result = engine.search(query["peer"])
            except Exception as error:  # noqa: BLE001  (a peer's parse error is reported, not fatal)
                errors[i] = f"{type(error).__name__}: {error}"
                continue
            times[i] = (time.perf_counter_ns() - started) / 1e6
            hits[i] = len(result)
        print(json.dumps({"times": times, "hits": hits, "errors": {str(k): v for k, v in errors.items()}}),
              flush=True)


def one_shot_main(args):
    """One query in a fresh process, for the whole-process timing of a peer."""
    engine = open_peer(args.engine, args.index)
    for path, title, snippet in engine.search(args.query):
        print(f"{title}\n  {path}\n  {snippet}")


# ---------------------------------------------------------------------------
# Building the indexes


def find_python(module):
    import bench
    return bench.find_python(module)


def gazette_documents(gazette, index):
    result = subprocess.run([gazette, "stats", "--index", index, "--json"], capture_output=True, text=True)
    try:
        data = json.loads(result.stdout)
    except ValueError:
        match = re.search(r"documents\s+([\d,]+)", result.stdout)
        return int(match.group(1).replace(",", "")) if match else None
    for key in ("documents", "live_documents", "document_count"):
        if isinstance(data.get(key), int):
            return data[key]
    return None


def ensure_gazette_index(args, work):
    if args.gazette_index:
        if not os.path.isdir(args.gazette_index):
            raise SystemExit(f"latency: --gazette-index {args.gazette_index}: not a folder")
        return args.gazette_index, None
    index = os.path.join(work, "gazette")
    marker = index + ".json"
    if os.path.exists(marker):
        return index, None
    shutil.rmtree(index, ignore_errors=True)
    command = ["nice", "-n", "10", args.gazette, "index", args.corpus, "--index", index, "--quiet"]
    say(f"gazette: building its index: {shlex.join(command)}")
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"latency: gazette index failed: {result.stderr.strip() or result.stdout.strip()}")
    seconds = time.perf_counter() - started
    with open(marker, "w") as f:
        json.dump({"corpus": os.path.abspath(args.corpus), "seconds": seconds, "command": command}, f)
    return index, seconds


def ensure_peer_index(kind, python, corpus, work):
    """The peer's index of `corpus` in work/<kind>, built once with peers.py (niced) and then reused."""
    index = os.path.join(work, kind)
    marker = index + ".json"
    if os.path.exists(marker):
        with open(marker) as f:
            built = json.load(f)
        if built.get("corpus") != os.path.abspath(corpus):
            raise SystemExit(f"latency: {index} indexes {built.get('corpus')}, not {corpus}; "
                             f"give another --work or delete it")
        return index, built
    partial = index + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    shutil.rmtree(index, ignore_errors=True)
    command = ["nice", "-n", "10", python, os.path.join(HERE, "peers.py"), kind, corpus, partial]
    say(f"{kind}: building its index (once; reused from {index} afterwards): {shlex.join(command)}")
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"latency: {kind} index failed: {result.stderr.strip()[-2000:]}")
    built = json.loads(result.stdout.strip().splitlines()[-1])
    built.update(corpus=os.path.abspath(corpus), wall=time.perf_counter() - started, command=command)
    os.rename(partial, index)
    with open(marker, "w") as f:
        json.dump(built, f)
    say(f"{kind}: {built['documents']:,} documents in {built['wall']:.0f} s")
    return index, built


# ---------------------------------------------------------------------------
# Measuring


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    values = sorted(values)
    if not values:
        return float("nan")
    rank = (len(values) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def summary(values):
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "p99": percentile(values, 99), "mean": statistics.fmean(values), "max": max(values)}


def per_query_medians(times):
    """Per query, the median of its timed passes (None where a pass had no time)."""
    medians = []
    for i in range(len(times[0])):
        values = [p[i] for p in times if p[i] is not None]
        medians.append(statistics.median(values) if values else None)
    return medians


def gazette_binary(gazette):
    """`gazette --version` and the binary's modification time: the binary may be rebuilt between runs."""
    version = subprocess.run([gazette, "--version"], capture_output=True, text=True).stdout.strip()
    built = datetime.datetime.fromtimestamp(os.path.getmtime(gazette)).strftime("%Y-%m-%d %H:%M:%S")
    return f"gazette {version}, binary of {built}"


def gazette_supports(gazette, flag):
    result = subprocess.run([gazette, "search", "--help"], capture_output=True, text=True)
    return re.search(rf"(^|\s){re.escape(flag)}\b", result.stdout + result.stderr) is not None


class GazetteRunner:
    """Gazette's passes: `gazette search --batch` once per pass (one process each, the index
    opened once per process); each query's `took_ms`."""

    def __init__(self, gazette, index, queries, work, engine="gazette"):
        self.engine = engine
        batch = os.path.join(work, f"{engine}-queries.txt")
        with open(batch, "w", encoding="utf-8") as f:
            for q in queries:
                f.write(q["gazette"] + "\n")
        self.command = [gazette, "search", "--batch", batch, "--index", index, "--limit", str(LIMIT)]
        self.command += GAZETTE_ENGINES[engine]
        self.count = len(queries)
        self.info = {"version": gazette_binary(gazette), "documents": gazette_documents(gazette, index)}

    def run_pass(self):
        result = subprocess.run(self.command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{shlex.join(self.command)}: exit {result.returncode}: {result.stderr.strip()}")
        answer_of = {"times": [None] * self.count, "hits": [0] * self.count, "totals": [None] * self.count,
                     "totals_exact": [True] * self.count, "errors": {}}
        for line in result.stdout.splitlines():
            answer = json.loads(line)
            i = answer["line"] - 1
            if "error" in answer:
                answer_of["errors"][str(i)] = answer["error"]
                continue
            answer_of["times"][i] = answer["took_ms"]
            answer_of["hits"][i] = len(answer["hits"])
            answer_of["totals"][i] = answer["total"]
            answer_of["totals_exact"][i] = answer.get("total_exact", True)
        return answer_of

    def close(self):
        pass


class PeerRunner:
    """A peer's passes, in one child process (`latency.py peer`) that keeps its index open."""

    def __init__(self, engine, python, index, queries_path, work):
        self.engine = engine
        self.command = [python, os.path.abspath(__file__), "peer", engine, index, queries_path]
        self.stderr = open(os.path.join(work, f"{engine}.err"), "w+")
        self.process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.stderr, text=True)
        self.info = self.answer()

    def answer(self):
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            self.stderr.seek(0)
            raise RuntimeError(f"{self.engine}: exit {self.process.returncode}: {self.stderr.read().strip()[-2000:]}")
        return json.loads(line)

    def run_pass(self):
        self.process.stdin.write("pass\n")
        self.process.stdin.flush()
        return self.answer()

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait()
        self.stderr.close()


def measure_engines(runners, passes):
    """One warm-up round and `passes` timed rounds; in each round every engine makes one pass
    over all the queries, the order rotated from round to round, so that a change of load on
    a shared machine falls on every engine alike. Per engine: its passes' times, hits, errors."""
    results = {}
    for name, runner in runners.items():
        results[name] = dict(runner.info, engine=name, command=runner.command, times=[], pass_walls=[],
                             errors={}, hits=[], totals=None, totals_exact=None)
    live = list(runners)
    rounds = []
    for number in range(passes + 1):
        turn = number % len(live) if live else 0
        for name in live[turn:] + live[:turn]:
            started = time.perf_counter()
            try:
                answer = runners[name].run_pass()
            except RuntimeError as error:
                results[name]["failed"] = str(error)[:300]
                warn(str(error))
                continue
            result = results[name]
            result["pass_walls"].append(time.perf_counter() - started)
            if number > 0:
                result["times"].append(answer["times"])
            result["hits"] = answer["hits"]
            result["errors"].update(answer["errors"])
            if "totals" in answer:
                result["totals"], result["totals_exact"] = answer["totals"], answer["totals_exact"]
        live = [name for name in live if "failed" not in results[name]]
        rounds.append(os.getloadavg()[0])
        say(f"  {'warm-up round' if number == 0 else f'round {number}'} done: load {rounds[-1]:.2f}")
    for runner in runners.values():
        runner.close()
    return results, rounds


def hyperfine_commands(commands, warmup, runs, work, name):
    """Wall seconds of each command's runs: hyperfine -N when installed, else a loop of subprocesses."""
    if shutil.which("hyperfine"):
        export = os.path.join(work, f"hyperfine-{name}.json")
        command = ["hyperfine", "-N", "-i", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
                   "--export-json", export] + [shlex.join(c) for c in commands]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode == 0:
            with open(export) as f:
                return [r["times"] for r in json.load(f)["results"]], "hyperfine -N"
        warn(f"hyperfine failed ({result.stderr.strip()[-300:]}); timing subprocesses instead")
    all_times = []
    for c in commands:
        times = []
        for number in range(warmup + runs):
            started = time.perf_counter()
            subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if number >= warmup:
                times.append(time.perf_counter() - started)
        all_times.append(times)
    return all_times, "subprocess loop"


def measure_processes(queries, sample, make_command, warmup, runs, work, name):
    """`sample` queries spread over the set (so over the classes), each run as its own process."""
    picked = [queries[i * len(queries) // sample] for i in range(min(sample, len(queries)))]
    for q in picked:  # exit 0 (hits) or 1 (none) only: anything else would time an error message
        result = subprocess.run(make_command(q), capture_output=True, text=True)
        if result.returncode not in (0, 1):
            raise RuntimeError(f"{shlex.join(make_command(q))}: exit {result.returncode}: "
                               f"{result.stderr.strip()[-300:]}")
    times, how = hyperfine_commands([make_command(q) for q in picked], warmup, runs, work, name)
    pooled = [t * 1000 for ts in times for t in ts]
    medians = [statistics.median(ts) * 1000 for ts in times]
    return {"how": how, "queries": [q["gazette"] if name == "gazette" else q["peer"] for q in picked],
            "warmup": warmup, "runs": runs, "median_ms": statistics.median(pooled),
            "p90_ms": percentile(pooled, 90), "per_query_median_ms": medians,
            "command": shlex.join(make_command(picked[0]))}


def measure_engine(engine, index, queries, gazette=None, passes=3, work=None):
    """In-process latency of one engine on its index in `index` (bench.py's hook):
    {"engine", "version", "p50", "p95", "p99", "mean", "max", "n", "errors"} in ms over
    the per-query medians, or {"engine", "failed"}."""
    work = work or tempfile.mkdtemp(prefix="latency-")
    os.makedirs(work, exist_ok=True)
    try:
        if engine in GAZETTE_ENGINES:
            runner = GazetteRunner(gazette, index, queries, work, engine)
        else:
            python, _ = find_python(MODULE_OF[INDEX_OF[engine]])
            if not python:
                return {"engine": engine, "failed": f"no Python here can import {MODULE_OF[INDEX_OF[engine]]}"}
            path = os.path.join(work, "latency-queries.tsv")
            write_queries(queries, path)
            runner = PeerRunner(engine, python, index, path, work)
        measured = measure_engines({engine: runner}, passes)[0][engine]
    except RuntimeError as error:
        return {"engine": engine, "failed": str(error)[:300]}
    if "failed" in measured:
        return {"engine": engine, "failed": measured["failed"]}
    values = [m for m in per_query_medians(measured["times"]) if m is not None]
    return dict(summary(values), engine=engine, version=measured["version"], errors=len(measured["errors"]),
                passes=passes)


# ---------------------------------------------------------------------------
# The report


def fmt(ms):
    if ms is None or ms != ms:
        return "–"
    return f"{ms:.2f}" if ms < 100 else f"{ms:,.0f}"


def fmt_int(n):
    return f"{n:,}" if n is not None else "?"


def analyse(results, queries):
    """Per engine: per-query medians, overall and per-class summaries."""
    for r in results:
        r["medians"] = per_query_medians(r["times"])
        valid = [m for m in r["medians"] if m is not None]
        r["overall"] = summary(valid)
        r["classes"] = {cls: summary([m for m, q in zip(r["medians"], queries) if m is not None and q["class"] == cls])
                        for cls in CLASSES}
        r["no_hits"] = sum(1 for i, h in enumerate(r["hits"]) if h == 0 and str(i) not in r["errors"])


def report(args, corpus, queries, query_notes, results, processes, loads, started_at, versions_notes):
    by = {r["engine"]: r for r in results}
    lines = [f"# Query latency: {os.path.basename(os.path.normpath(corpus))}", ""]
    counts = {cls: sum(1 for q in queries if q["class"] == cls) for cls in CLASSES}
    lines.append(f"- Corpus `{corpus}`; {len(queries)} queries ("
                 + ", ".join(f"{cls} {n}" for cls, n in counts.items()) + f") from `{args.queries_used}`")
    lines += [f"- {n}" for n in query_notes]
    lines.append(f"- OR semantics, top {LIMIT}, stored fields fetched and a snippet for each hit; "
                 f"{args.passes} timed rounds after one warm-up round, one pass of every engine per round; "
                 f"each query's median over its passes")
    import bench
    lines.append(f"- Machine: {bench.machine()}; load average (1 min) {loads[0]:.2f} at the start, "
                 f"{loads[1]:.2f} at the end; {started_at}")
    lines.append("")
    lines.append("In-process latency, ms (per-query medians; p50/p95/p99 over the queries):")
    lines.append("")
    lines.append("| engine | documents | queries | errors | no hits | p50 | p95 | p99 | mean | max "
                 "| Gazette/peer p50 | Gazette/peer p99 |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    gazette = by.get("gazette")
    for r in results:
        o = r["overall"]
        ratio50 = ratio99 = ""
        if gazette and r["engine"] not in GAZETTE_ENGINES and o.get("n") and gazette["overall"].get("n"):
            ratio50 = f"{gazette['overall']['p50'] / o['p50']:.2f}×"
            ratio99 = f"{gazette['overall']['p99'] / o['p99']:.2f}×"
        lines.append(f"| {r['engine']} | {r['documents']:,} | {o['n']} | {len(r['errors'])} | {r['no_hits']} | "
                     f"{fmt(o.get('p50'))} | {fmt(o.get('p95'))} | {fmt(o.get('p99'))} | {fmt(o.get('mean'))} | "
                     f"{fmt(o.get('max'))} | {ratio50} | {ratio99} |")
    for engine, problem in args.failed.items():
        lines.append(f"| {engine} | failed: {problem} | | | | | | | | | | |")
    lines.append("")
    lines.append("Per class, ms: p50 / p95 / p99")
    lines.append("")
    lines.append("| class | queries | " + " | ".join(r["engine"] for r in results) + " |")
    lines.append("| --- | ---: | " + " | ".join("---:" for _ in results) + " |")
    for cls in CLASSES:
        cells = []
        for r in results:
            s = r["classes"][cls]
            cells.append(f"{fmt(s.get('p50'))} / {fmt(s.get('p95'))} / {fmt(s.get('p99'))}" if s["n"] else "–")
        lines.append(f"| {cls} | {counts[cls]} | " + " | ".join(cells) + " |")
    lines.append("")
    if processes:
        lines.append("Whole process, ms (each query its own process; median of all runs pooled):")
        lines.append("")
        lines.append("| command | queries | runs each | median | p90 | per-query medians min – max | timed with |")
        lines.append("| --- | ---: | ---: | ---: | ---: | --- | --- |")
        for name, p in processes.items():
            lines.append(f"| {name} | {len(p['queries'])} | {p['runs']} | {fmt(p['median_ms'])} | {fmt(p['p90_ms'])} | "
                         f"{fmt(min(p['per_query_median_ms']))} – {fmt(max(p['per_query_median_ms']))} | "
                         f"{p['how']}, {p['warmup']} warm-up runs |")
        lines.append("")
        for name, p in processes.items():
            slowest = sorted(zip(p["per_query_median_ms"], p["queries"]), reverse=True)[:3]
            lines.append(f"- {name}, slowest: " + ", ".join(f"`{q}` {fmt(m)} ms" for m, q in slowest))
        lines.append("")
    if gazette and gazette["overall"].get("n"):
        lines.append("The bar (OR, top 10 with a snippet: Gazette's p50 and p99 each at most tantivy's; "
                     "whole-process `gazette search` median at most 10 ms):")
        lines.append("")
        g = gazette["overall"]
        for name in ("tantivy", "tantivy-count"):
            if name in by and by[name]["overall"].get("n"):
                t = by[name]["overall"]
                verdict = lambda a, b: "met" if a <= b else "**not met**"  # noqa: E731
                lines.append(f"- vs {name}: p50 {fmt(g['p50'])} vs {fmt(t['p50'])} ms, {verdict(g['p50'], t['p50'])}; "
                             f"p99 {fmt(g['p99'])} vs {fmt(t['p99'])} ms, {verdict(g['p99'], t['p99'])}")
        exact = by.get("gazette-exact")
        if exact and exact["overall"].get("n") and "tantivy-count" in by and by["tantivy-count"]["overall"].get("n"):
            e, t = exact["overall"], by["tantivy-count"]["overall"]
            lines.append(f"- for context, every match counted (gazette-exact vs tantivy-count): p50 {fmt(e['p50'])} "
                         f"vs {fmt(t['p50'])} ms, p99 {fmt(e['p99'])} vs {fmt(t['p99'])} ms")
        if "gazette search" in processes:
            median = processes["gazette search"]["median_ms"]
            lines.append(f"- whole process: median {fmt(median)} ms, "
                         + ("met" if median <= 10 else "**not met**"))
        lines.append("")
        slow = sorted((i for i, m in enumerate(gazette["medians"]) if m is not None),
                      key=lambda i: -gazette["medians"][i])[:12]
        peer_names = [r["engine"] for r in results if r is not gazette]
        lines.append("Gazette's slowest queries (ms; matches = Gazette's total, \"≥\" where it stopped counting):")
        lines.append("")
        lines.append("| class | Gazette query | matches | gazette | " + " | ".join(peer_names) + " |")
        lines.append("| --- | --- | ---: | ---: | " + " | ".join("---:" for _ in peer_names) + " |")
        for i in slow:
            q = queries[i]
            cells = [fmt(by[name]["medians"][i]) for name in peer_names]
            total = gazette["totals"][i]
            at_least = "" if gazette["totals_exact"][i] else "≥ "
            lines.append(f"| {q['class']} | `{q['gazette']}` | {at_least}{fmt_int(total)} | "
                         f"{fmt(gazette['medians'][i])} | " + " | ".join(cells) + " |")
        lines.append("")
    errors = [(r["engine"], int(i), e) for r in results for i, e in r["errors"].items()]
    if errors:
        lines.append(f"Errors ({len(errors)}; the query is left out of that engine's numbers):")
        lines.append("")
        for engine, i, e in errors[:20]:
            q = queries[i]
            lines.append(f"- {engine}, `{q['gazette'] if engine == 'gazette' else q['peer']}`: {e}")
        if len(errors) > 20:
            lines.append(f"- … and {len(errors) - 20} more (in the JSON)")
        lines.append("")
    lines.append("Engines and commands:")
    lines.append("")
    for r in results:
        lines.append(f"- {r['engine']} ({r['version']}): `{shlex.join(r['command'])}`")
    lines += [f"- {n}" for n in versions_notes]
    lines.append("")
    lines.append("How: in each round every engine makes one pass over the queries (the order rotated from "
                 "round to round), so a change of load falls on all of them. Gazette's time is `took_ms` from "
                 "`gazette search --batch` (its own clock, query parse to snippets, one process per pass); "
                 "each peer keeps its index open in one process, and its time is time.perf_counter_ns around "
                 "parse, search, fetching the stored fields and snippets in Python (the binding's overhead counts against "
                 "them). `tantivy` asks for the top 10 only (count=False, so block-max WAND can skip); "
                 "`tantivy-count` also counts every match, like `gazette-exact` (`--exact-total`), while plain "
                 "`gazette` counts exactly up to 1,000 matches and may then skip; Xapian estimates its match "
                 "count; FTS5 ranks every match. Peers get actor queries as the OR of the actor's aliases. "
                 "See tools/bench/README.md.")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# run


def run_main(args):
    args.corpus = os.path.normpath(args.corpus)
    if not os.path.isdir(args.corpus):
        raise SystemExit(f"latency: {args.corpus}: not a folder")
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ALL_ENGINES]
    if unknown:
        raise SystemExit(f"latency: unknown engine(s) {', '.join(unknown)}; choose from {', '.join(ALL_ENGINES)}")
    args.gazette = os.path.abspath(args.gazette)
    notes = []
    args.failed = {}

    gazette_index = None
    if set(engines) & set(GAZETTE_ENGINES) or args.processes:
        if not os.access(args.gazette, os.X_OK):
            raise SystemExit(f"latency: no gazette binary at {args.gazette}; pass --gazette PATH")
        if "gazette-exact" in engines and not gazette_supports(args.gazette, "--exact-total"):
            engines.remove("gazette-exact")
            notes.append("gazette-exact skipped: this gazette has no `search --exact-total`")
        gazette_index, seconds = ensure_gazette_index(args, work)
        if seconds:
            notes.append(f"Gazette's index built by this run in {seconds:.0f} s")

    queries_path = args.queries or os.path.join(work, f"queries-seed{args.seed}.tsv")
    if args.queries is None and not os.path.exists(queries_path):
        say(f"drawing the queries from {args.sample:,} sampled documents …")
        queries, query_notes = make_queries(args.corpus, args.seed, args.sample, args.gazette, gazette_index)
        write_queries(queries, queries_path)
        with open(queries_path + ".notes", "w") as f:
            f.write("\n".join(query_notes) + "\n")
    queries = read_queries(queries_path)
    query_notes = []
    if os.path.exists(queries_path + ".notes"):
        with open(queries_path + ".notes") as f:
            query_notes = [line.strip() for line in f if line.strip()]
    args.queries_used = queries_path
    say(f"{len(queries)} queries from {queries_path}")

    pythons = {}
    for engine in engines:
        if engine in GAZETTE_ENGINES:
            continue
        module = MODULE_OF[INDEX_OF[engine]]
        python, version = find_python(module)
        if not python:
            message = f"{engine} skipped: no Python here can import `{module}`"
            warn(message)
            notes.append(message)
            continue
        pythons[engine] = python

    indexes = {}
    for engine, python in pythons.items():
        kind = INDEX_OF[engine]
        if kind not in indexes:
            try:
                indexes[kind], built = ensure_peer_index(kind, python, args.corpus, work)
                notes.append(f"{kind} index: `{indexes[kind]}`, {built['documents']:,} documents "
                             f"(built in {built.get('wall', built.get('seconds', 0)):.0f} s, niced)")
            except SystemExit as error:
                args.failed[engine] = str(error)
                warn(str(error))

    started_at = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    load_start = os.getloadavg()[0]
    runners = {}
    for engine in engines:
        try:
            if engine in GAZETTE_ENGINES:
                runners[engine] = GazetteRunner(args.gazette, gazette_index, queries, work, engine)
            elif engine in pythons and INDEX_OF[engine] in indexes:
                runners[engine] = PeerRunner(engine, pythons[engine], indexes[INDEX_OF[engine]], queries_path, work)
        except RuntimeError as error:
            args.failed[engine] = str(error)[:300]
            warn(str(error))
    say(f"{', '.join(runners)}: 1 warm-up round + {args.passes} timed rounds over {len(queries)} queries, "
        f"one pass of each engine per round …")
    measured, rounds = measure_engines(runners, args.passes)
    results = []
    for engine, result in measured.items():
        if "failed" in result:
            args.failed[engine] = result["failed"]
            continue
        results.append(result)
        s = summary([m for m in per_query_medians(result["times"]) if m is not None])
        say(f"  {engine}: p50 {fmt(s.get('p50'))} ms, p95 {fmt(s.get('p95'))} ms, p99 {fmt(s.get('p99'))} ms, "
            f"{len(result['errors'])} errors")

    processes = {}
    whole = []
    if args.processes and gazette_index:
        whole.append(("gazette search", "gazette", 3, args.process_runs,
                      lambda q: [args.gazette, "search", "--index", gazette_index, "--limit", str(LIMIT), "--",
                                 q["gazette"]]))
    if args.processes and "tantivy" in indexes and args.peer_process_runs:
        python = pythons.get("tantivy") or pythons.get("tantivy-count")
        whole.append(("tantivy one-shot (python3 latency.py one-shot)", "tantivy", 1, args.peer_process_runs,
                      lambda q: [python, os.path.abspath(__file__), "one-shot", "tantivy", indexes["tantivy"],
                                 q["peer"]]))
    for label, name, warmup, runs, make_command in whole:
        say(f"whole process: {label}, {args.processes} queries × {runs} runs …")
        try:
            processes[label] = measure_processes(queries, args.processes, make_command, warmup, runs, work, name)
            say(f"  median {fmt(processes[label]['median_ms'])} ms")
        except RuntimeError as error:
            warn(f"whole process, {label}: {error}")
            notes.append(f"whole process, {label}: not measured: {error}")
    loads = (load_start, os.getloadavg()[0])

    analyse(results, queries)
    notes.append("load average after each round (warm-up first): " + ", ".join(f"{x:.2f}" for x in rounds))
    text = report(args, args.corpus, queries, query_notes, results, processes, loads, started_at, notes)
    out = args.out or os.path.join(work, f"latency-{os.path.basename(args.corpus)}.md")
    with open(out, "w") as f:
        f.write(text)
    raw_path = os.path.splitext(out)[0] + ".json"
    raw = {"corpus": args.corpus, "queries_file": queries_path, "queries": queries, "passes": args.passes,
           "started": started_at, "load": loads, "results": results, "processes": processes, "notes": notes,
           "failed": args.failed}
    with open(raw_path, "w") as f:
        json.dump(raw, f, indent=1)
        f.write("\n")
    say("")
    say(text)
    say(f"written: {out}, {raw_path}")
    return raw


def build_main(args):
    """Build (or find) the peer indexes in --work, one engine after the other, niced."""
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    for kind in [e.strip() for e in args.engines.split(",") if e.strip()]:
        if kind not in MODULE_OF:
            raise SystemExit(f"latency: build: unknown peer {kind}; choose from {', '.join(MODULE_OF)}")
        python, _ = find_python(MODULE_OF[kind])
        if not python:
            warn(f"{kind} skipped: no Python here can import `{MODULE_OF[kind]}`")
            continue
        index, built = ensure_peer_index(kind, python, os.path.normpath(args.corpus), work)
        say(f"{kind}: {index}: {built['documents']:,} documents")


def make_queries_main(args):
    queries, notes = make_queries(args.corpus, args.seed, args.sample, os.path.abspath(args.gazette),
                                  args.gazette_index)
    write_queries(queries, args.out)
    with open(args.out + ".notes", "w") as f:
        f.write("\n".join(notes) + "\n")
    counts = {cls: sum(1 for q in queries if q["class"] == cls) for cls in CLASSES}
    say(f"{len(queries)} queries written to {args.out}: " + ", ".join(f"{c} {n}" for c, n in counts.items()))
    for note in notes:
        say(f"  {note}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    default_gazette = os.path.join(REPO, ".build", "release", "gazette")

    make = commands.add_parser("make-queries", help="draw the query set from a corpus, write a TSV")
    make.add_argument("corpus")
    make.add_argument("--out", required=True, help="the TSV to write (class, gazette query, peer query)")
    make.add_argument("--seed", type=int, default=1)
    make.add_argument("--sample", type=int, default=20000, help="documents to read, evenly spread (20000)")
    make.add_argument("--gazette-index", help="a Gazette index of the corpus: its most-mentioned actors are asked")
    make.add_argument("--gazette", default=default_gazette, help="gazette binary (for --gazette-index)")

    run = commands.add_parser("run", help="build the peer indexes if needed, time the queries, report")
    run.add_argument("corpus")
    run.add_argument("--work", default="/tmp/gazette-latency", help="peer indexes and scratch files, reused")
    run.add_argument("--gazette", default=default_gazette, help="gazette binary (default: .build/release/gazette)")
    run.add_argument("--gazette-index", help="an existing Gazette index of CORPUS (else built in --work)")
    run.add_argument("--queries", help="a query TSV from make-queries (else drawn into --work, then reused)")
    run.add_argument("--seed", type=int, default=1, help="for drawing the queries (1)")
    run.add_argument("--sample", type=int, default=20000, help="documents to draw the queries from (20000)")
    run.add_argument("--engines", default=",".join(ALL_ENGINES),
                     help=f"comma-separated, from {','.join(ALL_ENGINES)} (default: all)")
    run.add_argument("--passes", type=int, default=3, help="timed passes after the warm-up (3)")
    run.add_argument("--processes", type=int, default=30,
                     help="queries to time as whole `gazette search` processes; 0 skips (30)")
    run.add_argument("--process-runs", type=int, default=20, help="runs per whole-process query (20)")
    run.add_argument("--peer-process-runs", type=int, default=5,
                     help="runs per query of the tantivy one-shot Python process; 0 skips (5)")
    run.add_argument("--out", help="the Markdown report (default: WORK/latency-<corpus>.md); raw JSON beside it")

    build = commands.add_parser("build", help="only build the peer indexes in --work (once, niced)")
    build.add_argument("corpus")
    build.add_argument("--work", default="/tmp/gazette-latency", help="where the indexes go")
    build.add_argument("--engines", default="tantivy,fts5,xapian", help="peers to build (tantivy,fts5,xapian)")

    peer = commands.add_parser("peer", help="(internal) a peer's child: one timed pass per 'pass' line on stdin, "
                                            "a JSON line each on stdout")
    peer.add_argument("engine", choices=PEER_ENGINES)
    peer.add_argument("index")
    peer.add_argument("queries")

    one = commands.add_parser("one-shot", help="(internal) one peer query in a fresh process")
    one.add_argument("engine", choices=PEER_ENGINES)
    one.add_argument("index")
    one.add_argument("query")

    args = parser.parse_args()
    if args.command == "make-queries":
        make_queries_main(args)
    elif args.command == "run":
        if args.passes < 1:
            parser.error("--passes must be at least 1")
        run_main(args)
    elif args.command == "build":
        build_main(args)
    elif args.command == "peer":
        peer_main(args)
    else:
        one_shot_main(args)


if __name__ == "__main__":
    main()
