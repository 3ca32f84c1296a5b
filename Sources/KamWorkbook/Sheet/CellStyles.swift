/// How cell styles show a number, where it changes what the number means: a workbook stores
/// a date as a number of days and 12% as 0.12, and only the cell's number format says so.
/// Read as stored, 12% would reach a `_pct` input as 0.12; a CSV saved by Excel holds `12%`.
struct CellStyles: Sendable {
    enum Shown: Sendable, Equatable { case number, date, percent }

    /// By the cell's `s` index (into `cellXfs`).
    private let shown: [Shown]

    init(_ shown: [Shown] = []) { self.shown = shown }

    func kind(_ style: Int) -> Shown { style >= 0 && style < shown.count ? shown[style] : .number }

    /// Reads `xl/styles.xml`: the custom number formats, then the cell formats that use them.
    static func read(_ scanner: inout XMLScanner) throws(WorkbookError) -> CellStyles {
        var custom: [Int: Shown] = [:]
        var shown: [Shown] = []
        var inCellXfs = false
        while let event = try scanner.next() {
            switch event {
            case .start("numFmt", let attributes, _):
                if let id = attributes.first(where: { $0.name == "numFmtId" }).flatMap({ Int($0.value) }),
                   let code = attributes.first(where: { $0.name == "formatCode" })?.value {
                    custom[id] = Self.shown(format: code)
                }
            case .start("cellXfs", _, let empty):
                inCellXfs = !empty
            case .end("cellXfs"):
                inCellXfs = false
            case .start("xf", let attributes, _) where inCellXfs:
                let id = attributes.first { $0.name == "numFmtId" }.flatMap { Int($0.value) } ?? 0
                shown.append(custom[id] ?? (builtInDate(id) ? .date : id == 9 || id == 10 ? .percent : .number))
            default:
                break
            }
        }
        return CellStyles(shown)
    }

    /// Excel's built-in formats that show a date (14 to 17 and 22; 27 to 36 and 50 to 58 in
    /// East Asian versions). Times of day alone (18 to 21, 45 to 47) stay numbers: a duration
    /// is not a date.
    static func builtInDate(_ id: Int) -> Bool {
        (14...17).contains(id) || id == 22 || (27...36).contains(id) || (50...58).contains(id)
    }

    /// What a custom format shows, judged on its first (positive) section outside quoted
    /// text, escapes and brackets (colours, locales, elapsed hours): a date when it has a day
    /// or a year (`dd.mm.yyyy`, `d-mmm`, `yyyy-mm-dd hh:mm`), else a percentage when it has a
    /// `%`, else a number.
    static func shown(format code: String) -> Shown {
        var inQuote = false, inBracket = false, escaped = false, percent = false
        for ch in code.lowercased() {
            if escaped { escaped = false; continue }
            switch ch {
            case "\\": escaped = true
            case "\"": inQuote.toggle()
            case "[" where !inQuote: inBracket = true
            case "]" where !inQuote: inBracket = false
            case "d", "y": if !inQuote && !inBracket { return .date }
            case "%": if !inQuote && !inBracket { percent = true }
            case ";": if !inQuote && !inBracket { return percent ? .percent : .number }
            default: break
            }
        }
        return percent ? .percent : .number
    }
}
