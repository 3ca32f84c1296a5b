
/// Whether the programme pays: what its key-account managers cost beyond today's field
/// coverage, against the contribution the planned sales uplift brings (docs/report.md,
/// "Programme economics"). Contribution after cost to serve already pays for today's
/// coverage, so only the increment is new money. The field cost a key account no longer
/// needs is the questionnaire's cost of covering a major account, but never more than the
/// account's whole cost to serve today: a small account never cost that much to cover.
public struct ProgrammeEconomics: Sendable {
    public enum CostSource: String, Sendable {
        case costPerAccount = "kam_cost_per_account"
        /// `kam_manager_cost` divided by the accounts one manager holds.
        case managerCost = "kam_manager_cost"
    }

    public let costPerAccount: Double
    public let costSource: CostSource
    /// `field_cost_per_major_account`; 0 when unanswered (`fieldCostAnswered` false).
    public let fieldCostPerAccount: Double
    public let fieldCostAnswered: Bool
    public let expectedUpliftPct: Double
    public let upliftSource: String
    public let accounts: Int
    /// Candidates without a contribution figure, counted as contributing 0.
    public let withoutContribution: Int
    public let cost: Double
    public let costAvoided: Double
    public var incrementalCost: Double { cost - costAvoided }
    public let contribution: Double
    public var expectedGain: Double { contribution * expectedUpliftPct / 100 }
    public var net: Double { expectedGain - incrementalCost }
    public var pays: Bool { net >= 0 }
    /// The uplift at which `net` is 0: 0 when the increment is not positive, nil when the
    /// contribution is not positive (no uplift makes it pay).
    public var upliftNeededPct: Double? { Self.upliftNeeded(incrementalCost, contribution) }
    /// When the recommended programme does not pay: the largest that does, vital accounts
    /// always in, then the accounts that add most (the growth accounts may carry vital ones
    /// that lose on their own). Nil when it pays, or when no such programme reaches zero.
    public let largestPaying: (count: Int, ids: [String], net: Double)?
    /// Net of the programme as accounts are added in that order (vital first), for the chart.
    public let cumulativeNet: [(id: String, net: Double)]

    static func upliftNeeded(_ increment: Double, _ contribution: Double) -> Double? {
        if increment <= 0 { return 0 }
        return contribution > 0 ? 100 * increment / contribution : nil
    }

    /// What the economics could not be computed without. The raw value is the JSON's
    /// `economics_missing`, a documented contract; reports word it in their language.
    public enum Gap: String, Sendable {
        case cost = "kam_cost_per_account (or kam_manager_cost)"
        case uplift = "the account pack's report.expected_uplift_pct"
        case contribution = "the candidates' contribution (gross margin and cost to serve in the customer list)"
    }

    /// The programme's economics, and each candidate's uplift needed; or the answer missing.
    static func of(_ candidates: inout [Candidate], questionnaire: Questionnaire?, programme: ProgrammeSize,
                   uplift: (value: Double, source: String)?) -> (ProgrammeEconomics?, Gap?)
    {
        func answer(_ name: String) -> Double? {
            guard case .number(let x)? = questionnaire?.answers[name]?.value, x.isFinite, x >= 0 else { return nil }
            return x
        }
        let costPerAccount: Double, source: CostSource
        if let x = answer(CostSource.costPerAccount.rawValue) {
            (costPerAccount, source) = (x, .costPerAccount)
        } else if let x = answer(CostSource.managerCost.rawValue) {
            (costPerAccount, source) = (x / Double(programme.accountsPerManager), .managerCost)
        } else {
            return (nil, .cost)
        }
        guard let uplift else { return (nil, .uplift) }
        guard !candidates.isEmpty else { return (nil, nil) }
        // Unknown is not zero: without any contribution figure there is nothing to weigh.
        guard candidates.contains(where: { $0.account.contribution != nil }) else {
            return (nil, .contribution)
        }
        let field = answer("field_cost_per_major_account")
        func avoided(_ c: Candidate) -> Double { min(field ?? 0, c.account.costToServe.map { max(0, $0) } ?? .infinity) }
        func increment(_ c: Candidate) -> Double { costPerAccount - avoided(c) }
        for k in candidates.indices {
            candidates[k].upliftNeededPct = candidates[k].account.contribution.flatMap { upliftNeeded(increment(candidates[k]), $0) }
        }
        // Vital accounts stay in; the others join in the order of what each adds.
        func net(_ c: Candidate) -> Double { (c.account.contribution ?? 0) * uplift.value / 100 - increment(c) }
        let order = candidates.filter { $0.role == .vital }
            + candidates.filter { $0.role != .vital }.sorted { (net($0), $1.account.line) > (net($1), $0.account.line) }
        var running = 0.0
        let cumulative = order.map { c -> (String, Double) in
            running += net(c)
            return (c.account.id, running)
        }
        let vitalCount = candidates.filter { $0.role == .vital }.count
        var largest: (Int, [String], Double)?
        if running < 0 {
            // The longest prefix past the vital accounts whose net is not negative.
            let best = cumulative.indices.last { $0 >= vitalCount - 1 && cumulative[$0].1 >= 0 }
            if let best {
                largest = (best + 1, order.prefix(best + 1).map(\.account.id), cumulative[best].1)
            } else if vitalCount == 0 {
                largest = (0, [], 0)
            }
        }
        let n = Double(candidates.count)
        let economics = ProgrammeEconomics(
            costPerAccount: costPerAccount, costSource: source, fieldCostPerAccount: field ?? 0, fieldCostAnswered: field != nil,
            expectedUpliftPct: uplift.value, upliftSource: uplift.source, accounts: candidates.count,
            withoutContribution: candidates.filter { $0.account.contribution == nil }.count, cost: n * costPerAccount,
            costAvoided: candidates.reduce(0) { $0 + avoided($1) }, contribution: candidates.reduce(0) { $0 + ($1.account.contribution ?? 0) },
            largestPaying: largest, cumulativeNet: cumulative)
        return (economics, nil)
    }
}
