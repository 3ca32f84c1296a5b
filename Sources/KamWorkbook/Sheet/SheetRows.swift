/// The rows of one worksheet as text cells, read as the sheet's XML streams by: each cell
/// by its address (a sparse row's gaps filled with empty cells), shared strings looked up,
/// numbers as Excel stores them, dates from their serial numbers and styles as ISO dates,
/// booleans as `true` and `false`. Formulas are not evaluated: their cached value is read,
/// as a CSV saved from Excel would hold it.
public struct SheetRows {
    private var scanner: XMLScanner
    private let strings: [String]
    private let styles: CellStyles
    private let system1904: Bool
    /// The sheet's name, for positions in errors (`Sheet1!C17`).
    public let sheet: String
    private var lastRow = 0
    /// Columns in the sheet's used range (`<dimension ref="A1:AB301">`), or the widest row
    /// so far: rows are padded to it, as Excel pads the rows of the CSV it saves.
    private var width = 0
    private var inData = false
    private var finished = false

    init(_ scanner: XMLScanner, sheet: String, strings: [String], styles: CellStyles, system1904: Bool) {
        self.scanner = scanner
        self.sheet = sheet
        self.strings = strings
        self.styles = styles
        self.system1904 = system1904
    }

    /// The next row that holds a `<row>` element: its 1-based number and its cells, from
    /// column A to its last cell; nil after the last.
    public mutating func next() throws(WorkbookError) -> (number: Int, cells: [String])? {
        guard !finished else { return nil }
        while let event = try scanner.next() {
            switch event {
            case .start("sheetData", _, let empty):
                if empty { finished = true; return nil }
                inData = true
            case .end("sheetData"):
                finished = true
                return nil
            case .start("dimension", let attributes, _):
                let range = attributes.first { $0.name == "ref" }?.value ?? ""
                if let last = range.split(separator: ":").last, let end = CellReference.parse(String(last)), end.column < 16_384 {
                    width = end.column + 1
                }
            case .start("row", let attributes, let empty) where inData:
                let number = attributes.first { $0.name == "r" }.flatMap { Int($0.value) } ?? lastRow + 1
                guard number > lastRow, number <= 1_048_576 else {
                    throw WorkbookError(part: "\(sheet)!\(number)", message: "row \(number) comes after row \(lastRow): the sheet's rows are out of order")
                }
                lastRow = number
                var cells = empty ? [] : try cells(row: number)
                if cells.contains(where: { !$0.isEmpty }) {
                    width = max(width, cells.count)
                    while cells.count < width { cells.append("") }
                }
                return (number, cells)
            default:
                break
            }
        }
        finished = true
        return nil
    }

    /// The cells of the row just opened, up to its end tag.
    private mutating func cells(row: Int) throws(WorkbookError) -> [String] {
        var cells: [String] = []
        while let event = try scanner.next() {
            switch event {
            case .end("row"):
                return cells
            case .start("c", let attributes, let empty):
                var column = cells.count
                var type = "n", style = 0
                for a in attributes {
                    switch a.name {
                    case "r":
                        guard let at = CellReference.parse(a.value), at.row == row else {
                            throw WorkbookError(part: "\(sheet)!\(a.value)", message: "a cell whose address is not in row \(row)")
                        }
                        column = at.column
                    case "t": type = a.value
                    case "s": style = Int(a.value) ?? 0
                    default: break
                    }
                }
                guard column >= cells.count else {
                    throw WorkbookError(part: "\(sheet)!\(CellReference.letters(column))\(row)", message: "a cell written twice, or out of order")
                }
                guard column < 16_384 else { throw WorkbookError(part: "\(sheet)!\(row)", message: "a cell beyond column XFD, the last a sheet has") }
                let value = empty ? "" : try content(type: type, style: style, column: column, row: row)
                while cells.count < column { cells.append("") }
                cells.append(value)
            case .start(let name, _, let empty) where !empty:
                try scanner.skip(name)
            default:
                break
            }
        }
        throw WorkbookError(part: "\(sheet)!\(row)", message: "the sheet ends inside row \(row)")
    }

    /// A cell's text from its `<v>` (or `<is>` for an inline string), by its type.
    private mutating func content(type: String, style: Int, column: Int, row: Int) throws(WorkbookError) -> String {
        var value: String?
        var inline: String?
        while let event = try scanner.next() {
            switch event {
            case .end("c"):
                return try text(of: value, inline: inline, type: type, style: style, column: column, row: row)
            case .start("v", _, let empty):
                value = empty ? "" : try scanner.text(of: "v")
            case .start("is", _, let empty):
                inline = empty ? "" : try scanner.richText(of: "is")
            case .start(let name, _, let empty) where !empty:
                try scanner.skip(name)  // a formula, an extension
            default:
                break
            }
        }
        throw WorkbookError(part: position(column, row), message: "the sheet ends inside the cell")
    }

    /// `Sheet1!C17`, made only for an error.
    private func position(_ column: Int, _ row: Int) -> String { "\(sheet)!\(CellReference.letters(column))\(row)" }

    private func text(of value: String?, inline: String?, type: String, style: Int, column: Int, row: Int) throws(WorkbookError) -> String {
        switch type {
        case "s":
            guard let value, let k = Int(value.trimmingXMLSpace), k >= 0, k < strings.count else {
                throw WorkbookError(part: position(column, row), message: "a text cell pointing at shared string \(value ?? "none"), which the workbook does not have")
            }
            return strings[k]
        case "inlineStr":
            return XStringEscapes.decode(inline ?? value ?? "")
        case "b":
            return value.map { $0.trimmingXMLSpace == "1" || $0.trimmingXMLSpace == "true" ? "true" : "false" } ?? ""
        case "str":
            return XStringEscapes.decode(value ?? "")  // a formula's text
        case "e", "d":
            // An error such as #N/A (left for the scorer to reject as not a number), or an
            // ISO 8601 date as Strict Open XML writes one.
            return value ?? ""
        default:
            // No value, or an empty one: a formula never calculated (openpyxl writes `<v/>`).
            guard let value, !value.trimmingXMLSpace.isEmpty else { return "" }
            let number = value.trimmingXMLSpace
            guard let x = Double(number) else {
                throw WorkbookError(part: position(column, row), message: "a number cell holding \"\(value.prefix(40))\"")
            }
            switch styles.kind(style) {
            case .date: if let date = ExcelDate.iso(x, system1904: system1904) { return date }
            case .percent: return Self.shown(x * 100, stored: "") + "%"
            case .number: break
            }
            return Self.shown(x, stored: number)
        }
    }

    /// A number as Excel shows it: at most 15 significant digits, so a stored
    /// 0.30000000000000004 is 0.3 as in the cell, and as the CSV Excel saves would hold it.
    static func shown(_ x: Double, stored: String) -> String {
        if !stored.isEmpty && stored.utf8.count <= 15 && !stored.utf8.contains(where: { $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") }) { return stored }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        var text = String(format: "%.15g", x)
        if text.contains("e") { return text }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}

extension String {
    /// Without the XML whitespace (space, tab, CR, LF) around a value.
    var trimmingXMLSpace: String {
        guard let first = utf8.first, let last = utf8.last, first > 0x20, last > 0x20 else { return trimmed }
        return self
    }

    private var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\n" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}
