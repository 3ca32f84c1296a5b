import KamRules

/// The kinds of rule pack the advisor runs, and what it gives each kind's expressions.
public enum PackProfiles {
    /// The questionnaire names that are a public contract (see docs/questionnaire.md); every
    /// assessment pack must read them.
    public static let questionnaireContract = [
        "customer_count", "top20_customers_share_pct", "largest_customer_share_pct",
        "central_purchasing_pct", "field_sales_cost_pct", "top_management_support",
    ]

    public static let assessment = PackProfile(
        kind: "assessment", outcomeName: "verdict", requiredInputs: questionnaireContract)

    /// Portfolio figures computed over the whole customer list, per account and in total.
    public static let portfolioFigures: [PackProfile.ContextName] = [
        .init("share", .number, "the account's share of the portfolio's measure (0 to 1)"),
        .init("rank", .number, "the account's rank by the measure, 1 for the largest"),
        .init("percentile", .number, "share of accounts with a smaller measure (0 to 1)"),
        .init("cumulative_share_before", .number, "combined share of all larger accounts (0 to 1), for ABC/Pareto"),
        .init("portfolio_total", .number, "the sum of the measure over all accounts"),
        .init("portfolio_accounts", .number, "how many accounts the portfolio has"),
        .init("portfolio_hhi", .number, "Herfindahl-Hirschman index of the shares (0 to 1)"),
        .init("portfolio_gini", .number, "Gini coefficient of the measure (0 to 1)"),
    ]

    /// `portfolio`: the measure and id the figures are computed over; `report`: which of the
    /// pack's values a report shows as the account's name, sales, margin and so on.
    public static let accountScoring = PackProfile(
        kind: "account-scoring", outcomeName: "tier", context: portfolioFigures, extraKeys: ["portfolio", "report"], rowsCombine: true)

    /// Evaluated per candidate key account: each factor a skill, its points how strongly the
    /// account calls for it. `guidance` is the text at the head of the report's skills section.
    public static let skills = PackProfile(kind: "skills", outcomeName: "profile", extraKeys: ["guidance"])

    public static let all = [assessment, accountScoring, skills]
}
