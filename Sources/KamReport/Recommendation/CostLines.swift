import KamAdvisor

/// An account's cost to serve by category and against its budget, as the plan says it
/// (kam-facts.md (g): the account P&L).
enum CostLines {
    static func sentence(_ a: AccountView, _ r: Recommendation) -> String? {
        let t = Messages.current
        guard let total = a.costToServe, !a.costBreakdown.isEmpty || a.costBudget != nil else { return nil }
        var parts = a.costBreakdown.map { line in
            let label = t.ifAny("cost." + line.label) ?? line.label.replacingOccurrences(of: "_", with: " ")
            return "\(label) \(ReportBuilder.money(r, line.amount))" + (total > 0 ? " (\(Figures.percent(100 * line.amount / total)))" : "")
        }
        if let rest = a.costOther, rest > 0 { parts.append(t("cost.other", ["amount": ReportBuilder.money(r, rest)])) }
        if !a.costBreakdown.isEmpty && a.costOther == nil { parts.append(t("cost.over_total")) }
        var text = t("cost.total", ["total": ReportBuilder.money(r, total)]) + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
        if let pct = a.costVsBudgetPct, let budget = a.costBudget {
            let values = ["pct": Figures.percent(abs(pct)), "budget": ReportBuilder.money(r, budget)]
            text += abs(pct) < 0.05 ? t("cost.on_budget", values) : pct > 0 ? t("cost.above_budget", values) : t("cost.below_budget", values)
        }
        return text + "."
    }
}
