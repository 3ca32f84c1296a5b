import KamAdvisor

/// An account's cost to serve by category and against its budget, as the plan and the JSON
/// show it (kam-facts.md (g): the account P&L).
enum CostLines {
    /// The cost to serve the categories do not explain; nil when the categories add up to more
    /// than the total (then the total is not trusted to split) or either is missing.
    static func other(_ a: AccountView) -> Double? {
        guard let total = a.costToServe, !a.costBreakdown.isEmpty else { return nil }
        let named = a.costBreakdown.reduce(0) { $0 + $1.amount }
        return named <= total ? total - named : nil
    }

    /// The cost to serve above (+) or below (−) its budget, in % of the budget.
    static func againstBudgetPct(_ a: AccountView) -> Double? {
        guard let total = a.costToServe, let budget = a.costBudget, budget > 0 else { return nil }
        return 100 * (total - budget) / budget
    }

    static func sentence(_ a: AccountView, _ r: Recommendation) -> String? {
        guard let total = a.costToServe, !a.costBreakdown.isEmpty || a.costBudget != nil else { return nil }
        var parts = a.costBreakdown.map { line in
            "\(line.label.replacingOccurrences(of: "_", with: " ")) \(ReportBuilder.money(r, line.amount))" + (total > 0 ? " (\(Figures.percent(100 * line.amount / total)))" : "")
        }
        if let rest = other(a), rest > 0 { parts.append("other \(ReportBuilder.money(r, rest))") }
        if !a.costBreakdown.isEmpty && other(a) == nil {
            parts.append("the categories add up to more than the total: check the columns")
        }
        var text = "Cost to serve: \(ReportBuilder.money(r, total))" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
        if let pct = againstBudgetPct(a), let budget = a.costBudget {
            let direction = pct > 0 ? "above" : "below"
            text += abs(pct) < 0.05 ? "; on its budget of \(ReportBuilder.money(r, budget))"
                : "; \(Figures.percent(abs(pct))) \(direction) its budget of \(ReportBuilder.money(r, budget))"
        }
        return text + "."
    }
}
