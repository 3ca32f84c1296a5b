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
        let t = Messages.current
        let a = c.account
        let targets = c.targets
        let quadrant = a.quadrant.map { $0.title ?? $0.value }
        func signed(_ x: Double) -> String { (x >= 0 ? "+" : "") + Figures.percent(x) }
        if let sales = a.sales {
            var text = t("plan.sales", ["sales": ReportBuilder.money(r, sales)])
                + (a.growthPct.map { t("plan.sales.growth", ["growth": signed($0)]) } ?? "")
            if let targets {
                let values = ["target": ReportBuilder.money(r, targets.sales), "growth": signed(targets.salesGrowthPct), "quadrant": quadrant ?? ""]
                switch targets.limitedBy {
                case .categorySpend?: text += t("plan.sales.target.category", values)
                case .shareStep?: text += t(quadrant == nil ? "plan.sales.target.step" : "plan.sales.target.step.quadrant", values)
                case nil: text += t(quadrant == nil ? "plan.sales.target" : "plan.sales.target.quadrant", values)
                }
            } else {
                text += t("plan.sales.no_target")
            }
            objectives.append(text + ".")
        }
        if let wallet = a.shareOfWalletPct {
            objectives.append(t("plan.wallet", ["wallet": Figures.percent(wallet), "others": Figures.percent(max(0, 100 - wallet))])
                + (targets?.shareOfWalletPct.map { t("plan.objective", ["target": Figures.percent($0)]) } ?? "") + ".")
        }
        if let pct = a.contributionPct {
            var text = t("plan.contribution", ["pct": Figures.percent(pct)])
            if let average = r.portfolioContributionPct { text += t("plan.contribution.average", ["average": Figures.percent(average)]) }
            if c.earnsLessThanRest == true, let rest = r.restContributionPct {
                text += t("plan.contribution.below_rest", ["rest": Figures.percent(rest)])
            }
            if let target = targets?.contribution { text += t("plan.contribution.target", ["target": ReportBuilder.money(r, target)]) }
            objectives.append(text + ".")
        }
        if let line = CostLines.sentence(a, r) { objectives.append(line) }
        let axes = [a.nature, a.involvement].compactMap { $0 }.map { t.ifAny("value." + $0) ?? $0 }
        if a.stage != nil || !axes.isEmpty || c.targetStage != nil {
            var text = a.stage.map { t("plan.relationship", ["stage": $0.title ?? $0.value]) } ?? t("plan.relationship.unknown")
            if !axes.isEmpty { text += " (\(axes.joined(separator: ", ")))" }
            if let aim = c.targetStage {
                text += t("plan.relationship.target", ["stage": aim.title ?? aim.value])
            } else if a.quadrant != nil && a.stage != nil {
                text += t("plan.relationship.holds")
            }
            objectives.append(text + ".")
        }
        if let line = BuyingCentreText.sentence(a, r) { objectives.append(line) }
        if let e = r.economics {
            if let needed = c.upliftNeededPct {
                objectives.append(needed == 0 ? t("plan.cost.covered")
                    : t("plan.cost.repaid", ["needed": Figures.percent(needed), "planned": Figures.percent(e.expectedUpliftPct)]))
            } else {
                objectives.append(a.contribution == nil ? t("plan.cost.unknown") : t("plan.cost.never"))
            }
        }
        if c.role == .vital {
            strategies.append(t("plan.keep", ["share": a.share.map { t("plan.keep.share", ["share": Figures.share($0)]) } ?? ""]))
        }
        if c.restoreProfitFirst {
            strategies.append(t("plan.restore"))
        }
        if let q = a.quadrant, let advice = q.advice {
            let values = ["quadrant": q.title ?? q.value, "advice": advice]
            strategies.append(c.restoreProfitFirst ? t("plan.quadrant.then", values) : t("plan.quadrant", values))
        }
        if c.methods.isEmpty {
            if let s = a.stage, let advice = s.advice { strategies.append(t("plan.building", ["advice": advice])) }
        } else {
            for m in c.methods { strategies.append(t("plan.building.method", ["method": m.method, "advice": m.advice])) }
        }
        for risk in a.trace.risks {
            if let mitigation = risk.mitigation { strategies.append(t("plan.risk", ["risk": risk.title ?? risk.id, "mitigation": mitigation])) }
        }
        controls = r.review?.fields.controls ?? []
        if let review = c.review {
            let worst = a.trace.risks.compactMap(\.severity).max()
            controls.append(worst.map { t("plan.review.risk", ["cadence": review, "severity": ReportBuilder.severity($0)]) }
                ?? t("plan.review.none", ["cadence": review]))
        }
        for risk in a.trace.risks { controls.append(t("plan.track", ["risk": (risk.title ?? risk.id).lowercased()])) }
    }
}
