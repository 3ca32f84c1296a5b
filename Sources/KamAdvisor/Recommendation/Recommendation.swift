import KamRules

/// How many key accounts the supplier can run: managers × accounts per manager.
public struct ProgrammeSize: Sendable {
    public enum Source: String, Sendable {
        case commandLine = "command line"
        case questionnaire
        /// Not given: the number of accounts in the best tier, capped at the literature's
        /// upper programme size.
        case bestTier = "best tier"
        case literature
    }

    public let managers: Int?
    public let managersSource: Source
    public let accountsPerManager: Int
    public let accountsPerManagerSource: Source
    public let capacity: Int
    /// Managers needed for `capacity` accounts, when the number of managers was not given.
    public var managersNeeded: Int { (capacity + accountsPerManager - 1) / accountsPerManager }

    /// One manager runs 1 to fewer than 5 accounts (AKAM); programmes run at about 15 to 35.
    public static let defaultAccountsPerManager = 4
    public static let largestProgramme = 35
    public static let smallestProgramme = 15
    /// Accounts just below the cut, listed as next in line.
    public static let nextInLine = 5
}

/// A candidate key account with what the report says of it beyond its scores.
public struct Candidate: Sendable {
    public enum Role: String, Sendable {
        /// In the programme because losing it would badly hurt: keep and protect.
        case vital
        /// Chosen to grow, for its attractiveness and our strength.
        case growth
    }

    public let account: AccountView
    public let role: Role
    /// The skills pack's evaluation of the account: which skills it calls for, and the kind
    /// of manager that takes. Nil without a skills pack.
    public let skills: Trace?
    public let managerProfileTitle: String?
    /// The account earns a smaller contribution, in % of sales, than the accounts outside
    /// the programme do on average.
    public let earnsLessThanRest: Bool?
    /// The sales uplift at which the account pays for its key-account cost; nil without
    /// economics, or when its contribution is not positive (no uplift makes it pay).
    public var upliftNeededPct: Double?
    /// The manager slot (1, 2, …) the account is assigned to.
    public var managerSlot: Int?
    /// Titles of the factors the score was made without, when its confidence is below the
    /// pack's minimum; empty otherwise.
    public let lowConfidenceMissing: [String]
    /// The plan's numeric objectives, from the quadrant's planned growth.
    public let targets: PlanTargets?
    /// How often the plan is reviewed: set by the most severe risk that fired.
    public let review: String?
    /// How to build the relationship, from the account's own figures and risks (at most
    /// two); empty when none applies and the stage's advice stands in.
    public let methods: [ReportFields.Method]
    /// The call themes that follow from the account's risks and figures (at most two).
    public let callThemes: [ReportFields.CallTheme]
    /// Whether the sale is a big one (several calls, several people deciding) or a small one;
    /// nil when the pack does not tell them apart or the account's values do not say.
    public let bigSale: Bool?
    /// The stage the plan takes the relationship to; nil when it holds where it is.
    public let targetStage: Classification.Option?
    /// Profit comes first: an account that loses money, or earns less than the accounts
    /// outside the programme, restores its contribution before the quadrant's investment.
    public var restoreProfitFirst: Bool {
        (account.contribution ?? 0) < 0 || earnsLessThanRest == true
    }
}

/// A large account that is not in the programme, and why.
public struct LeftOut: Sendable {
    public enum Why: Sendable {
        /// Vital, but the pack's `left_out` classification gives this reason.
        case rule(Classification.Option)
        /// Whether it is vital could not be judged: a value the rule reads is missing.
        case vitalUnknown
        /// Not vital, and its tier is below the candidate tiers.
        case belowCandidateTiers
        /// Not vital; a growth candidate, but the places went to accounts ranked before it.
        case outranked
        /// Not vital; in a candidate tier but outside the pool growth candidates are drawn from.
        case outsidePool
    }

    public let account: AccountView
    public let why: Why
}

/// A large account with breakdown signals: what fired and what to do.
public struct Rescue: Sendable {
    public let account: AccountView
    public let risks: [Trace.Fired]
    public let action: String
    public let inProgramme: Bool
}

/// One skill, ranked by how strongly the candidates call for it.
public struct SkillNeed: Sendable {
    public struct Caller: Sendable {
        public let account: String
        public let points: Double
        public let because: String
    }

    public let id: String
    public let title: String
    public let total: Double
    public let callers: [Caller]
    /// Candidates for which the skill could not be judged (a value was missing).
    public let unknown: Int
}

/// Everything `kam report` shows, computed; rendering is the report part's business.
public struct Recommendation: Sendable {
    public let assessment: Assessment?
    public let review: CustomerReview?
    public let programme: ProgrammeSize?
    public let candidates: [Candidate]
    public let nextInLine: [AccountView]
    public let leftOut: [LeftOut]
    public let rescue: [Rescue]
    /// How many growth candidates were ranked: at most the pack's multiple of capacity.
    public let pool: Int
    /// Managers the vital accounts alone need beyond those given; 0 when they fit.
    public let extraManagersForVital: Int
    public let slots: [ManagerSlot]
    public let economics: ProgrammeEconomics?
    /// The answer the economics need, when they could not be computed.
    public let economicsMissing: ProgrammeEconomics.Gap?
    /// Printed after amounts: the questionnaire's `currency`, else the account pack's.
    public let currency: String?
    public let skills: [SkillNeed]
    public let skillsPack: RulePack?
    /// Contribution in % of sales over every account with both figures, and over the
    /// accounts outside the programme.
    public let portfolioContributionPct: Double?
    public let restContributionPct: Double?
    /// The contacts file the buying centres come from; nil when none was given.
    public let contacts: ContactBook?
    /// What changed since a previous run (`--previous-customers`); nil without one.
    public let changes: RunDiff?
    /// A previous report's plan targets against this run (`--previous`); nil without one.
    public let planReview: PlanReview?

    public var guidance: String? { skillsPack?.extras["guidance"]?.string }

    /// The inputs the recommendation was made without: `questionnaire`, `customers`.
    public var missingInputs: [String] {
        (assessment == nil ? ["questionnaire"] : []) + (review == nil ? ["customers"] : [])
    }
}

public enum Recommender {
    /// How many of the best accounts the customer review must keep for `recommend`: the
    /// growth pool, and the next in line after the whole capacity.
    public static func accountsToKeep(managers: Int?, questionnaire: Questionnaire?, accountsPerManager: Int?, fields: ReportFields) -> Int {
        let given = managers ?? managersAvailable(questionnaire)
        let capacity = max(1, given.map { $0 * (accountsPerManager ?? ProgrammeSize.defaultAccountsPerManager) } ?? ProgrammeSize.largestProgramme)
        return max(capacity * (fields.poolMultiple ?? 1), capacity + ProgrammeSize.nextInLine)
    }

    public static func recommend(
        assessment: Assessment?, questionnaire: Questionnaire?, review: CustomerReview?, skillsPack: RulePack?,
        managers: Int?, accountsPerManager: Int?, contacts: ContactBook? = nil, changes: RunDiff? = nil,
        planReview: PlanReview? = nil
    ) -> Recommendation {
        guard let review else {
            return Recommendation(assessment: assessment, review: nil, programme: nil, candidates: [], nextInLine: [], leftOut: [], rescue: [],
                                  pool: 0, extraManagersForVital: 0, slots: [], economics: nil, economicsMissing: nil,
                                  currency: questionnaire?.currency, skills: [],
                                  skillsPack: skillsPack, portfolioContributionPct: nil, restContributionPct: nil, contacts: contacts, changes: changes, planReview: planReview)
        }
        let programme = size(questionnaire, review, managers, accountsPerManager)
        let selection = Selection(review, capacity: programme.capacity)
        let chosen = selection.vital.map { ($0, Candidate.Role.vital) } + selection.growth.map { ($0, Candidate.Role.growth) }

        var portfolioPct: Double?, restPct: Double?
        if let totals = review.contributionTotals, totals.sales > 0 {
            portfolioPct = 100 * totals.contribution / totals.sales
            var sales = totals.sales, contribution = totals.contribution, rows = totals.rows
            for (a, _) in chosen {
                if let s = a.sales, let c = a.contribution { (sales, contribution, rows) = (sales - s, contribution - c, rows - 1) }
            }
            // With every account chosen, what is left is rounding, not a rest to compare with.
            if rows > 0, sales > 1e-9 * totals.sales { restPct = 100 * contribution / sales }
        }
        let evaluator = skillsPack.map(Evaluator.init)
        let minConfidence = review.fields.minConfidence ?? 0
        var candidates = chosen.map { account, role -> Candidate in
            var skills: Trace?, profile: String?
            if let evaluator, let pack = skillsPack {
                evaluator.reset()
                for input in pack.inputs {
                    guard let value = account.values[input.name] ?? questionnaire?.answers[input.name]?.value,
                          input.problem(with: value) == nil, let slot = pack.slot(of: input.name) else { continue }
                    evaluator.setValue(slot, value)
                }
                let evaluation = evaluator.evaluate()
                skills = Trace(evaluator, evaluation)
                profile = evaluation.blockingGate == nil ? pack.outcome.levels[evaluation.level].title : nil
            }
            let pct = account.contributionPct
            let missing = account.confidence < minConfidence
                ? account.trace.factors.filter { $0.state == .missing }.map(\.title) : []
            let fields = review.fields
            let worst = account.trace.risks.compactMap(\.severity).max()
            return Candidate(account: account, role: role, skills: skills, managerProfileTitle: profile,
                             earnsLessThanRest: pct.flatMap { p in restPct.map { p < $0 } }, lowConfidenceMissing: missing,
                             targets: PlanTargets.of(account, account.quadrant.flatMap { fields.planTargets[$0.value] }),
                             review: fields.reviewCadence[worst?.rawValue ?? "none"],
                             methods: methods(for: account, fields),
                             callThemes: Array(fields.callThemes.filter { holds($0.when, account) }.prefix(2)),
                             bigSale: fields.saleSize.flatMap { size in
                                 if case .bool(let b)? = account.values[size.when] { b } else { nil }
                             },
                             targetStage: targetStage(account, review))
        }
        let (economics, missing) = ProgrammeEconomics.of(&candidates, questionnaire: questionnaire, programme: programme,
                                                          uplift: review.fields.expectedUpliftPct)
        let vitalManagers = (selection.vital.count + programme.accountsPerManager - 1) / programme.accountsPerManager
        let managersGiven = programme.managers ?? programme.managersNeeded
        let slots = ManagerSlot.assign(&candidates, managers: max(managersGiven, vitalManagers), skills: skillsPack)
        return Recommendation(
            assessment: assessment, review: review, programme: programme, candidates: candidates, nextInLine: selection.next,
            leftOut: selection.leftOut, rescue: selection.rescue(chosen: Set(chosen.map(\.0.line))), pool: selection.pool,
            extraManagersForVital: max(0, vitalManagers - managersGiven), slots: slots, economics: economics, economicsMissing: missing,
            currency: questionnaire?.currency ?? review.fields.currency,
            skills: skillsPack.map { rank(skills: $0, candidates) } ?? [], skillsPack: skillsPack,
            portfolioContributionPct: portfolioPct, restContributionPct: restPct, contacts: contacts, changes: changes, planReview: planReview)
    }

    /// The first two distinct methods whose risk fired or whose value is true.
    static func methods(for a: AccountView, _ fields: ReportFields) -> [ReportFields.Method] {
        var chosen: [ReportFields.Method] = []
        for m in fields.relationshipMethods where chosen.count < 2 && !chosen.contains(where: { $0.method == m.method }) {
            if holds(m.when, a) { chosen.append(m) }
        }
        return chosen
    }

    /// The quadrant plan's stage when it lies beyond the account's (in the classification's
    /// order); a disintegrating relationship is taken back to it, an unknown one too.
    static func targetStage(_ a: AccountView, _ review: CustomerReview) -> Classification.Option? {
        guard let name = review.fields.stage, let stages = review.pack.classifications.first(where: { $0.name == name }),
              let aim = a.quadrant.flatMap({ review.fields.planTargets[$0.value]?.stage }),
              let target = stages.options.firstIndex(where: { $0.value == aim }) else { return nil }
        let now = a.stage.flatMap { s in stages.options.firstIndex { $0.value == s.value } }
        // Options are in the order of the stages; a stage past the target (or after the last
        // building stage, such as disintegrating) counts as behind it only when it is the
        // last option.
        if let now, now >= target, now != stages.options.count - 1 { return nil }
        return stages.options[target]
    }

    /// `name` is a risk that fired for the account, or a value that is true.
    static func holds(_ name: String, _ a: AccountView) -> Bool {
        if a.trace.risks.contains(where: { $0.id == name }) { return true }
        if case .bool(true)? = a.values[name] { return true }
        return false
    }

    /// The questionnaire's `kam_managers_available`, whole.
    static func managersAvailable(_ questionnaire: Questionnaire?) -> Int? {
        guard case .number(let x)? = questionnaire?.answers["kam_managers_available"]?.value, x >= 0, x < 10_000 else { return nil }
        return Int(x.rounded(.down))
    }

    private static func size(_ questionnaire: Questionnaire?, _ review: CustomerReview, _ managers: Int?, _ perManager: Int?)
        -> ProgrammeSize
    {
        let k = perManager ?? ProgrammeSize.defaultAccountsPerManager
        let kSource: ProgrammeSize.Source = perManager == nil ? .literature : .commandLine
        if let managers {
            return ProgrammeSize(managers: managers, managersSource: .commandLine, accountsPerManager: k,
                                 accountsPerManagerSource: kSource, capacity: managers * k)
        }
        if let n = managersAvailable(questionnaire) {
            return ProgrammeSize(managers: n, managersSource: .questionnaire, accountsPerManager: k,
                                 accountsPerManagerSource: kSource, capacity: n * k)
        }
        let best = review.fields.candidateTiers.first.map { review.summary.outcomes[$0] ?? 0 } ?? 0
        return ProgrammeSize(managers: nil, managersSource: .bestTier, accountsPerManager: k, accountsPerManagerSource: kSource,
                             capacity: max(1, min(best, ProgrammeSize.largestProgramme)))
    }

    /// Skills by the points all candidates give them, highest first; the pack's order breaks ties.
    private static func rank(skills pack: RulePack, _ candidates: [Candidate]) -> [SkillNeed] {
        let needs = pack.factors.enumerated().map { index, factor -> SkillNeed in
            var callers: [SkillNeed.Caller] = []
            var unknown = 0
            for candidate in candidates {
                guard let line = candidate.skills?.factors[index] else { continue }
                if line.state != .scored {
                    unknown += 1
                } else if let points = line.points, points > 0 {
                    callers.append(.init(account: candidate.account.name, points: points, because: line.because ?? ""))
                }
            }
            return SkillNeed(id: factor.id, title: factor.title, total: callers.reduce(0) { $0 + $1.points }, callers: callers,
                             unknown: unknown)
        }
        return needs.enumerated().sorted { $0.element.total != $1.element.total ? $0.element.total > $1.element.total : $0.offset < $1.offset }
            .map(\.element)
    }
}
