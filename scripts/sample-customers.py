#!/usr/bin/env python3
"""Writes fixtures/sample/customers.csv, the customer list of a fictitious supplier.

"Ural Bearings & Seals" makes bearings, seals and power-transmission parts and sells them
to manufacturers, distributors, mines, railways and utilities in Russia, Kazakhstan,
Germany, Finland and Poland, in roubles. The file has one row per customer (300), its
columns are the inputs of rules/accounts.json5 in that pack's order, and its figures hang
together the way a real CRM export's do, so that `kam score` and `kam report` have
something believable to work on:

- our sales follow a power law over the rank: the largest 20% of customers bring about
  three quarters of sales, the largest one a little under a tenth, the second about 8%;
- larger customers buy for more sites through more people, more often centrally, get
  thinner margins, and sit further along the relationship stages;
- about 40% of the stages and 30% of the strength assessments are left empty (the pack
  infers or works around them), and about 3% of the other optional numbers are missing.

It also holds, on purpose, the accounts a real supplier's list has and a naive
attractiveness score gets wrong (ranks by our 12-month sales, 1 = largest):

- four mature accounts at ranks 1 to 4 (about 9.5%, 8%, 5.5% and 5% of sales): stage
  integrated or interdependent, 75 to 90% of the customer's spend already ours (over 80%
  for the two largest), flat sales (0 to 4% growth), a healthy 24-30% margin less 4-7%
  cost to serve, keen partners with contacts across four to six functions. Little
  headroom and no growth keep the two largest out of the key tier: an attractiveness
  score alone ranks them below smaller, growing accounts;
- one large account in trouble at rank 5 (about 4.5%): stage disintegrating, the key
  contact changed, 84% of deliveries on time, four open complaints, share of wallet 8 to
  10 points below last year's, sales down about 15%;
- two unprofitable large accounts at ranks 8 and 10 (over 2% of sales each): a price buyer
  (margin about 9%, cost to serve about 12% of sales, partnership 1-2, strategic fit 2)
  that loses money after cost to serve, and a willing partner (partnership 4) left with a
  thin 3-5% of sales;
- eight fast-growing mid-size accounts between ranks 15 and 60: sales up 25 to 45%, 15 to
  35% of the customer's spend (much headroom), strategic fit and partnership 4-5, good
  margins, most buying centrally;
- among the smaller accounts, three cost over 15% of their sales to serve, three more
  lose money after cost to serve and two more relationships are written down as
  disintegrating.

The stage and the numbers of all these accounts are never left empty.

The seed is fixed: running the script again writes the same bytes.

    python3 scripts/sample-customers.py
"""
import csv
import math
import os
import random

SEED = 7
N = 300
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "sample", "customers.csv")

COLUMNS = [
    "customer_id", "customer_name", "industry", "region", "revenue_ltm", "share_of_wallet_pct",
    "share_of_wallet_prev_pct", "gross_margin_pct", "cost_to_serve", "growth_rate_pct",
    "central_purchasing", "buying_locations", "dmu_size", "strategic_fit", "partnership_willingness",
    "reference_value", "financial_stability", "relative_strength", "relationship_stage",
    "functions_in_contact", "joint_planning", "integrated_systems", "key_contact_changed_12m",
    "on_time_delivery_pct", "open_complaints", "contact_hours_month", "customer_annual_revenue",
    "customer_employees",
]
# Optional numbers that a real export leaves empty now and then.
SOMETIMES_EMPTY = [
    "share_of_wallet_pct", "share_of_wallet_prev_pct", "gross_margin_pct", "cost_to_serve",
    "growth_rate_pct", "buying_locations", "dmu_size", "strategic_fit", "partnership_willingness",
    "reference_value", "financial_stability", "functions_in_contact", "on_time_delivery_pct",
    "open_complaints", "contact_hours_month", "customer_annual_revenue", "customer_employees",
]

INDUSTRIES = {  # industry: weight
    "Machine building": 22, "Mining": 10, "Oil & gas": 10, "Power utilities": 9,
    "Rail transport": 7, "Metallurgy": 10, "Agricultural machinery": 10, "Industrial distribution": 22,
}
REGIONS = {  # sales territory: weight
    "Russia: Urals": 22, "Russia: Volga": 16, "Russia: Siberia": 12, "Russia: Centre": 16,
    "Kazakhstan": 12, "Germany": 8, "Finland": 6, "Poland": 8,
}

# A branch office is named after a city of its territory ("ООО «…», Пермский филиал").
BRANCH = {"Russia: Urals": "Пермский", "Russia: Volga": "Самарский", "Russia: Siberia": "Омский",
          "Russia: Centre": "Тульский"}

# The accounts the story depends on, by size rank (1 = largest).
MATURE = {1: "integrated", 2: "interdependent", 3: "integrated", 4: "interdependent"}
TROUBLED = 5              # a large relationship breaking down
PRICE_BUYER = 8           # large, and loses money after cost to serve
THIN = 10                 # large, a willing partner, a thin contribution
GROWING = [17, 22, 26, 33, 38, 43, 49, 56]  # fast-growing, much headroom
LOSS_MAKING = {57, 140, 233}  # smaller accounts whose margin does not cover the cost to serve
COSTLY = {14, 19, 31}     # larger accounts that cost over 15% of their sales to serve

rng = random.Random(SEED)
hours_rng = random.Random(SEED + 1)


def pick(weights):
    return rng.choices(list(weights), list(weights.values()))[0]


def company_name(region):
    """A made-up company name in the style of the region's legal forms."""
    if region.startswith("Russia"):
        stem = rng.choice(["Урал", "Сиб", "Волга", "Кама", "Техно", "Энерго", "Гидро", "Агро",
                           "Стан", "Вега", "Приток", "Севернефте", "Ока", "Тагил"])
        stem += rng.choice(["привод", "пром", "сервис", "снаб", "ресурс", "комплект", "монтаж", "деталь"])
        form = rng.choices(["ООО", "АО", "ПАО"], [6, 3, 1])[0]
        style = rng.random()
        if style < 0.05:
            return f'{form} "{stem}"'  # 1C often writes straight quotes
        if style < 0.08:
            return f"{form} «{stem}», {BRANCH[region]} филиал"
        return f"{form} «{stem}»"
    if region == "Kazakhstan":
        stem = rng.choice(["Каз", "Ертис", "Алтай", "Сарыарка", "Жайык", "Степ"])
        stem += rng.choice(["маш", "энерго", "руда", "снаб", "-Сервис", "трансмаш"])
        return rng.choice([f"ТОО «{stem}»", f"ТОО «{stem}»", f"АО «{stem}»"])
    if region == "Germany":
        if rng.random() < 0.1:
            a, b = rng.sample(["Becker", "Wolff", "Krämer", "Lange", "Vogt", "Hartmann", "Brandt"], 2)
            return f"{a}, {b} & Co. KG"
        stem = rng.choice(["Nord", "Rhein", "Elb", "Harz", "Weser", "Ruhr", "Main", "Saar"])
        stem += rng.choice(["werk", "tec", "antrieb", "lager", "maschinen", "fördertechnik"])
        return f"{stem} {rng.choice(['GmbH', 'GmbH', 'AG', 'GmbH & Co. KG'])}"
    if region == "Finland":
        stem = rng.choice(["Pohjola", "Kallio", "Saimaa", "Lappi", "Kymi", "Vaasa", "Oulu"])
        return f"{stem} {rng.choice(['Kone', 'Metalli', 'Voima', 'Tekniikka', 'Kaivos'])} {rng.choice(['Oy', 'Oy', 'Oyj'])}"
    stem = rng.choice(["Odra", "Warta", "Wisła", "Bałtyk", "Śląsk", "Mazowsze", "Bieszczady"])
    if rng.random() < 0.2:
        return f'Zakłady {rng.choice(["Mechaniczne", "Metalowe", "Górnicze"])} "{stem}" S.A.'
    return f"{stem}-{rng.choice(['Mech', 'Stal', 'Energo', 'Tech', 'Napęd'])} {rng.choice(['Sp. z o.o.', 'S.A.'])}"


def likert(size, weight):
    """A 1-5 judgement: `weight` of it follows the customer's size (0..1), the rest is chance."""
    return max(1, min(5, round(1 + 4 * (weight * size + (1 - weight) * rng.random()))))


def stage_for(rank):
    """The relationship stage the account team would write down, by size rank (1 = largest)."""
    if rank in MATURE:
        return MATURE[rank]
    if rank in (TROUBLED, 23, 71):
        return "disintegrating"
    if rank == PRICE_BUYER:
        return "basic"
    if rank == THIN:
        return "cooperative"
    if rank in GROWING:
        return rng.choices(["cooperative", "basic"], [3, 1])[0]
    if rank == 11:
        return "integrated"
    if rank <= 15:
        return rng.choice(["cooperative", "interdependent"])
    if rank <= 45:
        return rng.choices(["cooperative", "interdependent", "basic"], [5, 4, 1])[0]
    if rank <= 150:
        return rng.choices(["basic", "cooperative", "interdependent"], [10, 4, 1])[0]
    return rng.choices(["exploratory", "basic", "cooperative"], [2, 10, 3])[0]


# Sales by rank: a power law with noise from rank 13 down, and for the twelve largest
# accounts set shares of the total (in %, with a little noise), so that the accounts the
# story depends on sit where it says; sorted again so that rank 1 is the largest.
TOP_SHARES = [9.5, 8.0, 5.6, 5.1, 4.5, 3.6, 2.9, 2.6, 2.4, 2.2, 1.9, 1.7]
top_shares = [share / 100 * math.exp(rng.gauss(0, 0.015)) for share in TOP_SHARES]
tail = [41e6 * ((r + 2) / 3) ** -1.15 * math.exp(rng.gauss(0, 0.3)) for r in range(len(TOP_SHARES) + 1, N + 1)]
total = sum(tail) / (1 - sum(top_shares))
sales = sorted([total * share for share in top_shares] + tail, reverse=True)

rows, names = [], set()
for rank, revenue in enumerate(sales, start=1):
    size = 1 - (rank - 1) / N  # 1 for the largest customer, near 0 for the smallest
    region = pick(REGIONS)
    name = company_name(region)
    while name in names:
        name = company_name(region)
    names.add(name)
    stage = stage_for(rank)
    mature, growing = rank in MATURE, rank in GROWING

    margin = max(8, min(45, rng.gauss(32 - 12 * size, 6)))
    if rank <= len(TOP_SHARES):
        # The other large accounts keep at least 10% of sales after cost to serve.
        margin = max(margin, 16)
    if mature:
        # Healthy, but under 25% of sales left after cost to serve.
        margin = rng.uniform(24, 30)
        cts_pct = rng.uniform(max(4, margin - 24), 7)
    elif rank == PRICE_BUYER or rank in LOSS_MAKING:
        margin = rng.uniform(8.5, 10) if rank == PRICE_BUYER else rng.uniform(9, 13)
        cts_pct = margin + rng.uniform(1.5, 4)
    elif rank == THIN:
        margin = rng.uniform(14, 18)
        cts_pct = margin - rng.uniform(3.2, 4.8)
    elif growing:
        margin = rng.uniform(30, 37)
        cts_pct = rng.uniform(3, 6)
    elif rank in COSTLY:
        cts_pct = rng.uniform(15.5, 19)
        margin = max(margin, cts_pct + rng.uniform(4, 10))
    elif rank <= len(TOP_SHARES):
        cts_pct = rng.uniform(2, min(12, margin - 10))
    else:
        cts_pct = rng.uniform(2, min(12, margin - 2))

    if mature:
        # Ranks 1 and 2 hold over 80% of the customer's spend: nothing left to win.
        wallet = rng.uniform(82, 89) if rank <= 2 else rng.uniform(75, 88)
    elif growing:
        wallet = rng.uniform(15, 35)
    elif stage in ("interdependent", "integrated"):
        wallet = rng.uniform(50, 88)  # a primary supplier
    else:
        wallet = max(5, min(90, rng.gauss(20 + 35 * size, 14)))
    wallet = round(wallet)
    if rank == TROUBLED:
        wallet_prev = wallet + rng.randint(8, 10)
    elif growing:
        wallet_prev = max(5, wallet - rng.uniform(2, 7))  # winning share
    elif stage == "disintegrating" or rng.random() < 0.015:
        wallet_prev = min(95, wallet + rng.uniform(5.5, 14))  # losing ground
    else:
        wallet_prev = max(5, min(wallet + 4, wallet - rng.gauss(1, 2.5)))

    contacts = {"exploratory": (0, 1), "basic": (1, 2), "cooperative": (3, 4), "interdependent": (4, 6),
                "integrated": (6, 7), "disintegrating": (2, 4)}[stage]
    if mature:
        contacts = (max(4, contacts[0]), min(6, contacts[1]))
    stage_strength = {"exploratory": 1, "basic": 2, "cooperative": 3, "interdependent": 4,
                      "integrated": 5, "disintegrating": 1}[stage]
    # The customer's own revenue, 20 to 2000 times what it buys from us; the smaller the
    # account, the larger the multiple (it spends little of its budget on our parts).
    customer_revenue = round(revenue * math.exp(rng.uniform(math.log(20) + (1 - size) * math.log(10), math.log(2000))), -3)
    troubled = stage == "disintegrating"
    joint = stage == "integrated" or (stage == "interdependent" and rank <= 45 and rng.random() < 0.5)
    # Linked systems without joint planning stay interdependent; with it, they are integrated.
    linked = stage == "integrated" or (stage == "interdependent" and rank <= 20 and not joint and rng.random() < 0.4)

    if mature:
        growth = rng.uniform(0, 4)
    elif rank == TROUBLED:
        growth = rng.uniform(-16, -14)
    elif growing:
        growth = rng.uniform(25, 45)
    elif troubled:
        growth = rng.uniform(-28, -8)
    else:
        growth = max(-30, min(60, rng.gauss(7 + 6 * size, 13)))

    fit = likert(size, 0.5)
    partnership = 2 if troubled else likert(size, 0.4)
    if mature:
        partnership = rng.choice([4, 5])
    elif rank == PRICE_BUYER:
        fit, partnership = 2, rng.choice([1, 2])
    elif rank == THIN:
        partnership = 4
    elif growing:
        fit, partnership = rng.choice([4, 5]), rng.choice([4, 5])
    # Central purchasing for every growing account but the smallest of them.
    central = rng.random() < 0.15 + 0.6 * size
    if mature or growing:
        central = rank != GROWING[-1]

    if rank == TROUBLED:
        on_time, complaints = rng.uniform(83.5, 84.5), 4
    else:
        on_time = rng.uniform(75, 89.5) if rng.random() < 0.03 else min(100, 100 - abs(rng.gauss(2.5, 2.5)))
        complaints = rng.randint(3, 5) if troubled else rng.choices(range(7), [62, 25, 8, 2.5, 1.2, 0.8, 0.5])[0]
    if mature:
        # No breakdown signal: deliveries on time, complaints few.
        on_time, complaints = max(on_time, 95 + rng.uniform(0, 4)), min(complaints, 1)

    # Contact hours draw on their own generator, so adding the column left every other
    # value of the sample as it was. They are hours a month per person of the buying centre
    # (set below, once its size is drawn): about two per key relationship is the floor
    # (Sherman et al.), which young and troubled relationships fall under.
    low, high = {"exploratory": (0.3, 1.2), "basic": (0.8, 2.6), "cooperative": (1.6, 3.6), "interdependent": (2.2, 4.5),
                 "integrated": (2.6, 5), "disintegrating": (0.3, 1.6)}[stage]
    hours_per_person = hours_rng.uniform(low, high)

    rows.append({
        "customer_name": name,
        "industry": pick(INDUSTRIES),
        "region": region,
        "revenue_ltm": f"{revenue:.2f}",
        "share_of_wallet_pct": f"{wallet:.0f}",
        "share_of_wallet_prev_pct": f"{wallet_prev:.0f}",
        "gross_margin_pct": f"{margin:.1f}",
        "cost_to_serve": f"{revenue * cts_pct / 100:.2f}",
        "growth_rate_pct": f"{growth:.1f}",
        "central_purchasing": str(central).lower(),
        "buying_locations": min(40, round(40 ** (size ** 2 * rng.uniform(0.2, 1)))),
        "dmu_size": min(12, 1 + round(8 * size * rng.uniform(0.5, 1.2)) + rng.randint(0, 2)),
        "strategic_fit": fit,
        "partnership_willingness": partnership,
        "reference_value": likert(size, 0.6),
        "financial_stability": likert(size, 0.3),
        "relative_strength": max(1, min(5, stage_strength + rng.choice([-1, 0, 0, 1]))),
        "relationship_stage": stage,
        "functions_in_contact": rng.randint(*contacts),
        "joint_planning": str(joint).lower(),
        "integrated_systems": str(linked).lower(),
        "key_contact_changed_12m": str(troubled or (not mature and rng.random() < 0.09)).lower(),
        "on_time_delivery_pct": f"{on_time:.1f}",
        "open_complaints": complaints,
        "contact_hours_month": None,
        "customer_annual_revenue": f"{customer_revenue:.0f}",
        "customer_employees": min(50000, max(rng.randint(20, 40), round(customer_revenue / rng.uniform(1.5e6, 5e6)))),
        "_protected": (mature or growing or troubled or stage == "integrated"
                       or rank in LOSS_MAKING | COSTLY | {PRICE_BUYER, THIN}),
    })
    rows[-1]["contact_hours_month"] = f"{hours_per_person * rows[-1]['dmu_size']:.1f}"

# Empty cells: the stage for 40% of rows, the strength for 30%, and about 3% of the other
# optional numbers; the stage and the numbers stay filled in for the accounts the story
# above depends on.
open_rows = [row for row in rows if not row["_protected"]]
for row in rng.sample(open_rows, round(0.4 * N)):
    row["relationship_stage"] = ""
for row in rng.sample(rows, round(0.3 * N)):
    row["relative_strength"] = ""
for row in rows:
    for column in SOMETIMES_EMPTY:
        if rng.random() < 0.03 and not row["_protected"]:
            row[column] = ""

# A CRM lists customers in the order they were created, not by size.
rng.shuffle(rows)
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w", encoding="utf-8", newline="") as f:
    writer = csv.DictWriter(f, COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for number, row in enumerate(rows, start=1):
        writer.writerow({**row, "customer_id": f"C-{number:04d}"})
print(f"wrote {len(rows)} customers to {os.path.normpath(OUT)}")
