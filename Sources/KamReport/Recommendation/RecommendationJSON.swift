import KamAdvisor
import KamExpr
import KamRules

/// `kam report --format json`, documented in docs/report-json.md; renaming a field is a
/// breaking change. Every text from an input file is a JSON string, escaped as JSON wants.
public enum RecommendationJSON {
    public static func render(_ r: Recommendation, audit: ReportAudit) -> String {
        JSON.object([
            ("kam_version", .string(audit.kamVersion)),
            ("supplier", r.assessment?.supplier.map(JSON.string) ?? .null),
            ("currency", r.currency.map(JSON.string) ?? .null),
            ("missing", .array(r.missingInputs.map(JSON.string))),
            ("summary", summary(r)),
            ("assessment", r.assessment.map(AssessmentReport.jsonValue) ?? .null),
            ("customers", r.review.map(customers) ?? .null),
            ("contacts", BuyingCentreText.fileJSON(r)),
            ("changes", r.changes.map(DiffReport.jsonValue) ?? .null),
            ("plan_review", r.planReview.map { planReview($0, r) } ?? .null),
            ("programme", r.programme.map { programme($0, r) } ?? .null),
            ("candidates", .array(r.candidates.map { candidate($0, r) })),
            ("next_in_line", .array(r.nextInLine.map { brief($0) })),
            ("large_accounts_left_out", .array(r.leftOut.map { l in
                .object([("id", .string(l.account.id)), ("name", .string(l.account.name)), ("share", number(l.account.share, 6)),
                         ("rank", l.account.rank.map { .number(Double($0)) } ?? .null), ("vital", l.account.vital.map(JSON.bool) ?? .null),
                         ("reason_id", .string(SelectionText.reasonId(l))), ("reason", .string(SelectionText.reason(l)))])
            })),
            ("accounts_to_rescue", .array(r.rescue.map { x in
                .object([("id", .string(x.account.id)), ("name", .string(x.account.name)), ("share", number(x.account.share, 6)),
                         ("in_programme", .bool(x.inProgramme)), ("risks", .array(x.risks.map(risk))), ("action", .string(x.action))])
            })),
            ("manager_slots", .array(r.slots.map { m in
                .object([("slot", .string("Manager \(m.number)")), ("profile", m.profile.map(JSON.string) ?? .null),
                         ("accounts", .array(m.accounts.map(JSON.string))), ("skills", .array(m.skills.map(JSON.string)))])
            })),
            ("skills", skills(r)),
            ("audit", auditJSON(audit)),
        ]).pretty + "\n"
    }

    static func planReview(_ p: PlanReview, _ r: Recommendation) -> JSON {
        func line(_ l: PlanReview.Line?) -> JSON {
            l.map { .object([("target", number($0.target)), ("actual", number($0.actual)), ("status", .string($0.status.rawValue))]) } ?? .null
        }
        return .object([
            ("file", .string(p.file)),
            ("accounts", .array(p.accounts.map { a in
                .object([("id", .string(a.id)), ("name", .string(a.name)), ("in_list", .bool(a.now != nil)),
                         ("sales", line(a.sales)), ("share_of_wallet_pct", line(a.shareOfWalletPct)), ("contribution", line(a.contribution)),
                         ("behind", .bool(a.behind)), ("action", .string(ReportBuilder.action(a)))])
            })),
        ])
    }

    static func summary(_ r: Recommendation) -> JSON {
        .object([
            ("verdict", r.assessment.map { .string($0.verdict) } ?? .null),
            ("verdict_title", r.assessment?.verdictTitle.map(JSON.string) ?? .null),
            ("score", r.assessment.map { .number(rounded($0.score, 1)) } ?? .null),
            ("main_reasons", .array((r.assessment?.mainReasons ?? []).map(JSON.string))),
            ("programme_size", r.programme.map { .number(Double($0.capacity)) } ?? .null),
            ("candidates", .number(Double(r.candidates.count))),
        ])
    }

    static func customers(_ review: CustomerReview) -> JSON {
        let s = review.summary
        var portfolio: JSON = .null
        if let p = s.portfolio {
            portfolio = .object([
                ("total", .number(rounded(p.total, 2))), ("accounts", .number(Double(p.accounts))),
                ("top10_share", .number(rounded(p.top10Share, 6))), ("hhi", .number(rounded(p.hhi, 6))),
                ("equivalent_customers", p.hhi > 0 ? .number(rounded(1 / p.hhi, 2)) : .null),
                ("gini", .number(rounded(p.gini, 6))),
                ("pareto", .array(p.paretoCurve(points: 20).map { .array([.number(rounded($0.accounts, 4)), .number(rounded($0.share, 4))]) })),
            ])
        }
        return .object([
            ("rows_read", .number(Double(s.rowsRead))), ("scored", .number(Double(s.scored))), ("rejected", .number(Double(s.rejected))),
            ("rejected_rows", .array(review.rejected.prefix(100).map { e in
                .object([("line", .number(Double(e.line))), ("column", e.column.map(JSON.string) ?? .null), ("reason", .string(e.message))])
            })),
            ("skipped_totals", .number(Double(s.skippedTotals))), ("footer_lines", .number(Double(s.footerLines))),
            ("skipped_rows", .array(review.skipped.prefix(100).map { row in
                .object([("line", .number(Double(row.line))), ("kind", .string(SkippedRowText.kind(row))),
                         ("reason", .string(SkippedRowText.describe(row)))])
            })),
            ("portfolio", portfolio),
            ("tiers", .object(s.outcomes.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })),
            ("classes", .object(s.classes.sorted { $0.key < $1.key }.map { name, counts in
                (name, .object(counts.sorted { $0.key < $1.key }.map { ($0.key.isEmpty ? "none" : $0.key, .number(Double($0.value))) }))
            })),
        ])
    }

    static func programme(_ p: ProgrammeSize, _ r: Recommendation) -> JSON {
        .object([
            ("managers", p.managers.map { .number(Double($0)) } ?? .null),
            ("managers_source", .string(p.managersSource.rawValue)),
            ("accounts_per_manager", .number(Double(p.accountsPerManager))),
            ("accounts_per_manager_source", .string(p.accountsPerManagerSource.rawValue)),
            ("capacity", .number(Double(p.capacity))),
            ("managers_needed", .number(Double(p.managersNeeded))),
            ("candidates", .number(Double(r.candidates.count))),
            ("contribution_pct_portfolio", r.portfolioContributionPct.map { .number(rounded($0, 2)) } ?? .null),
            ("contribution_pct_outside_programme", r.restContributionPct.map { .number(rounded($0, 2)) } ?? .null),
            ("vital", .number(Double(r.candidates.filter { $0.role == .vital }.count))),
            ("growth", .number(Double(r.candidates.filter { $0.role == .growth }.count))),
            ("extra_managers_for_vital", .number(Double(r.extraManagersForVital))),
            ("growth_pool", .number(Double(r.pool))),
            ("economics", r.economics.map(economics) ?? .null),
            ("economics_missing", r.economicsMissing.map { .string($0.rawValue) } ?? .null),
        ])
    }

    static func economics(_ e: ProgrammeEconomics) -> JSON {
        .object([
            ("cost_per_account", number(e.costPerAccount)), ("cost_per_account_source", .string(e.costSource.rawValue)),
            ("cost", number(e.cost)), ("cost_avoided", number(e.costAvoided)), ("field_cost_answered", .bool(e.fieldCostAnswered)),
            ("incremental_cost", number(e.incrementalCost)), ("contribution", number(e.contribution)),
            ("accounts_without_contribution", .number(Double(e.withoutContribution))),
            ("expected_uplift_pct", number(e.expectedUpliftPct)), ("expected_uplift_source", .string(e.upliftSource)),
            ("expected_gain", number(e.expectedGain)), ("net", number(e.net)), ("pays", .bool(e.pays)),
            ("uplift_needed_pct", number(e.upliftNeededPct)),
            ("largest_paying", e.largestPaying.map { p in
                .object([("accounts", .number(Double(p.count))), ("ids", .array(p.ids.map(JSON.string))), ("net", number(p.net))])
            } ?? .null),
        ])
    }

    static func risk(_ f: Trace.Fired) -> JSON {
        .object([("id", .string(f.id)), ("title", f.title.map(JSON.string) ?? .null), ("severity", .string(f.severity?.rawValue ?? "")),
                 ("because", .string(f.because)), ("mitigation", f.mitigation.map(JSON.string) ?? .null)])
    }

    static func option(_ o: Classification.Option?) -> JSON {
        guard let o else { return .null }
        return .object([("value", .string(o.value)), ("title", o.title.map(JSON.string) ?? .null), ("advice", o.advice.map(JSON.string) ?? .null)])
    }

    static func number(_ x: Double?, _ digits: Int = 2) -> JSON { x.map { .number(rounded($0, digits)) } ?? .null }

    static func brief(_ a: AccountView) -> JSON {
        .object([
            ("id", .string(a.id)), ("name", .string(a.name)), ("line", .number(Double(a.line))),
            ("score", .number(rounded(a.score, 2))), ("tier", .string(a.tier)), ("reasons", .array(a.reasons.map(JSON.string))),
        ])
    }

    static func candidate(_ c: Candidate, _ r: Recommendation) -> JSON {
        let a = c.account
        let skills: JSON = c.skills.map { t in
            .array(t.factors.filter { ($0.points ?? 0) > 0 }.map { f in
                .object([("id", .string(f.id)), ("title", .string(f.title)), ("points", number(f.points)), ("because", f.because.map(JSON.string) ?? .null)])
            })
        } ?? .null
        let slot: JSON = c.managerSlot.map { JSON.string("Manager \($0)") } ?? .null
        let nature: JSON = a.nature.map(JSON.string) ?? .null, involvement: JSON = a.involvement.map(JSON.string) ?? .null
        var costLines: [(String, JSON)] = a.costBreakdown.map { ($0.label, number($0.amount)) }
        if let other = a.costOther { costLines.append(("other", number(other))) }
        let costBreakdown: JSON = a.costBreakdown.isEmpty ? .null : .object(costLines)
        let relationship: JSON = .object([("nature", nature), ("involvement", involvement), ("target_stage", option(c.targetStage))])
        return .object([
            ("id", .string(a.id)), ("name", .string(a.name)), ("line", .number(Double(a.line))), ("role", .string(c.role.rawValue)),
            ("score", .number(rounded(a.score, 2))), ("confidence", .number(rounded(a.confidence, 2))),
            ("low_confidence_missing", .array(c.lowConfidenceMissing.map(JSON.string))),
            ("tier", .string(a.tier)), ("tier_title", a.tierTitle.map(JSON.string) ?? .null),
            ("classes", .object(a.trace.classes.map { ($0.name, $0.value.map(JSON.string) ?? .null) })),
            ("reasons", .array(a.reasons.map(JSON.string))),
            ("quadrant", option(a.quadrant)),
            ("relationship_stage", option(a.stage)),
            ("relationship", relationship),
            ("buying_centre", BuyingCentreText.json(a, r)),
            ("figures", .object([
                ("sales", number(a.sales)), ("share", number(a.share, 6)), ("rank", a.rank.map { .number(Double($0)) } ?? .null),
                ("gross_margin_pct", number(a.grossMarginPct)), ("gross_margin", number(a.grossMargin)),
                ("cost_to_serve", number(a.costToServe)), ("contribution", number(a.contribution)),
                ("contribution_pct", number(a.contributionPct)), ("share_of_wallet_pct", number(a.shareOfWalletPct)),
                ("growth_pct", number(a.growthPct)), ("strength", number(a.strength)),
                ("cost_breakdown", costBreakdown),
                ("cost_budget", number(a.costBudget)),
                ("cost_vs_budget_pct", number(a.costVsBudgetPct)),
            ])),
            ("earns_less_than_rest", c.earnsLessThanRest.map(JSON.bool) ?? .null),
            ("uplift_needed_pct", number(c.upliftNeededPct)),
            ("call_plan", callPlan(c, r)),
            ("risks", .array(a.trace.risks.map(risk))),
            ("manager_slot", slot),
            ("manager_profile", c.managerProfileTitle.map(JSON.string) ?? .null),
            ("skills", skills),
            ("plan", plan(c, r)),
        ])
    }

    static func callPlan(_ c: Candidate, _ r: Recommendation) -> JSON {
        let t = c.callThemes
        guard let fields = r.review?.fields, !fields.callSituation.isEmpty || !t.isEmpty else { return .null }
        let approach = fields.saleSize.flatMap { size in c.bigSale.map { $0 ? size.big : size.small } }
        return .object([
            ("sale_size", c.bigSale.map { .string($0 ? "big" : "small") } ?? .null),
            ("approach", approach.map(JSON.string) ?? .null),
            ("find_out", .array((fields.callSituation + t.map(\.problem)).map(JSON.string))),
            ("implication_questions", .array(t.map { .string($0.implication) })),
            ("need_payoff_questions", .array(t.map { .string($0.needPayoff) })),
            ("capability", .array(t.map { .string($0.capability) })),
            ("commitment", .array(t.map { .string($0.commitment) })),
        ])
    }

    static func plan(_ c: Candidate, _ r: Recommendation) -> JSON {
        let p = AccountPlan(c, r)
        return .object([
            ("targets", c.targets.map { t in
                .object([("sales", number(t.sales)), ("sales_growth_pct", number(t.salesGrowthPct)),
                         ("share_of_wallet_pct", number(t.shareOfWalletPct)), ("contribution", number(t.contribution)),
                         ("limited_by", t.limitedBy.map { .string($0.rawValue) } ?? .null)])
            } ?? .null),
            ("review", c.review.map(JSON.string) ?? .null),
            ("relationship_methods", .array(c.methods.map { .object([("when", .string($0.when)), ("method", .string($0.method)), ("advice", .string($0.advice))]) })),
            ("objectives", .array(p.objectives.map(JSON.string))),
            ("strategies", .array(p.strategies.map(JSON.string))),
            ("controls", .array(p.controls.map(JSON.string))),
        ])
    }

    static func skills(_ r: Recommendation) -> JSON {
        guard let pack = r.skillsPack else { return .null }
        return .object([
            ("pack", .string(pack.id)),
            ("guidance", r.guidance.map(JSON.string) ?? .null),
            ("ranked", .array(r.skills.map { s in
                .object([
                    ("id", .string(s.id)), ("title", .string(s.title)), ("need", .number(rounded(s.total, 2))),
                    ("called_for_by", .array(s.callers.map { .object([("account", .string($0.account)), ("points", .number($0.points)), ("because", .string($0.because))]) })),
                    ("unknown", .number(Double(s.unknown))),
                ])
            })),
        ])
    }

    static func auditJSON(_ audit: ReportAudit) -> JSON {
        .object([
            ("kam_version", .string(audit.kamVersion)),
            ("rules", .array(audit.packs.map { .object([("kind", .string($0.kind)), ("id", .string($0.id)), ("version", .string($0.version)), ("sha256", .string($0.hash))]) })),
            ("inputs", .array(audit.inputs.map { f in
                .object([("role", .string(f.role)), ("path", .string(f.path)), ("sha256", .string(f.sha256)), ("bytes", .number(Double(f.bytes))),
                         ("rows", f.rows.map { .number(Double($0)) } ?? .null)])
            })),
        ])
    }
}
