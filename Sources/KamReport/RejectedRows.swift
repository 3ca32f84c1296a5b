import KamAdvisor
import KamCSV

/// The rows that could not be scored, as the CSV `--errors FILE` holds them:
/// `line,column,reason`, cells that could start a formula neutralised. Every command that
/// writes the file renders it here, so that with `--excel` it takes the scored list's form
/// (a byte-order mark, and its dialect) and opens in Excel as the list beside it does.
public struct RejectedRows: Sendable {
    let dialect: CSVDialect
    let byteOrderMark: Bool

    public init(excel: ExcelCSV? = nil) {
        dialect = excel?.dialect ?? .comma
        byteOrderMark = excel != nil
    }

    /// The start of the file: the byte-order mark Excel needs, then the header line.
    public var header: [UInt8] {
        (byteOrderMark ? ExcelCSV.byteOrderMark : []) + record(["line", "column", "reason"])
    }

    public func line(_ error: RowError) -> [UInt8] {
        record(["\(error.line)", error.column ?? "", error.message])
    }

    private func record(_ fields: [String]) -> [UInt8] {
        var line: [UInt8] = []
        for (i, field) in fields.enumerated() {
            if i > 0 { line.append(dialect.delimiter) }
            Array(field.utf8).withUnsafeBufferPointer { CSVWriter.appendField($0, to: &line, dialect: dialect, neutralizeFormulas: true) }
        }
        line.append(10)
        return line
    }
}
