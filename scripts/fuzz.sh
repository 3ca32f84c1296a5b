#!/usr/bin/env bash
# Builds the libFuzzer targets in Tests/Fuzz with AddressSanitizer and runs each for the
# given number of seconds (default 60). Seed corpora come from fixtures/; corpora and
# crash files go to .build-fuzz/ (ignored by git).
#
#   scripts/fuzz.sh 600                 # ten minutes per target
#   scripts/fuzz.sh 60 expr             # one target: expr, csv, pack, questionnaire, grouping, batch, zip or workbook
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
only="${2:-}"
out=.build-fuzz
mkdir -p "$out"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g)

# module NAME [EXCLUDED] : a static library and its module, instrumented. KamAdvisor is built
# without BundledPacks.swift, whose rule texts SwiftPM's plugin generates.
module() {
    local name=$1 excluded=${2:-}
    local sources
    sources=$(find "Sources/$name" -name '*.swift' | sort | grep -v "${excluded:-^$}")
    # An archive keeps members of files since deleted: start from none.
    rm -f "$out/lib$name.a"
    # shellcheck disable=SC2086
    swiftc "${flags[@]}" -enable-testing -module-name "$name" -emit-library -static -emit-module \
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
    for f in fixtures/customers/*.csv fixtures/conformance/csv/spectrum/csvs/*.csv fixtures/conformance/csv/fastcsv/*/*.csv; do
        [[ -f "$f" ]] || continue
        head -c 4096 "$f" > "$corpus/$(basename "$f")-$(printf '%s' "$f" | sha1sum | cut -c1-8)"
    done
}

seeds_pack() {
    local corpus="$out/corpus-pack"
    mkdir -p "$corpus"
    for f in rules/*.json5 fixtures/rules-broken/*.json5 fixtures/bench/*.json5; do
        cp "$f" "$corpus/$(basename "$f")"
    done
}

seeds_questionnaire() {
    local corpus="$out/corpus-questionnaire"
    mkdir -p "$corpus"
    for f in fixtures/questionnaires/*.json5 fixtures/questionnaires/invalid/*.json5 fixtures/sample/questionnaire.json5; do
        cp "$f" "$corpus/$(basename "$f")-$(printf '%s' "$f" | sha1sum | cut -c1-8)"
    done
}

seeds_batch() {
    local corpus="$out/corpus-batch"
    mkdir -p "$corpus"
    # The target reads any bytes as a pack and its rows; a few fixed random inputs start it off.
    python3 - "$corpus" <<'PY'
import random, sys, os
rng = random.Random(18)
for n in range(16):
    open(os.path.join(sys.argv[1], "seed-%02d" % n), "wb").write(bytes(rng.randrange(256) for _ in range(64 + 64 * n)))
PY
}

seeds_workbook() {
    local corpus="$out/corpus-workbook"
    mkdir -p "$corpus"
    # The committed workbooks whole, and each one's parts as XML.
    for f in fixtures/workbooks/*.xlsx; do
        cp "$f" "$corpus/$(basename "$f")"
        python3 - "$f" "$corpus" <<'PY'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in z.namelist():
        if n.endswith(".xml"):
            open(os.path.join(sys.argv[2], os.path.basename(sys.argv[1]) + "-" + n.replace("/", "_")), "wb").write(z.read(n)[:65536])
PY
    done
}

seeds_zip() {
    local corpus="$out/corpus-zip"
    mkdir -p "$corpus"
    # The ZIP fixtures (good and broken archives) and the raw DEFLATE vectors, cut to the length limit.
    for f in fixtures/zip/archives/*.zip fixtures/zip/archives/*.txt fixtures/zip/deflate/*.deflate; do
        head -c 16384 "$f" > "$corpus/$(basename "$f")"
    done
}

run() {
    local name=$1 length=${2:-4096}
    echo "== fuzz-$name for ${seconds}s"
    "$out/fuzz-$name" -max_total_time="$seconds" -max_len="$length" -print_final_stats=1 \
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
if [[ -z "$only" || "$only" == pack || "$only" == questionnaire || "$only" == grouping || "$only" == batch ]]; then
    module KamRules 2> >(grep -v 'Cannot export local symbol' >&2)
fi
if [[ -z "$only" || "$only" == pack || "$only" == questionnaire || "$only" == grouping ]]; then
    module KamAdvisor BundledPacks.swift 2> >(grep -v 'Cannot export local symbol' >&2)
fi
if [[ -z "$only" || "$only" == pack ]]; then
    target pack PackFuzzer.swift KamAdvisor KamRules KamCSV KamExpr KamSource 2> >(grep -v 'Cannot export local symbol' >&2)
    seeds_pack
    run pack 65536  # the bundled packs run to 40 KB
fi
if [[ -z "$only" || "$only" == questionnaire ]]; then
    target questionnaire QuestionnaireFuzzer.swift KamAdvisor KamRules KamCSV KamExpr KamSource 2> >(grep -v 'Cannot export local symbol' >&2)
    seeds_questionnaire
    run questionnaire 8192
fi
if [[ -z "$only" || "$only" == grouping ]]; then
    target grouping GroupingFuzzer.swift KamAdvisor KamRules KamCSV KamExpr KamSource 2> >(grep -v 'Cannot export local symbol' >&2)
    mkdir -p "$out/corpus-grouping"
    printf '\x01\x05\x02AAAAAAB\x00\x01C\x03\x04 \x06\x02' > "$out/corpus-grouping/seed"
    run grouping 600
fi
if [[ -z "$only" || "$only" == batch ]]; then
    target batch BatchFuzzer.swift KamRules KamExpr KamSource 2> >(grep -v 'Cannot export local symbol' >&2)
    seeds_batch
    run batch 2048
fi
if [[ -z "$only" || "$only" == zip ]]; then
    module KamWorkbook 2> >(grep -v 'Cannot export local symbol' >&2)
    target zip ZipFuzzer.swift KamWorkbook KamCSV 2> >(grep -v 'Cannot export local symbol' >&2)
    seeds_zip
    run zip 16384
fi
if [[ -z "$only" || "$only" == workbook ]]; then
    [[ "$only" == workbook ]] && module KamWorkbook 2> >(grep -v 'Cannot export local symbol' >&2)
    target workbook WorkbookFuzzer.swift KamWorkbook KamCSV 2> >(grep -v 'Cannot export local symbol' >&2)
    seeds_workbook
    run workbook 65536
fi
