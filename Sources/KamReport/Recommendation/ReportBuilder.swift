import KamAdvisor
import KamExpr
import KamRules

/// Lays a recommendation out as the report's sections, in the order management reads them:
/// the answer first, the evidence after, the audit trail last.
enum ReportBuilder {
    static func build(_ r: Recommendation, audit: ReportAudit) -> ReportDocument {
        let supplier = r.assessment?.supplier
        var doc = ReportDocument(title: "Key-account management report" + (supplier.map { ": " + $0 } ?? ""))
        doc.sections.append(summary(r))
        if let a = r.assessment {
            doc.sections.append(factors(a))
            doc.sections.append(risks(a))
        }
        if let review = r.review {
            doc.sections.append(concentration(r, review))
            doc.sections.append(accounts(r))
            doc.sections.append(largeAccounts(r))
            doc.sections.append(rescue(r))
            doc.sections.append(economics(r))
            if r.skillsPack != nil { doc.sections.append(skills(r)) }
            doc.sections.append(relationships(r))
            if review.fields.buyingCentre != nil { doc.sections.append(buyingCentres(r)) }
            doc.sections.append(plans(r))
        }
        doc.sections.append(appendix(r, audit))
        return doc
    }

    // MARK: Sections

    static func summary(_ r: Recommendation) -> ReportDocument.Section {
        var s = ReportDocument.Section("summary", "Executive summary")
        if let a = r.assessment {
            let title = a.verdictTitle.map { " — \($0)" } ?? ""
            s.paragraph(.text("Verdict: "), .strong(a.verdict + title + (a.provisional ? " (provisional)" : "")),
                        .text(" (score \(Figures.score(a.score)) of \(Figures.score(a.trace.maximum)), confidence \(Int((a.confidence * 100).rounded()))%)."))
            if let range = AssessmentReport.rangeSentence(a) { s.paragraph(.text(range)) }
            if let gate = a.trace.gates.first { s.paragraph(.text("Blocked: \(gate.because).")) }
            for risk in a.trace.risks where risk.severity == .critical {
                s.paragraph(.strong("Critical: \(risk.title ?? risk.id)"), .text(": \(risk.because). What to do: \(risk.mitigation ?? "")."))
            }
            let reasons = a.mainReasons
            if !reasons.isEmpty {
                s.add(.heading("Main reasons"))
                s.add(.list(reasons.map { [.text(capitalised($0))] }))
            }
        }
        if let p = r.programme {
            let managers: String
            switch p.managersSource {
            case .bestTier:
                managers = "sized to the \(p.capacity) best-tier accounts (at most \(ProgrammeSize.largestProgramme)); that takes \(p.managersNeeded) key-account manager\(p.managersNeeded == 1 ? "" : "s") at \(p.accountsPerManager) accounts each"
            default:
                managers = "\(p.managers ?? 0) key-account manager\(p.managers == 1 ? "" : "s") (\(p.managersSource.rawValue)) × \(p.accountsPerManager) accounts each (\(p.accountsPerManagerSource == .literature ? "one manager runs 1 to fewer than 5" : "command line"))"
            }
            s.paragraph(.text("Recommended programme: "), .strong("\(p.capacity) key account\(p.capacity == 1 ? "" : "s")"), .text(", \(managers)."))
            let vital = r.candidates.filter { $0.role == .vital }.count
            if vital > 0 {
                s.paragraph(.strong("\(vital) vital account\(vital == 1 ? "" : "s")"),
                            .text(" come first, whatever their score: losing one would badly hurt sales. "
                                + "\(r.candidates.count - vital) growth candidate\(r.candidates.count - vital == 1 ? "" : "s") fill the places left."))
            }
            if r.extraManagersForVital > 0 {
                s.paragraph(.strong("The vital accounts alone need \(r.extraManagersForVital) more key-account manager\(r.extraManagersForVital == 1 ? "" : "s")"),
                            .text(" than the \(p.managers ?? p.managersNeeded) given, at \(p.accountsPerManager) accounts each."))
            }
            if r.candidates.count < p.capacity {
                s.paragraph(.text("Only \(r.candidates.count) account\(r.candidates.count == 1 ? "" : "s") qualify; the rest of the capacity stays free."))
            }
            if let e = r.economics { s.add(.paragraph(economicsSentence(e, r))) }
            if let missing = r.economicsMissing {
                s.paragraph(.text("Whether the programme pays is not shown: it needs "), .code(missing), .text("."))
            }
            if !r.leftOut.isEmpty {
                s.paragraph(.text("\(r.leftOut.count) of the largest account\(r.leftOut.count == 1 ? " is" : "s are") not in the programme, each with the reason: see "),
                            .strong("Large accounts not in the programme"), .text("."))
            }
            if !r.rescue.isEmpty {
                s.paragraph(.text("\(r.rescue.count) large account\(r.rescue.count == 1 ? " shows" : "s show") breakdown signals: see "),
                            .strong("Accounts to rescue"), .text("."))
            }
            if p.capacity > ProgrammeSize.largestProgramme {
                s.paragraph(.text("A programme above about \(ProgrammeSize.largestProgramme) accounts is hard to run well; start smaller."))
            }
            let names = r.candidates.prefix(5).map(\.account.name)
            if !names.isEmpty {
                let more = r.candidates.count - names.count
                s.paragraph(.text("First candidates: " + names.joined(separator: "; ") + (more > 0 ? "; and \(more) more" : "") + "."))
            }
        }
        for missing in r.missingInputs {
            switch missing {
            case "questionnaire":
                s.paragraph(.text("No questionnaire was given, so this report does not say whether key-account management suits the supplier. Run "),
                            .code("kam questionnaire"), .text(" for the form and pass it with "), .code("--questionnaire FILE"), .text("."))
            default:
                s.paragraph(.text("No customer list was given, so this report names no accounts and sizes no programme. Pass one with "),
                            .code("--customers FILE"), .text("."))
            }
        }
        return s
    }

    static func factors(_ a: Assessment) -> ReportDocument.Section {
        var s = ReportDocument.Section("factors", "Suitability factors")
        s.add(.chart(.factors(a.trace.factors.map { ($0.title, $0.points, $0.maximum) })))
        let rows: [[[ReportDocument.Inline]]] = a.trace.factors.map { f in
            let why = f.state == .scored ? f.because ?? "" : f.state == .missing ? "unanswered" : "could not be scored: \(f.error ?? "")"
            return [[.text(f.title)], [.text("\(f.points.map(Figures.score) ?? "–") / \(Figures.score(f.maximum))")], [.text(why)]]
        }
        s.add(.table(.init(header: ["Factor", "Points", "Why"], align: [.left, .right, .left], rows: rows)))
        if !a.whatIf.isEmpty {
            s.add(.heading("What would change the verdict"))
            s.add(.list(a.whatIf.map { codeSpans($0.sentence) }))
        }
        if !a.unanswered.isEmpty {
            s.paragraph(.text("Unanswered (they lower the confidence; none is read as zero): " + a.unanswered.map(\.name).joined(separator: ", ") + "."))
        }
        let fromData = a.answers.filter { $0.answer.source == .customerData }.map(\.input.name)
        if !fromData.isEmpty {
            s.paragraph(.text("Computed from the customer list, not taken from the questionnaire: " + fromData.joined(separator: ", ") + "."))
        }
        return s
    }

    static func risks(_ a: Assessment) -> ReportDocument.Section {
        var s = ReportDocument.Section("risks", "Advantages, risks and mitigations")
        if !a.advantages.isEmpty {
            s.add(.heading("What key-account management would bring"))
            s.add(.list(a.advantages.map { [.strong($0.title ?? $0.id), .text(": \($0.because).")] }))
            s.add(.heading("Risks"))
        }
        if a.trace.risks.isEmpty { s.paragraph(.text("None of the pack's risks applies to these answers.")) }
        let rows: [[[ReportDocument.Inline]]] = a.trace.risks.map { r in
            [[.strong(r.title ?? r.id)], [.text(r.severity?.rawValue ?? "")], [.text(r.because)], [.text(r.mitigation ?? "")]]
        }
        if !rows.isEmpty {
            s.add(.table(.init(header: ["Risk", "Severity", "Why", "What to do"], align: [.left, .left, .left, .left], rows: rows)))
        }
        return s
    }

    static func concentration(_ r: Recommendation, _ review: CustomerReview) -> ReportDocument.Section {
        var s = ReportDocument.Section("concentration", "Customer concentration")
        let summary = review.summary
        var counts = "\(summary.rowsRead) rows read, \(summary.scored) scored, \(summary.rejected) rejected"
        if summary.skippedTotals > 0 { counts += ", \(summary.skippedTotals) totals line\(summary.skippedTotals == 1 ? "" : "s") left out" }
        if summary.footerLines > 0 { counts += "; \(summary.footerLines) note\(summary.footerLines == 1 ? "" : "s") after the data left out" }
        s.paragraph(.text(counts + "."))
        if let p = summary.portfolio {
            s.add(.table(.init(header: ["Figure", "Value"], align: [.left, .right], rows: [
                [[.text("Total sales")], [.text(money(r, p.total))]],
                [[.text("Accounts with sales figures")], [.text("\(p.accounts)")]],
                [[.text("Share of the ten largest accounts")], [.text(Figures.share(p.top10Share))]],
                [[.text("Herfindahl-Hirschman index (0–10,000)")], [.text(Figures.money(p.hhi * 10_000))]],
                [[.text("Equivalent number of equal customers (1 ÷ HHI)")], [.text(p.hhi > 0 ? Figures.number(1 / p.hhi, digits: 1) : "–")]],
                [[.text("Gini coefficient")], [.text(Figures.number(p.gini))]],
            ])))
            let cuts = abcCuts(review)
            s.add(.chart(.pareto(points: p.paretoCurve(points: 100), cuts: cuts)))
        }
        if let abc = review.fields.abc, let counts = summary.classes[abc] {
            s.paragraph(.text("ABC classes: " + counts.sorted { $0.key < $1.key }.map { "\($0.key.isEmpty ? "none" : $0.key) \($0.value)" }.joined(separator: ", ") + "."))
        }
        let tiers = tierCounts(review)
        s.add(.chart(.tiers(tiers)))
        s.add(.table(.init(header: ["Tier", "Accounts"], align: [.left, .right], rows: tiers.map { [[.text($0.name)], [.text("\($0.count)")]] })))
        if summary.alsoKeptBeyond > 0 {
            s.paragraph(.strong("\(summary.alsoKeptBeyond) more accounts"),
                        .text(" were vital, at risk or among the largest than a report holds (\(BatchOptions.alsoKeepLimit)): they are not shown. The pack's `vital` or `rescue` rule holds for too many accounts."))
        }
        if !review.rejected.isEmpty {
            s.paragraph(.text("Rows that could not be scored (first \(min(10, review.rejected.count)) of \(review.rejected.count)):"))
            s.add(.list(review.rejected.prefix(10).map { [.text("line \($0.line)\($0.column.map { ", column \($0)" } ?? ""): \($0.message)")] }))
        }
        if !review.skipped.isEmpty {
            s.paragraph(.text("Lines left out as no accounts (first \(min(10, review.skipped.count)) of \(review.skipped.count)):"))
            s.add(.list(review.skipped.prefix(10).map { [.text("line \($0.line): \(SkippedRowText.describe($0))")] }))
        }
        return s
    }

    static func accounts(_ r: Recommendation) -> ReportDocument.Section {
        var s = ReportDocument.Section("accounts", "Recommended key accounts")
        if r.candidates.isEmpty { s.paragraph(.text("No account reaches a candidate tier.")) }
        let points = r.candidates.enumerated().compactMap { i, c -> (String, Double, Double)? in
            c.account.strength.map { ("\(i + 1)", $0, c.account.score) }
        }
        if !points.isEmpty {
            s.add(.chart(.matrix(accounts: points, quadrants: r.candidates.map { $0.account.quadrant?.title ?? $0.account.quadrant?.value ?? "" })))
        }
        s.add(.table(table(r, r.candidates.map(\.account), numbered: true, roles: r.candidates.map(\.role))))
        let doubtful = r.candidates.filter { !$0.lowConfidenceMissing.isEmpty }
        if !doubtful.isEmpty {
            s.paragraph(.text("Recommended on part of the evidence (confidence below the pack's minimum); fill these in before deciding:"))
            s.add(.list(doubtful.map { c in
                [.strong(c.account.name), .text(": confidence \(Figures.share(c.account.confidence)); missing " + c.lowConfidenceMissing.joined(separator: ", "))]
            }))
        }
        if let p = r.programme, let review = r.review {
            let counts = tierCounts(review).map { "\($0.name) \($0.count)" }.joined(separator: ", ")
            s.paragraph(.text("Against the programme's \(p.capacity) places, the tiers hold " + counts
                + ". Growth candidates are drawn from the best \(r.pool) by score"
                + (review.fields.poolMultiple.map { " (at most \($0) × the places)" } ?? "")
                + ", ranked by quadrant, then score."))
        }
        if !r.nextInLine.isEmpty {
            s.add(.heading("Next in line"))
            s.add(.table(table(r, r.nextInLine, numbered: false, roles: nil)))
        }
        let quadrants = Dictionary(grouping: r.candidates.compactMap(\.account.quadrant), by: \.value)
        if !quadrants.isEmpty {
            s.add(.heading("Management approach by quadrant"))
            s.add(.list(quadrants.values.map { $0[0] }.sorted { $0.value < $1.value }.map { q in
                [.strong(q.title ?? q.value), .text(" (\(quadrants[q.value]!.count)): \(q.advice ?? "")")]
            }))
        }
        return s
    }

    static func table(_ r: Recommendation, _ accounts: [AccountView], numbered: Bool, roles: [Candidate.Role]?) -> ReportDocument.Table {
        let rows: [[[ReportDocument.Inline]]] = accounts.enumerated().map { i, a in
            let abc = a.abc ?? "–"
            let role = roles.map { $0[i] == .vital ? "vital: keep and protect" : "growth" } ?? "–"
            return [
                [.text(numbered ? "\(i + 1)" : "–")], [.strong(a.name), .text(" (\(a.id), line \(a.line))")], [.text(role)],
                [.text(Figures.share(a.share))], [.text(Figures.score(a.score))],
                [.text(a.tier)], [.text(abc)], [.text(a.quadrant?.title ?? "–")], [.text(a.stage?.title ?? "–")],
                [.text(money(r, a.sales))], [.text(money(r, a.costToServe))], [.text(Figures.percent(a.contributionPct))],
                [.text(a.reasons.joined(separator: "; "))],
            ]
        }
        return .init(header: ["#", "Account", "Role", "Share", "Score", "Tier", "ABC", "Quadrant", "Stage", "Sales", "Cost to serve", "Contribution", "Why"],
                     align: [.right, .left, .left, .right, .right, .left, .left, .left, .left, .right, .right, .right, .left], rows: rows)
    }

    static func largeAccounts(_ r: Recommendation) -> ReportDocument.Section {
        var s = ReportDocument.Section("left-out", "Large accounts not in the programme")
        let largest = r.review?.fields.largest ?? 0
        if r.leftOut.isEmpty {
            s.paragraph(.text(largest > 0 ? "Every vital account and each of the \(largest) largest accounts is in the programme." : "No large account is left out."))
            return s
        }
        s.paragraph(.text("Every vital account and each of the \(largest) largest accounts by sales is in the programme, or here with the reason."))
        s.add(.table(.init(header: ["Rank", "Account", "Share", "Sales", "Why not in the programme"], align: [.right, .left, .right, .right, .left],
                           rows: r.leftOut.map { l in
                               [[.text(l.account.rank.map(String.init) ?? "–")], [.strong(l.account.name), .text(" (\(l.account.id))")],
                                [.text(Figures.share(l.account.share))], [.text(money(r, l.account.sales))], [.text(SelectionText.reason(l))]]
                           })))
        return s
    }

    static func rescue(_ r: Recommendation) -> ReportDocument.Section {
        var s = ReportDocument.Section("rescue", "Accounts to rescue")
        if r.rescue.isEmpty {
            s.paragraph(.text("No large account shows a breakdown signal."))
            return s
        }
        s.paragraph(.text("Large accounts with breakdown signals, whether or not they are in the programme: act on these first."))
        s.add(.table(.init(header: ["Account", "Share", "In the programme", "Signals", "Action"], align: [.left, .right, .left, .left, .left],
                           rows: r.rescue.map { x in
                               let signals = x.risks.map { ($0.title ?? $0.id) + ": " + $0.because }
                               return [[.strong(x.account.name), .text(" (\(x.account.id))")], [.text(Figures.share(x.account.share))],
                                       [.text(x.inProgramme ? "yes" : "no")], [.text(signals.isEmpty ? "–" : signals.joined(separator: "; "))],
                                       [.text(capitalised(x.action))]]
                           })))
        return s
    }

    static func economics(_ r: Recommendation) -> ReportDocument.Section {
        var s = ReportDocument.Section("economics", "Programme economics")
        guard let e = r.economics else {
            s.paragraph(.text("Not computed: the report needs " + (r.economicsMissing ?? "the programme's cost") + ". Answer "),
                        .code("kam_cost_per_account"), .text(" (or "), .code("kam_manager_cost"), .text(") in the questionnaire."))
            return s
        }
        s.add(.paragraph(economicsSentence(e, r)))
        let perAccount = e.costSource == .managerCost ? " (kam_manager_cost ÷ accounts per manager)" : ""
        let field = e.fieldCostAnswered ? "" : " (field_cost_per_major_account unanswered: taken as 0)"
        s.add(.table(.init(header: ["Figure", "Value", "How"], align: [.left, .right, .left], rows: [
            [[.text("Key-account cost per account")], [.text(money(r, e.costPerAccount))], [.text("the questionnaire" + perAccount)]],
            [[.text("Cost of the programme")], [.text(money(r, e.cost))], [.text("\(e.accounts) accounts × the cost per account")]],
            [[.text("Field cost it replaces")], [.text(money(r, e.costAvoided))],
             [.text("per account, the field cost of a major account, at most the account's cost to serve" + field)]],
            [[.text("Cost beyond today's coverage")], [.text(money(r, e.incrementalCost))], [.text("cost − field cost replaced")]],
            [[.text("Contribution today")], [.text(money(r, e.contribution))],
             [.text("after cost to serve" + (e.withoutContribution > 0 ? "; \(e.withoutContribution) without figures counted as 0" : ""))]],
            [[.text("Planned sales uplift")], [.text(Figures.percent(e.expectedUpliftPct))], [.text(e.upliftSource)]],
            [[.text("Expected gain")], [.text(money(r, e.expectedGain))], [.text("contribution × uplift: each account at its own margin")]],
            [[.strong("Net a year")], [.strong(money(r, e.net))], [.text("gain − cost beyond today's coverage")]],
            [[.text("Uplift needed to break even")], [.text(e.upliftNeededPct.map(Figures.percent) ?? "none suffices")], [.text("cost beyond coverage ÷ contribution")]],
        ])))
        s.add(.chart(.economics(steps: e.cumulativeNet.map { ($0.id, $0.net) }, paying: e.pays ? e.cumulativeNet.count : e.largestPaying?.count,
                                vital: r.candidates.filter { $0.role == .vital }.count)))
        s.add(.table(.init(header: ["Account", "Role", "Contribution", "Uplift needed"], align: [.left, .left, .right, .right],
                           rows: r.candidates.map { c in
                               [[.text(c.account.name)], [.text(c.role.rawValue)], [.text(money(r, c.account.contribution))],
                                [.text(c.upliftNeededPct.map(Figures.percent) ?? "none suffices")]]
                           })))
        return s
    }

    /// Whether the programme pays, in one paragraph a director reads first.
    static func economicsSentence(_ e: ProgrammeEconomics, _ r: Recommendation) -> [ReportDocument.Inline] {
        let names = Dictionary(r.candidates.map { ($0.account.id, $0.account.name) }, uniquingKeysWith: { a, _ in a })
        let unknown = e.withoutContribution > 0
            ? " (\(e.withoutContribution) of its accounts have no contribution figures and count as earning nothing)" : ""
        let head = "At a planned sales uplift of \(Figures.percent(e.expectedUpliftPct)), the programme\(unknown) "
        if e.pays {
            return [.text(head), .strong("pays"), .text(": it brings \(money(r, e.expectedGain)) a year against \(money(r, max(0, e.incrementalCost))) "
                + "of cost beyond today's coverage, net \(money(r, e.net)).")]
        }
        var parts: [ReportDocument.Inline] = [
            .text(head), .strong("does not pay"),
            .text(": it costs \(money(r, e.incrementalCost)) a year beyond today's coverage and brings \(money(r, e.expectedGain)), net \(money(r, e.net)). "),
            .text(e.upliftNeededPct.map { "It needs an uplift of \(Figures.percent($0)) to break even. " } ?? "No uplift makes it pay: its accounts contribute nothing today. "),
        ]
        if let p = e.largestPaying {
            parts.append(p.count == 0
                ? .text("No account pays for its key-account cost at this uplift.")
                : .text("The largest programme that pays has \(p.count) account\(p.count == 1 ? "" : "s") (net \(money(r, p.net))): " + p.ids.map { names[$0] ?? $0 }.joined(separator: "; ") + "."))
        } else {
            parts.append(.text("No smaller programme with every vital account in pays at this uplift: keeping the vital accounts is a matter of protecting sales, not of growth."))
        }
        return parts
    }

    static func managerSlots(_ r: Recommendation) -> [[ReportDocument.Inline]] {
        let names = Dictionary(r.candidates.map { ($0.account.id, $0.account.name) }, uniquingKeysWith: { a, _ in a })
        return r.slots.map { m in
            var parts: [ReportDocument.Inline] = [.strong("Manager \(m.number)"), .text(m.profile.map { " — \($0)" } ?? "")]
            parts.append(.text(": " + m.accounts.map { names[$0] ?? $0 }.joined(separator: "; ")))
            parts.append(.text(m.skills.isEmpty ? "." : ". Beyond what every account needs: " + m.skills.joined(separator: "; ").lowercased() + "."))
            return parts
        }
    }

    static func skills(_ r: Recommendation) -> ReportDocument.Section {
        var s = ReportDocument.Section("skills", "Key-account manager skills")
        if let guidance = r.guidance { s.paragraph(.text(guidance)) }
        let rows: [[[ReportDocument.Inline]]] = r.skills.map { need in
            let callers = need.callers.map(\.account)
            let who = callers.isEmpty ? "no candidate" : callers.prefix(6).joined(separator: "; ") + (callers.count > 6 ? "; and \(callers.count - 6) more" : "")
            let why = Set(need.callers.map(\.because)).sorted().joined(separator: "; ")
            let share = "\(callers.count) of \(r.candidates.count) account\(r.candidates.count == 1 ? "" : "s")"
            return [[.strong(need.title)], [.text(share)], [.text(who)], [.text(why.isEmpty ? "–" : why)]]
        }
        if !r.slots.isEmpty {
            s.add(.heading("The managers"))
            s.paragraph(.text("Accounts are shared so that each manager's count differs by at most one; Manager 1 takes the most demanding accounts. "
                + "Skills every account calls for are in the table below."))
            s.add(.list(managerSlots(r)))
        }
        s.add(.heading("Skills across the programme"))
        s.add(.table(.init(header: ["Skill", "Called for by", "Accounts", "Why"], align: [.left, .right, .left, .left], rows: rows)))
        let profiles = r.candidates.compactMap { c in c.managerProfileTitle.map { (c.account.name, $0) } }
        if !profiles.isEmpty {
            s.add(.heading("The manager each candidate needs"))
            s.add(.list(profiles.map { [.text($0.0 + ": "), .strong($0.1)] }))
        }
        return s
    }

    static func relationships(_ r: Recommendation) -> ReportDocument.Section {
        var s = ReportDocument.Section("relationships", "Relationships and warnings")
        let rows: [[[ReportDocument.Inline]]] = r.candidates.map { c in
            let a = c.account
            let warnings = a.trace.risks.map { "\($0.title ?? $0.id) (\($0.severity?.rawValue ?? ""))" }
            return [[.strong(a.name)], [.text(a.stage?.title ?? "not known")], [.text(warnings.isEmpty ? "none" : warnings.joined(separator: "; "))],
                    [.text(a.stage?.advice ?? "–")]]
        }
        s.add(.table(.init(header: ["Account", "Stage", "Warnings", "Relationship building"], align: [.left, .left, .left, .left], rows: rows)))
        return s
    }

    static func buyingCentres(_ r: Recommendation) -> ReportDocument.Section {
        var s = ReportDocument.Section("buying-centres", "Buying centres")
        guard let book = r.contacts else {
            s.paragraph(.text(BuyingCentreText.absent))
            return s
        }
        s.paragraph(.text(BuyingCentreText.source(book)))
        let rows: [[[ReportDocument.Inline]]] = r.candidates.compactMap { c in
            guard let b = c.account.buyingCentre else { return nil }
            let size = BuyingCentreText.size(c.account, r)
            let missing = BuyingCentreText.essentialMissing(b, r)
            return [[.strong(c.account.name)], [.text("\(b.people.count)" + (size.map { " of \($0)" } ?? ""))],
                    [.text(b.owners.map(String.init) ?? "–")], [.text(b.strong.map(String.init) ?? "–")],
                    [.text(b.rolesMissing == nil ? "–" : missing.isEmpty ? "none" : missing.joined(separator: ", "))],
                    [.text(b.lastContact.map { "\($0)" + (b.daysSince.map { " (\(BuyingCentreText.days($0)))" } ?? "") } ?? "–")], [.text(b.pattern ?? "–")]]
        }
        s.add(.table(.init(header: ["Account", "People known", "Ours", "Strong", "Essential roles without contact", "Last contact", "Pattern"],
                           align: [.left, .right, .right, .right, .left, .left, .left], rows: rows)))
        if let missing = r.review?.contactMatch?.missing, !missing.isEmpty {
            s.paragraph(.text("Accounts of \(book.path) not in the customer list, whose contacts are not used: "
                + missing.prefix(10).map { $0.id + ($0.near.map { " (the list has \($0))" } ?? "") }.joined(separator: ", ")
                + (missing.count > 10 ? "; and \(missing.count - 10) more" : "") + "."))
        }
        if !book.problems.isEmpty {
            s.paragraph(.text("Rows of \(book.path) read only in part or left out (first \(min(10, book.problems.count)) of \(book.problems.count)):"))
            s.add(.list(book.problems.prefix(10).map { [.text(($0.line.map { "line \($0): " } ?? "") + $0.message)] }))
        }
        return s
    }

    static func plans(_ r: Recommendation) -> ReportDocument.Section {
        var s = ReportDocument.Section("plans", "Account plan outlines")
        if let average = r.portfolioContributionPct {
            s.paragraph(.text("Contribution after cost to serve averages \(Figures.percent(average)) of sales over the portfolio"
                + (r.restContributionPct.map { " and \(Figures.percent($0)) outside the programme" } ?? "") + "."))
        }
        for (i, c) in r.candidates.enumerated() {
            let a = c.account
            s.add(.heading("\(i + 1). \(a.name)"))
            s.add(.table(.init(header: ["Sales", "Gross margin", "Cost to serve", "Contribution", "Contribution %"],
                               align: [.right, .right, .right, .right, .right], rows: [[
                                   [.text(money(r, a.sales))], [.text(money(r, a.grossMargin))], [.text(money(r, a.costToServe))],
                                   [.text(money(r, a.contribution))],
                                   c.earnsLessThanRest == true ? [.strong(Figures.percent(a.contributionPct) + " (below the rest)")] : [.text(Figures.percent(a.contributionPct))],
                               ]])))
            let plan = AccountPlan(c, r)
            for (title, items) in [("Objectives", plan.objectives), ("Strategies", plan.strategies), ("Controls", plan.controls)] where !items.isEmpty {
                s.paragraph(.strong(title))
                s.add(.list(items.map { [.text(capitalised($0))] }))
            }
            if let b = a.buyingCentre, !b.people.isEmpty {
                s.paragraph(.strong("Contact map"))
                s.add(.list(BuyingCentreText.contactMap(b, r).map { [.text($0)] }))
            }
            if let fields = r.review?.fields, !c.callThemes.isEmpty || !fields.callSituation.isEmpty {
                s.paragraph(.strong("Next call"))
                var lines: [[ReportDocument.Inline]] = []
                if let size = fields.saleSize, let big = c.bigSale {
                    lines.append([.strong(big ? "A big sale" : "A small sale"), .text(": " + (big ? size.big : size.small) + ".")])
                }
                lines += fields.callSituation.map { [.text("Find out " + $0 + ".")] }
                for t in c.callThemes {
                    lines.append([.text("Problem: "), .text(t.problem)])
                    lines.append([.text("Implication: "), .text(t.implication)])
                    lines.append([.text("Need-payoff: "), .text(t.needPayoff)])
                    lines.append([.text("Show: " + t.capability + ".")])
                    lines.append([.text("Seek: " + t.commitment + ".")])
                }
                s.add(.list(lines))
            }
        }
        return s
    }

    static func appendix(_ r: Recommendation, _ audit: ReportAudit) -> ReportDocument.Section {
        var s = ReportDocument.Section("audit", "Appendix: what this report was made from")
        s.paragraph(.text("kam \(audit.kamVersion). The same inputs and rules give the same report, byte for byte."))
        s.add(.table(.init(header: ["Rule pack", "Kind", "Version", "sha256"], align: [.left, .left, .left, .left],
                           rows: audit.packs.map { [[.code($0.id)], [.text($0.kind)], [.text($0.version)], [.code($0.hash)]] })))
        s.add(.table(.init(header: ["Input", "File", "Bytes", "Rows", "sha256"], align: [.left, .left, .right, .right, .left],
                           rows: audit.inputs.map { f in
                               [[.text(f.role)], [.code(f.path)], [.text("\(f.bytes)")], [.text(f.rows.map(String.init) ?? "–")], [.code(f.sha256)]]
                           })))
        return s
    }

    // MARK: Helpers

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
