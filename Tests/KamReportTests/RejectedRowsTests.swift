import KamCSV
import Testing
@testable import KamAdvisor
@testable import KamReport

/// The `--errors FILE` CSV: its form must follow the scored list's, or Excel opens the two
/// files beside each other differently.
struct RejectedRowsTests {
    let row = RowError(line: 7, column: "Sales; LTM", message: "=1+1 is not a number")

    @Test func plainIsCommaSeparatedWithoutAMark() {
        let csv = RejectedRows()
        #expect(csv.header == Array("line,column,reason\n".utf8))
        #expect(csv.line(row) == Array("7,Sales; LTM,'=1+1 is not a number\n".utf8))
    }

    @Test func excelTakesTheMarkAndTheListsDialect() {
        let excel = ExcelCSV.form(input: .comma, encoding: nil, language: "ru")
        let csv = RejectedRows(excel: excel)
        #expect(csv.header == ExcelCSV.byteOrderMark + Array("line;column;reason\n".utf8))
        #expect(csv.line(row) == Array("7;\"Sales; LTM\";'=1+1 is not a number\n".utf8))
        #expect(RejectedRows(excel: ExcelCSV.form(input: .comma, encoding: nil, language: "en")).header
                == ExcelCSV.byteOrderMark + Array("line,column,reason\n".utf8))
    }
}
