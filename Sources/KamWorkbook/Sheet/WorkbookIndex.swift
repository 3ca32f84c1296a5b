/// What a workbook holds, from its small parts: where its main part is (`_rels/.rels`), its
/// sheets in tab order with the parts that hold them, its date system, and where its shared
/// strings and styles are (`xl/_rels/workbook.xml.rels`).
struct WorkbookIndex: Sendable {
    struct Sheet: Sendable, Equatable {
        let name: String
        /// The archive entry that holds it (`xl/worksheets/sheet1.xml`).
        let part: String
        /// Hidden or very hidden in Excel: still read when named, but not chosen by default.
        let hidden: Bool
    }

    let sheets: [Sheet]
    let system1904: Bool
    let sharedStrings: String?
    let styles: String?

    /// The main part's entry name, from the package relationships; `xl/workbook.xml` when
    /// they do not say.
    static func mainPart(_ scanner: inout XMLScanner) throws(WorkbookError) -> String? {
        for r in try relationships(&scanner, base: "") where r.type.hasSuffix("/officeDocument") { return r.target }
        return nil
    }

    /// Reads the workbook part and its relationships.
    static func read(workbook: inout XMLScanner, relationships rels: inout XMLScanner, part: String) throws(WorkbookError) -> WorkbookIndex {
        let base = part.contains("/") ? String(part[...part.lastIndex(of: "/")!]) : ""
        let links = try relationships(&rels, base: base)
        var targets: [String: String] = [:]
        for link in links { targets[link.id] = link.target }
        var sheets: [Sheet] = []
        var system1904 = false
        while let event = try workbook.next() {
            switch event {
            case .start("workbookPr", let attributes, _):
                let value = attributes.first { $0.name == "date1904" }?.value
                system1904 = value == "1" || value == "true"
            case .start("sheet", let attributes, _):
                guard let name = attributes.first(where: { $0.name == "name" })?.value,
                      let id = attributes.first(where: { $0.name == "id" })?.value
                else { throw WorkbookError(part: part, message: "a sheet without a name or a relationship id") }
                guard let target = targets[id] else {
                    throw WorkbookError(part: part, message: "sheet \"\(name)\" points at relationship \(id), which the workbook does not have")
                }
                let state = attributes.first { $0.name == "state" }?.value ?? "visible"
                sheets.append(Sheet(name: name, part: target, hidden: state != "visible"))
            default:
                break
            }
        }
        return WorkbookIndex(sheets: sheets, system1904: system1904,
                             sharedStrings: links.first { $0.type.hasSuffix("/sharedStrings") }?.target,
                             styles: links.first { $0.type.hasSuffix("/styles") }?.target)
    }

    /// A relationships part's links, targets resolved against `base` (the folder of the part
    /// they belong to) into entry names.
    static func relationships(_ scanner: inout XMLScanner, base: String) throws(WorkbookError) -> [(id: String, type: String, target: String)] {
        var out: [(id: String, type: String, target: String)] = []
        while let event = try scanner.next() {
            guard case .start("Relationship", let attributes, _) = event else { continue }
            func value(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
            guard let id = value("Id"), let target = value("Target"), value("TargetMode") != "External" else { continue }
            out.append((id, value("Type") ?? "", resolve(target, base: base)))
        }
        return out
    }

    /// `worksheets/sheet1.xml` from `xl/` is `xl/worksheets/sheet1.xml`; `/xl/…` is from the
    /// root; `..` goes up.
    static func resolve(_ target: String, base: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : base.split(separator: "/")
        for piece in target.split(separator: "/") {
            if piece == "." { continue }
            if piece == ".." { _ = parts.popLast(); continue }
            parts.append(piece)
        }
        return parts.joined(separator: "/")
    }
}
