import KamAdvisor

/// The sentences that say why a large account is not in the programme, the same in every
/// format.
enum SelectionText {
    static func reason(_ l: LeftOut) -> String {
        let a = l.account
        let share = a.share.map { Figures.share($0) + " of sales" } ?? "sales share not known"
        var text: String
        switch l.why {
        case .rule(let option): text = option.title ?? option.value
        case .vitalUnknown: text = "whether it is vital could not be judged: a value the rule reads is missing"
        case .belowCandidateTiers:
            text = "not vital (\(share)); its score of \(Figures.score(a.score)) puts it in tier `\(a.tier)`, below the candidate tiers"
        case .outranked:
            text = "not vital (\(share)); a growth candidate (score \(Figures.score(a.score))"
                + (a.quadrant.map { ", \($0.title ?? $0.value)" } ?? "") + "), but the programme's places went to accounts ranked before it"
        case .outsidePool:
            text = "not vital (\(share)); its score of \(Figures.score(a.score)) is outside the pool growth candidates are drawn from"
        }
        return a.atRisk ? text + "; see the accounts to rescue" : text
    }

    /// A stable id for the reason: the pack's option value, or what the method concluded.
    static func reasonId(_ l: LeftOut) -> String {
        switch l.why {
        case .rule(let option): option.value
        case .vitalUnknown: "vital_unknown"
        case .belowCandidateTiers: "below_candidate_tiers"
        case .outranked: "outranked"
        case .outsidePool: "outside_pool"
        }
    }
}
