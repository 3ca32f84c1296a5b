import KamAdvisor
import KamCSV

/// The rows that could not be scored, as the CSV `--errors FILE` holds them:
/// `line,column,reason`, cells that could start a formula neutralised; with `--excel`, in the
/// scored list's dialect.
public enum RejectedRows {
    public static func header(_ dialect: CSVDialect = .comma) -> [UInt8] {
        record(["line", "column", "reason"], dialect)
    }

    public static func line(_ error: RowError, _ dialect: CSVDialect = .comma) -> [UInt8] {
        record(["\(error.line)", error.column ?? "", error.message], dialect)
    }

    private static func record(_ fields: [String], _ dialect: CSVDialect) -> [UInt8] {
        var line: [UInt8] = []
        for (i, field) in fields.enumerated() {
            if i > 0 { line.append(dialect.delimiter) }
            Array(field.utf8).withUnsafeBufferPointer { CSVWriter.appendField($0, to: &line, dialect: dialect, neutralizeFormulas: true) }
        }
        line.append(10)
        return line
    }
}
