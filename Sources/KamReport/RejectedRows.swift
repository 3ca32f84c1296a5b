import KamAdvisor
import KamCSV

/// The rows that could not be scored, as the CSV `--errors FILE` holds them:
/// `line,column,reason`, cells that could start a formula neutralised.
public enum RejectedRows {
    public static let header = Array("line,column,reason\n".utf8)

    public static func line(_ error: RowError) -> [UInt8] {
        var line: [UInt8] = []
        for (i, field) in ["\(error.line)", error.column ?? "", error.message].enumerated() {
            if i > 0 { line.append(44) }
            Array(field.utf8).withUnsafeBufferPointer { CSVWriter.appendField($0, to: &line, dialect: .comma, neutralizeFormulas: true) }
        }
        line.append(10)
        return line
    }
}
