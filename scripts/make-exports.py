#!/usr/bin/env python3
"""Writes fixtures/exports/: customer lists shaped as CRMs, ERPs and Excel really write them.

Each file is built to a shape seen in real exports, with made-up customers:

- salesforce-report.csv   a Salesforce report's "Export Details": every cell quoted, a blank
                          line, a "Grand Totals (N records)" row without an id, another blank
                          line and the confidentiality and copyright footer
- hubspot-companies.csv   HubSpot's companies export: Record ID, the customer's own Annual
                          Revenue (not our sales), a custom "Revenue last 12 months", blank cells
- 1c-sales-cp1251.csv     1C "Анализ продаж" saved as CSV: Windows-1251, `;`, decimal comma,
                          no-break-space thousands, a title and a period above the header, and
                          an "Итого" line at the end
- excel-report.csv        Russian Excel "CSV (разделители - точки с запятой)", UTF-8 with a
                          byte-order mark: a title line, a blank line, the header, the rows,
                          and trailing lines of delimiters only
- invoice-lines.csv       an ERP's sales by invoice: several lines per customer, in date order
- invoice-lines-added.csv the same customers added up by hand, one line each, in the order of
                          their first invoice: sales and cost summed in line order, margin
                          weighted by sales (Python's float sums, the same IEEE operations kam
                          does, written in shortest round-trip form)
- latin1-customers.csv    a German Excel export in Windows-1252: `;`, decimal comma, umlauts,
                          `São Paulo`

The seed is fixed: running the script again writes the same bytes.

    python3 scripts/make-exports.py
"""
import os
import random

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "exports")
rng = random.Random(13)


def amount(lo, hi):
    return round(rng.uniform(lo, hi), 2)


def ru(x):
    """1 234 567,89 with no-break spaces, as Russian Excel and 1C write money."""
    whole, frac = f"{x:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return "\u00a0".join(groups) + "," + frac


def us(x):
    return f"{x:,.2f}"


def shortest(x):
    """A number as kam writes a computed one: shortest round-trip digits, no `.0`."""
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)


def write(name, text, encoding="utf-8"):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(text.encode(encoding))


def salesforce():
    names = ["Nordwind GmbH", "Baltic Steel AS", "Kama Seals", "Vistula Motors", "Helsinki Hydraulics Oy", "Ostrava Rail",
             "Danube Pumps", "Lyon Bearings SA", "Alpine Conveyors AG", "Porto Mining Lda", "Oslo Marine AS", "Riga Paper",
             "Tampere Mills", "Gdansk Shipyard", "Graz Turbines", "Malmo Food AB", "Turin Tooling", "Bilbao Forge",
             "Antwerp Chemicals NV", "Cork Dairies"]
    rows = [["Account Name", "Account Number", "Industry", "Billing Country", "Annual Revenue", "Sales LTM", "Gross Margin %",
             "Cost to Serve 12M", "Key Contact Changed"]]
    total = 0.0
    for i, name in enumerate(names):
        sales = amount(20_000, 900_000) if i else 2_400_000.00
        total += sales
        rows.append([name, f"001A{1000 + i}", rng.choice(["Manufacturing", "Mining", "Energy", "Food"]),
                     rng.choice(["Germany", "Finland", "Poland", "France"]), f"{rng.randrange(5, 500) * 1_000_000}",
                     us(sales), f"{rng.randrange(15, 45)}.{rng.randrange(10)}", us(amount(1_000, 40_000)),
                     rng.choice(["true", "false", ""])])
    lines = [",".join(f'"{c}"' for c in r) for r in rows]
    lines += ['""', ",".join(['"Grand Totals (20 records)"', '""', '""', '""', '""', f'"{us(round(total, 2))}"', '""', '""', '""']),
              '""', '"Confidential Information - Do Not Distribute"',
              '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."']
    write("salesforce-report.csv", "\r\n".join(lines) + "\r\n")


def hubspot():
    rows = [["Record ID", "Company name", "Company owner", "Annual Revenue", "Industry", "Country/Region", "Number of Employees",
             "Revenue last 12 months", "Total Revenue"]]
    for i in range(15):
        ltm = amount(5_000, 400_000)
        rows.append([str(5_000_000 + i * 17), f"Company {chr(65 + i)} Ltd", rng.choice(["Anna Berg", "Ivan Orlov", ""]),
                     "" if i % 4 == 0 else str(rng.randrange(1, 90) * 1_000_000), rng.choice(["MACHINERY", "UTILITIES", ""]),
                     rng.choice(["Germany", "Poland", "Finland"]), "" if i % 5 == 0 else str(rng.randrange(20, 9_000)),
                     f"{ltm}", f"{round(ltm * rng.uniform(2, 6), 2)}"])
    write("hubspot-companies.csv", "\n".join(",".join(r) for r in rows) + "\n")


def one_c():
    names = ["АО Северсталь", "ПАО Уралмаш", "ООО Ромашка", "ЗАО Тверской вагонзавод", "ООО ТД Сибирь", "АО Кировский завод",
             "ООО Волга-Подшипник", "ПАО КАМАЗ", "ООО Мосводоканал-Сервис", "АО Апатит", "ООО Балтийский порт", "ИП Иванов И. И."]
    rows = []
    total = 0.0
    for i, name in enumerate(names):
        sales = amount(300_000, 90_000_000)
        total += sales
        rows.append([name, f"77{rng.randrange(10_000_000, 99_999_999)}", ru(sales), f"{rng.randrange(12, 40)},{rng.randrange(10)}",
                     ru(amount(10_000, 900_000))])
    lines = ["Анализ продаж;;;;", "Период: 01.01.2025 - 31.12.2025;;;;", ";;;;",
             "Контрагент;ИНН;Выручка, руб.;Маржа %;Затраты на обслуживание"]
    lines += [";".join(r) for r in rows]
    lines += [f"Итого;;{ru(round(total, 2))};;"]
    write("1c-sales-cp1251.csv", "\r\n".join(lines) + "\r\n", "cp1251")
    # The same list without its totals line, for the test that both give the same figures.
    write("1c-sales-cp1251-no-totals.csv", "\r\n".join(lines[:-1]) + "\r\n", "cp1251")


def excel():
    lines = ["Отчёт по продажам за 2025 год;;;", ";;;", "Код клиента;Клиент;Продажи за 12 месяцев;Маржа %"]
    for i in range(10):
        lines.append(f"К-{i + 1:03d};Клиент {i + 1};{ru(amount(50_000, 5_000_000))};{rng.randrange(10, 40)}")
    lines += [";;;", ";;;", ";;;"]
    write("excel-report.csv", "\ufeff" + "\r\n".join(lines) + "\r\n")


def invoices():
    customers = [(f"C-{i:03d}", name) for i, name in enumerate(
        ["Uralmash Components", "Kama Seals", "Nordic Steel AB", "Volga Pumps", "Baltic Rail", "Siberian Mining",
         "Tver Wagons", "Kirov Plant", "Apatit Service", "Don Agro"], start=1)]
    lines = []
    for day in range(40):
        cid, name = customers[rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9])]
        lines.append((cid, name, amount(1_000, 250_000), rng.randrange(10, 45), amount(50, 3_000), f"2025-{1 + day // 4:02d}-{1 + day % 28:02d}"))
    header = "Invoice;Date;Customer ID;Customer;Amount;Margin %;Cost to Serve"
    text = [header]
    for n, (cid, name, sales, margin, cost, date) in enumerate(lines):
        text.append(f"INV-{n + 1:05d};{date};{cid};{name};{sales};{margin};{cost}")
    write("invoice-lines.csv", "\n".join(text) + "\n")
    # Added up by hand: the same sums in the same order.
    order, groups = [], {}
    for line in lines:
        if line[0] not in groups:
            order.append(line[0])
            groups[line[0]] = []
        groups[line[0]].append(line)
    added = [header]
    for cid in order:
        g = groups[cid]
        sales = 0.0
        for line in g:
            sales += line[2]
        weighted, weights = 0.0, 0.0
        for line in g:
            weighted += line[3] * line[2]
            weights += line[2]
        cost = 0.0
        for line in g:
            cost += line[4]
        first = g[0]
        # A sum keeps the amounts' two decimals, as kam writes it.
        added.append(f"INV-first;{first[5]};{cid};{first[1]};{shortest(round(sales * 100) / 100)};{shortest(weighted / weights)};"
                     f"{shortest(round(cost * 100) / 100)}")
    write("invoice-lines-added.csv", "\n".join(added) + "\n")


def latin1():
    names = ["Müller Maschinenbau GmbH", "Bäckerei Schön", "Açougue Bom Preço", "Société Générale des Eaux", "Nørre Værk A/S",
             "Lodz Metal", "Café Crème SARL", "Zürcher Präzision AG"]
    lines = ["Kundennummer;Kunde;Ort;Umsatz 12M;Marge %"]
    cities = ["München", "Köln", "São Paulo", "Paris", "Århus", "Berlin", "Montréal", "Zürich"]
    for i, name in enumerate(names):
        lines.append(f"K{100 + i};{name};{cities[i]};{amount(10_000, 800_000):.2f}".replace(".", ",") + f";{rng.randrange(10, 45)}")
    write("latin1-customers.csv", "\r\n".join(lines) + "\r\n", "cp1252")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    salesforce()
    hubspot()
    one_c()
    excel()
    invoices()
    latin1()
