import KamRules

/// One key-account manager's share of the programme: "Manager 1" holds the most demanding
/// accounts and so needs the senior profile. Accounts are ranked by how demanding the skills
/// pack finds them (its score), then cut into runs whose sizes differ by at most one, the
/// smaller runs going to the most demanding accounts.
public struct ManagerSlot: Sendable {
    public let number: Int
    /// The profile the slot's most demanding account calls for.
    public let profile: String?
    /// Account ids, most demanding first.
    public let accounts: [String]
    /// The skill titles the slot's accounts call for most, strongest first.
    public let skills: [String]

    static func assign(_ candidates: inout [Candidate], managers: Int, skills pack: RulePack?) -> [ManagerSlot] {
        guard managers > 0, !candidates.isEmpty else { return [] }
        let count = min(managers, candidates.count)
        let order = candidates.indices.sorted { a, b in
            let x = candidates[a], y = candidates[b]
            return (x.skills?.score ?? 0, y.account.line) > (y.skills?.score ?? 0, x.account.line)
        }
        let base = order.count / count, extra = order.count % count
        var slots: [ManagerSlot] = []
        var at = 0
        for slot in 0..<count {
            let size = base + (slot >= count - extra ? 1 : 0)
            let members = Array(order[at..<(at + size)])
            at += size
            for k in members { candidates[k].managerSlot = slot + 1 }
            var points: [String: Double] = [:]
            for k in members {
                for line in candidates[k].skills?.factors ?? [] where line.state == .scored && (line.points ?? 0) > 0 {
                    points[line.title, default: 0] += line.points ?? 0
                }
            }
            let titles = pack?.factors.map(\.title).filter { points[$0] != nil } ?? []
            let strongest = titles.enumerated().sorted { (points[$0.element]!, $1.offset) > (points[$1.element]!, $0.offset) }
                .prefix(3).map(\.element)
            slots.append(ManagerSlot(number: slot + 1, profile: members.first.flatMap { candidates[$0].managerProfileTitle },
                                     accounts: members.map { candidates[$0].account.id }, skills: strongest))
        }
        return slots
    }
}
