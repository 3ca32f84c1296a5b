import KamAdvisor

/// The outline of a candidate's account plan, prefilled from its data (kam-facts.md (g):
/// objectives, strategies, controls), as sentences every format prints alike.
struct AccountPlan {
    var objectives: [String] = []
    var strategies: [String] = []
    var controls: [String] = []

    init(_ c: Candidate, _ r: Recommendation) {
        let a = c.account
        if let sales = a.sales {
            let growth = a.growthPct.map { " (\($0 >= 0 ? "+" : "")\(Figures.percent($0)) on the year before)" } ?? ""
            objectives.append("Sales: \(Figures.money(sales)) in the last 12 months\(growth); set the 12-month sales objective from here.")
        }
        if let wallet = a.shareOfWalletPct {
            objectives.append("Share of wallet: \(Figures.percent(wallet)) of the customer's category spend; \(Figures.percent(max(0, 100 - wallet))) is held by others.")
        }
        if let pct = a.contributionPct {
            var text = "Contribution after cost to serve: \(Figures.percent(pct)) of sales"
            if let average = r.portfolioContributionPct { text += " (portfolio average \(Figures.percent(average)))" }
            if c.earnsLessThanRest == true, let rest = r.restContributionPct {
                text += "; below the \(Figures.percent(rest)) the accounts outside the programme earn: restore it before investing more"
            }
            objectives.append(text + ".")
        }
        if let stage = a.stage {
            let target = a.quadrant.map { "; the \($0.title ?? $0.value) quadrant's approach below sets the stage to aim for" } ?? ""
            objectives.append("Relationship: \(stage.title ?? stage.value) stage now\(target).")
        }
        if let e = r.economics {
            objectives.append(c.upliftNeededPct.map {
                $0 == 0 ? "Key-account cost: covered by the field coverage it replaces."
                    : "Key-account cost: repaid at a sales uplift of \(Figures.percent($0)) (the programme plans \(Figures.percent(e.expectedUpliftPct)))."
            } ?? "Key-account cost: no uplift repays it while the account earns nothing after cost to serve.")
        }
        if c.role == .vital {
            let share = a.share.map { " (\(Figures.share($0)) of our sales)" } ?? ""
            strategies.append("Keep and protect\(share): losing this account would badly hurt sales and profit; secure the volume first with a senior sponsor on both sides, a multi-year agreement and service without surprises.")
        }
        if let q = a.quadrant, let advice = q.advice { strategies.append("\(q.title ?? q.value): \(advice).") }
        if let s = a.stage, let advice = s.advice { strategies.append("Relationship building: \(advice).") }
        for risk in a.trace.risks {
            if let mitigation = risk.mitigation { strategies.append("\(risk.title ?? risk.id): \(mitigation).") }
        }
        controls = r.review?.fields.controls ?? []
    }
}
