"""The reference workload (fixtures/bench/WORKLOAD.md) scored with polars, as a peer for
kam-bench: the same file in, the same per-account CSV and summary out.

    python3 benchmarks/peers/polars_score.py customers.csv scored.csv

Prints the summary as JSON on standard output.
"""
import json
import sys

import polars as pl


def main(source: str, target: str) -> None:
    df = pl.read_csv(source, schema_overrides={"account_id": pl.Utf8, "name": pl.Utf8})
    total = df["annual_revenue"].sum()
    df = df.with_columns(
        (pl.col("annual_revenue") / total).alias("share"),
        ((pl.col("annual_revenue") * pl.col("gross_margin") - pl.col("cost_to_serve")) / pl.col("annual_revenue")).alias("m"),
        (1 - pl.col("annual_revenue") / pl.col("wallet_size")).alias("h"),
    )
    ranked = df.select("account_id", "annual_revenue").sort(
        ["annual_revenue", "account_id"], descending=[True, False]
    ).with_columns(((pl.col("annual_revenue").cum_sum() - pl.col("annual_revenue")) / total).alias("before"))
    df = df.join(ranked.select("account_id", "before"), on="account_id", how="left")
    score = (
        pl.when(pl.col("share") >= 0.02).then(30).when(pl.col("share") >= 0.005).then(20)
        .when(pl.col("share") >= 0.001).then(10).otherwise(0)
        + pl.when(pl.col("growth_rate") >= 0.20).then(15).when(pl.col("growth_rate") >= 0.05).then(10)
        .when(pl.col("growth_rate") >= 0).then(5).otherwise(0)
        + pl.when(pl.col("m") >= 0.25).then(15).when(pl.col("m") >= 0.10).then(8).when(pl.col("m") >= 0).then(3).otherwise(0)
        + pl.when(pl.col("centralised_purchasing")).then(10).otherwise(0)
        + pl.when(pl.col("h") >= 0.5).then(10).when(pl.col("h") >= 0.2).then(5).otherwise(0)
        + pl.col("strategic_fit") * 2
        + pl.when((pl.col("decision_makers") >= 6) | (pl.col("buying_sites") >= 5)).then(5).otherwise(0)
        + pl.when(pl.col("relationship_years") >= 3).then(5).otherwise(0)
    )
    df = df.with_columns(score.alias("score")).with_columns(
        pl.when(pl.col("score") >= 70).then(pl.lit("key")).when(pl.col("score") >= 50).then(pl.lit("potential"))
        .when(pl.col("score") >= 30).then(pl.lit("develop")).otherwise(pl.lit("transactional")).alias("tier"),
        pl.when(pl.col("before") < 0.80).then(pl.lit("A")).when(pl.col("before") < 0.95).then(pl.lit("B"))
        .otherwise(pl.lit("C")).alias("abc_class"),
    )
    df.select("account_id", "score", "tier", "abc_class").write_csv(target)
    top10 = df["annual_revenue"].sort(descending=True).head(10).sum() / total
    summary = {
        "rows": df.height,
        "total": round(total, 2),
        "tiers": dict(sorted(df["tier"].value_counts().iter_rows())),
        "abc_class": dict(sorted(df["abc_class"].value_counts().iter_rows())),
        "score_sum": int(df["score"].sum()),
        "top10_share": round(top10, 6),
        "hhi": round(float((df["share"] ** 2).sum()), 6),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
