#!/usr/bin/env python3
"""Writes a CSV customer list as an .xlsx workbook, as a person would have typed it (numbers
and booleans as typed cells, text as text), for measuring how fast kam reads workbooks
(docs/benchmarks.md). XlsxWriter in constant-memory mode: inline strings, DEFLATE.

    python3 scripts/bench-workbook.py /tmp/diffbench/a.csv /tmp/diffbench/a.xlsx

Needs `pip install xlsxwriter`.
"""
import csv
import sys

import xlsxwriter


def typed(text):
    """A number when its text survives the round trip; booleans as booleans; else text."""
    if text in ("true", "false"):
        return text == "true"
    try:
        x = float(text)
    except ValueError:
        return text
    if x.is_integer():
        return int(x) if str(int(x)) == text else text
    return x if repr(x) == text else text


source, target = sys.argv[1], sys.argv[2]
book = xlsxwriter.Workbook(target, {"constant_memory": True})
sheet = book.add_worksheet("Customers")
with open(source, encoding="utf-8", newline="") as f:
    for r, row in enumerate(csv.reader(f)):
        for c, text in enumerate(row):
            if text == "":
                continue
            value = typed(text) if r > 0 else text
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
book.close()
