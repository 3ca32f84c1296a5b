import KamCSV

/// Writes rows of text as one sheet of an `.xlsx` workbook that Excel and LibreOffice open:
/// numbers as numbers (so they sum and sort), other cells as inline strings (no shared-string
/// table to hold in memory), the header row bold and frozen, and columns as wide as the
/// header and the first thousand rows need. The archive's entries are stored, each with its
/// CRC-32; the same rows give the same bytes.
public struct SheetWriter {
    /// Most rows a sheet holds, the header included.
    public static let maxRows = 1_048_576

    private let maxRows: Int
    private var zip: ZipWriter
    private let path: String
    private let sheet: String
    private let textColumns: Set<Int>
    private let dialect: CSVDialect
    /// Rows held until the column widths are known.
    private var held: [[String]] = []
    private var started = false
    private var row = 0
    private var out: [UInt8] = []

    /// `textColumns` are kept as text whatever they hold (ids: `00123` is not 123); numbers
    /// in the other columns are read with `dialect`'s decimal mark.
    public init(fileDescriptor fd: Int32, path: String, sheet: String, textColumns: Set<Int>, dialect: CSVDialect,
                modified: ZipTimestamp = ZipTimestamp(year: 2026, month: 1, day: 1), maxRows: Int = SheetWriter.maxRows) {
        self.maxRows = maxRows
        zip = ZipWriter(fileDescriptor: fd, path: path, modified: modified)
        self.path = path
        self.sheet = String(sheet.prefix(31))
        self.textColumns = textColumns
        self.dialect = dialect
    }

    /// Adds a row; the first is the header.
    public mutating func append(_ cells: [String]) throws(WorkbookError) {
        guard row < maxRows else {
            throw WorkbookError(part: path, message: "more than \(maxRows) rows, the most an Excel sheet holds, header included: nothing was written; write CSV instead (-o FILE.csv)")
        }
        row += 1
        if !started {
            held.append(cells)
            if held.count > 1000 { try start() }
            return
        }
        writeRow(row, cells)
        if out.count >= 1 << 20 { try flush() }
    }

    /// Ends the sheet and writes the parts that describe the workbook.
    public mutating func finish() throws(WorkbookError) {
        if !started { try start() }
        out += Array("</sheetData></worksheet>".utf8)
        try flush()
        try zipping { () throws(ZipError) in
            try zip.endEntry()
            try zip.addEntry(named: "[Content_Types].xml", contents: Array(WorkbookParts.contentTypes.utf8))
            try zip.addEntry(named: "_rels/.rels", contents: Array(WorkbookParts.packageRelationships.utf8))
            try zip.addEntry(named: "xl/workbook.xml", contents: Array(WorkbookParts.workbook(sheet: XMLText.escape(sheet)).utf8))
            try zip.addEntry(named: "xl/_rels/workbook.xml.rels", contents: Array(WorkbookParts.workbookRelationships.utf8))
            try zip.addEntry(named: "xl/styles.xml", contents: Array(WorkbookParts.styles.utf8))
            try zip.finish()
        }
    }

    // MARK: The sheet

    private mutating func start() throws(WorkbookError) {
        started = true
        try zipping { () throws(ZipError) in try zip.beginEntry(named: "xl/worksheets/sheet1.xml") }
        out += Array(WorkbookParts.sheetStart(widths: widths()).utf8)
        for (k, cells) in held.enumerated() { writeRow(k + 1, cells) }
        held = []
    }

    /// Each column's width in characters: its widest cell among the rows held, between 6 and 60.
    private func widths() -> [Double] {
        var widths: [Int] = []
        for cells in held {
            for (c, cell) in cells.enumerated() {
                if c >= widths.count { widths.append(0) }
                widths[c] = max(widths[c], min(60, cell.count))
            }
        }
        return widths.enumerated().map { c, w in Double(max(6, w + (c == 0 ? 1 : 2))) }
    }

    private mutating func writeRow(_ r: Int, _ cells: [String]) {
        out += Array("<row r=\"\(r)\">".utf8)
        for (c, cell) in cells.enumerated() where !cell.isEmpty {
            let reference = CellReference.letters(c) + String(r)
            if r > 1, !textColumns.contains(c), let number = number(cell) {
                out += Array("<c r=\"\(reference)\"><v>\(number)</v></c>".utf8)
            } else {
                let space = cell.first == " " || cell.last == " " || cell.contains("\n") ? " xml:space=\"preserve\"" : ""
                out += Array("<c r=\"\(reference)\" t=\"inlineStr\"\(r == 1 ? " s=\"1\"" : "")><is><t\(space)>".utf8)
                out += Array(XMLText.escape(cell).utf8)
                out += Array("</t></is></c>".utf8)
            }
        }
        out += Array("</row>".utf8)
    }

    /// The number a cell shows, as the sheet stores it, when the cell is one: a plain number
    /// with a decimal point (as kam writes its own figures) or the list's own decimal mark,
    /// at most 15 significant digits and no leading zero or plus (which mark a code, not an
    /// amount); nil otherwise, and the cell stays text.
    func number(_ cell: String) -> String? {
        let bytes = Array(cell.utf8)
        // `+7 916 …` and `+79161234567` are telephone numbers: a plus marks a code, as a
        // leading zero does.
        if bytes.first == UInt8(ascii: "+") { return nil }
        let unsigned = bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") ? bytes.dropFirst() : bytes[...]
        for decimal in Set([UInt8(ascii: "."), dialect.decimalSeparator]).sorted() {
            guard bytes.withUnsafeBufferPointer({ CSVWriter.isPlainNumber($0, decimal: decimal) }) else { continue }
            let mantissa = bytes.prefix { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }
            guard mantissa.filter({ $0 >= 0x30 && $0 <= 0x39 }).drop(while: { $0 == 0x30 }).count <= 15 else { return nil }
            if unsigned.count > 1, unsigned.first == 0x30, unsigned.dropFirst().first != decimal { return nil }
            guard let x = CSVNumber.parse(bytes, dialect: CSVDialect(delimiter: 0, decimalSeparator: decimal)), x.isFinite else { return nil }
            return decimal == UInt8(ascii: ".") ? cell : "\(x)"
        }
        return nil
    }

    private mutating func flush() throws(WorkbookError) {
        let bytes = out
        out.removeAll(keepingCapacity: true)
        try zipping { () throws(ZipError) in try zip.write(bytes) }
    }

    private func zipping(_ body: () throws(ZipError) -> Void) throws(WorkbookError) {
        do throws(ZipError) { try body() } catch { throw WorkbookError(part: path, message: "\(error)") }
    }
}

/// Text as XML character data: the five special characters escaped, the control characters
/// XML cannot hold written as Excel writes them (`_x000B_`), and a literal `_x000D_` kept
/// literal (`_x005F_x000D_`), since Excel would read it as an escape.
enum XMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            if scalar == "_", i + 6 < scalars.count, scalars[i + 1] == "x", scalars[i + 6] == "_",
               scalars[(i + 2)..<(i + 6)].allSatisfy({ $0.properties.isASCIIHexDigit }) {
                out += "_x005F_"
                continue
            }
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\r": out += "_x000D_"  // XML readers turn a raw CR into LF; Excel writes it so
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "_x" + String(repeating: "0", count: 4 - hex.count) + hex + "_"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
