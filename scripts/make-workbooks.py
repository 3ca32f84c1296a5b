#!/usr/bin/env python3
"""Writes the workbooks in fixtures/workbooks/, each beside the CSV that holds the same data,
so the tests can check that `kam` reads a workbook as it reads that CSV. Made by different
producers, as real users' files are:

- sample-openpyxl.xlsx: the sample's 300 customers by openpyxl (shared strings; numbers as
  numbers, booleans as booleans; a figure whose text a number would not keep, such as
  "12.50", stays a text cell), and a second sheet of notes. Twin: fixtures/sample/customers.csv.
- report-xlsxwriter.xlsx: the first 40 customers as a 1C-style report by XlsxWriter in
  constant-memory mode (inline strings): a merged title cell and a period line above the
  header, a date column in dd.mm.yyyy, and the data on the second sheet ("Клиенты") after an
  instructions sheet. Twin: report-xlsxwriter.csv (the title lines, then ISO dates).
- contacts.xlsx: the sample's contacts file (fixtures/sample/contacts.csv) by openpyxl, its
  last-contact dates as date cells shown dd.mm.yyyy. Twin: fixtures/sample/contacts.csv.
- sparse.xlsx: written by hand as Excel itself would not, to reach every path of the reader:
  cells addressed out of a dense order with gaps, a missing row, the 1904 date system, rich
  text, a formula's cached text, an error cell, a number stored with 17 digits, and a
  percentage (stored 0.215, shown and saved to CSV by Excel as 21.5%).
  Twin: sparse.csv.

Run from the repository root: `python3 scripts/make-workbooks.py` (needs `pip install
openpyxl xlsxwriter`); deterministic, and the files it writes are committed.
`python3 scripts/make-workbooks.py LIST.csv BOOK.xlsx` instead writes one list as a workbook
of typed cells, for the read benchmark in docs/benchmarks.md.
"""
import csv
import datetime
import os
import sys
import zipfile

import openpyxl
import xlsxwriter

def typed(text):
    """The cell value a person would type: a number when its text survives the round trip."""
    if text in ("true", "false"):
        return text == "true"
    try:
        x = float(text)
    except ValueError:
        return text
    if x.is_integer():
        return int(x) if str(int(x)) == text else text  # "16.0" shows as 16 in a cell
    return x if repr(x) == text else text


def typed_workbook(source, target):
    """Writes a CSV list as an .xlsx, every cell typed as `typed` says, with XlsxWriter in
    constant-memory mode (inline strings, DEFLATE): the workbook the read benchmark in
    docs/benchmarks.md uses."""
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


if len(sys.argv) == 3:
    typed_workbook(sys.argv[1], sys.argv[2])
    sys.exit(0)

OUT = "fixtures/workbooks"
os.makedirs(OUT, exist_ok=True)
FIXED = datetime.datetime(2026, 1, 1)

with open("fixtures/sample/customers.csv", encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]


# 1. openpyxl, shared strings.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Customers"
ws.append(header)
for r in body:
    ws.append([typed(c) if c != "" else None for c in r])
notes = wb.create_sheet("Notes")
notes.append(["Exported for kam's tests"])
wb.properties.created = FIXED
wb.properties.modified = FIXED
wb.save(f"{OUT}/sample-openpyxl.xlsx")


def reproducible(path):
    """Rewrites a workbook with fixed entry times and document dates, so it is the same bytes
    every time the script runs (openpyxl stamps the time of saving)."""
    import re
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


reproducible(f"{OUT}/sample-openpyxl.xlsx")

# 1b. openpyxl, the contacts with real dates.
with open("fixtures/sample/contacts.csv", encoding="utf-8", newline="") as f:
    contacts = list(csv.reader(f))
book = openpyxl.Workbook()
sheet = book.active
sheet.title = "Contacts"
sheet.append(contacts[0])
when = contacts[0].index("last_contact")
for r in contacts[1:]:
    row = [typed(c) if c != "" else None for c in r]
    if r[when]:
        row[when] = datetime.date.fromisoformat(r[when])
    sheet.append(row)
    if r[when]:
        sheet.cell(row=sheet.max_row, column=when + 1).number_format = "dd.mm.yyyy"
book.properties.created = FIXED
book.save(f"{OUT}/contacts.xlsx")
reproducible(f"{OUT}/contacts.xlsx")

# 2. XlsxWriter, inline strings, a 1C-style report on the second sheet.
dates = [datetime.date(2025, 1, 1) + datetime.timedelta(days=(i * 37) % 365) for i in range(40)]
book = xlsxwriter.Workbook(f"{OUT}/report-xlsxwriter.xlsx", {"constant_memory": True})
book.set_properties({"created": FIXED})
info = book.add_worksheet("Инструкция")
info.write(0, 0, "Данные клиентов на листе «Клиенты»")
sheet = book.add_worksheet("Клиенты")
date_format = book.add_format({"num_format": "dd.mm.yyyy"})
columns = header[:12] + ["last_shipment"]
sheet.merge_range(0, 0, 0, 5, "Отчёт по продажам за 2025 год")
sheet.write(1, 0, "Период: 01.01.2025 – 31.12.2025")
sheet.write_row(3, 0, columns)
twin = [["Отчёт по продажам за 2025 год"] + [""] * (len(columns) - 1), ["Период: 01.01.2025 – 31.12.2025"] + [""] * (len(columns) - 1),
        [""] * len(columns), columns]
for i, r in enumerate(body[:40]):
    values = r[:12]
    for j, c in enumerate(values):
        v = typed(c)
        if v == "" or v is None:
            continue
        if isinstance(v, bool):
            sheet.write_boolean(4 + i, j, v)
        else:
            sheet.write(4 + i, j, v)
    sheet.write_datetime(4 + i, 12, datetime.datetime.combine(dates[i], datetime.time()), date_format)
    twin.append(values + [dates[i].isoformat()])
book.close()
with open(f"{OUT}/report-xlsxwriter.csv", "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(twin)

# 3. By hand: sparse cells, 1904 dates, rich text, formulas, errors.
CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/strings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WB = """<?xml version="1.0" encoding="UTF-8"?>
<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:workbookPr date1904="1"/><x:sheets><x:sheet name="Data" sheetId="1" r:id="rIdS"/></x:sheets></x:workbook>"""
WBRELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/><Relationship Id="rIdY" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="[$-419]d\\ mmmm\\ yyyy;@"/></numFmts><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" xfId="0"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/><xf numFmtId="10" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"""
STRINGS = """<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6"><si><t>customer_id</t></si><si><t>customer_name</t></si><si><t>revenue_ltm</t></si><si><r><rPr><b/></rPr><t>ООО «Ромашка</t></r><r><t xml:space="preserve"> &amp; сыновья»</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si><si><t>since</t></si><si><t>gross_margin_pct</t></si></sst>"""
SHEET = """<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:E6"/><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>5</v></c><c r="E1" t="s"><v>4</v></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>S-1</t></is></c><c r="B2" t="s"><v>3</v></c><c r="C2"><v>1234567.8899999999</v></c><c r="E2" s="1"><v>44000</v></c></row>
<row r="4"><c r="A4" t="str"><f>"S-"&amp;2</f><v>S-2</v></c><c r="C4"><f>C2/2</f><v>617283.94499999995</v></c><c r="D4" s="3"><v>0.215</v></c><c r="E4" s="2"><v>0</v></c></row>
<row r="5" spans="1:5"><c r="A5" t="inlineStr"><is><r><t>S-</t></r><r><t>3</t></r></is></c><c r="C5"><v>5000</v></c></row>
<row r="6"><c r="A6" t="inlineStr"><is><t>S-4</t></is></c><c r="B6" t="inlineStr"><is><t>Name &lt;with&gt; &#1071;</t></is></c><c r="C6" t="e"><v>#N/A</v></c></row>
</sheetData><mergeCells count="0"/></worksheet>"""
with zipfile.ZipFile(f"{OUT}/sparse.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in [("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("xl/workbook.xml", WB), ("xl/_rels/workbook.xml.rels", WBRELS),
                       ("xl/styles.xml", STYLES), ("xl/strings.xml", STRINGS), ("xl/worksheets/data.xml", SHEET)]:
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, text)
# The 1904 system counts days from 1904-01-01. Row 3 is missing (a blank line in the CSV);
# rows are as wide as the sheet's used range (A1:E6), as Excel saves them; row 6's sales are
# an error cell, which kam rejects as it rejects "#N/A" in a CSV.
day = lambda n: (datetime.date(1904, 1, 1) + datetime.timedelta(days=n)).isoformat()
with open(f"{OUT}/sparse.csv", "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([
        ["customer_id", "customer_name", "revenue_ltm", "gross_margin_pct", "since"],
        ["S-1", "ООО «Ромашка & сыновья»", "1234567.89", "", day(44000)],
        [],
        ["S-2", "", "617283.945", "21.5%", day(0)],
        ["S-3", "", "5000", "", ""],
        ["S-4", "Name <with> Я", "#N/A", "", ""],
    ])
print("wrote", sorted(os.listdir(OUT)))
