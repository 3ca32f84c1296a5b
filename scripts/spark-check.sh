#!/usr/bin/env bash
# Runs examples/spark/kam_job.py on a local Spark (local[2]) over a generated, partitioned
# customer list, and checks that the scored partitions, joined, are byte for byte what one
# `kam score` over the whole list writes. Prints both times.
#
#   scripts/spark-check.sh [ROWS] [PARTITIONS]     default 3,000,000 rows in 8 partitions
#
# PySpark comes from PyPI into a virtual environment kept outside the clone
# ($KAM_SPARK_VENV, default ~/.cache/kam/spark-venv), so it is installed once per machine.
# Needs Java 17 (Spark's runtime).
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-3000000}"
partitions="${2:-8}"
venv="${KAM_SPARK_VENV:-$HOME/.cache/kam/spark-venv}"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then
    echo "== installing PySpark into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet pyspark
fi
swift build -c release --product kam >/dev/null
swift build -c release --product kam-bench >/dev/null
kam=.build/release/kam
rules=fixtures/bench/kam-bench-v1.json5
work="$(mktemp -d "${TMPDIR:-/tmp}/kam-spark-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# cut_rows FILE N FOLDER: FILE's rows cut into N files part-NNN.csv by line count, each with the
# header. No field of the workload holds a line break, so cutting at lines cuts at records.
cut_rows() {
    local file=$1 n=$2 folder=$3 header
    mkdir -p "$folder"
    header="$(head -n 1 "$file")"
    tail -n +2 "$file" > "$work/rows.csv"
    split -n "l/$n" -d -a 3 --additional-suffix=.csv "$work/rows.csv" "$folder/part-"
    rm "$work/rows.csv"
    for f in "$folder"/part-*.csv; do
        { printf '%s\n' "$header"; cat "$f"; } > "$f.tmp" && mv "$f.tmp" "$f"
    done
}

echo "== generating $rows rows in $partitions partitions"
.build/release/kam-bench generate "$rows" "$work/all.csv"
cut_rows "$work/all.csv" "$partitions" "$work/parts"

echo "== one kam score over the whole list"
start=$EPOCHREALTIME
"$kam" score "$work/all.csv" --rules "$rules" --quiet -o "$work/whole.csv"
single=$(python3 -c "print($EPOCHREALTIME - $start)")

echo "== Spark, local[2]: portfolio, merge, score"
start=$EPOCHREALTIME
"$venv/bin/python" examples/spark/kam_job.py --master 'local[2]' --kam "$kam" --rules "$rules" \
    --input "$work/parts" --output "$work/scored" 2> "$work/spark.log" || { tail -30 "$work/spark.log"; exit 1; }
spark=$(python3 -c "print($EPOCHREALTIME - $start)")

# The scored partitions in order, each without its header, against the whole run's rows.
for f in "$work"/scored/part-*.csv; do tail -n +2 "$f"; done > "$work/joined.csv"
if ! tail -n +2 "$work/whole.csv" | cmp -s - "$work/joined.csv"; then
    echo "FAIL: the Spark run's rows differ from the single run's" >&2
    tail -n +2 "$work/whole.csv" | cmp - "$work/joined.csv" >&2 || true
    exit 1
fi
python3 -c "print('ok: %d rows identical; one kam score %.1f s (%.2f M rows/s); Spark local[2] %.1f s (%.2f M rows/s)' % ($rows, $single, $rows / $single / 1e6, $spark, $rows / $spark / 1e6))"

# Invoice lines, three a customer, cut into partitions by line: the job re-partitions them by
# customer (--by-customer) so that each partition groups whole customers, and the scored
# accounts must be those of one kam score over the whole list (in another order).
lines="${LINES:-300000}"
echo "== $lines invoice lines, re-partitioned by customer"
.build/release/kam-bench generate "$lines" "$work/lines.csv" 3
cut_rows "$work/lines.csv" 4 "$work/lines"
lines_rules=benchmarks/kam-bench-lines.json5
"$kam" score "$work/lines.csv" --rules "$lines_rules" --quiet -o "$work/lines-whole.csv"
"$venv/bin/python" examples/spark/kam_job.py --master 'local[2]' --kam "$kam" --rules "$lines_rules" --by-customer account_id \
    --input "$work/lines" --output "$work/lines-scored" 2> "$work/spark-lines.log" || { tail -30 "$work/spark-lines.log"; exit 1; }
for f in "$work"/lines-scored/*.csv; do tail -n +2 "$f"; done | sort > "$work/lines-joined.csv"
if ! tail -n +2 "$work/lines-whole.csv" | sort | cmp -s - "$work/lines-joined.csv"; then
    echo "FAIL: the re-partitioned Spark run's accounts differ from the single run's" >&2
    tail -n +2 "$work/lines-whole.csv" | sort | cmp - "$work/lines-joined.csv" >&2 || true
    exit 1
fi
echo "ok: $(wc -l < "$work/lines-joined.csv") accounts from $lines lines identical"
