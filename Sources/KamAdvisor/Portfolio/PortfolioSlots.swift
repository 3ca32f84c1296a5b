import KamRules

/// Where an account-scoring pack keeps the portfolio figures, -1 for a figure it does not
/// declare; one place that hands an account's figures to its evaluation, for the batch and
/// for the report alike.
struct PortfolioSlots: Sendable {
    var share = -1, rank = -1, percentile = -1, before = -1, total = -1, accounts = -1, hhi = -1, gini = -1

    init(_ pack: RulePack) {
        func slot(_ name: String) -> Int { pack.context.contains { $0.name == name } ? pack.slot(of: name)! : -1 }
        share = slot("share")
        rank = slot("rank")
        percentile = slot("percentile")
        before = slot("cumulative_share_before")
        total = slot("portfolio_total")
        accounts = slot("portfolio_accounts")
        hhi = slot("portfolio_hhi")
        gini = slot("portfolio_gini")
    }

    /// Sets the figures of the account whose measure sits in `measure`; nothing when the
    /// measure could not be read (the row is rejected for it anyway).
    func set(_ portfolio: PortfolioFigures, measure: Int, id: some Collection<UInt8>, in a: some RowSlots) {
        guard case .number(let m)? = a.value(measure) else { return }
        set(portfolio.account(measure: m, id: id), of: portfolio, in: a)
    }

    func set(_ account: PortfolioFigures.Account, of portfolio: PortfolioFigures, in a: some RowSlots) {
        if share >= 0 { a.setNumber(share, account.share) }
        if rank >= 0 { a.setNumber(rank, Double(account.rank)) }
        if percentile >= 0 { a.setNumber(percentile, account.percentile) }
        if before >= 0 { a.setNumber(before, account.cumulativeShareBefore) }
        if total >= 0 { a.setNumber(total, portfolio.total) }
        if accounts >= 0 { a.setNumber(accounts, Double(portfolio.accounts)) }
        if hhi >= 0 { a.setNumber(hhi, portfolio.hhi) }
        if gini >= 0 { a.setNumber(gini, portfolio.gini) }
    }
}
