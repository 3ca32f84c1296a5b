#!/usr/bin/env python3
"""Splits a `perf` profile of `kam score` into steps (reading, parsing records, parsing
numbers, portfolio, evaluating, writing, the rest) by the function each sample fell in.

    perf record -F 999 -o /tmp/kam.perf .build/release/kam score FILE --rules PACK ... --quiet
    perf report -i /tmp/kam.perf --no-children --sort sym --stdio | scripts/time-split.py
"""
import re
import sys

# The owner of a Swift function (module.Type, from the mangled name) or a C or kernel symbol,
# first match wins.
STEPS = [
    ("reading the file (read, cut into blocks, check UTF-8)",
     r"^KamCSV\.(CSVBlockReader|CSVChunker|ByteSearch|UTF8Validator|CSVTranscoder)|copy_to_iter|filemap|clear_page|page_fault|memmove|memset"),
    ("parsing records", r"^KamCSV\.(CSVParser|CSVReader|CSVColumnScanner|CSVRecord)"),
    ("parsing numbers and booleans", r"^KamCSV\.(CSVNumber|CSVBool)"),
    ("portfolio (sort, ties, look-ups)", r"^KamAdvisor\.(PortfolioFigures|RadixSort|Placements|KeySpill|ScratchFile|PortfolioSlots)"),
    ("evaluating (filling inputs, expressions, factors)", r"^(KamRules|KamExpr)\.|^KamAdvisor\.RowFiller"),
    ("writing (rendering rows, output)", r"^(KamReport|KamCLI)\.|^KamCSV\.CSVWriter"),
    ("the scoring and portfolio loops themselves", r"^KamAdvisor\.(BatchScorer|RowScorer|ScoreTally|ScoreSteps|ScoreWorker|TotalsAndFooters|ChunkRowEvents|MeasurePass|RankPass|PassEngine|Parallel|Prefetcher|RepeatedIds|AccountId)"),
]


def owner(symbol):
    """`Module.Type` of a mangled Swift symbol (`$s6KamCSV9CSVParserV...`), else the symbol."""
    m = re.match(r"\$s(\d+)", symbol)
    if not m:
        return symbol
    i = m.end()
    module = symbol[i:i + int(m.group(1))]
    n = re.match(r"(\d+)", symbol[i + len(module):])
    if not n:
        return module
    j = i + len(module) + n.end()
    return module + "." + symbol[j:j + int(n.group(1))]


totals = {name: 0.0 for name, _ in STEPS}
rest = 0.0
for line in sys.stdin:
    m = re.match(r"\s*([\d.]+)%\s+\[[.k]\]\s+(\S+)", line)
    if not m:
        continue
    share, name = float(m.group(1)), owner(m.group(2))
    for step, pattern in STEPS:
        if re.search(pattern, name):
            totals[step] += share
            break
    else:
        rest += share
for step, _ in STEPS:
    print(f"{totals[step]:5.1f}%  {step}")
print(f"{rest:5.1f}%  the rest (reference counting, allocation, threads, other kernel work)")
