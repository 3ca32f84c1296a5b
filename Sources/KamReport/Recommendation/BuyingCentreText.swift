import KamAdvisor
import KamExpr

/// An account's buying centre as the report says it: coverage, the pattern, the roles
/// nobody reaches, the last contact, and the contact map behind them (kam-facts.md (g): the
/// account plan's DMU and contact map). Every format prints the same words.
enum BuyingCentreText {
    /// The roles' titles by id, from the pack.
    static func title(_ id: String, _ r: Recommendation) -> String {
        r.review?.fields.buyingCentre?.roles.first { $0.id == id }?.title ?? id
    }

    /// The buying centre's size the pack names (`report.buying_centre.size`), when the row has it.
    static func size(_ a: AccountView, _ r: Recommendation) -> Int? {
        guard let name = r.review?.fields.buyingCentre?.size, case .number(let x)? = a.values[name], x >= 1, x < 1e9 else { return nil }
        return Int(x.rounded())
    }

    static func people(_ n: Int) -> String { n == 1 ? "1 person" : "\(n) people" }
    static func days(_ n: Int) -> String { n == 1 ? "1 day" : "\(n) days" }

    /// The essential roles nobody reaches, by title.
    static func essentialMissing(_ b: BuyingCentre, _ r: Recommendation) -> [String] {
        let essential = Set(r.review?.fields.buyingCentre?.roles.filter(\.essential).map(\.id) ?? [])
        return (b.rolesMissing ?? []).filter(essential.contains).map { title($0, r) }
    }

    /// One sentence for the account plan; nil without a contacts file.
    static func sentence(_ a: AccountView, _ r: Recommendation) -> String? {
        guard let b = a.buyingCentre, let book = r.contacts else { return nil }
        guard !b.people.isEmpty else { return "Buying centre: nobody at the customer is recorded in \(book.path)." }
        var text = "Buying centre: \(people(b.people.count)) known"
        if let size = size(a, r) { text += " of \(size) who take part in buying decisions (\(Figures.percent(min(100, 100 * Double(b.people.count) / Double(size)))))" }
        if let owners = b.owners { text += ", through \(owners) of ours" }
        if let pattern = b.pattern { text += " (\(pattern))" }
        if let strong = b.strong { text += "; \(strong) strong" }
        let missing = essentialMissing(b, r)
        if !missing.isEmpty { text += "; no contact with the " + missing.joined(separator: ", the ") }
        if let last = b.lastContact, let days = b.daysSince, let asOf = book.asOf {
            text += "; last contact \(last), \(Self.days(days)) before \(asOf)"
        }
        return text + "."
    }

    /// The contact map: one line per person.
    static func contactMap(_ b: BuyingCentre, _ r: Recommendation) -> [String] {
        b.people.map { p in
            var parts = [p.roles.isEmpty ? "role not given" : p.roles.map { title($0, r) }.joined(separator: ", ")]
            if !p.owners.isEmpty { parts.append("ours: " + p.owners.joined(separator: ", ")) }
            if let s = p.strength { parts.append("strength \(Figures.number(s, digits: 1)) of 5") }
            if let d = p.lastContact { parts.append("last contact \(d)") }
            return "\(p.name): " + parts.joined(separator: "; ")
        }
    }

    /// Where the contacts come from and what day the days count to.
    static func source(_ book: ContactBook) -> String {
        var text = "From \(book.path): \(book.rows) row\(book.rows == 1 ? "" : "s"), \(book.accounts.count) account\(book.accounts.count == 1 ? "" : "s")"
        if let asOf = book.asOf {
            text += "; days since the last contact count to \(asOf)"
                + (book.asOfGiven ? " (--as-of)" : " (the latest contact in the file" + (book.asOfLine.map { ", line \($0)" } ?? "") + ")")
        } else {
            text += "; the file has no last-contact dates"
        }
        return text + "."
    }

    static let absent = "No contacts file was given. With --contacts FILE (account id, person, role in the buying centre, our owner, strength, last contact) this section shows whom we know at each candidate, the accounts that hang on one person (bow-tie), the essential roles nobody reaches and the accounts gone cold, each a risk with its action in the account plan."

    static func json(_ a: AccountView, _ r: Recommendation) -> JSON {
        guard let b = a.buyingCentre else { return .null }
        func count(_ x: Int?) -> JSON { x.map { .number(Double($0)) } ?? .null }
        let size = size(a, r)
        var coverage: JSON = .null
        if let size { coverage = .number(rounded(min(100, 100 * Double(b.people.count) / Double(size)), 2)) }
        let contacts: [JSON] = b.people.map { p in
            let strength: JSON = p.strength.map { .number($0) } ?? .null
            let last: JSON = p.lastContact.map { .string($0.description) } ?? .null
            return .object([("person", .string(p.name)), ("roles", .array(p.roles.map(JSON.string))),
                            ("owners", .array(p.owners.map(JSON.string))), ("strength", strength), ("last_contact", last)])
        }
        let covered: JSON = b.rolesCovered.map { .array($0.map(JSON.string)) } ?? .null
        let missing: JSON = b.rolesMissing.map { .array($0.map(JSON.string)) } ?? .null
        let last: JSON = b.lastContact.map { .string($0.description) } ?? .null
        let pattern: JSON = b.pattern.map(JSON.string) ?? .null
        return .object([
            ("people", .number(Double(b.people.count))), ("size", count(size)), ("coverage_pct", coverage),
            ("our_people", count(b.owners)), ("strong", count(b.strong)), ("pattern", pattern),
            ("roles_covered", covered), ("roles_missing", missing), ("essential_roles_missing", count(b.essentialMissing)),
            ("last_contact", last), ("days_since_contact", count(b.daysSince)), ("contacts", .array(contacts)),
        ])
    }

    static func fileJSON(_ r: Recommendation) -> JSON {
        guard let book = r.contacts else { return .null }
        return .object([
            ("file", .string(book.path)), ("rows", .number(Double(book.rows))), ("accounts", .number(Double(book.accounts.count))),
            ("as_of", book.asOf.map { .string($0.description) } ?? .null),
            ("as_of_source", .string(book.asOfGiven ? "--as-of" : "latest contact")),
            ("as_of_line", book.asOfLine.map { .number(Double($0)) } ?? .null),
            ("not_in_customers", .array((r.review?.contactMatch?.missing ?? []).prefix(100).map { m in
                .object([("id", .string(m.id)), ("near", m.near.map(JSON.string) ?? .null)])
            })),
            ("problems", .array(book.problems.prefix(100).map { p in
                .object([("line", p.line.map { .number(Double($0)) } ?? .null), ("message", .string(p.message))])
            })),
        ])
    }
}
