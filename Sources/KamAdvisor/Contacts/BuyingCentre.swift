import KamCSV
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

    /// A count over people is known only when it is known for each of them: a blank owner,
    /// strength or role cell leaves the account's count unknown, never a zero that fires a
    /// risk. The last contact is the latest recorded.
    init(people: [ContactBook.Person], book: ContactBook, spec: BuyingCentreSpec) {
        self.people = people
        let has = book.columns
        owners = has.contains(.owner) && people.allSatisfy({ !$0.owners.isEmpty }) ? Set(people.flatMap(\.owners).map(Input.fold)).count : nil
        strong = has.contains(.strength) && people.allSatisfy({ $0.strength != nil }) ? people.filter { $0.strength! >= spec.strongFrom }.count : nil
        if has.contains(.role), people.allSatisfy({ !$0.roles.isEmpty && !$0.roleUnknown }) {
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

    /// The facts a contacts file with these columns can give, as the inputs they fill.
    public static func inputsFilled(by columns: Set<BuyingCentreSpec.Column>, spec: BuyingCentreSpec) -> [String] {
        let needs: [BuyingCentreSpec.Fact: BuyingCentreSpec.Column] = [.owners: .owner, .strong: .strength, .rolesMissing: .role, .daysSince: .lastContact]
        return BuyingCentreSpec.Fact.allCases.filter { needs[$0].map(columns.contains) ?? true }.compactMap { spec.inputs[$0] }
    }

    /// Hands the facts to the pack's inputs where the row has no value of its own (a list
    /// with a contacts column keeps it); an unknown fact leaves the input as the row had it.
    func fill(_ a: some RowSlots, spec: BuyingCentreSpec, pack: RulePack) {
        let facts: [BuyingCentreSpec.Fact: Int?] = [
            .people: people.count, .owners: owners, .strong: strong, .rolesMissing: essentialMissing, .daysSince: daysSince,
        ]
        for (fact, value) in facts {
            guard let value, let name = spec.inputs[fact], let slot = pack.slot(of: name), a.value(slot) == nil else { continue }
            a.setNumber(slot, Double(value))
        }
    }
}
