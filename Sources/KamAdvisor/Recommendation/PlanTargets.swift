/// A candidate's numeric objectives for the next twelve months: sales, share of wallet and
/// contribution, from the growth its quadrant plans (the account pack's `report.plan`) and
/// capped by what the customer buys in our category at all.
public struct PlanTargets: Sendable, Equatable {
    /// The quadrant's planned growth, in %, and where it was capped.
    public let salesGrowthPct: Double
    public let sales: Double
    /// The share of wallet the target sales make, when the share is known.
    public let shareOfWalletPct: Double?
    /// The target sales at today's contribution margin.
    public let contribution: Double?
    public enum Limit: String, Sendable {
        /// All the customer buys in our category.
        case categorySpend = "category_spend"
        /// The share of wallet the quadrant's plan may win in a year.
        case shareStep = "share_step"
    }
    /// What cut the quadrant's planned growth, if anything did.
    public let limitedBy: Limit?

    /// Targets from today's figures; nil without sales or without a plan for the quadrant.
    static func of(_ a: AccountView, _ plan: ReportFields.QuadrantPlan?) -> PlanTargets? {
        guard let plan, let sales = a.sales, sales > 0 else { return nil }
        var growth = plan.salesGrowthPct
        var limit: Limit?
        var wallet: Double?
        if let share = a.shareOfWalletPct, share > 0 {
            // Our sales ÷ our share is the customer's spend in the category. A plan that wins
            // share sells no more than the share its step reaches, nor than all of the spend; a
            // plan with no step grows with the customer at the share it has.
            let budget = sales * 100 / share
            wallet = share
            if plan.walletGainPoints > 0 {
                let reachable = min(100, share + plan.walletGainPoints)
                let most = budget * reachable / 100
                if sales * (1 + growth / 100) > most {
                    growth = max(0, 100 * (most / sales - 1))
                    limit = reachable >= 100 ? .categorySpend : .shareStep
                }
                wallet = min(100, 100 * sales * (1 + growth / 100) / budget)
            }
        }
        let target = sales * (1 + growth / 100)
        let margin = a.contribution.map { $0 / sales }
        return PlanTargets(salesGrowthPct: growth, sales: target, shareOfWalletPct: wallet, contribution: margin.map { target * $0 },
                           limitedBy: limit)
    }
}
