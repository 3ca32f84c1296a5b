import KamExpr
import KamRules

/// What a contacts file says of one account's buying centre: the facts the pack's inputs
/// receive, and the people behind them for the report's contact matrix. A fact whose column
/// the file lacks is nil, so the pack reads it as unknown, never as zero.
public struct BuyingCentre: Sendable {
    public let people: [ContactBook.Person]
    /// Our people holding the contacts; nil without an owner column.
    public let owners: Int?
    /// People rated strong; nil without a strength column.
    public let strong: Int?
    /// Role ids covered and not covered, in the pack's order; nil without a role column.
    public let rolesCovered: [String]?
    public let rolesMissing: [String]?
    /// Essential roles nobody is in contact with.
    public let essentialMissing: Int?
    public let lastContact: CalendarDay?
    public let daysSince: Int?
    /// The pack's name for the pattern (bow-tie, diamond…), set once the account is evaluated.
    public internal(set) var pattern: String?

    init(people: [ContactBook.Person], book: ContactBook, spec: BuyingCentreSpec) {
        self.people = people
        let has = book.columns
        owners = has.contains(.owner) ? Set(people.flatMap(\.owners).map(Input.fold)).count : nil
        strong = has.contains(.strength) ? people.filter { ($0.strength ?? 0) >= spec.strongFrom }.count : nil
        if has.contains(.role) {
            let covered = Set(people.flatMap(\.roles))
            rolesCovered = spec.roles.map(\.id).filter(covered.contains)
            rolesMissing = spec.roles.map(\.id).filter { !covered.contains($0) }
            essentialMissing = spec.roles.filter { $0.essential && !covered.contains($0.id) }.count
        } else {
            (rolesCovered, rolesMissing, essentialMissing) = (nil, nil, nil)
        }
        lastContact = people.compactMap(\.lastContact).max()
        daysSince = lastContact.flatMap { last in book.asOf.map { max(0, $0.days - last.days) } }
    }

    /// Hands the facts to the pack's inputs; an unknown fact leaves its input as the row had it.
    func fill(_ a: Activation, spec: BuyingCentreSpec, pack: RulePack) {
        let facts: [BuyingCentreSpec.Fact: Int?] = [
            .people: people.count, .owners: owners, .strong: strong, .rolesMissing: essentialMissing, .daysSince: daysSince,
        ]
        for (fact, value) in facts {
            guard let value, let name = spec.inputs[fact], let slot = pack.slot(of: name) else { continue }
            a.setNumber(slot, Double(value))
        }
    }
}
