#!/usr/bin/env python3
"""Score Gazette's actor search (`gazette search --actor NAME`) against the
country labels that Reuters' editors gave the Reuters-21578 articles.

What it measures: for a country, how well the ranked list of articles that
Gazette returns for that country as an actor matches the articles that the
editors labelled with the country (the PLACES labels in
`<corpus>/labels-dev.tsv`).

Protocol (from the issue): "For each of the countries in eval-countries.txt,
score the ranked list from `gazette search --actor <country> --limit 0` against the
labelled articles. Report average precision (AP, unretrieved relevant articles
count as zero), R-precision, P@10 and the recall of the whole list,
macro-averaged over the countries. Leave usa out of the average, because most
of its labels are implicit."

How it is applied here:
  * Each Reuters PLACES code is turned into the name Gazette is asked for
    (COUNTRY_NAMES below, or `--name code=Name`): "west-germany" -> "West
    Germany", "usa" -> "United States", ...
  * The ranked list is filtered to the articles that the labels file lists
    (order kept), so an unlabelled article neither helps nor hurts. Only the
    NEWIDs the labels file holds are scored, so the same code scores a test
    split (`--split test` or `--labels FILE`).
  * Relevant = a labelled article whose `places` holds the code. AP sums the
    precision at each relevant article retrieved and divides by the number of
    relevant labelled articles (unretrieved ones count as zero). R-precision is
    the precision among the first R (R = number relevant), P@10 the precision
    among the first 10 (always divided by 10), recall the share of the relevant
    articles anywhere in the list.
  * A country whose search fails (exit status other than 0 or 1, or output
    that is not the expected JSON) scores 0 everywhere and counts in the
    averages; a country with no relevant labelled article is shown but left
    out of the averages.
  * Macro averages are printed twice: without the countries named by
    `--exclude-from-average` (default usa; their rows are still printed), and
    over every country.

Reference baseline: `--baseline counts` ranks the articles without Gazette, by
counting (Python regexes) mentions of the country's name, demonym and capital
in the article, +3 when one appears in the title or in the first line of the
body (the dateline), ties by NEWID; `--with-baseline` scores both in one run.

Usage (from the repository root):
  swift build -c release
  python3 tools/eval_actors.py                    # index the corpus into /tmp, score
  python3 tools/eval_actors.py --index /tmp/idx   # reuse /tmp/idx if it has a MANIFEST
  python3 tools/eval_actors.py --json             # one JSON object instead of a table
  python3 tools/eval_actors.py --baseline counts  # the regex baseline, no gazette needed
  python3 tools/eval_actors.py --with-baseline    # gazette and the baseline, same labels
  python3 tools/eval_actors.py --self-test        # check the metric functions

Options: --gazette PATH (default .build/release/gazette), --corpus PATH
(default ../shared/corpora/reuters21578, both relative to the repository
root), --labels FILE (default <corpus>/labels-<split>.tsv), --countries FILE
(default <corpus>/eval-countries.txt), --index PATH (default
/tmp/gazette-eval-index, always rebuilt), --reindex, --split dev|test,
--exclude-from-average CODE[,CODE] (repeatable; "none" for none),
--name CODE=NAME (repeatable), --json.

Exit status: 0 it ran (even if some countries failed), 1 gazette could not
build the index, 2 usage error or a missing binary, corpus or file.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

# Reuters PLACES code -> the name Gazette is asked for. Codes not listed here
# get the default: '-' -> ' ', then title case ("hong-kong" -> "Hong Kong").
COUNTRY_NAMES = {
    "usa": "United States",
    "uk": "United Kingdom",
    "uae": "United Arab Emirates",
    "ussr": "USSR",
}

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GAZETTE = REPO_ROOT / ".build" / "release" / "gazette"
DEFAULT_CORPUS = REPO_ROOT / ".." / "shared" / "corpora" / "reuters21578"
DEFAULT_INDEX = Path("/tmp/gazette-eval-index")
SEARCH_TIMEOUT = 600  # seconds per country

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

METRICS = ("ap", "r_precision", "p_at_10", "recall")


class UsageError(Exception):
    """A usage or missing-file error: reported, then exit status 2."""


# ---------------------------------------------------------------------------
# Metrics. `ranked` is a list of 0/1 relevance flags in rank order (already
# filtered to the labelled articles); `total_relevant` counts the relevant
# labelled articles, retrieved or not.


def average_precision(ranked, total_relevant):
    if total_relevant <= 0:
        return None
    found, total = 0, 0.0
    for rank, relevant in enumerate(ranked, 1):
        if relevant:
            found += 1
            total += found / rank
    return total / total_relevant


def precision_at(ranked, k):
    if k <= 0:
        return None
    return sum(1 for relevant in ranked[:k] if relevant) / k


def r_precision(ranked, total_relevant):
    if total_relevant <= 0:
        return None
    return precision_at(ranked, total_relevant)


def recall(ranked, total_relevant):
    if total_relevant <= 0:
        return None
    return sum(1 for relevant in ranked if relevant) / total_relevant


def score_list(newids, labelled, relevant):
    """Scores one ranked list of NEWIDs against the labelled set.

    newids: NEWIDs in rank order (any articles); labelled: the set of NEWIDs
    the labels file lists; relevant: the labelled NEWIDs that carry the code.
    The list is filtered to `labelled` (order kept, repeats dropped)."""
    seen = set()
    kept = []
    for newid in newids:
        if newid in labelled and newid not in seen:
            seen.add(newid)
            kept.append(newid)
    flags = [1 if newid in relevant else 0 for newid in kept]
    count = len(relevant)
    return {
        "relevant": count,
        "retrieved": len(kept),
        "relevant_retrieved": sum(flags),
        "ap": average_precision(flags, count),
        "r_precision": r_precision(flags, count),
        "p_at_10": precision_at(flags, 10) if count > 0 else None,
        "recall": recall(flags, count),
    }


def macro_average(rows):
    """Mean of each metric over the rows that have one (countries with no
    relevant labelled article are skipped)."""
    scored = [row for row in rows if row.get("ap") is not None]
    out = {"countries": len(scored)}
    for metric in METRICS:
        out[metric] = (sum(row[metric] for row in scored) / len(scored)) if scored else None
    return out


# ---------------------------------------------------------------------------
# Inputs.


def country_name(code, overrides=None):
    names = dict(COUNTRY_NAMES)
    names.update(overrides or {})
    if code in names:
        return names[code]
    return " ".join(word[:1].upper() + word[1:] for word in code.split("-"))


_NEWID_NAME = re.compile(r"^(\d+)\.txt$", re.IGNORECASE)


def newid_from_path(path):
    """`.../00/00004.txt` -> 4; None for any other file name."""
    match = _NEWID_NAME.match(os.path.basename(path))
    return int(match.group(1)) if match else None


def read_countries(path):
    codes = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                codes.append(line.lower())
    if not codes:
        raise UsageError(f"no country codes in {path}")
    return codes


def read_labels(path):
    """Returns {newid: set of places codes} for every article the file lists."""
    places = {}
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\r\n").split("\t")
        if "newid" not in header or "places" not in header:
            raise UsageError(f"{path}: the header must name the columns 'newid' and 'places' (tab-separated)")
        newid_col, places_col = header.index("newid"), header.index("places")
        for number, line in enumerate(f, 2):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            try:
                newid = int(fields[newid_col])
            except (IndexError, ValueError):
                raise UsageError(f"{path}:{number}: no NEWID in the line") from None
            value = fields[places_col] if places_col < len(fields) else ""
            places[newid] = {code.strip().lower() for code in value.split(";") if code.strip()}
    if not places:
        raise UsageError(f"no labelled articles in {path}")
    return places


# ---------------------------------------------------------------------------
# Gazette.


def gazette_version(gazette):
    try:
        done = subprocess.run([str(gazette), "--version"], capture_output=True, text=True, timeout=60)
    except OSError as error:
        return f"(could not run {gazette} --version: {error})"
    line = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return line[0] if line else f"(no output from {gazette} --version, exit {done.returncode})"


def build_index(gazette, corpus, index, log):
    command = [str(gazette), "index", str(corpus), "--index", str(index), "--quiet"]
    log(f"indexing {corpus} into {index} ...")
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise RuntimeError(f"`{' '.join(command)}` failed with exit status {done.returncode}")
    elapsed = time.monotonic() - started
    log(f"indexed in {elapsed:.1f} s")
    return elapsed


def gazette_ranking(gazette, index, name):
    """Returns (list of NEWIDs in rank order, total hits, error message or None)."""
    command = [str(gazette), "search", "--actor", name, "--limit", "0", "--json", "--color", "never", "--index", str(index)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=SEARCH_TIMEOUT)
    except subprocess.TimeoutExpired:
        return [], 0, f"timed out after {SEARCH_TIMEOUT} s"
    except OSError as error:
        return [], 0, f"could not run {gazette}: {error}"
    if done.returncode not in (0, 1):
        message = done.stderr.strip() or "(no message on stderr)"
        return [], 0, f"exit status {done.returncode}: {message}"
    try:
        result = json.loads(done.stdout)
        hits = result["hits"]
        paths = [hit["path"] for hit in hits]
        total = int(result.get("total", len(hits)))
    except (ValueError, KeyError, TypeError) as error:
        return [], 0, f"unexpected output (exit status {done.returncode}): {error}: {done.stdout[:200]!r}"
    if done.returncode == 1 and hits:
        return [], 0, "exit status 1 (no hits) but the JSON lists hits"
    newids = [newid for newid in map(newid_from_path, paths) if newid is not None]
    return newids, total, None


# ---------------------------------------------------------------------------
# Baseline `counts`: name, demonym(s), capital(s) per country. Alternative
# spellings of the time are included (Peking, Dacca); Nigeria's capital was
# Lagos in 1987. Matching is case-sensitive in the body and case-insensitive
# in the (upper-case) title and the first line of the body (its dateline
# starts with an upper-case place); the longest term wins at a position, and the
# BLOCKERS (other places that contain a country's term) match but count for
# no country.

BASELINE_TERMS = {
    "usa": (["United States", "U.S.", "U.S.A.", "USA", "America"], ["American", "Americans"], ["Washington"]),
    "uk": (["United Kingdom", "Britain", "Great Britain", "U.K.", "UK"], ["British", "Briton", "Britons"], ["London"]),
    "japan": (["Japan"], ["Japanese"], ["Tokyo"]),
    "canada": (["Canada"], ["Canadian", "Canadians"], ["Ottawa"]),
    "west-germany": (["West Germany", "Germany"], ["West German", "West Germans", "German", "Germans"], ["Bonn"]),
    "france": (["France"], ["French"], ["Paris"]),
    "brazil": (["Brazil"], ["Brazilian", "Brazilians"], ["Brasilia"]),
    "australia": (["Australia"], ["Australian", "Australians"], ["Canberra"]),
    "china": (["China"], ["Chinese"], ["Peking", "Beijing"]),
    "switzerland": (["Switzerland"], ["Swiss"], ["Berne", "Bern"]),
    "ussr": (["Soviet Union", "USSR", "U.S.S.R.", "Russia"], ["Soviet", "Soviets", "Russian", "Russians"], ["Moscow"]),
    "netherlands": (["Netherlands", "Holland"], ["Dutch"], ["Amsterdam", "The Hague"]),
    "belgium": (["Belgium"], ["Belgian", "Belgians"], ["Brussels"]),
    "iran": (["Iran"], ["Iranian", "Iranians"], ["Tehran"]),
    "italy": (["Italy"], ["Italian", "Italians"], ["Rome"]),
    "hong-kong": (["Hong Kong"], [], []),
    "philippines": (["Philippines"], ["Philippine", "Filipino", "Filipinos"], ["Manila"]),
    "taiwan": (["Taiwan"], ["Taiwanese"], ["Taipei"]),
    "south-korea": (["South Korea", "Korea"], ["South Korean", "South Koreans", "Korean", "Koreans"], ["Seoul"]),
    "south-africa": (["South Africa"], ["South African", "South Africans"], ["Pretoria"]),
    "indonesia": (["Indonesia"], ["Indonesian", "Indonesians"], ["Jakarta"]),
    "sweden": (["Sweden"], ["Swedish", "Swede", "Swedes"], ["Stockholm"]),
    "spain": (["Spain"], ["Spanish", "Spaniard", "Spaniards"], ["Madrid"]),
    "new-zealand": (["New Zealand"], ["New Zealander", "New Zealanders"], ["Wellington"]),
    "saudi-arabia": (["Saudi Arabia"], ["Saudi", "Saudis"], ["Riyadh"]),
    "iraq": (["Iraq"], ["Iraqi", "Iraqis"], ["Baghdad"]),
    "malaysia": (["Malaysia"], ["Malaysian", "Malaysians"], ["Kuala Lumpur"]),
    "thailand": (["Thailand"], ["Thai", "Thais"], ["Bangkok"]),
    "argentina": (["Argentina"], ["Argentine", "Argentines", "Argentinian"], ["Buenos Aires"]),
    "india": (["India"], ["Indian", "Indians"], ["New Delhi"]),
    "mexico": (["Mexico"], ["Mexican", "Mexicans"], ["Mexico City"]),
    "venezuela": (["Venezuela"], ["Venezuelan", "Venezuelans"], ["Caracas"]),
    "singapore": (["Singapore"], ["Singaporean", "Singaporeans"], []),
    "ecuador": (["Ecuador"], ["Ecuadorean", "Ecuadoreans", "Ecuadorian", "Ecuadorians"], ["Quito"]),
    "turkey": (["Turkey"], ["Turkish", "Turk", "Turks"], ["Ankara"]),
    "colombia": (["Colombia"], ["Colombian", "Colombians"], ["Bogota"]),
    "luxembourg": (["Luxembourg"], ["Luxembourger", "Luxembourgers"], []),
    "denmark": (["Denmark"], ["Danish", "Dane", "Danes"], ["Copenhagen"]),
    "kuwait": (["Kuwait"], ["Kuwaiti", "Kuwaitis"], []),
    "peru": (["Peru"], ["Peruvian", "Peruvians"], ["Lima"]),
    "norway": (["Norway"], ["Norwegian", "Norwegians"], ["Oslo"]),
    "yugoslavia": (["Yugoslavia"], ["Yugoslav", "Yugoslavs", "Yugoslavian"], ["Belgrade"]),
    "egypt": (["Egypt"], ["Egyptian", "Egyptians"], ["Cairo"]),
    "pakistan": (["Pakistan"], ["Pakistani", "Pakistanis"], ["Islamabad"]),
    "bahrain": (["Bahrain"], ["Bahraini", "Bahrainis"], ["Manama"]),
    "finland": (["Finland"], ["Finnish", "Finn", "Finns"], ["Helsinki"]),
    "portugal": (["Portugal"], ["Portuguese"], ["Lisbon"]),
    "greece": (["Greece"], ["Greek", "Greeks"], ["Athens"]),
    "sri-lanka": (["Sri Lanka"], ["Sri Lankan", "Sri Lankans"], ["Colombo"]),
    "uae": (["United Arab Emirates", "UAE", "U.A.E."], ["Emirati", "Emiratis"], ["Abu Dhabi"]),
    "bangladesh": (["Bangladesh"], ["Bangladeshi", "Bangladeshis"], ["Dhaka", "Dacca"]),
    "algeria": (["Algeria"], ["Algerian", "Algerians"], ["Algiers"]),
    "nigeria": (["Nigeria"], ["Nigerian", "Nigerians"], ["Lagos", "Abuja"]),
    "bolivia": (["Bolivia"], ["Bolivian", "Bolivians"], ["La Paz", "Sucre"]),
    "nicaragua": (["Nicaragua"], ["Nicaraguan", "Nicaraguans"], ["Managua"]),
}

# Places whose names contain a term above but are not that country.
BASELINE_BLOCKERS = [
    "East Germany", "East German", "East Germans", "North Korea", "North Korean", "North Koreans",
    "Latin America", "Latin American", "South America", "South American", "Central America",
    "Central American", "North America", "North American", "New Mexico", "Washington State",
]

BASELINE_TITLE_BONUS = 3


class CountsBaseline:
    def __init__(self, codes):
        missing = [code for code in codes if code not in BASELINE_TERMS]
        if missing:
            raise UsageError("--baseline counts has no terms for: " + ", ".join(missing)
                             + " (add them to BASELINE_TERMS)")
        self.owner = {}  # term -> country code, or None for a blocker
        for code in codes:
            names, demonyms, capitals = BASELINE_TERMS[code]
            for term in names + demonyms + capitals:
                self.owner.setdefault(term, code)
        for term in BASELINE_BLOCKERS:
            self.owner.setdefault(term, None)
        self.owner_upper = {}
        for term, code in self.owner.items():
            self.owner_upper.setdefault(term.upper(), code)
        alternation = "|".join(re.escape(term) for term in sorted(self.owner, key=len, reverse=True))
        pattern = r"(?<![A-Za-z0-9])(?:" + alternation + r")(?![A-Za-z0-9])"
        self.body_pattern = re.compile(pattern)
        self.title_pattern = re.compile(pattern, re.IGNORECASE)

    def article_scores(self, text):
        """{code: score} for one article: title line, blank line, body."""
        lines = text.lstrip().split("\n")
        title = lines[0]
        body_lines = lines[1:]
        first = next((i for i, line in enumerate(body_lines) if line.strip()), None)
        dateline = body_lines[first] if first is not None else ""
        rest = "\n".join(body_lines[first + 1:]) if first is not None else ""
        counts = {}
        bonus = set()
        for match in self.title_pattern.finditer(title):
            code = self.owner_upper.get(match.group(0).upper())
            if code:
                counts[code] = counts.get(code, 0) + 1
                bonus.add(code)
        for match in self.title_pattern.finditer(dateline):  # the dateline's place is upper case
            code = self.owner_upper.get(match.group(0).upper())
            if code:
                counts[code] = counts.get(code, 0) + 1
                bonus.add(code)
        for match in self.body_pattern.finditer(rest):
            code = self.owner[match.group(0)]
            if code:
                counts[code] = counts.get(code, 0) + 1
        for code in bonus:
            counts[code] += BASELINE_TITLE_BONUS
        return counts

    def rankings(self, corpus):
        """{code: NEWIDs in rank order} over every NNNNN.txt under the corpus:
        articles with a score above zero, highest first, ties by NEWID."""
        scored = {}
        for root, dirs, files in os.walk(corpus):
            dirs.sort()
            for name in files:
                newid = newid_from_path(name)
                if newid is None:
                    continue
                with open(os.path.join(root, name), "rb") as f:
                    text = f.read().decode("utf-8", "replace")
                for code, score in self.article_scores(text).items():
                    scored.setdefault(code, []).append((-score, newid))
        return {code: [newid for _, newid in sorted(pairs)] for code, pairs in scored.items()}


# ---------------------------------------------------------------------------
# Runs.


def evaluate(codes, names, rank_of, labels):
    """rank_of(code, name) -> (newids, total hits, error or None)."""
    labelled = set(labels)
    rows = []
    for code in codes:
        relevant = {newid for newid, places in labels.items() if code in places}
        newids, total, error = rank_of(code, names[code])
        row = {"code": code, "name": names[code], "hits": total}
        row.update(score_list(newids, labelled, relevant))
        if error is not None:
            row["error"] = error
            for metric in METRICS:
                row[metric] = 0.0 if row["relevant"] > 0 else None
        rows.append(row)
    return rows


def summarise(rows, excluded):
    return {
        "countries": rows,
        "macro": macro_average([row for row in rows if row["code"] not in excluded]),
        "macro_all": macro_average(rows),
        "failures": [row["code"] for row in rows if "error" in row],
        "no_relevant": [row["code"] for row in rows if row["relevant"] == 0],
    }


def fmt(value):
    return "    -" if value is None else f"{value:.3f}"


def print_table(title, result, excluded):
    rows = result["countries"]
    width = max([len("name")] + [len(row["name"]) for row in rows])
    code_width = max([len("code")] + [len(row["code"]) for row in rows])
    print(title)
    print(f"{'code':<{code_width}}  {'name':<{width}}  {'#rel':>5}  {'#ret':>5}  "
          f"{'AP':>5}  {'R-prec':>6}  {'P@10':>5}  {'recall':>6}")
    for row in rows:
        mark = "  FAILED" if "error" in row else ""
        print(f"{row['code']:<{code_width}}  {row['name']:<{width}}  {row['relevant']:>5}  {row['retrieved']:>5}  "
              f"{fmt(row['ap']):>5}  {fmt(row['r_precision']):>6}  {fmt(row['p_at_10']):>5}  {fmt(row['recall']):>6}{mark}")
    for label, macro in ((f"macro, excluding {', '.join(sorted(excluded)) or 'none'}", result["macro"]),
                         ("macro, all countries", result["macro_all"])):
        print(f"{label} ({macro['countries']} countries): AP {fmt(macro['ap'])}  R-prec {fmt(macro['r_precision'])}  "
              f"P@10 {fmt(macro['p_at_10'])}  recall {fmt(macro['recall'])}")
    if result["failures"]:
        print(f"failed (scored 0): {', '.join(result['failures'])}")
    if result["no_relevant"]:
        print(f"no relevant labelled article (left out of the averages): {', '.join(result['no_relevant'])}")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="eval_actors.py",
        description="Score `gazette search --actor COUNTRY --limit 0` against the Reuters-21578 PLACES labels.")
    parser.add_argument("--gazette", metavar="PATH", help=f"gazette binary (default {DEFAULT_GAZETTE.relative_to(REPO_ROOT)} "
                        "under the repository root)")
    parser.add_argument("--index", metavar="PATH", help=f"index directory, reused if it already holds a MANIFEST "
                        f"(default {DEFAULT_INDEX}, rebuilt every run)")
    parser.add_argument("--reindex", action="store_true", help="build the index even if it exists")
    parser.add_argument("--corpus", metavar="PATH", help="Reuters-21578 folder (default ../shared/corpora/reuters21578 "
                        "from the repository root)")
    parser.add_argument("--labels", metavar="FILE", help="labels TSV (default <corpus>/labels-<split>.tsv)")
    parser.add_argument("--countries", metavar="FILE", help="country codes to score (default <corpus>/eval-countries.txt)")
    parser.add_argument("--split", choices=["dev", "test"], default="dev",
                        help="which labels file to default to (default dev)")
    parser.add_argument("--exclude-from-average", action="append", metavar="CODE[,CODE]",
                        help="countries left out of the first macro average (default usa; 'none' for none)")
    parser.add_argument("--name", action="append", default=[], metavar="CODE=NAME",
                        help="ask gazette for NAME for this code (overrides COUNTRY_NAMES)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--baseline", choices=["counts"], help="score the regex baseline instead of gazette")
    parser.add_argument("--with-baseline", action="store_true",
                        help="score gazette and the counts baseline in the same run")
    parser.add_argument("--self-test", action="store_true", help="run the metric self-test and exit")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.self_test:
        self_test()
        print("ok")
        return EXIT_OK
    try:
        return run(args)
    except UsageError as error:
        print(f"eval_actors.py: {error}", file=sys.stderr)
        return EXIT_USAGE


def existing(path, what, want_dir=False):
    path = Path(path)
    if want_dir and not path.is_dir():
        raise UsageError(f"{what} not found: {path} is not a directory")
    if not want_dir and not path.is_file():
        raise UsageError(f"{what} not found: {path}")
    return path


def run(args):
    started = time.monotonic()
    log = (lambda message: print(message, file=sys.stderr)) if args.json else print

    if args.baseline and args.with_baseline:
        raise UsageError("--baseline and --with-baseline cannot be used together")
    corpus = existing(Path(args.corpus) if args.corpus else DEFAULT_CORPUS.resolve(), "corpus", want_dir=True)
    labels_path = existing(args.labels or corpus / f"labels-{args.split}.tsv", "labels file")
    countries_path = existing(args.countries or corpus / "eval-countries.txt", "countries file")
    overrides = {}
    for item in args.name:
        code, sep, name = item.partition("=")
        if not sep or not code.strip() or not name.strip():
            raise UsageError(f"--name wants CODE=NAME, not {item!r}")
        overrides[code.strip().lower()] = name.strip()
    excluded = set()
    for item in args.exclude_from_average if args.exclude_from_average is not None else ["usa"]:
        excluded.update(code.strip().lower() for code in item.split(",") if code.strip())
    excluded.discard("none")

    codes = read_countries(countries_path)
    labels = read_labels(labels_path)
    names = {code: country_name(code, overrides) for code in codes}
    report = {
        "mode": "baseline:counts" if args.baseline else "gazette",
        "corpus": str(corpus),
        "labels": str(labels_path),
        "labelled_articles": len(labels),
        "countries_file": str(countries_path),
        "excluded_from_average": sorted(excluded),
    }

    gazette_result = baseline_result = None
    timings = {}
    baseline = CountsBaseline(codes) if (args.baseline or args.with_baseline) else None  # checks the terms first
    if not args.baseline:
        gazette = existing(Path(args.gazette) if args.gazette else DEFAULT_GAZETTE, "gazette binary")
        if not os.access(gazette, os.X_OK):
            raise UsageError(f"gazette binary is not executable: {gazette}")
        index = Path(args.index) if args.index else DEFAULT_INDEX
        report["gazette"] = str(gazette)
        report["gazette_version"] = gazette_version(gazette)
        report["index"] = str(index)
        log(f"gazette: {gazette} ({report['gazette_version']})")
        if args.reindex or not args.index or not (index / "MANIFEST").is_file():
            try:
                timings["index_seconds"] = round(build_index(gazette, corpus, index, log), 3)
            except (RuntimeError, OSError) as error:
                print(f"eval_actors.py: {error}", file=sys.stderr)
                return EXIT_FAILED
        else:
            log(f"reusing the index in {index}")

        def rank_of(code, name):
            newids, total, error = gazette_ranking(gazette, index, name)
            if error is not None:
                print(f"{code} ({name}): gazette search failed: {error}", file=sys.stderr)
            return newids, total, error

        searched = time.monotonic()
        gazette_result = summarise(evaluate(codes, names, rank_of, labels), excluded)
        timings["search_seconds"] = round(time.monotonic() - searched, 3)

    if baseline is not None:
        counted = time.monotonic()
        ranked = baseline.rankings(corpus)
        baseline_result = summarise(
            evaluate(codes, names, lambda code, name: (ranked.get(code, []), len(ranked.get(code, [])), None),
                     labels), excluded)
        timings["baseline_seconds"] = round(time.monotonic() - counted, 3)

    timings["wall_seconds"] = round(time.monotonic() - started, 3)
    if args.json:
        report.update(gazette_result or baseline_result)
        if gazette_result and baseline_result:
            report["baseline"] = dict(baseline_result, mode="baseline:counts")
        report.update(timings)
        print(json.dumps(report, indent=2))
        return EXIT_OK

    print(f"labels: {labels_path} ({len(labels)} articles); countries: {len(codes)}")
    if gazette_result:
        print(f"gazette version: {report['gazette_version']}")
        print()
        print_table("gazette search --actor NAME --limit 0", gazette_result, excluded)
    if baseline_result:
        print()
        print_table("baseline: counts (name, demonym, capital; +3 title or dateline)", baseline_result, excluded)
    if gazette_result and baseline_result:
        print()
        for label, key in ((f"excluding {', '.join(sorted(excluded)) or 'none'}", "macro"), ("all", "macro_all")):
            g, b = gazette_result[key], baseline_result[key]
            print(f"macro {label}: gazette vs baseline  "
                  + "  ".join(f"{metric} {fmt(g[metric])} vs {fmt(b[metric])}" for metric in METRICS))
    print()
    parts = [f"{key.replace('_seconds', '')} {value:.1f} s" for key, value in timings.items() if key != "wall_seconds"]
    print(f"wall time: {timings['wall_seconds']:.1f} s" + (f" ({', '.join(parts)})" if parts else ""))
    return EXIT_OK


# ---------------------------------------------------------------------------
# Self-test (hand-computed cases; no corpus needed).


def self_test():
    close = lambda a, b: a is not None and abs(a - b) < 1e-12  # noqa: E731

    # AP: relevant at ranks 1 and 3, three relevant in all.
    assert close(average_precision([1, 0, 1], 3), (1 / 1 + 2 / 3) / 3)
    assert close(average_precision([1, 1], 2), 1.0)
    assert close(average_precision([0, 0, 1], 1), 1 / 3)
    assert close(average_precision([], 4), 0.0)
    assert average_precision([0, 1], 0) is None
    # R-precision: first R of the list; a short list is still divided by R.
    assert close(r_precision([1, 0, 1, 1], 3), 2 / 3)
    assert close(r_precision([1], 3), 1 / 3)
    # P@10 always divides by 10.
    assert close(precision_at([1, 0, 1], 10), 0.2)
    assert close(precision_at([1] * 12, 10), 1.0)
    # Recall of the whole list.
    assert close(recall([0, 1, 0, 0, 1], 4), 0.5)
    # Filtering to the labelled set: 7 and 9 are unlabelled, 5 repeats.
    row = score_list([7, 4, 9, 8, 5, 5, 12], labelled={4, 5, 8, 12, 16}, relevant={4, 12, 16})
    assert row["retrieved"] == 4 and row["relevant"] == 3 and row["relevant_retrieved"] == 2
    assert close(row["ap"], (1 / 1 + 2 / 4) / 3)  # kept: 4 8 5 12
    assert close(row["r_precision"], 1 / 3)
    assert close(row["p_at_10"], 0.2)
    assert close(row["recall"], 2 / 3)
    # Macro average skips a country with no relevant article.
    macro = macro_average([{"ap": 0.5, "r_precision": 0.5, "p_at_10": 0.1, "recall": 1.0},
                           {"ap": 1.0, "r_precision": 1.0, "p_at_10": 0.3, "recall": 0.5},
                           {"ap": None, "r_precision": None, "p_at_10": None, "recall": None}])
    assert macro["countries"] == 2 and close(macro["ap"], 0.75) and close(macro["p_at_10"], 0.2)
    # Names and NEWIDs.
    assert country_name("west-germany") == "West Germany"
    assert country_name("hong-kong") == "Hong Kong"
    assert country_name("sri-lanka") == "Sri Lanka"
    assert country_name("usa") == "United States" and country_name("ussr") == "USSR"
    assert country_name("uk", {"uk": "Britain"}) == "Britain"
    assert newid_from_path("/x/reuters21578/00/00004.txt") == 4
    assert newid_from_path("21/21576.txt") == 21576
    assert newid_from_path("README-reuters21578-distribution.txt") is None
    # Baseline scoring on made-up text: title and dateline bonus, blockers.
    baseline = CountsBaseline(["norway", "west-germany", "usa"])
    scores = baseline.article_scores(
        "NORWAY TO RAISE OUTPUT\n\nOSLO, June 1 - The Norwegian\nministry met East German and U.S. officials.\n")
    assert scores == {"norway": 3 + 3, "usa": 1}, scores  # NORWAY, OSLO, Norwegian + 3
    scores = baseline.article_scores("TITLE\n\nLONDON, June 1 -\nWest German officials met Germany's bankers.\n")
    assert scores == {"west-germany": 2}, scores


if __name__ == "__main__":
    sys.exit(main())
