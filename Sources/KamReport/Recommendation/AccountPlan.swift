import KamAdvisor

/// The outline of a candidate's account plan, prefilled from its data (kam-facts.md (g):
/// objectives, strategies, controls), as sentences every format prints alike. Profit comes
/// first: an account that loses money or earns less than the rest restores its contribution
/// before the quadrant's investment, so the strategies never say both "invest" and "restore".
struct AccountPlan {
    var objectives: [String] = []
    var strategies: [String] = []
    var controls: [String] = []

    init(_ c: Candidate, _ r: Recommendation) {
        let a = c.account
        let t = c.targets
        let quadrant = a.quadrant.map { $0.title ?? $0.value }
        if let sales = a.sales {
            let growth = a.growthPct.map { " (\($0 >= 0 ? "+" : "")\(Figures.percent($0)) on the year before)" } ?? ""
            var text = "Sales: \(ReportBuilder.money(r, sales)) in the last 12 months\(growth)"
            if let t {
                text += "; objective \(ReportBuilder.money(r, t.sales)) in the next 12 (\(t.salesGrowthPct >= 0 ? "+" : "")\(Figures.percent(t.salesGrowthPct))"
                switch t.limitedBy {
                case .categorySpend?: text += ", all the customer buys in our category)"
                case .shareStep?: text += ", as far as the \(quadrant.map { $0 + " " } ?? "")plan's share-of-wallet step reaches)"
                case nil: text += quadrant.map { ", the \($0) quadrant's plan)" } ?? ")"
                }
            } else {
                text += "; set the 12-month sales objective from here"
            }
            objectives.append(text + ".")
        }
        if let wallet = a.shareOfWalletPct {
            let target = t?.shareOfWalletPct.map { "; objective \(Figures.percent($0))" } ?? ""
            objectives.append("Share of wallet: \(Figures.percent(wallet)) of the customer's category spend; \(Figures.percent(max(0, 100 - wallet))) is held by others\(target).")
        }
        if let pct = a.contributionPct {
            var text = "Contribution after cost to serve: \(Figures.percent(pct)) of sales"
            if let average = r.portfolioContributionPct { text += " (portfolio average \(Figures.percent(average)))" }
            if c.earnsLessThanRest == true, let rest = r.restContributionPct {
                text += "; below the \(Figures.percent(rest)) the accounts outside the programme earn"
            }
            if let target = t?.contribution { text += "; objective \(ReportBuilder.money(r, target)) at today's margin" }
            objectives.append(text + ".")
        }
        if let line = CostLines.sentence(a, r) { objectives.append(line) }
        let axes = [a.nature, a.involvement].compactMap { $0 }
        if a.stage != nil || !axes.isEmpty || c.targetStage != nil {
            let now = "Relationship: " + (a.stage.map { "\($0.title ?? $0.value) now" } ?? "stage not known")
                + (axes.isEmpty ? "" : " (\(axes.joined(separator: ", ")))")
            let aim = c.targetStage.map { "; the plan takes it to \($0.title ?? $0.value)" }
                ?? (a.quadrant == nil || a.stage == nil ? "" : "; the plan holds it where it is")
            objectives.append(now + aim + ".")
        }
        if let line = BuyingCentreText.sentence(a, r) { objectives.append(line) }
        if let e = r.economics {
            objectives.append(c.upliftNeededPct.map {
                $0 == 0 ? "Key-account cost: covered by the field coverage it replaces."
                    : "Key-account cost: repaid at a sales uplift of \(Figures.percent($0)) (the programme plans \(Figures.percent(e.expectedUpliftPct)))."
            } ?? (a.contribution == nil ? "Key-account cost: whether it is repaid cannot be said, since the account's contribution is not known."
                : "Key-account cost: no uplift repays it while the account earns nothing after cost to serve."))
        }
        if c.role == .vital {
            let share = a.share.map { " (\(Figures.share($0)) of our sales)" } ?? ""
            strategies.append("Keep and protect\(share): losing this account would badly hurt sales and profit; secure the volume first with a senior sponsor on both sides, a multi-year agreement and service without surprises.")
        }
        if c.restoreProfitFirst {
            strategies.append("Restore profitability first: build the account's P&L, price the services it uses and set price floors; no new investment until its contribution is back to the average.")
        }
        if let q = a.quadrant, let advice = q.advice {
            strategies.append((c.restoreProfitFirst ? "Then, as a \(q.title ?? q.value) account: " : "\(q.title ?? q.value): ") + "\(advice).")
        }
        if c.methods.isEmpty {
            if let s = a.stage, let advice = s.advice { strategies.append("Relationship building: \(advice).") }
        } else {
            for m in c.methods { strategies.append("Relationship building, \(m.method): \(m.advice).") }
        }
        for risk in a.trace.risks {
            if let mitigation = risk.mitigation { strategies.append("\(risk.title ?? risk.id): \(mitigation).") }
        }
        controls = r.review?.fields.controls ?? []
        if let review = c.review {
            let worst = a.trace.risks.compactMap(\.severity).max()
            controls.append("Review the plan \(review)" + (worst.map { " (its most severe risk is \($0.rawValue))" } ?? " (no risk has fired)") + ".")
        }
        for risk in a.trace.risks { controls.append("Track \((risk.title ?? risk.id).lowercased()) at every account meeting until it clears.") }
    }
}
