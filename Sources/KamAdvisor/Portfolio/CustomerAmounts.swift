import KamCSV
import KamRules

extension Concentration {
    /// The concentration of a customer list's portfolio: its accounts as `kam score` counts
    /// them (ids, grouped lines, no totals lines), their shares as it computes them.
    public init?(portfolio p: PortfolioFigures) {
        guard p.accounts > 0, p.total > 0 else { return nil }
        self.init(customers: p.accounts, total: p.total, top20SharePct: 100 * p.shareOfLargest((p.accounts + 4) / 5),
                  top10SharePct: 100 * p.shareOfLargest(10),
                  largestSharePct: 100 * p.largest / p.total, hhi: 10_000 * p.hhi, gini: p.gini)
    }

    /// Reads a customer list as `kam score` reads it — the account pack's mapping, grouped
    /// lines, totals lines skipped — and computes its concentration. The rows are scored
    /// along the way (so a row that cannot be read is named, as `kam score` names it) and
    /// nothing is written. Nil, with the summary, when no account has sales.
    public static func read(
        path: String, pack: RulePack, mapping: ColumnMapping, options: BatchOptions,
        rejected: (RowError) -> Void, skipped: (SkippedRow) -> Void, progress: (Int, Int, Int) -> Void
    ) throws(BatchFailure) -> (Concentration?, BatchSummary) {
        let scorer = BatchScorer(pack: pack, mapping: mapping, options: options)
        var nothing = NoRows()
        let summary = try scorer.run(path: path, into: &nothing, rejected: rejected, skipped: skipped, progress: progress)
        return (summary.portfolio.flatMap(Concentration.init(portfolio:)), summary)
    }
}
