import KamRules

/// Which accounts the programme takes, as a portfolio decision rather than a top-N of one
/// score: the vital accounts first (whatever their score), then growth candidates ranked on
/// both axes of the portfolio matrix, filling the capacity left. Every one of the largest
/// accounts ends up chosen or left out with a reason: none is silently absent.
struct Selection {
    let vital: [AccountView]
    let growth: [AccountView]
    let next: [AccountView]
    let leftOut: [LeftOut]
    let pool: Int
    private let atRisk: [AccountView]
    private let rescueRisk: Risk?

    init(_ review: CustomerReview, capacity: Int) {
        let fields = review.fields
        let bySales: (AccountView, AccountView) -> Bool = { a, b in
            (a.sales ?? -.infinity, b.line) > (b.sales ?? -.infinity, a.line)
        }
        let vitals = review.accounts.filter { $0.vital == true }.sorted(by: bySales)
        vital = vitals.filter { $0.leftOut == nil }
        var leftOut = vitals.filter { $0.leftOut != nil }.map { LeftOut(account: $0, why: .rule($0.leftOut!)) }

        // The pool: the best accounts of the candidate tiers by score, at most the pack's
        // multiple of capacity; then strategic before star (the quadrants' order in the
        // pack), best score first within a quadrant.
        let eligible = review.accounts.filter {
            fields.candidateTiers.contains($0.tier) && $0.vital != true && $0.score >= (review.poolFloor ?? -.infinity)
        }
            .sorted { ($0.score, $1.line) > ($1.score, $0.line) }
        let ranked = Array(eligible.prefix(fields.poolMultiple.map { $0 * capacity } ?? eligible.count))
        pool = ranked.count
        let quadrants = fields.quadrant.flatMap { name in review.pack.classifications.first { $0.name == name } }?.options.map(\.value) ?? []
        func order(_ a: AccountView) -> Int { a.quadrant.flatMap { q in quadrants.firstIndex(of: q.value) } ?? quadrants.count }
        let placed = ranked.sorted { (order($0), $1.score, $0.line) < (order($1), $0.score, $1.line) }
        let free = max(0, capacity - vital.count)
        growth = Array(placed.prefix(free))
        next = Array(placed.dropFirst(free).prefix(ProgrammeSize.nextInLine))

        // The largest accounts that are neither chosen nor left out by a rule, with the reason
        // the method gives.
        let accounted = Set((vital + growth).map(\.line) + leftOut.map(\.account.line))
        let inPool = Set(ranked.map(\.line))
        let largest = review.accounts.filter { ($0.rank ?? .max) <= fields.largest && !accounted.contains($0.line) }
            .sorted { ($0.rank ?? .max, $0.line) < ($1.rank ?? .max, $1.line) }
        for a in largest {
            let why: LeftOut.Why = if a.vital == nil && fields.vital != nil { .vitalUnknown }
                else if !fields.candidateTiers.contains(a.tier) { .belowCandidateTiers }
                else if inPool.contains(a.line) { .outranked }
                else { .outsidePool }
            leftOut.append(LeftOut(account: a, why: why))
        }
        self.leftOut = leftOut
        atRisk = review.accounts.filter(\.atRisk).sorted(by: bySales)
        rescueRisk = fields.rescue.flatMap { id in review.pack.risks.first { $0.id == id } }
    }

    /// The large accounts at risk, largest first, with every risk that fired and the rescue
    /// risk's action.
    func rescue(chosen: Set<Int>) -> [Rescue] {
        atRisk.map { a in
            Rescue(account: a, risks: a.trace.risks.filter { $0.id != rescueRisk?.id }, action: rescueRisk?.mitigation ?? "",
                   inProgramme: chosen.contains(a.line))
        }
    }
}
