import Foundation
import KamCSV
import KamRules

/// One account as a report shows it: its scores, classes, risks and the figures an account
/// plan is built from.
public struct AccountView: Sendable {
    public let line: Int
    public let id: String
    public let name: String
    public let trace: Trace
    public let tier: String
    public let tierTitle: String?
    public let reasons: [String]
    /// The figures named by the pack's `report` section; nil where the row has none.
    public let sales: Double?
    public let grossMarginPct: Double?
    public let costToServe: Double?
    public let contribution: Double?
    public let shareOfWalletPct: Double?
    public let growthPct: Double?
    public let strength: Double?
    public let share: Double?
    public let rank: Int?
    public let quadrant: Classification.Option?
    public let stage: Classification.Option?
    public let abc: String?
    /// The cost to serve by the pack's categories (only those the row has) and its budget.
    public let costBreakdown: [(label: String, amount: Double)]
    public let costBudget: Double?
    /// Where the relationship sits on Millman & Wilson's two axes, as the pack words it.
    public let nature: String?
    public let involvement: String?
    /// The pack's `report.vital` value: nil when the pack has none or it is unknown.
    public let vital: Bool?
    /// Why a vital account stays out (`report.left_out`), as the option the pack chose.
    public let leftOut: Classification.Option?
    /// The `report.rescue` risk fired.
    public let atRisk: Bool
    /// Every input and derived value the evaluation holds, by name, for the skills pack.
    public let values: [String: Value]
    /// Who we know in the account's buying centre; nil without a contacts file.
    public let buyingCentre: BuyingCentre?

    public var score: Double { trace.score }
    /// The cost to serve the categories do not explain; nil when the categories add up to
    /// more than the total (then the total is not trusted to split) or either is missing.
    public var costOther: Double? {
        guard let total = costToServe, !costBreakdown.isEmpty else { return nil }
        let named = costBreakdown.reduce(0) { $0 + $1.amount }
        return named <= total ? total - named : nil
    }
    /// The cost to serve above (+) or below (−) its budget, in % of the budget.
    public var costVsBudgetPct: Double? {
        guard let total = costToServe, let budget = costBudget, budget > 0 else { return nil }
        return 100 * (total - budget) / budget
    }
    public var confidence: Double { trace.confidence }
    public var grossMargin: Double? { sales.flatMap { s in grossMarginPct.map { s * $0 / 100 } } }
    public var contributionPct: Double? {
        guard let contribution, let sales, sales > 0 else { return nil }
        return 100 * contribution / sales
    }
}

/// The customer list as a report needs it: the batch summary (counts per tier and class,
/// portfolio figures, totals) and the accounts a recommendation may name, in full. The list
/// is scored by the same batch scorer as `kam score`, so a report of ten million rows keeps
/// memory flat: only the best `keep` rows and the rows selection must see whatever their
/// score (vital, at risk, among the largest) are held, as their raw fields, and evaluated
/// again one by one for their trace.
public struct CustomerReview: Sendable {
    public let pack: RulePack
    public let summary: BatchSummary
    public let fields: ReportFields
    /// The best accounts, best first (score, then file order), then the vital, at-risk and
    /// largest accounts below them, in file order.
    public let accounts: [AccountView]
    /// When the list was cut to the best `keep` rows: the lowest score kept for it. Rows held
    /// below it (vital, at risk, largest) are no growth candidates, since the rows between
    /// were not kept to compete with them.
    public let poolFloor: Double?
    public let rejected: [RowError]
    /// Totals lines and footer notes, which are no accounts.
    public let skipped: [SkippedRow]
    /// Sum of sales and of contribution over the scored rows that have both.
    public let contributionTotals: (sales: Double, contribution: Double, rows: Int)?
    /// Which accounts of the contacts file the list has; nil without one.
    public let contactMatch: ContactMatch?

    /// `progress` hears, after each block, the pass, the bytes read and the rows so far.
    /// `contacts` fill the pack's buying-centre inputs of the accounts the report holds (the
    /// batch pass does not read them: they judge plans, not which rows are kept).
    public static func run(
        path: String, pack: RulePack, mapping: ColumnMapping, fields: ReportFields, keep: Int, options: BatchOptions,
        contacts: ContactBook? = nil, keepIds: Set<String> = [],
        progress: (_ pass: Int, _ bytes: Int, _ rows: Int) -> Void = { _, _, _ in }
    ) throws(BatchFailure) -> CustomerReview {
        var options = options
        if let sales = fields.sales, let contribution = fields.contribution { options.totals = [sales, contribution] }
        let scorer = BatchScorer(pack: pack, mapping: mapping, options: options)
        let top = max(1, keep)
        var kept = BestRows(top: top, alsoKeep: alsoKeep(pack, fields, ids: keepIds)) { record, _ in record.kept() }
        var rejected: [RowError] = []
        var skipped: [SkippedRow] = []
        var summary = try scorer.run(path: path, into: &kept, rejected: { rejected.append($0) }, skipped: { skipped.append($0) },
                                     progress: progress)
        summary.alsoKeptBeyond = kept.alsoKeptBeyond
        let dialect = summary.dialect ?? options.dialect ?? .comma
        let records = kept.rows
        let evaluator = Evaluator(pack)
        let filler = RowFiller(mapping: mapping, pack: pack, dialect: dialect)
        let slots = PortfolioSlots(pack)
        let measure = scorer.measure, id = scorer.id
        let nameColumn = fields.name.flatMap { name in mapping.bindings.first { $0.input.name == name }?.column }
        var accounts: [AccountView] = []
        var floor: Double?
        // The best rows come first, best first, then the rows kept whatever their score.
        let best = min(top, summary.scored)
        let cut = summary.scored > best
        for (index, record) in records.enumerated() {
            evaluator.reset()
            // The row was scored once already, so it fills and evaluates again without fault.
            guard filler.fill(record, evaluator) == nil else { continue }
            if let portfolio = summary.portfolio, let measure {
                slots.set(portfolio, measure: measure.slot, id: id.map { record[$0.column] } ?? [][...], in: evaluator)
            }
            var centre: BuyingCentre?
            if let contacts, let spec = fields.buyingCentre, let id {
                centre = contacts.buyingCentre(of: record.string(at: id.column), spec: spec)
                centre?.fill(evaluator, spec: spec, pack: pack)
            }
            let evaluation = evaluator.evaluate()
            guard !evaluation.failed else { continue }
            if cut, index == best - 1 { floor = evaluation.score }
            accounts.append(view(record, evaluation, evaluator, pack, fields, id: id?.column, name: nameColumn, centre: centre))
        }
        var totals: (Double, Double, Int)?
        if let sales = fields.sales, let contribution = fields.contribution, summary.totalsRows > 0 {
            totals = (summary.totals[sales] ?? 0, summary.totals[contribution] ?? 0, summary.totalsRows)
        }
        var match: ContactMatch?
        if let contacts, let id {
            do throws(CSVError) {
                match = try ContactMatch.check(contacts, customers: path, idColumn: id.column, dialect: dialect, encoding: options.encoding,
                                               headerRecords: options.headerRecords)
            } catch {
                throw .csv(error)
            }
        }
        return CustomerReview(pack: pack, summary: summary, fields: fields, accounts: accounts, poolFloor: floor, rejected: rejected, skipped: skipped,
                              contributionTotals: totals, contactMatch: match)
    }

    /// Rows a selection must see whatever their score: vital, at risk, or among the largest;
    /// and the accounts named in `ids` (a previous report's key accounts, to review their plans).
    private static func alsoKeep(_ pack: RulePack, _ fields: ReportFields, ids: Set<String>) -> (@Sendable (BatchEvaluator.RowResult, BatchRow) -> Bool)? {
        let vital = fields.vital.flatMap(pack.slot(of:))
        let risk = fields.rescue.flatMap { id in pack.risks.firstIndex { $0.id == id } }
        let rank = fields.largest > 0 ? pack.slot(of: "rank") : nil
        let largest = Double(fields.largest)
        let idSlot = ids.isEmpty ? nil : (pack.extras["portfolio"]?["id"]?.string).flatMap(pack.slot(of:))
        guard vital != nil || risk != nil || rank != nil || idSlot != nil else { return nil }
        return { result, a in
            if let idSlot, case .string(let id)? = a.value(idSlot), ids.contains(id.trimmingSpaces) { return true }
            if let vital, case .bool(true)? = a.value(vital) { return true }
            if let risk, result.risk(risk) == .fired { return true }
            if let rank, case .number(let r)? = a.value(rank), r <= largest { return true }
            return false
        }
    }

    private static func view(
        _ record: CSVRecord, _ evaluation: Evaluation, _ a: Evaluator, _ pack: RulePack, _ fields: ReportFields,
        id: Int?, name: Int?, centre: BuyingCentre?
    ) -> AccountView {
        func number(_ name: String?) -> Double? {
            guard let name, case .number(let x)? = a.value(named: name) else { return nil }
            return x
        }
        func text(_ name: String?) -> String? {
            guard let name, case .string(let s)? = a.value(named: name) else { return nil }
            return s
        }
        func option(_ name: String?) -> Classification.Option? {
            guard let name, let c = pack.classifications.firstIndex(where: { $0.name == name }),
                  let k = evaluation.classes[c] else { return nil }
            return pack.classifications[c].options[k]
        }
        var values: [String: Value] = [:]
        for n in pack.inputs.map(\.name) + pack.derived.map(\.name) {
            if let v = a.value(named: n) { values[n] = v }
        }
        // Text columns the pack never reads are not filled; the report takes them from the row.
        let idText = id.map { record.string(at: $0) } ?? ""
        let nameText = name.map { record.string(at: $0) } ?? idText
        for (c, classification) in pack.classifications.enumerated() {
            if let k = evaluation.classes[c] { values[classification.name] = .string(classification.options[k].value) }
        }
        let tier = evaluation.outcome(in: pack)
        values["tier"] = .string(tier)
        values["score"] = .number(evaluation.score)
        let rank = number("rank").map { Int($0) }
        var vital: Bool?
        if let name = fields.vital, case .bool(let b)? = a.value(named: name) { vital = b }
        var centre = centre
        if let name = fields.buyingCentre?.pattern, case .string(let p)? = a.value(named: name) { centre?.pattern = p }
        let atRisk = fields.rescue.flatMap { id in pack.risks.firstIndex { $0.id == id } }.map { evaluation.risks[$0] == .fired } ?? false
        return AccountView(
            line: record.line, id: idText, name: nameText, trace: Trace(a, evaluation), tier: tier,
            tierTitle: evaluation.blockingGate == nil ? pack.outcome.levels[evaluation.level].title : nil,
            reasons: evaluation.topReasons(in: pack), sales: number(fields.sales), grossMarginPct: number(fields.grossMarginPct),
            costToServe: number(fields.costToServe), contribution: number(fields.contribution),
            shareOfWalletPct: number(fields.shareOfWalletPct), growthPct: number(fields.growthPct), strength: number(fields.strength),
            share: number("share"), rank: rank, quadrant: option(fields.quadrant), stage: option(fields.stage), abc: option(fields.abc)?.value,
            costBreakdown: fields.costCategories.compactMap { c in number(c.input).map { (c.label, $0) } },
            costBudget: number(fields.costBudget),
            nature: text(fields.nature), involvement: text(fields.involvement),
            vital: vital, leftOut: option(fields.leftOut), atRisk: atRisk, values: values, buyingCentre: centre)
    }
}
