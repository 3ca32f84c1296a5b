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
    /// The skill titles the slot's accounts call for most, strongest first, leaving out those
    /// every account of the programme calls for (the skills table says those once).
    public let skills: [String]

    static func assign(_ candidates: inout [Candidate], managers: Int, skills pack: RulePack?) -> [ManagerSlot] {
        guard managers > 0, !candidates.isEmpty else { return [] }
        let count = min(managers, candidates.count)
        let order = candidates.indices.sorted { a, b in
            let x = candidates[a], y = candidates[b]
            return (x.skills?.score ?? 0, y.account.line) > (y.skills?.score ?? 0, x.account.line)
        }
        func calls(_ c: Candidate) -> [String: Double] {
            var points: [String: Double] = [:]
            for line in c.skills?.factors ?? [] where line.state == .scored && (line.points ?? 0) > 0 {
                points[line.title, default: 0] += line.points ?? 0
            }
            return points
        }
        var everyone = Set(calls(candidates[0]).keys)
        for c in candidates.dropFirst() { everyone.formIntersection(calls(c).keys) }
        let base = order.count / count, extra = order.count % count
        var slots: [ManagerSlot] = []
        var at = 0
        for slot in 0..<count {
            let size = base + (slot >= count - extra ? 1 : 0)
            let members = Array(order[at..<(at + size)])
            at += size
            for k in members { candidates[k].managerSlot = slot + 1 }
            var points: [String: Double] = [:]
            for k in members { points.merge(calls(candidates[k]), uniquingKeysWith: +) }
            let titles = (pack?.factors ?? []).map { $0.title }.filter { points[$0] != nil && !everyone.contains($0) }
            let strongest = titles.enumerated().sorted { (points[$0.element]!, $1.offset) > (points[$1.element]!, $0.offset) }
                .prefix(3).map(\.element)
            slots.append(ManagerSlot(number: slot + 1, profile: members.first.flatMap { candidates[$0].managerProfileTitle },
                                     accounts: members.map { candidates[$0].account.id }, skills: strongest))
        }
        return slots
    }
}
