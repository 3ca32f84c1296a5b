import KamAdvisor
import KamExpr
import KamRules

/// The report's sections over time: what changed since the previous run (`kam diff`'s
/// comparison) and the previous report's plan targets against what happened.
extension ReportBuilder {
    /// What changed since the previous run: the portfolio, the moves between tiers, then the
    /// accounts that moved, with why, largest first (at most `limit`); the risks that fired
    /// for the first time among `risksOf` (all accounts when nil).
    /// Standalone (`kam diff --format html`) it names both files, and every move and risk.
    static func changes(_ d: RunDiff, currency: String?, risksOf: Set<String>?, limit: Int?, standalone: Bool = false) -> ReportDocument.Section {
        let t = Messages.current
        func money(_ x: Double) -> String { Figures.money(x) + (currency.map { "\u{A0}" + $0 } ?? "") }
        var s = ReportDocument.Section("changes", standalone ? t("diff.files", ["old": d.oldPath, "new": d.newPath]) : t("section.changes"))
        if !standalone { s.paragraph(.text(t("changes.since", ["file": d.oldPath]))) }
        if standalone || d.provenance != nil {
            for line in DiffReport.provenanceLines(d) { s.add(.paragraph(codeSpans(line))) }
        }
        s.add(.list(DiffReport.portfolioLines(d).map { [.text(capitalised($0))] }))
        let down = d.moves.filter { $0.direction == .down }.count, up = d.moves.filter { $0.direction == .up }.count
        s.paragraph(.text(t("diff.counts", ["up": Figures.count(up), "down": Figures.count(down),
                                            "across": Figures.count(d.moves.count - up - down), "appeared": Figures.count(d.appeared.count),
                                            "disappeared": Figures.count(d.disappeared.count), "unchanged": Figures.count(d.unchanged)])))
        if let line = DiffReport.byRulesLine(d) { s.paragraph(.text(line)) }
        // The pack's tiers, then the gates' outcomes and the old rules' tiers the accounts took.
        var tiers = d.pack.outcome.levels.map(\.value)
        for o in d.pack.gates.map(\.outcome) + (d.oldPack.map { $0.outcome.levels.map(\.value) + $0.gates.map(\.outcome) } ?? [])
        where !tiers.contains(o) && d.tierFlows.contains(where: { $0.from == o || $0.to == o }) {
            tiers.append(o)
        }
        if !d.tierFlows.isEmpty {
            s.add(.chart(.flows(tiers: tiers, flows: d.tierFlows.map { ($0.from, $0.to, $0.count) })))
            let moved = d.tierFlows.filter { $0.from != $0.to }
            if !moved.isEmpty {
                s.add(.table(.init(header: [t("column.tier_before"), t("column.tier_after"), t("column.accounts")], align: [.left, .left, .right],
                                   rows: moved.map { [[.text($0.from)], [.text($0.to)], [.text(Figures.count($0.count))]] })))
            }
        }
        if !d.moves.isEmpty {
            let shown = d.moves.prefix(limit ?? d.moves.count)
            s.add(.table(.init(header: [t("column.account"), t("column.moved"), t("column.why")], align: [.left, .left, .left],
                               rows: shown.map { m in
                                   [[.strong(m.name), .text(" (\(m.id))")], [.text(DiffReport.shifts(m))],
                                    [.text(DiffReport.why(m).joined(separator: "; "))]]
                               })))
            if d.moves.count > shown.count { s.paragraph(.text(t("changes.more", count: d.moves.count - shown.count))) }
        }
        for (title, accounts) in [(t("diff.appeared"), d.appeared), (t("diff.disappeared"), d.disappeared)] where !accounts.isEmpty {
            s.add(.heading(title))
            let shown = accounts.prefix(limit.map { $0 / 2 } ?? accounts.count)
            s.add(.list(shown.map { a in
                [.strong(a.name), .text(" (\(a.id))" + (a.sales.map { ", " + t("diff.sales", ["sales": money($0)]) } ?? ""))]
            }))
            if accounts.count > shown.count { s.paragraph(.text(t("changes.and_more", count: accounts.count - shown.count))) }
        }
        let fired = d.risks.filter { $0.fired && (risksOf?.contains($0.id) ?? true) }
        if !fired.isEmpty {
            s.add(.heading(risksOf == nil ? t("diff.risks.fired") : t("changes.candidate_risks")))
            s.add(.list(fired.map { [.strong($0.name), .text(": " + ($0.title ?? $0.risk))] }))
        }
        let cleared = risksOf == nil ? d.risks.filter { !$0.fired } : []
        if !cleared.isEmpty {
            s.add(.heading(t("diff.risks.cleared")))
            s.add(.list(cleared.map { [.strong($0.name), .text(": " + ($0.title ?? $0.risk))] }))
        }
        return s
    }

    /// The previous report's targets for its key accounts against this run's figures, and
    /// what the controls say to do about a gap.
    static func planReview(_ p: PlanReview, _ r: Recommendation) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("plan-review", t("section.plan_review"))
        s.paragraph(.text(t("plan_review.intro", ["file": p.file])))
        func cell(_ line: PlanReview.Line?, money isMoney: Bool) -> [ReportDocument.Inline] {
            guard let line else { return [.text("–")] }
            let show = { (x: Double) in isMoney ? money(r, x) : Figures.percent(x) }
            let status = t("plan_review.status." + line.status.rawValue)
            let text = t("plan_review.cell", ["actual": line.actual.map(show) ?? "–", "target": show(line.target)])
            return line.status == .behind ? [.text(text + " — "), .strong(status)] : [.text(text + " — " + status)]
        }
        s.add(.table(.init(header: [t("column.account"), t("column.sales"), t("column.share_of_wallet"), t("column.contribution"), t("column.what_to_do")],
                           align: [.left, .right, .right, .right, .left],
                           rows: p.accounts.map { a in
                               [[.strong(a.name), .text(" (\(a.id))")], cell(a.sales, money: true), cell(a.shareOfWalletPct, money: false),
                                cell(a.contribution, money: true), [.text(action(a))]]
                           })))
        return s
    }

    /// What the controls say about an account's gap, in words.
    static func action(_ a: PlanReview.Account) -> String {
        let t = Messages.current
        guard a.now != nil else { return t("plan_review.gone") }
        let cadence = a.cadence ?? ""
        guard a.behind else { return t("plan_review.on_plan", ["cadence": cadence]) }
        return t("plan_review.behind", ["cadence": cadence]) + (a.risks.isEmpty ? "" : t("plan_review.risks", ["risks": a.risks.joined(separator: "; ")]))
    }
}
