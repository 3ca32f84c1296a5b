#!/usr/bin/env python3
"""Writes fixtures/sample/contacts.csv, the contact log of the sample supplier's CRM.

One row per pair of people: a person at a customer, their role in the buying centre,
who of ours holds the relationship, how strong it is (1 to 5) and when we last spoke. It
covers the 40 largest accounts of fixtures/sample/customers.csv, as a CRM that records
contacts for the accounts that matter would, and holds on purpose the patterns
`kam report --contacts` must tell apart:

- most large accounts: three to six people, two or three of ours, the decision maker,
  the buyer and the users reached (a diamond);
- some accounts with one contact held by one of ours (a bow-tie), some where nobody
  reaches the decision maker or the users, some not spoken to for over 90 days;
- a few of the 40 largest not in the file at all (no contacts recorded).

Run from the repository root: `python3 scripts/sample-contacts.py`. Deterministic (seed
11); the file it writes is committed and must not change unless this script does.
"""
import csv
import datetime
import random

rng = random.Random(11)

with open("fixtures/sample/customers.csv", encoding="utf-8") as f:
    customers = list(csv.DictReader(f))
largest = sorted(customers, key=lambda c: -float(c["revenue_ltm"] or 0))[:40]

ours = ["Смирнова Анна", "Ковалёв Дмитрий", "Петров Игорь", "Орлова Мария", "Зайцев Павел"]
russian_first = ["Алексей", "Сергей", "Елена", "Ольга", "Николай", "Татьяна", "Андрей", "Ирина", "Виктор", "Наталья"]
russian_last = ["Иванов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Новиков", "Морозов", "Волков", "Фёдоров", "Егоров"]
western = ["Anna Nowak", "Piotr Kowalski", "Jukka Virtanen", "Sanna Korhonen", "Klaus Weber", "Petra Schmidt",
           "Tomasz Wójcik", "Mikko Laine", "Sabine Braun", "Jan Lewandowski"]
roles = ["decision maker", "buyer", "user", "influencer", "gatekeeper", "initiator"]
latest = datetime.date(2026, 11, 27)


def person(customer):
    if customer["customer_name"].isascii():
        return rng.choice(western)
    first, last = rng.choice(russian_first), rng.choice(russian_last)
    if first[-1] in "аяь" and first not in ("Николай",):
        last += "а"  # the feminine surname
    return f"{last} {first}"


rows = []
for rank, c in enumerate(largest, 1):
    pattern = rng.random()
    if rank in (6, 19, 33):
        continue  # no contacts recorded
    if pattern < 0.15:
        people = [("buyer", 1)]
    elif pattern < 0.3:
        people = [("buyer", 2), ("influencer", 1), ("user", 1)]  # no decision maker reached
    else:
        people = [("decision maker", 1), ("buyer", rng.choice([1, 2])), ("user", 1)]
        people += [(rng.choice(roles[3:]), 1) for _ in range(rng.randint(0, 2))]
    owners = rng.sample(ours, 1 if len(people) == 1 or rng.random() < 0.2 else rng.randint(2, 3))
    cold = rng.random() < 0.15
    seen = set()
    for role, pairs in people:
        name = person(c)
        while name in seen:
            name = person(c)
        seen.add(name)
        for k in range(pairs):
            days = rng.randint(95, 200) if cold else rng.randint(0, 80)
            strength = rng.choice([2, 3, 3, 4, 4, 5]) if not cold else rng.choice([1, 2, 3])
            rows.append([c["customer_id"], name, role, owners[k % len(owners)], strength,
                         (latest - datetime.timedelta(days=days)).isoformat()])
rows[0][5] = latest.isoformat()  # the as-of day is the latest contact

with open("fixtures/sample/contacts.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["customer_id", "person", "role", "owner", "strength", "last_contact"])
    w.writerows(rows)
print(f"wrote {len(rows)} rows for {len({r[0] for r in rows})} accounts")
