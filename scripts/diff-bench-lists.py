#!/usr/bin/env python3
"""Writes two customer lists of N accounts (default 1,000,000) for measuring `kam diff`:
a.csv made from the sample's 300 customers (ids A0000000…, sales scaled by a random 0.5 to
1.5), and b.csv the same list a period on, with 1% of the accounts dropped and 5% of the rest
delivering 80% on time. Deterministic (seed 3).

    python3 scripts/diff-bench-lists.py /tmp/diffbench [N]
"""
import csv
import os
import random
import sys

folder = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
os.makedirs(folder, exist_ok=True)
rng = random.Random(3)
with open("fixtures/sample/customers.csv", encoding="utf-8") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
ci, ri, oi = header.index("customer_id"), header.index("revenue_ltm"), header.index("on_time_delivery_pct")
with open(os.path.join(folder, "a.csv"), "w", encoding="utf-8", newline="") as fa, \
        open(os.path.join(folder, "b.csv"), "w", encoding="utf-8", newline="") as fb:
    wa, wb = csv.writer(fa, lineterminator="\n"), csv.writer(fb, lineterminator="\n")
    wa.writerow(header)
    wb.writerow(header)
    for i in range(n):
        r = list(body[i % len(body)])
        r[ci] = f"A{i:07d}"
        r[ri] = f"{float(r[ri]) * (0.5 + rng.random()):.2f}"
        wa.writerow(r)
        if rng.random() < 0.01:
            continue
        if rng.random() < 0.05:
            r[oi] = "80"
        wb.writerow(r)
