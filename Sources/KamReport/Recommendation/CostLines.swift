import KamAdvisor

/// An account's cost to serve by category and against its budget, as the plan says it
/// (kam-facts.md (g): the account P&L).
enum CostLines {
    static func sentence(_ a: AccountView, _ r: Recommendation) -> String? {
        guard let total = a.costToServe, !a.costBreakdown.isEmpty || a.costBudget != nil else { return nil }
        var parts = a.costBreakdown.map { line in
            "\(line.label.replacingOccurrences(of: "_", with: " ")) \(ReportBuilder.money(r, line.amount))" + (total > 0 ? " (\(Figures.percent(100 * line.amount / total)))" : "")
        }
        if let rest = a.costOther, rest > 0 { parts.append("other \(ReportBuilder.money(r, rest))") }
        if !a.costBreakdown.isEmpty && a.costOther == nil {
            parts.append("the categories add up to more than the total: check the columns")
        }
        var text = "Cost to serve: \(ReportBuilder.money(r, total))" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
        if let pct = a.costVsBudgetPct, let budget = a.costBudget {
            let direction = pct > 0 ? "above" : "below"
            text += abs(pct) < 0.05 ? "; on its budget of \(ReportBuilder.money(r, budget))"
                : "; \(Figures.percent(abs(pct))) \(direction) its budget of \(ReportBuilder.money(r, budget))"
        }
        return text + "."
    }
}
