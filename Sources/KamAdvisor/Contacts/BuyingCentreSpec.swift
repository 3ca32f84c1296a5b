import KamCSV
import KamRules
import KamSource

/// How `kam report --contacts` reads a contacts file and what it hands the account pack, from
/// the pack's `report.buying_centre`: the file's column names, the buying-centre roles and
/// which are essential, what makes a relationship strong, and the inputs the facts fill. The
/// facts are counts; what they mean (a bow-tie, a gap, a cold account) is the pack's rules'.
public struct BuyingCentreSpec: Sendable {
    public enum Column: String, Sendable, CaseIterable {
        case account, person, role, owner, strength
        case lastContact = "last_contact"
    }

    /// A fact counted per account, and the pack input it fills.
    public enum Fact: String, Sendable, CaseIterable {
        /// People at the customer we are in contact with.
        case people
        /// Our people who hold those contacts.
        case owners
        /// People whose relationship with us is strong.
        case strong
        /// Essential roles nobody of ours is in contact with.
        case rolesMissing = "roles_missing"
        /// Days from the last contact with anyone there to the report's date.
        case daysSince = "days_since"
    }

    public struct Role: Sendable, Equatable {
        public let id: String
        public let title: String
        public let essential: Bool
        /// Folded (`Input.fold`) names a file may write for the role, its id and title among them.
        let names: [String]
    }

    /// By column, the header names that mean it, as the pack writes them.
    var columns: [Column: [String]] = [:]
    public var roles: [Role] = []
    /// A strength of this or more (on the file's 1–5 scale) is a strong relationship.
    public var strongFrom: Double = 4
    /// Words a file writes for a strength, folded, and the 1–5 value each stands for.
    var strengthWords: [String: Double] = [:]
    public var inputs: [Fact: String] = [:]
    /// A text value of the pack naming the contact pattern (bow-tie, diamond…), for the report.
    public var pattern: String?
    /// A number input holding how many people take part in buying decisions, against which
    /// the people known are the coverage.
    public var size: String?

    /// The header names of `column`, normalised as `HeaderKey` does, to match a file's header.
    public func names(of column: Column) -> [String] { (columns[column] ?? []).map(HeaderKey.normalize) }
    /// The header names of `column` as the pack writes them, for messages.
    public func labels(of column: Column) -> [String] { columns[column] ?? [] }

    /// The role a cell's word names, by id or alias; nil when none does.
    public func role(named text: String) -> Role? {
        let key = Input.fold(text)
        return roles.first { $0.names.contains(key) }
    }

    public func strength(of word: String) -> Double? { strengthWords[Input.fold(word)] }

    static let keys = ["columns", "roles", "strong_from", "strength_words", "inputs", "pattern", "size"]

    /// Reads `report.buying_centre`; the problem, if any.
    static func read(_ node: JSONNode, _ pack: RulePack) -> (BuyingCentreSpec?, String?) {
        guard let members = node.members else { return (nil, "`report.buying_centre` must be an object: " + keys.joined(separator: ", ")) }
        var spec = BuyingCentreSpec()
        for member in members {
            let value = member.value
            switch member.key {
            case "columns":
                for column in Column.allCases {
                    guard let list = value[column.rawValue]?.array, !list.isEmpty, list.allSatisfy({ $0.string != nil }) else {
                        return (nil, "`report.buying_centre.columns.\(column.rawValue)` must be a list of header names")
                    }
                    spec.columns[column] = list.map { $0.string! }
                }
                if let extra = value.members?.first(where: { Column(rawValue: $0.key) == nil }) {
                    return (nil, "unknown column `\(extra.key)` in `report.buying_centre.columns` (\(Column.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            case "roles":
                let form = "`report.buying_centre.roles` must be a list of `{ id, title, essential: true|false, aliases: [\"…\"] }`"
                guard let items = value.array, !items.isEmpty else { return (nil, form) }
                for item in items {
                    guard let id = item["id"]?.string, let title = item["title"]?.string, let essential = item["essential"]?.bool,
                          let aliases = item["aliases"]?.array, aliases.allSatisfy({ $0.string != nil }), item.members?.count == 4
                    else { return (nil, form) }
                    let names = ([id, title] + aliases.map { $0.string! }).map(Input.fold)
                    if let clash = spec.roles.first(where: { !Set($0.names).isDisjoint(with: names) }) {
                        return (nil, "`report.buying_centre.roles`: `\(id)` and `\(clash.id)` share a name, so a file's role could mean either")
                    }
                    spec.roles.append(Role(id: id, title: title, essential: essential, names: names))
                }
            case "strong_from":
                guard let x = value.number, x >= 1, x <= 5 else { return (nil, "`report.buying_centre.strong_from` must be a number from 1 to 5") }
                spec.strongFrom = x
            case "strength_words":
                for word in value.members ?? [] {
                    guard let x = word.value.number, x >= 1, x <= 5 else {
                        return (nil, "`report.buying_centre.strength_words` maps a word to a strength from 1 to 5")
                    }
                    spec.strengthWords[Input.fold(word.key)] = x
                }
            case "inputs":
                let numbers = pack.inputs.filter { $0.kind == .number }.map(\.name)
                for fact in Fact.allCases {
                    guard let name = value[fact.rawValue]?.string, numbers.contains(name) else {
                        return (nil, "`report.buying_centre.inputs.\(fact.rawValue)` must name a number input of the pack")
                    }
                    spec.inputs[fact] = name
                }
            case "pattern":
                guard let name = value.string, pack.declarations.variable(named: name)?.type == .string else {
                    return (nil, "`report.buying_centre.pattern` must name a text value of the pack")
                }
                spec.pattern = name
            case "size":
                guard let name = value.string, pack.inputs.contains(where: { $0.name == name && $0.kind == .number }) else {
                    return (nil, "`report.buying_centre.size` must name a number input of the pack")
                }
                spec.size = name
            default:
                return (nil, "unknown key `\(member.key)` in `report.buying_centre` (\(keys.joined(separator: ", ")))")
            }
        }
        guard !spec.columns.isEmpty, !spec.roles.isEmpty, spec.inputs.count == Fact.allCases.count else {
            return (nil, "`report.buying_centre` needs `columns`, `roles` and `inputs`")
        }
        return (spec, nil)
    }
}
