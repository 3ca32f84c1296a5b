import KamAdvisor
import KamExpr
import KamRules

/// The report's buying-centre section, from a contacts file.
extension ReportBuilder {
    static func buyingCentres(_ r: Recommendation) -> ReportDocument.Section {
        let t = Messages.current
        var s = ReportDocument.Section("buying-centres", t("section.buying_centres"))
        guard let book = r.contacts else {
            s.paragraph(.text(t("contacts.absent")))
            return s
        }
        s.paragraph(.text(BuyingCentreText.source(book)))
        let rows: [[[ReportDocument.Inline]]] = r.candidates.compactMap { c in
            guard let b = c.account.buyingCentre else { return nil }
            let size = BuyingCentreText.size(c.account, r)
            let missing = BuyingCentreText.essentialMissing(b, r)
            let known = Figures.count(b.people.count) + (size.map { t("contacts.of", ["size": Figures.count($0)]) } ?? "")
            return [[.strong(c.account.name)], [.text(known)],
                    [.text(b.owners.map(Figures.count) ?? "–")], [.text(b.strong.map(Figures.count) ?? "–")],
                    [.text(b.rolesMissing == nil ? "–" : missing.isEmpty ? t("none") : missing.joined(separator: ", "))],
                    [.text(b.lastContact.map { Figures.date($0) + (b.daysSince.map { " (\(t("days", count: $0)))" } ?? "") } ?? "–")],
                    [.text(BuyingCentreText.pattern(b) ?? "–")]]
        }
        s.add(.table(.init(header: [t("column.account"), t("column.people_known"), t("column.ours"), t("column.strong"),
                                    t("column.roles_without_contact"), t("column.last_contact"), t("column.pattern")],
                           align: [.left, .right, .right, .right, .left, .left, .left], rows: rows)))
        if let missing = r.review?.contactMatch?.missing, !missing.isEmpty {
            s.paragraph(.text(t("contacts.not_in_list", ["file": book.path])
                + missing.prefix(10).map { $0.id + ($0.near.map { t("contacts.list_has", ["id": $0]) } ?? "") }.joined(separator: ", ")
                + (missing.count > 10 ? t("more", count: missing.count - 10) : "") + "."))
        }
        if !book.problems.isEmpty {
            s.paragraph(.text(t("contacts.problems", ["file": book.path, "shown": Figures.count(min(10, book.problems.count)),
                                                      "all": Figures.count(book.problems.count)])))
            s.add(.list(book.problems.prefix(10).map { [.text(($0.line.map { t("row.line", ["line": String($0)]) + ": " } ?? "") + $0.message)] }))
        }
        return s
    }
}
