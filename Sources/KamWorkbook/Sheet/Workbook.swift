/// An `.xlsx` workbook opened for reading: its sheets by name, each read as rows of text
/// cells as they stream out of the archive.
public struct Workbook: Sendable {
    public let path: String
    private let archive: ZipArchive
    private let index: WorkbookIndex

    /// The sheets' names in tab order.
    public var sheetNames: [String] { index.sheets.map(\.name) }

    public init(path: String, limits: ZipLimits = ZipLimits()) throws(WorkbookError) {
        let archive: ZipArchive
        do throws(ZipError) {
            archive = try ZipArchive(path: path, limits: limits)
        } catch {
            throw WorkbookError(part: path, message: "\(error)")
        }
        try self.init(archive: archive, path: path)
    }

    /// A workbook in an archive already open (in memory, for the fuzzer); `path` names it.
    public init(archive: ZipArchive, path: String) throws(WorkbookError) {
        self.path = path
        self.archive = archive
        var main: String?
        if var rels = try Self.scanner(archive, "_rels/.rels", required: false) { main = try WorkbookIndex.mainPart(&rels) }
        let part = main ?? "xl/workbook.xml"
        guard var workbook = try Self.scanner(archive, part, required: false) else {
            throw WorkbookError(part: path, message: "a ZIP archive without a workbook part (\(part)): not an Excel workbook")
        }
        let folder = part.contains("/") ? String(part[...part.lastIndex(of: "/")!]) : ""
        let relsPart = folder + "_rels/" + part.dropFirst(folder.count) + ".rels"
        guard var rels = try Self.scanner(archive, relsPart, required: false) else {
            throw WorkbookError(part: path, message: "the workbook has no relationships part (\(relsPart)), so its sheets cannot be found")
        }
        index = try WorkbookIndex.read(workbook: &workbook, relationships: &rels, part: part)
        guard !index.sheets.isEmpty else { throw WorkbookError(part: path, message: "the workbook has no sheets") }
    }

    /// The sheet named `name` (its case as in Excel, or any case if only one matches), or the
    /// first visible sheet. A wrong name is refused, listing the sheets.
    public func sheet(_ name: String?) throws(WorkbookError) -> String {
        guard let name else { return (index.sheets.first { !$0.hidden } ?? index.sheets[0]).name }
        if let exact = index.sheets.first(where: { $0.name == name }) { return exact.name }
        let folded = index.sheets.filter { $0.name.lowercased() == name.lowercased() }
        if folded.count == 1 { return folded[0].name }
        throw WorkbookError(part: path, message: "no sheet named \"\(name)\"; the sheets are "
            + index.sheets.map { "\"\($0.name)\"" }.joined(separator: ", "))
    }

    /// The rows of the sheet named `name` (see `sheet(_:)`).
    public func rows(of name: String?) throws(WorkbookError) -> SheetRows {
        let chosen = try sheet(name)
        let sheet = index.sheets.first { $0.name == chosen }!
        let strings = try index.sharedStrings.flatMap { (part) throws(WorkbookError) -> [String]? in
            guard var s = try Self.scanner(archive, part, required: false) else { return nil }
            return try SharedStrings.read(&s)
        } ?? []
        let styles = try index.styles.flatMap { (part) throws(WorkbookError) -> CellStyles? in
            guard var s = try Self.scanner(archive, part, required: false) else { return nil }
            return try CellStyles.read(&s)
        } ?? CellStyles()
        guard let scanner = try Self.scanner(archive, sheet.part, required: true) else {
            throw WorkbookError(part: path, message: "sheet \"\(sheet.name)\" is missing from the archive")
        }
        return SheetRows(scanner, sheet: sheet.name, strings: strings, styles: styles, system1904: index.system1904)
    }

    /// A scanner over the entry `part`; nil when the archive lacks it and it is not required.
    private static func scanner(_ archive: ZipArchive, _ part: String, required: Bool) throws(WorkbookError) -> XMLScanner? {
        // Part names are case-insensitive in the package format; writers mostly keep the case.
        guard let entry = archive.entry(named: part) ?? archive.entries.first(where: { $0.name.lowercased() == part.lowercased() }) else {
            if required { throw WorkbookError(part: archive.path ?? part, message: "the workbook names a part \(part) that it does not hold") }
            return nil
        }
        var reader: ZipEntryReader
        do throws(ZipError) { reader = try archive.reader(for: entry) } catch { throw WorkbookError(part: part, message: "\(error)") }
        return XMLScanner(part: part) { (buffer) throws(WorkbookError) -> Int in
            do throws(ZipError) {
                return try reader.read(into: UnsafeMutableRawBufferPointer(buffer))
            } catch {
                throw WorkbookError(part: part, message: "\(error)")
            }
        }
    }
}
