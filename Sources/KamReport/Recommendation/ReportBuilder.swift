import KamAdvisor
import KamExpr
import KamRules

/// Lays a recommendation out as the report's sections, in the order management reads them:
/// the answer first, the evidence after, the audit trail last. Every sentence comes from the
/// run's message catalogue (`Messages.current`), every figure from `Figures`.
enum ReportBuilder {
    static func build(_ r: Recommendation, audit: ReportAudit) -> ReportDocument {
        let t = Messages.current
        let supplier = r.assessment?.supplier
        var doc = ReportDocument(title: supplier.map { t("report.title.supplier", ["supplier": $0]) } ?? t("report.title"))
        doc.sections.append(summary(r))
        if let a = r.assessment {
            doc.sections.append(factors(a))
            doc.sections.append(risks(a))
        }
        if let review = r.review {
            doc.sections.append(concentration(r, review))
            if let changes = r.changes {
                doc.sections.append(self.changes(changes, currency: r.currency, risksOf: Set(r.candidates.map(\.account.id)), limit: 20))
            }
            doc.sections.append(accounts(r))
            doc.sections.append(largeAccounts(r))
            doc.sections.append(rescue(r))
            doc.sections.append(economics(r))
            if r.skillsPack != nil { doc.sections.append(skills(r)) }
            doc.sections.append(relationships(r))
            if review.fields.buyingCentre != nil { doc.sections.append(buyingCentres(r)) }
            if let review = r.planReview { doc.sections.append(planReview(review, r)) }
            doc.sections.append(plans(r))
        }
        doc.sections.append(appendix(r, audit))
        return doc
    }

    // MARK: Sections

    static func summary(_ r: Recommendation) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("summary", t("section.summary"))
        if let a = r.assessment {
            let verdict = a.verdict + (a.verdictTitle.map { " — \($0)" } ?? "") + (a.provisional ? t("summary.provisional") : "")
            s.paragraph(.text(t("summary.verdict")), .strong(verdict),
                        .text(t("summary.verdict.score", ["score": Figures.score(a.score), "maximum": Figures.score(a.trace.maximum),
                                                          "confidence": Figures.count(Int((a.confidence * 100).rounded()))])))
            if let range = AssessmentReport.rangeSentence(a) { s.paragraph(.text(range)) }
            if let gate = a.trace.gates.first { s.paragraph(.text(t("summary.blocked", ["because": gate.because]))) }
            for risk in a.trace.risks where risk.severity == .critical {
                s.paragraph(.strong(t("summary.critical", ["risk": risk.title ?? risk.id])),
                            .text(t("summary.critical.because", ["because": risk.because, "mitigation": risk.mitigation ?? ""])))
            }
            let reasons = a.mainReasons
            if !reasons.isEmpty {
                s.add(.heading(t("summary.main_reasons")))
                s.add(.list(reasons.map { [.text(capitalised($0))] }))
            }
        }
        if let p = r.programme {
            let managers: String
            switch p.managersSource {
            case .bestTier:
                managers = t("summary.managers.best_tier", count: p.managersNeeded,
                             ["capacity": Figures.count(p.capacity), "largest": Figures.count(ProgrammeSize.largestProgramme),
                              "per_manager": Figures.count(p.accountsPerManager)])
            default:
                let source = p.managersSource == .commandLine ? t("source.command_line") : t("source.questionnaire")
                let perSource = p.accountsPerManagerSource == .literature ? t("summary.per_manager.literature") : t("source.command_line")
                managers = t("summary.managers.given", count: p.managers ?? 0,
                             ["source": source, "per_manager": Figures.count(p.accountsPerManager), "per_source": perSource])
            }
            s.paragraph(.text(t("summary.programme")), .strong(t("summary.programme.accounts", count: p.capacity)),
                        .text(t("summary.programme.managers", ["managers": managers])))
            let vital = r.candidates.filter { $0.role == .vital }.count
            if vital > 0 {
                s.paragraph(.strong(t("summary.vital", count: vital)),
                            .text(t("summary.vital.rest", count: r.candidates.count - vital)))
            }
            if r.extraManagersForVital > 0 {
                s.paragraph(.strong(t("summary.vital.managers", count: r.extraManagersForVital)),
                            .text(t("summary.vital.managers.given", ["given": Figures.count(p.managers ?? p.managersNeeded),
                                                                     "per_manager": Figures.count(p.accountsPerManager)])))
            }
            if r.candidates.count < p.capacity {
                s.paragraph(.text(t("summary.capacity_free", count: r.candidates.count)))
            }
            if let e = r.economics { s.add(.paragraph(economicsSentence(e, r))) }
            if let missing = r.economicsMissing {
                s.paragraph(.text(t("summary.economics_missing")), .code(gap(missing)), .text("."))
            }
            if !r.leftOut.isEmpty {
                s.paragraph(.text(t("summary.left_out", count: r.leftOut.count)), .strong(t("section.left_out")), .text("."))
            }
            if !r.rescue.isEmpty {
                s.paragraph(.text(t("summary.rescue", count: r.rescue.count)), .strong(t("section.rescue")), .text("."))
            }
            if p.capacity > ProgrammeSize.largestProgramme {
                s.paragraph(.text(t("summary.too_large", ["largest": Figures.count(ProgrammeSize.largestProgramme)])))
            }
            let names = r.candidates.prefix(5).map(\.account.name)
            if !names.isEmpty {
                let more = r.candidates.count - names.count
                s.paragraph(.text(t("summary.first", ["names": names.joined(separator: "; ")])
                    + (more > 0 ? t("more", count: more) : "") + "."))
            }
        }
        for missing in r.missingInputs {
            switch missing {
            case "questionnaire":
                s.paragraph(.text(t("summary.no_questionnaire")), .code("kam questionnaire"), .text(t("summary.no_questionnaire.pass")),
                            .code("--questionnaire FILE"), .text("."))
            default:
                s.paragraph(.text(t("summary.no_customers")), .code("--customers FILE"), .text("."))
            }
        }
        return s
    }

    static func factors(_ a: Assessment) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("factors", t("section.factors"))
        s.add(.chart(.factors(a.trace.factors.map { ($0.title, $0.points, $0.maximum) })))
        let rows: [[[ReportDocument.Inline]]] = a.trace.factors.map { f in
            let why = f.state == .scored ? f.because ?? "" : f.state == .missing ? t("factor.unanswered") : t("factor.failed", ["error": f.error ?? ""])
            return [[.text(f.title)], [.text("\(f.points.map(Figures.score) ?? "–") / \(Figures.score(f.maximum))")], [.text(why)]]
        }
        s.add(.table(.init(header: [t("column.factor"), t("column.points"), t("column.why")], align: [.left, .right, .left], rows: rows)))
        if !a.whatIf.isEmpty {
            s.add(.heading(t("factors.what_if")))
            s.add(.list(a.whatIf.map { codeSpans(WhatIfText.sentence($0)) }))
        }
        if !a.unanswered.isEmpty {
            s.paragraph(.text(t("factors.unanswered", ["names": a.unanswered.map(\.name).joined(separator: ", ")])))
        }
        let fromData = a.answers.filter { $0.answer.source == .customerData }.map(\.input.name)
        if !fromData.isEmpty {
            s.paragraph(.text(t("factors.from_data", ["names": fromData.joined(separator: ", ")])))
        }
        return s
    }

    static func risks(_ a: Assessment) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("risks", t("section.risks"))
        if !a.advantages.isEmpty {
            s.add(.heading(t("risks.advantages")))
            s.add(.list(a.advantages.map { [.strong($0.title ?? $0.id), .text(": \($0.because).")] }))
            s.add(.heading(t("risks.heading")))
        }
        if a.trace.risks.isEmpty { s.paragraph(.text(t("risks.none"))) }
        let rows: [[[ReportDocument.Inline]]] = a.trace.risks.map { r in
            [[.strong(r.title ?? r.id)], [.text(severity(r.severity))], [.text(r.because)], [.text(r.mitigation ?? "")]]
        }
        if !rows.isEmpty {
            s.add(.table(.init(header: [t("column.risk"), t("column.severity"), t("column.why"), t("column.what_to_do")],
                               align: [.left, .left, .left, .left], rows: rows)))
        }
        return s
    }

    static func concentration(_ r: Recommendation, _ review: CustomerReview) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("concentration", t("section.concentration"))
        let summary = review.summary
        var counts = t("concentration.rows", ["read": Figures.count(summary.rowsRead), "scored": Figures.count(summary.scored),
                                               "rejected": Figures.count(summary.rejected)])
        if summary.skippedTotals > 0 { counts += t("concentration.totals", count: summary.skippedTotals) }
        if summary.footerLines > 0 { counts += t("concentration.footers", count: summary.footerLines) }
        s.paragraph(.text(counts + "."))
        if let p = summary.portfolio {
            s.add(.table(.init(header: [t("column.figure"), t("column.value")], align: [.left, .right], rows: [
                [[.text(t("concentration.total_sales"))], [.text(money(r, p.total))]],
                [[.text(t("concentration.accounts"))], [.text(Figures.count(p.accounts))]],
                [[.text(t("concentration.top10"))], [.text(Figures.share(p.top10Share))]],
                [[.text(t("concentration.hhi"))], [.text(Figures.money(p.hhi * 10_000))]],
                [[.text(t("concentration.equivalent"))], [.text(p.hhi > 0 ? Figures.number(1 / p.hhi, digits: 1) : "–")]],
                [[.text(t("concentration.gini"))], [.text(Figures.number(p.gini))]],
            ])))
            let cuts = abcCuts(review)
            s.add(.chart(.pareto(points: p.paretoCurve(points: 100), cuts: cuts)))
        }
        if let abc = review.fields.abc, let counts = summary.classes[abc] {
            let classes = counts.sorted { $0.key < $1.key }.map { "\($0.key.isEmpty ? t("concentration.abc.none") : $0.key) \(Figures.count($0.value))" }
            s.paragraph(.text(t("concentration.abc", ["classes": classes.joined(separator: ", ")])))
        }
        let tiers = tierCounts(review)
        s.add(.chart(.tiers(tiers)))
        s.add(.table(.init(header: [t("column.tier"), t("column.accounts")], align: [.left, .right],
                           rows: tiers.map { [[.text($0.name)], [.text(Figures.count($0.count))]] })))
        if summary.alsoKeptBeyond > 0 {
            s.paragraph(.strong(t("concentration.beyond", count: summary.alsoKeptBeyond)),
                        .text(t("concentration.beyond.why", ["limit": Figures.count(AlsoKept.limit)])))
        }
        if !review.rejected.isEmpty {
            s.paragraph(.text(t("concentration.rejected", ["shown": Figures.count(min(10, review.rejected.count)), "all": Figures.count(review.rejected.count)])))
            s.add(.list(review.rejected.prefix(10).map { e in
                [.text(t("row.line", ["line": String(e.line)]) + (e.column.map { t("row.column", ["column": $0]) } ?? "") + ": \(e.message)")]
            }))
        }
        if !review.skipped.isEmpty {
            s.paragraph(.text(t("concentration.skipped", ["shown": Figures.count(min(10, review.skipped.count)), "all": Figures.count(review.skipped.count)])))
            s.add(.list(review.skipped.prefix(10).map { [.text(t("row.line", ["line": String($0.line)]) + ": \(SkippedRowText.describe($0))")] }))
        }
        return s
    }

    static func accounts(_ r: Recommendation) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("accounts", t("section.accounts"))
        if r.candidates.isEmpty { s.paragraph(.text(t("accounts.none"))) }
        let points = r.candidates.enumerated().compactMap { i, c -> (String, Double, Double)? in
            c.account.strength.map { ("\(i + 1)", $0, c.account.score) }
        }
        if !points.isEmpty {
            s.add(.chart(.matrix(accounts: points, quadrants: r.candidates.map { $0.account.quadrant?.title ?? $0.account.quadrant?.value ?? "" })))
        }
        s.add(.table(table(r, r.candidates.map(\.account), numbered: true, roles: r.candidates.map(\.role))))
        let doubtful = r.candidates.filter { !$0.lowConfidenceMissing.isEmpty }
        if !doubtful.isEmpty {
            s.paragraph(.text(t("accounts.doubtful")))
            s.add(.list(doubtful.map { c in
                [.strong(c.account.name), .text(t("accounts.doubtful.one", ["confidence": Figures.share(c.account.confidence),
                                                                             "missing": c.lowConfidenceMissing.joined(separator: ", ")]))]
            }))
        }
        if let p = r.programme, let review = r.review {
            let counts = tierCounts(review).map { "\($0.name) \(Figures.count($0.count))" }.joined(separator: ", ")
            s.paragraph(.text(t("accounts.places", ["places": Figures.count(p.capacity), "tiers": counts, "pool": Figures.count(r.pool)])
                + (review.fields.poolMultiple.map { t("accounts.places.multiple", ["multiple": String($0)]) } ?? "")
                + t("accounts.places.ranked")))
        }
        if !r.nextInLine.isEmpty {
            s.add(.heading(t("accounts.next")))
            s.add(.table(table(r, r.nextInLine, numbered: false, roles: nil)))
        }
        let quadrants = Dictionary(grouping: r.candidates.compactMap(\.account.quadrant), by: \.value)
        if !quadrants.isEmpty {
            s.add(.heading(t("accounts.quadrants")))
            s.add(.list(quadrants.values.map { $0[0] }.sorted { $0.value < $1.value }.map { q in
                [.strong(q.title ?? q.value), .text(" (\(Figures.count(quadrants[q.value]!.count))): \(q.advice ?? "")")]
            }))
        }
        return s
    }

    static func table(_ r: Recommendation, _ accounts: [AccountView], numbered: Bool, roles: [Candidate.Role]?) -> ReportDocument.Table {
        let t = Messages.current
        let rows: [[[ReportDocument.Inline]]] = accounts.enumerated().map { i, a in
            let abc = a.abc ?? "–"
            let role = roles.map { $0[i] == .vital ? t("role.vital") : t("role.growth") } ?? "–"
            return [
                [.text(numbered ? "\(i + 1)" : "–")], [.strong(a.name), .text(t("accounts.id_line", ["id": a.id, "line": String(a.line)]))], [.text(role)],
                [.text(Figures.share(a.share))], [.text(Figures.score(a.score))],
                [.text(a.tier)], [.text(abc)], [.text(a.quadrant?.title ?? "–")], [.text(a.stage?.title ?? "–")],
                [.text(money(r, a.sales))], [.text(money(r, a.costToServe))], [.text(Figures.percent(a.contributionPct))],
                [.text(a.reasons.joined(separator: "; "))],
            ]
        }
        return .init(header: ["#", t("column.account"), t("column.role"), t("column.share"), t("column.score"), t("column.tier"), "ABC",
                              t("column.quadrant"), t("column.stage"), t("column.sales"), t("column.cost_to_serve"), t("column.contribution"),
                              t("column.why")],
                     align: [.right, .left, .left, .right, .right, .left, .left, .left, .left, .right, .right, .right, .left], rows: rows)
    }

    static func largeAccounts(_ r: Recommendation) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("left-out", t("section.left_out"))
        let largest = r.review?.fields.largest ?? 0
        if r.leftOut.isEmpty {
            s.paragraph(.text(largest > 0 ? t("left_out.none", ["largest": Figures.count(largest)]) : t("left_out.none.no_largest")))
            return s
        }
        s.paragraph(.text(t("left_out.intro", ["largest": Figures.count(largest)])))
        s.add(.table(.init(header: [t("column.rank"), t("column.account"), t("column.share"), t("column.sales"), t("column.why_not")],
                           align: [.right, .left, .right, .right, .left],
                           rows: r.leftOut.map { l in
                               [[.text(l.account.rank.map(String.init) ?? "–")], [.strong(l.account.name), .text(" (\(l.account.id))")],
                                [.text(Figures.share(l.account.share))], [.text(money(r, l.account.sales))], [.text(SelectionText.reason(l))]]
                           })))
        return s
    }

    static func rescue(_ r: Recommendation) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("rescue", t("section.rescue"))
        if r.rescue.isEmpty {
            s.paragraph(.text(t("rescue.none")))
            return s
        }
        s.paragraph(.text(t("rescue.intro")))
        s.add(.table(.init(header: [t("column.account"), t("column.share"), t("column.in_programme"), t("column.signals"), t("column.action")],
                           align: [.left, .right, .left, .left, .left],
                           rows: r.rescue.map { x in
                               let signals = x.risks.map { ($0.title ?? $0.id) + ": " + $0.because }
                               return [[.strong(x.account.name), .text(" (\(x.account.id))")], [.text(Figures.share(x.account.share))],
                                       [.text(x.inProgramme ? t("yes") : t("no"))], [.text(signals.isEmpty ? "–" : signals.joined(separator: "; "))],
                                       [.text(capitalised(x.action))]]
                           })))
        return s
    }

    static func managerSlots(_ r: Recommendation) -> [[ReportDocument.Inline]] {
        let t = Messages.current
        let names = Dictionary(r.candidates.map { ($0.account.id, $0.account.name) }, uniquingKeysWith: { a, _ in a })
        return r.slots.map { m in
            var parts: [ReportDocument.Inline] = [.strong(t("manager.slot", ["n": String(m.number)])), .text(m.profile.map { " — \($0)" } ?? "")]
            parts.append(.text(": " + m.accounts.map { names[$0] ?? $0 }.joined(separator: "; ")))
            parts.append(.text(m.skills.isEmpty ? "." : t("manager.beyond", ["skills": m.skills.joined(separator: "; ").lowercased()])))
            return parts
        }
    }

    static func skills(_ r: Recommendation) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("skills", t("section.skills"))
        if let guidance = r.guidance { s.paragraph(.text(guidance)) }
        let rows: [[[ReportDocument.Inline]]] = r.skills.map { need in
            let callers = need.callers.map(\.account)
            let who = callers.isEmpty ? t("skills.nobody")
                : callers.prefix(6).joined(separator: "; ") + (callers.count > 6 ? t("more", count: callers.count - 6) : "")
            let why = Set(need.callers.map(\.because)).sorted().joined(separator: "; ")
            let share = t("skills.share", count: r.candidates.count, ["callers": Figures.count(callers.count)])
            return [[.strong(need.title)], [.text(share)], [.text(who)], [.text(why.isEmpty ? "–" : why)]]
        }
        if !r.slots.isEmpty {
            s.add(.heading(t("skills.managers")))
            s.paragraph(.text(t("skills.managers.how")))
            s.add(.list(managerSlots(r)))
        }
        s.add(.heading(t("skills.across")))
        s.add(.table(.init(header: [t("column.skill"), t("column.called_for_by"), t("column.accounts"), t("column.why")],
                           align: [.left, .right, .left, .left], rows: rows)))
        let profiles = r.candidates.compactMap { c in c.managerProfileTitle.map { (c.account.name, $0) } }
        if !profiles.isEmpty {
            s.add(.heading(t("skills.profiles")))
            s.add(.list(profiles.map { [.text($0.0 + ": "), .strong($0.1)] }))
        }
        return s
    }

    static func relationships(_ r: Recommendation) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("relationships", t("section.relationships"))
        let rows: [[[ReportDocument.Inline]]] = r.candidates.map { c in
            let a = c.account
            let warnings = a.trace.risks.map { "\($0.title ?? $0.id) (\(severity($0.severity)))" }
            return [[.strong(a.name)], [.text(a.stage?.title ?? t("stage.unknown"))], [.text(warnings.isEmpty ? t("none") : warnings.joined(separator: "; "))],
                    [.text(a.stage?.advice ?? "–")]]
        }
        s.add(.table(.init(header: [t("column.account"), t("column.stage"), t("column.warnings"), t("column.relationship_building")],
                           align: [.left, .left, .left, .left], rows: rows)))
        return s
    }

    static func plans(_ r: Recommendation) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("plans", t("section.plans"))
        if let average = r.portfolioContributionPct {
            s.paragraph(.text(t("plans.average", ["average": Figures.percent(average)])
                + (r.restContributionPct.map { t("plans.average.rest", ["rest": Figures.percent($0)]) } ?? "") + "."))
        }
        for (i, c) in r.candidates.enumerated() {
            let a = c.account
            s.add(.heading("\(i + 1). \(a.name)"))
            let pct = Figures.percent(a.contributionPct)
            s.add(.table(.init(header: [t("column.sales"), t("column.gross_margin"), t("column.cost_to_serve"), t("column.contribution"), t("column.contribution_pct")],
                               align: [.right, .right, .right, .right, .right], rows: [[
                                   [.text(money(r, a.sales))], [.text(money(r, a.grossMargin))], [.text(money(r, a.costToServe))],
                                   [.text(money(r, a.contribution))],
                                   c.earnsLessThanRest == true ? [.strong(t("plans.below_rest", ["pct": pct]))] : [.text(pct)],
                               ]])))
            let plan = AccountPlan(c, r)
            for (title, items) in [(t("plans.objectives"), plan.objectives), (t("plans.strategies"), plan.strategies), (t("plans.controls"), plan.controls)]
            where !items.isEmpty {
                s.paragraph(.strong(title))
                s.add(.list(items.map { [.text(capitalised($0))] }))
            }
            if let b = a.buyingCentre, !b.people.isEmpty {
                s.paragraph(.strong(t("plans.contact_map")))
                s.add(.list(BuyingCentreText.contactMap(b, r).map { [.text($0)] }))
            }
            if let fields = r.review?.fields, !c.callThemes.isEmpty || !fields.callSituation.isEmpty {
                s.paragraph(.strong(t("plans.next_call")))
                var lines: [[ReportDocument.Inline]] = []
                if let size = fields.saleSize, let big = c.bigSale {
                    lines.append([.strong(big ? t("call.big") : t("call.small")), .text(": " + (big ? size.big : size.small) + ".")])
                }
                lines += fields.callSituation.map { [.text(t("call.find_out", ["what": $0]))] }
                for theme in c.callThemes {
                    lines.append([.text(t("call.problem")), .text(theme.problem)])
                    lines.append([.text(t("call.implication")), .text(theme.implication)])
                    lines.append([.text(t("call.need_payoff")), .text(theme.needPayoff)])
                    lines.append([.text(t("call.show", ["what": theme.capability]))])
                    lines.append([.text(t("call.seek", ["what": theme.commitment]))])
                }
                s.add(.list(lines))
            }
        }
        return s
    }

    static func appendix(_ r: Recommendation, _ audit: ReportAudit) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("audit", t("section.audit"))
        s.paragraph(.text(t("audit.same", ["version": audit.kamVersion])))
        s.add(.table(.init(header: [t("column.pack"), t("column.kind"), t("column.version"), "sha256"], align: [.left, .left, .left, .left],
                           rows: audit.packs.map { [[.code($0.id)], [.text($0.kind)], [.text($0.version)], [.code($0.hash)]] })))
        s.add(.table(.init(header: [t("column.input"), t("column.file"), t("column.bytes"), t("column.rows"), "sha256"],
                           align: [.left, .left, .right, .right, .left],
                           rows: audit.inputs.map { f in
                               [[.text(t("input." + f.role))], [.code(f.path)], [.text("\(f.bytes)")], [.text(f.rows.map(String.init) ?? "–")], [.code(f.sha256)]]
                           })))
        return s
    }

    // MARK: Helpers

    /// A risk's severity as the run's language names it.
    static func severity(_ s: Risk.Severity?) -> String {
        s.map { Messages.current("severity." + $0.rawValue) } ?? ""
    }

    /// Accounts per tier in the pack's order (then the gates' outcomes), every tier shown.
    static func tierCounts(_ review: CustomerReview) -> [(name: String, count: Int)] {
        let pack = review.pack
        var names = pack.outcome.levels.map(\.value)
        for gate in pack.gates where !names.contains(gate.outcome) && review.summary.outcomes[gate.outcome] != nil { names.append(gate.outcome) }
        return names.map { ($0, review.summary.outcomes[$0] ?? 0) }
    }

    /// Where the ABC classes change along the accounts axis of the Pareto curve: classes
    /// follow rank, so class `A` is the first accounts, `B` the next.
    static func abcCuts(_ review: CustomerReview) -> [Double] {
        guard let abc = review.fields.abc, let counts = review.summary.classes[abc], let p = review.summary.portfolio, p.accounts > 0 else { return [] }
        var cuts: [Double] = []
        var running = 0
        for key in counts.keys.sorted() where !key.isEmpty {
            running += counts[key] ?? 0
            if running < p.accounts { cuts.append(Double(running) / Double(p.accounts)) }
        }
        return cuts
    }

    /// A sentence whose names are set in backquotes, as text and code parts.
    static func codeSpans(_ sentence: String) -> [ReportDocument.Inline] {
        sentence.split(separator: "`", omittingEmptySubsequences: false).enumerated().compactMap { i, part in
            part.isEmpty ? nil : i % 2 == 1 ? .code(String(part)) : .text(String(part))
        }
    }

    /// An amount with the supplier's currency after it, when one is known.
    static func money(_ r: Recommendation, _ x: Double?) -> String {
        let text = Figures.money(x)
        guard let currency = r.currency, x?.isFinite == true else { return text }
        return text + "\u{A0}" + currency
    }

    static func capitalised(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
}
