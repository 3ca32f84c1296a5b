import KamCSV

/// A sheet written as the CSV it stands for: one record per sheet row, a blank line for each
/// row the sheet leaves out (as Excel saves it), so that a line of the CSV is the row of the
/// sheet; where a cell holds line breaks the two part, and the positions keep the way back.
public enum SheetCSV {
    /// Writes the rows left in `rows` to `fd` as UTF-8 CSV (`,`, quotes where needed).
    public static func write(_ rows: inout SheetRows, to fd: Int32, path: String) throws(WorkbookError) -> SheetPositions {
        var writer = CSVWriter(fileDescriptor: fd, dialect: .comma)
        var line = 1, row = 1
        var breaks: [(line: Int, row: Int)] = []
        func csv(_ body: () throws(CSVError) -> Void) throws(WorkbookError) {
            do throws(CSVError) { try body() } catch { throw WorkbookError(part: path, message: "cannot write the sheet as CSV: \(error)") }
        }
        while let (number, cells) = try rows.next() {
            while row < number {
                try csv { () throws(CSVError) in try writer.write([String]()) }
                line += 1
                row += 1
            }
            if line != row && breaks.last.map({ line - $0.line != row - $0.row }) ?? true { breaks.append((line, row)) }
            // A row of empty cells (formatting only) is a blank line, as no row at all.
            try csv { () throws(CSVError) in try writer.write(cells.allSatisfy(\.isEmpty) ? [] : cells) }
            line += 1 + cells.reduce(0) { $0 + lineEnds(in: $1) }
            row += 1
        }
        try csv { () throws(CSVError) in try writer.flush() }
        return SheetPositions(sheet: rows.sheet, breaks: breaks)
    }
}

/// Line ends in a cell as the CSV reader counts them: CR LF once, a lone CR or LF once each.
func lineEnds(in text: String) -> Int {
    var count = 0, afterCR = false
    for byte in text.utf8 {
        if byte == 0x0D { count += 1 } else if byte == 0x0A && !afterCR { count += 1 }
        afterCR = byte == 0x0D
    }
    return count
}

/// Where a line of a sheet's CSV came from, so that an error names the cell (`Клиенты!C17`)
/// as the user sees it in Excel.
public struct SheetPositions: Sendable {
    public let sheet: String
    /// Lines from which line and row differ by a new amount, in order.
    let breaks: [(line: Int, row: Int)]

    /// The sheet row of CSV line `line`.
    public func row(_ line: Int) -> Int {
        guard let b = breaks.last(where: { $0.line <= line }) else { return line }
        return b.row + (line - b.line)
    }

    /// `Sheet!C17` for the 0-based column `column`, or `Sheet!17` (the row) without one.
    public func cell(line: Int, column: Int?) -> String {
        let name = sheet.contains(where: { !$0.isLetter && !$0.isNumber && $0 != "_" }) ? "'\(sheet.replacingOccurrences(of: "'", with: "''"))'" : sheet
        return "\(name)!" + (column.map { CellReference.letters($0) } ?? "") + "\(row(line))"
    }
}
