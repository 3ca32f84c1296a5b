import KamAdvisor
import KamExpr
import KamRules

/// The report's programme economics: whether the programme pays, and what it needs when
/// it cannot be said.
extension ReportBuilder {
    static func economics(_ r: Recommendation) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("economics", t("section.economics"))
        guard let e = r.economics else {
            let missing = r.economicsMissing
            if missing == nil || missing == .cost {
                s.paragraph(.text(t("economics.missing", ["missing": missing.map(gap) ?? t("economics.missing.cost")])),
                            .code("kam_cost_per_account"), .text(t("economics.missing.or")), .code("kam_manager_cost"), .text(t("economics.missing.end")))
            } else if let missing {
                s.paragraph(.text(t("economics.missing.other", ["missing": gap(missing)])))
            }
            return s
        }
        s.add(.paragraph(economicsSentence(e, r)))
        let perAccount = e.costSource == .managerCost ? t("economics.cost.manager") : ""
        let field = e.fieldCostAnswered ? "" : t("economics.field.unanswered")
        s.add(.table(.init(header: [t("column.figure"), t("column.value"), t("column.how")], align: [.left, .right, .left], rows: [
            [[.text(t("economics.cost_per_account"))], [.text(money(r, e.costPerAccount))], [.text(t("economics.cost_per_account.how") + perAccount)]],
            [[.text(t("economics.cost"))], [.text(money(r, e.cost))], [.text(t("economics.cost.how", count: e.accounts))]],
            [[.text(t("economics.avoided"))], [.text(money(r, e.costAvoided))], [.text(t("economics.avoided.how") + field)]],
            [[.text(t("economics.incremental"))], [.text(money(r, e.incrementalCost))], [.text(t("economics.incremental.how"))]],
            [[.text(t("economics.contribution"))], [.text(money(r, e.contribution))],
             [.text(t("economics.contribution.how") + (e.withoutContribution > 0 ? t("economics.contribution.without", count: e.withoutContribution) : ""))]],
            [[.text(t("economics.uplift"))], [.text(Figures.percent(e.expectedUpliftPct))], [.text(e.upliftSource)]],
            [[.text(t("economics.gain"))], [.text(money(r, e.expectedGain))], [.text(t("economics.gain.how"))]],
            [[.strong(t("economics.net"))], [.strong(money(r, e.net))], [.text(t("economics.net.how"))]],
            [[.text(t("economics.needed"))], [.text(e.upliftNeededPct.map(Figures.percent) ?? t("economics.none_suffices"))], [.text(t("economics.needed.how"))]],
        ])))
        s.add(.chart(.economics(steps: e.cumulativeNet.map { ($0.id, $0.net) }, paying: e.pays ? e.cumulativeNet.count : e.largestPaying?.count,
                                vital: r.candidates.filter { $0.role == .vital }.count)))
        s.add(.table(.init(header: [t("column.account"), t("column.role"), t("column.contribution"), t("column.uplift_needed")],
                           align: [.left, .left, .right, .right],
                           rows: r.candidates.map { c in
                               [[.text(c.account.name)], [.text(c.role == .vital ? t("role.vital.short") : t("role.growth"))],
                                [.text(money(r, c.account.contribution))],
                                [.text(c.upliftNeededPct.map(Figures.percent) ?? t("economics.none_suffices"))]]
                           })))
        return s
    }

    /// Whether the programme pays, in one paragraph a director reads first.
    static func economicsSentence(_ e: ProgrammeEconomics, _ r: Recommendation) -> [ReportDocument.Inline] {
        let t = Messages.current
        let names = Dictionary(r.candidates.map { ($0.account.id, $0.account.name) }, uniquingKeysWith: { a, _ in a })
        let unknown = e.withoutContribution > 0 ? t("economics.sentence.unknown", count: e.withoutContribution) : ""
        let head = t("economics.sentence.head", ["uplift": Figures.percent(e.expectedUpliftPct), "unknown": unknown])
        if e.pays {
            return [.text(head), .strong(t("economics.pays")),
                    .text(t("economics.pays.how", ["gain": money(r, e.expectedGain), "cost": money(r, max(0, e.incrementalCost)), "net": money(r, e.net)]))]
        }
        var parts: [ReportDocument.Inline] = [
            .text(head), .strong(t("economics.does_not_pay")),
            .text(t("economics.does_not_pay.how", ["cost": money(r, e.incrementalCost), "gain": money(r, e.expectedGain), "net": money(r, e.net)])),
            .text(e.upliftNeededPct.map { t("economics.break_even", ["uplift": Figures.percent($0)]) } ?? t("economics.no_uplift")),
        ]
        if let p = e.largestPaying {
            parts.append(p.count == 0
                ? .text(t("economics.largest_paying.none"))
                : .text(t("economics.largest_paying", count: p.count, ["net": money(r, p.net)]) + p.ids.map { names[$0] ?? $0 }.joined(separator: "; ") + "."))
        } else {
            parts.append(.text(t("economics.vital_only")))
        }
        return parts
    }

    /// What the economics lack, as the run's language says it.
    static func gap(_ g: ProgrammeEconomics.Gap) -> String {
        switch g {
        case .cost: Messages.current("economics.gap.cost")
        case .uplift: Messages.current("economics.gap.uplift")
        case .contribution: Messages.current("economics.gap.contribution")
        }
    }
}
