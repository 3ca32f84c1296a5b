import KamAdvisor

/// The sentences that say why a large account is not in the programme, the same in every
/// format.
enum SelectionText {
    static func reason(_ l: LeftOut) -> String {
        let t = Messages.current
        let a = l.account
        let share = a.share.map { t("left_out.share", ["share": Figures.share($0)]) } ?? t("left_out.share.unknown")
        let values = ["share": share, "score": Figures.score(a.score), "tier": a.tier]
        var text: String
        switch l.why {
        case .rule(let option): text = option.title ?? option.value
        case .vitalUnknown: text = t("left_out.vital_unknown")
        case .belowCandidateTiers: text = t("left_out.below_tiers", values)
        case .outranked:
            text = a.quadrant.map { t("left_out.outranked.quadrant", values.merging(["quadrant": $0.title ?? $0.value]) { a, _ in a }) }
                ?? t("left_out.outranked", values)
        case .outsidePool: text = t("left_out.outside_pool", values)
        }
        return a.atRisk ? text + t("left_out.see_rescue") : text
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
