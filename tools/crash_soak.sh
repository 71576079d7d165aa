#!/usr/bin/env bash
# Crash soak: kill `gazette index` with SIGKILL at random moments, many times,
# and check after each kill that the index opens, that every checksum and structural check holds
# (`gazette verify`), and that it holds exactly one commit's documents: those
# of the small corpus it held before, or all of the big one.
#
#   tools/crash_soak.sh [kills] [big-corpus] [small-corpus]
#   tools/crash_soak.sh 200 ../shared/corpora/reuters21578 Corpus
#
# Uses the release build (swift build -c release). The short version of this
# runs in `swift test` (Tests/EndToEndTests/CrashTests.swift).
set -euo pipefail

kills=${1:-100}
big=${2:-../shared/corpora/reuters21578}
small=${3:-Corpus}
gazette=${GAZETTE:-.build/release/gazette}
work=$(mktemp -d "${TMPDIR:-/tmp}/gazette-soak-XXXXXX")
trap 'rm -rf "$work"' EXIT
index="$work/index"

[ -x "$gazette" ] || { echo "crash_soak: build first: swift build -c release" >&2; exit 2; }
[ -d "$big" ] || { echo "crash_soak: $big: no such folder" >&2; exit 2; }

# The document count in a `gazette verify` report.
count_in() { sed -n 's/.*commit [0-9]*, \([0-9,]*\) documents.*/\1/p' <<<"$1" | tr -d ,; }
documents() { count_in "$("$gazette" verify --index "$index")"; }

# The document count of each corpus, and how long a whole run of the big one takes.
"$gazette" index "$small" --index "$index" --quiet >/dev/null
small_count=$(documents)
start=$(date +%s%N)
"$gazette" index "$big" --index "$index" --quiet >/dev/null
span_us=$(( ($(date +%s%N) - start) / 1000 * 6 / 5 ))
big_count=$(documents)
echo "small corpus: $small_count documents; big: $big_count; a whole run: $((span_us * 5 / 6 / 1000)) ms"
"$gazette" index "$small" --index "$index" --quiet >/dev/null

before=0; after=0
for ((k = 1; k <= kills; k++)); do
    "$gazette" index "$big" --index "$index" --quiet >/dev/null 2>&1 &
    pid=$!
    # Anywhere from start-up to a fifth past the end of a whole run.
    delay_us=$(( (RANDOM * 32768 + RANDOM) % span_us ))
    sleep "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true

    # One verify per kill: its report gives the count too.
    if ! report=$("$gazette" verify --index "$index" 2>"$work/check.err"); then
        echo "kill $k: the index fails verify after a kill at ${delay_us} us:" >&2
        cat "$work/check.err" >&2
        exit 1
    fi
    count=$(count_in "$report")
    if [ "$count" = "$small_count" ]; then
        before=$((before + 1))
    elif [ "$count" = "$big_count" ]; then
        after=$((after + 1))
        "$gazette" index "$small" --index "$index" --quiet >/dev/null
    else
        echo "kill $k: the index holds $count documents, neither commit's ($small_count or $big_count)" >&2
        exit 1
    fi
done
echo "$kills kills: every index opened and passed its check; $before held the commit before, $after the new one"
