import KamExpr
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
    public let account: AccountView
    /// The skills pack's evaluation of the account: which skills it calls for, and the kind
    /// of manager that takes. Nil without a skills pack.
    public let skills: Trace?
    public let managerProfileTitle: String?
    /// The account earns a smaller contribution, in % of sales, than the accounts outside
    /// the programme do on average.
    public let earnsLessThanRest: Bool?
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
    public let skills: [SkillNeed]
    public let skillsPack: RulePack?
    /// Contribution in % of sales over every account with both figures, and over the
    /// accounts outside the programme.
    public let portfolioContributionPct: Double?
    public let restContributionPct: Double?

    public var guidance: String? { skillsPack?.extras["guidance"]?.string }

    /// The inputs the recommendation was made without: `questionnaire`, `customers`.
    public var missingInputs: [String] {
        (assessment == nil ? ["questionnaire"] : []) + (review == nil ? ["customers"] : [])
    }
}

public enum Recommender {
    /// How many of the best accounts the customer review must keep for `recommend`.
    public static func accountsToKeep(managers: Int?, accountsPerManager: Int?) -> Int {
        let capacity = managers.map { $0 * (accountsPerManager ?? ProgrammeSize.defaultAccountsPerManager) }
        return max(capacity ?? ProgrammeSize.largestProgramme, 1) + ProgrammeSize.nextInLine
    }

    public static func recommend(
        assessment: Assessment?, questionnaire: Questionnaire?, review: CustomerReview?, skillsPack: RulePack?,
        managers: Int?, accountsPerManager: Int?
    ) -> Recommendation {
        guard let review else {
            return Recommendation(assessment: assessment, review: nil, programme: nil, candidates: [], nextInLine: [], skills: [],
                                  skillsPack: skillsPack, portfolioContributionPct: nil, restContributionPct: nil)
        }
        let eligible = review.best.filter { review.fields.candidateTiers.contains($0.tier) }
        let programme = size(questionnaire, review, managers, accountsPerManager)
        let chosen = Array(eligible.prefix(programme.capacity))
        let next = Array(eligible.dropFirst(programme.capacity).prefix(ProgrammeSize.nextInLine))

        var portfolioPct: Double?, restPct: Double?
        if let totals = review.contributionTotals, totals.sales > 0 {
            portfolioPct = 100 * totals.contribution / totals.sales
            var sales = totals.sales, contribution = totals.contribution
            for a in chosen {
                if let s = a.sales, let c = a.contribution { (sales, contribution) = (sales - s, contribution - c) }
            }
            if sales > 0 { restPct = 100 * contribution / sales }
        }
        let evaluator = skillsPack.map(Evaluator.init)
        let candidates = chosen.map { account -> Candidate in
            var skills: Trace?, profile: String?
            if let evaluator, let pack = skillsPack {
                let a = evaluator.activation
                a.reset()
                for input in pack.inputs {
                    guard let value = account.values[input.name] ?? questionnaire?.answers[input.name]?.value,
                          input.problem(with: value) == nil, let slot = pack.slot(of: input.name) else { continue }
                    a.setValue(slot, value)
                }
                let evaluation = evaluator.evaluate()
                skills = Trace(pack, evaluation, a)
                profile = evaluation.blockingGate == nil ? pack.outcome.levels[evaluation.level].title : nil
            }
            let pct = account.contributionPct
            return Candidate(account: account, skills: skills, managerProfileTitle: profile,
                             earnsLessThanRest: pct.flatMap { p in restPct.map { p < $0 } })
        }
        return Recommendation(
            assessment: assessment, review: review, programme: programme, candidates: candidates, nextInLine: next,
            skills: skillsPack.map { rank(skills: $0, candidates) } ?? [], skillsPack: skillsPack,
            portfolioContributionPct: portfolioPct, restContributionPct: restPct)
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
        if case .number(let x)? = questionnaire?.answers["kam_managers_available"]?.value, x >= 0, x < 10_000 {
            let n = Int(x.rounded(.down))
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
