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

    /// The essential roles nobody reaches, by title.
    static func essentialMissing(_ b: BuyingCentre, _ r: Recommendation) -> [String] {
        let essential = Set(r.review?.fields.buyingCentre?.roles.filter(\.essential).map(\.id) ?? [])
        return (b.rolesMissing ?? []).filter(essential.contains).map { title($0, r) }
    }

    /// The pack's word for the contact pattern, in the run's language where the catalogue has it.
    static func pattern(_ b: BuyingCentre) -> String? {
        b.pattern.map { Messages.current.ifAny("value." + $0) ?? $0 }
    }

    /// One sentence for the account plan; nil without a contacts file.
    static func sentence(_ a: AccountView, _ r: Recommendation) -> String? {
        let t = Messages.current
        guard let b = a.buyingCentre, let book = r.contacts else { return nil }
        guard !b.people.isEmpty else { return t("contacts.nobody", ["file": book.path]) }
        var text = t("contacts.known", count: b.people.count)
        if let size = size(a, r) {
            text += t("contacts.known.of", ["size": Figures.count(size), "pct": Figures.percent(min(100, 100 * Double(b.people.count) / Double(size)))])
        }
        if let owners = b.owners { text += t("contacts.known.through", ["owners": Figures.count(owners)]) }
        if let pattern = pattern(b) { text += " (\(pattern))" }
        if let strong = b.strong { text += t("contacts.known.strong", ["strong": Figures.count(strong)]) }
        let missing = essentialMissing(b, r)
        if !missing.isEmpty { text += t("contacts.known.missing", ["roles": missing.joined(separator: t("contacts.roles.joiner"))]) }
        if let last = b.lastContact, let days = b.daysSince, let asOf = book.asOf {
            text += t("contacts.known.last", ["last": Figures.date(last), "days": t("days", count: days), "as_of": Figures.date(asOf)])
        }
        return text + "."
    }

    /// The contact map: one line per person.
    static func contactMap(_ b: BuyingCentre, _ r: Recommendation) -> [String] {
        let t = Messages.current
        return b.people.map { p in
            var parts = [p.roles.isEmpty ? t("contacts.map.no_role") : p.roles.map { title($0, r) }.joined(separator: ", ")]
            if !p.owners.isEmpty { parts.append(t("contacts.map.ours", ["owners": p.owners.joined(separator: ", ")])) }
            if let s = p.strength { parts.append(t("contacts.map.strength", ["strength": Figures.number(s, digits: 1)])) }
            if let d = p.lastContact { parts.append(t("contacts.map.last", ["last": Figures.date(d)])) }
            return "\(p.name): " + parts.joined(separator: "; ")
        }
    }

    /// Where the contacts come from and what day the days count to.
    static func source(_ book: ContactBook) -> String {
        let t = Messages.current
        var text = t("contacts.source", ["file": book.path, "rows": t("rows", count: book.rows), "accounts": t("accounts", count: book.accounts.count)])
        if let asOf = book.asOf {
            let date = Figures.date(asOf)
            text += book.asOfGiven ? t("contacts.source.as_of", ["date": date])
                : book.asOfLine.map { t("contacts.source.latest.line", ["date": date, "line": String($0)]) } ?? t("contacts.source.latest", ["date": date])
        } else {
            text += t("contacts.source.no_dates")
        }
        return text + "."
    }

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
