#!/usr/bin/env bash
# Builds the libFuzzer targets in Tests/Fuzz with AddressSanitizer and runs each for the
# given number of seconds (default 60). Seed corpora come from fixtures/; corpora and
# crash files go to .build-fuzz/ (ignored by git).
#
#   scripts/fuzz.sh 600            # ten minutes per target
#   scripts/fuzz.sh 60 expr        # one target
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
only="${2:-}"
out=.build-fuzz
mkdir -p "$out"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g)

# module NAME DEPENDENCIES... : a static library and its module, instrumented.
module() {
    local name=$1
    shift
    local sources
    sources=$(find "Sources/$name" -name '*.swift' | sort)
    # shellcheck disable=SC2086
    swiftc "${flags[@]}" -module-name "$name" -emit-library -static -emit-module \
        -emit-module-path "$out/$name.swiftmodule" -I "$out" $sources -o "$out/lib$name.a"
}

# target NAME FILE MODULES... : the fuzzer executable fuzz-NAME from Tests/Fuzz/FILE.
target() {
    local name=$1 file=$2
    shift 2
    local libs=()
    for m in "$@"; do libs+=("$out/lib$m.a"); done
    swiftc "${flags[@]}" -I "$out" "Tests/Fuzz/$file" "${libs[@]}" -o "$out/fuzz-$name"
}

# seeds NAME : a corpus folder seeded from fixtures.
seeds_expr() {
    local corpus="$out/corpus-expr"
    mkdir -p "$corpus"
    # Every expression written in a pack, one file each.
    grep -rhoE '(when|points): "[^"]*"' rules fixtures 2>/dev/null | sed -E 's/^[a-z]+: "(.*)"$/\1/' |
        while IFS= read -r line; do printf '%s' "$line" > "$corpus/$(printf '%s' "$line" | sha1sum | cut -c1-16)"; done
    printf '%s' "x > 1 && s.startsWith('Р') || !b ? min(x, y) : size(l)" > "$corpus/seed-mixed"
    printf '%s' "d in l && x / y > 0 || missing >= 2" > "$corpus/seed-errors"
}

seeds_csv() {
    local corpus="$out/corpus-csv"
    mkdir -p "$corpus"
    for f in fixtures/customers/*.csv ../shared/conformance/csv/*/csvs/*.csv ../shared/conformance/csv/*/*.csv; do
        [[ -f "$f" ]] || continue
        head -c 4096 "$f" > "$corpus/$(basename "$f")-$(printf '%s' "$f" | sha1sum | cut -c1-8)"
    done
}

run() {
    local name=$1
    echo "== fuzz-$name for ${seconds}s"
    "$out/fuzz-$name" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$out/crash-$name-" "$out/corpus-$name"
}

# The linker's notes about AddressSanitizer's local symbols are noise.
module KamCSV 2> >(grep -v 'Cannot export local symbol' >&2)
module KamSource 2> >(grep -v 'Cannot export local symbol' >&2)
module KamExpr 2> >(grep -v 'Cannot export local symbol' >&2)
if [[ -z "$only" || "$only" == expr ]]; then
    target expr ExprFuzzer.swift KamExpr KamSource 2> >(grep -v 'Cannot export local symbol' >&2)
    seeds_expr
    run expr
fi
if [[ -z "$only" || "$only" == csv ]]; then
    target csv CSVFuzzer.swift KamCSV 2> >(grep -v 'Cannot export local symbol' >&2)
    seeds_csv
    run csv
fi
