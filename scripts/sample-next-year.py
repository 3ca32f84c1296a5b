#!/usr/bin/env python3
"""Writes fixtures/diff/customers-next-year.csv: the sample supplier's customer list a year
on, made from fixtures/sample/customers.csv with known changes, so that `kam diff` can be
checked against causes set by hand:

- C-0070: deliveries slip (98.9% on time to 84%) and the key contact changes;
- C-0181: deliveries slip (99.6% to 85%) and four complaints are open;
- C-0195: deliveries slip (95.4% to 86%); its key contact had changed already;
- C-0005 is lost (it is not in the list);
- C-0301, ООО «Новатор», is a new large customer (30 million a year, about 6% of sales),
  which moves every other account's share and rank a little.

Everything else is as it was. Run from the repository root:
`python3 scripts/sample-next-year.py`; deterministic, and the file it writes is committed.
"""
import csv

with open("fixtures/sample/customers.csv", encoding="utf-8", newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    rows = list(reader)
col = {name: i for i, name in enumerate(header) if name not in ("relationship_stage",)} | {"relationship_stage": header.index("relationship_stage")}

changes = {
    "C-0070": {"on_time_delivery_pct": "84", "key_contact_changed_12m": "true"},
    "C-0181": {"on_time_delivery_pct": "85", "open_complaints": "4"},
    "C-0195": {"on_time_delivery_pct": "86"},
}
out = []
for row in rows:
    cid = row[col["customer_id"]]
    if cid == "C-0005":
        continue
    for name, value in changes.get(cid, {}).items():
        row[col[name]] = value
    out.append(row)

new = dict.fromkeys(header, "")
new.update({
    "customer_id": "C-0301", "customer_name": "ООО «Новатор»", "industry": "Machinery", "region": "Russia: Volga",
    "revenue_ltm": "30000000", "share_of_wallet_pct": "40", "share_of_wallet_prev_pct": "35", "gross_margin_pct": "24",
    "cost_to_serve": "1500000", "growth_rate_pct": "35", "central_purchasing": "true", "buying_locations": "4", "dmu_size": "6",
    "strategic_fit": "4", "partnership_willingness": "4", "reference_value": "4", "financial_stability": "4",
    "relative_strength": "3", "relationship_stage": "cooperative", "functions_in_contact": "3", "joint_planning": "false",
    "integrated_systems": "false", "key_contact_changed_12m": "false", "on_time_delivery_pct": "97", "open_complaints": "0",
    "contact_hours_month": "14", "customer_annual_revenue": "2400000000", "customer_employees": "900",
})
out.append([new[name] for name in header])

with open("fixtures/diff/customers-next-year.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    w.writerows(out)
print(f"wrote {len(out)} customers")

# Last year's rules: the same pack at version 0.9.0, with one threshold the supplier has
# since lowered: three buying sites used to earn only the two-site point, and four the full
# three. `kam diff --old-rules` must name this rule, not the data, for the moves it makes.
with open("rules/accounts.json5", encoding="utf-8") as f:
    pack = f.read()
old = pack.replace('version: "1.0.0"', 'version: "0.9.0"', 1).replace('when: "buying_locations >= 3", points: 3', 'when: "buying_locations >= 4", points: 3', 1)
assert old.count('"0.9.0"') == 1 and 'buying_locations >= 4' in old
with open("fixtures/diff/accounts-last-year.json5", "w", encoding="utf-8") as f:
    f.write(old)
print("wrote fixtures/diff/accounts-last-year.json5")
