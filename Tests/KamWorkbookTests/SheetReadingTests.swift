import Foundation
import KamTestSupport
import Testing
@testable import KamWorkbook

/// The sheet layer of the workbook reader: XML as spreadsheets write it, cell addresses,
/// Excel's date serials and number formats, and whole workbooks from three producers read
/// into the rows their twin CSVs hold.
struct SheetReadingTests {
    /// A scanner over `text`, fed `piece` bytes at a time.
    func scanner(_ text: String, piece: Int = 1 << 16) -> XMLScanner {
        let bytes = Array(text.utf8)
        var at = 0
        return XMLScanner(part: "test.xml") { buffer in
            let n = min(piece, buffer.count, bytes.count - at)
            for k in 0..<n { buffer[k] = bytes[at + k] }
            at += n
            return n
        }
    }

    func events(_ text: String, piece: Int) throws -> [XMLScanner.Event] {
        var s = scanner(text, piece: piece)
        var out: [XMLScanner.Event] = []
        while let e = try s.next() { out.append(e) }
        return out
    }

    @Test(arguments: [1, 3, 7, 1 << 16])
    func xmlAsSpreadsheetsWriteItReadsTheSameInAnyPieces(_ piece: Int) throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?><!-- a comment --><x:row r="2" spans='1:3'>\
            <x:c r="A2" t="s"/><c r="B2"><v>1 &lt; 2 &amp; &#x42F;&#1071;&quot;</v></c><t><![CDATA[a <b> c]]></t></x:row>
            """
        let got = try events(text, piece: piece)
        #expect(got == [
            .start(name: "row", attributes: [("r", "2"), ("spans", "1:3")], empty: false),
            .start(name: "c", attributes: [("r", "A2"), ("t", "s")], empty: true),
            .start(name: "c", attributes: [("r", "B2")], empty: false), .start(name: "v", attributes: [], empty: false),
            .text("1 < 2 & ЯЯ\""), .end(name: "v"), .end(name: "c"),
            .start(name: "t", attributes: [], empty: false), .text("a <b> c"), .end(name: "t"), .end(name: "row"), .text("\n"),
        ].filter { if case .text("\n") = $0 { return text.hasSuffix("\n") } else { return true } })
    }

    @Test(arguments: [
        ("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x/>", "document type declaration"),
        ("<c r=\"A1\">&bogus;</c>", "unknown entity"), ("<c r=\"A1\"", "ends inside a tag"), ("<c r=A1/>", "not quoted"),
        ("<c r=\"A1/>", "ends inside a tag"), ("<c>a & b</c>", "starts no entity"), ("<!-- open", "ends before"),
    ])
    func malformedXMLIsAnErrorNotACrash(_ text: String, _ expected: String) {
        #expect(throws: WorkbookError.self) { _ = try events(text, piece: 5) }
        do { _ = try events(text, piece: 5) } catch { #expect("\(error)".contains(expected), "\(error)") }
    }

    @Test func cellAddressesAndColumnLetters() {
        #expect(CellReference.parse("A1")! == (0, 1))
        #expect(CellReference.parse("c17")! == (2, 17))
        #expect(CellReference.parse("$AB$3")! == (27, 3))
        #expect(CellReference.parse("XFD1048576")! == (16_383, 1_048_576))
        for bad in ["", "A", "17", "A0", "1A", "ABCD1", "A-1"] { #expect(CellReference.parse(bad) == nil, "\(bad)") }
        for column in [0, 1, 25, 26, 27, 51, 52, 701, 702, 16_383] {
            #expect(CellReference.parse(CellReference.letters(column) + "1")?.column == column)
        }
        #expect(CellReference.letters(0) == "A" && CellReference.letters(26) == "AA" && CellReference.letters(16_383) == "XFD")
    }

    @Test func excelDatesInBothSystems() {
        // Known serials: 1 is 1900-01-01; 59 is 1900-02-28; 60 is the 29 February that never
        // was; 61 is 1900-03-01; 45817 is 2025-06-09; in 1904, 0 is 1904-01-01.
        #expect(ExcelDate.iso(1, system1904: false) == "1900-01-01")
        #expect(ExcelDate.iso(59, system1904: false) == "1900-02-28")
        #expect(ExcelDate.iso(60, system1904: false) == nil)
        #expect(ExcelDate.iso(61, system1904: false) == "1900-03-01")
        #expect(ExcelDate.iso(45817, system1904: false) == "2025-06-09")
        #expect(ExcelDate.iso(45817.75, system1904: false) == "2025-06-09T18:00:00")
        #expect(ExcelDate.iso(0, system1904: true) == "1904-01-01")
        #expect(ExcelDate.iso(45817 - 1462, system1904: true) == "2025-06-09")
        #expect(ExcelDate.iso(-1, system1904: false) == nil && ExcelDate.iso(.nan, system1904: false) == nil)
        // Every day from 1900-03-01 to 2100 against Foundation's calendar.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let base = calendar.date(from: DateComponents(year: 1899, month: 12, day: 30))!
        for serial in stride(from: 61, to: 73_051, by: 97) {
            let date = calendar.date(byAdding: .day, value: serial, to: base)!
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            let expected = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
            #expect(ExcelDate.iso(Double(serial), system1904: false) == expected)
        }
    }

    @Test func numberFormatsThatShowDates() {
        for code in ["dd.mm.yyyy", "d-mmm", "yyyy-mm-dd hh:mm", "[$-419]d\\ mmmm\\ yyyy;@", "DD/MM/YY", "m/d/yy"] {
            #expect(CellStyles.shown(format: code) == .date, "\(code)")
        }
        for code in ["General", "0.00", "#,##0\\ \"дн.\"", "[h]:mm:ss", "mm:ss", "\"day\" 0", "0.0%", "[Red]0;[Blue]-0"] {
            #expect(CellStyles.shown(format: code) != .date, "\(code)")
        }
        #expect(CellStyles.builtInDate(14) && CellStyles.builtInDate(22) && !CellStyles.builtInDate(0) && !CellStyles.builtInDate(20))
        // Excel stores 12% as 0.12: a percentage format must be read as the percentage shown.
        for code in ["0%", "0.00%", "#,##0.0%;[Red]-0.0%"] { #expect(CellStyles.shown(format: code) == .percent, "\(code)") }
        for code in ["0.00", "0\\%", "\"%\" 0", "0;0%"] { #expect(CellStyles.shown(format: code) != .percent, "\(code)") }
    }

    @Test func numbersAreShownAsExcelShowsThem() {
        #expect(SheetRows.shown(0.30000000000000004, stored: "0.30000000000000004") == "0.3")
        #expect(SheetRows.shown(1234567.8899999999, stored: "1234567.8899999999") == "1234567.89")
        #expect(SheetRows.shown(42, stored: "42") == "42")
        #expect(SheetRows.shown(1e20, stored: "1E+20") == "1e+20")
        #expect(SheetRows.shown(12.5, stored: "12.5") == "12.5")
        #expect(SheetRows.shown(1e-7, stored: "1.0000000000000001E-7") == "1e-07")
    }

    /// The rows of a workbook's sheet as CSV text, as the CLI writes them.
    func csv(_ workbook: String, sheet: String? = nil) throws -> String {
        let book = try Workbook(path: TestPaths.fixtures.appending(path: "workbooks/\(workbook)").path)
        var rows = try book.rows(of: sheet)
        var out = ""
        var line = 1
        while let (number, cells) = try rows.next() {
            while line < number { out += "\n"; line += 1 }
            out += cells.map { $0.contains(",") || $0.contains("\"") || $0.contains("\n") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
                .joined(separator: ",") + "\n"
            line += 1
        }
        return out
    }

    @Test func aHandWrittenSparseWorkbookReadsAsItsTwin() throws {
        let twin = try String(contentsOf: TestPaths.fixtures.appending(path: "workbooks/sparse.csv"), encoding: .utf8)
        #expect(try csv("sparse.xlsx") == twin)
    }

    @Test func sheetsAreChosenByNameAndAWrongNameListsThem() throws {
        let book = try Workbook(path: TestPaths.fixtures.appending(path: "workbooks/report-xlsxwriter.xlsx").path)
        #expect(book.sheetNames == ["Инструкция", "Клиенты"])
        #expect(try book.sheet(nil) == "Инструкция")
        #expect(try book.sheet("клиенты") == "Клиенты")
        #expect(throws: WorkbookError.self) { try book.sheet("Customers") }
        do { _ = try book.sheet("Customers") } catch { #expect("\(error)".contains("the sheets are \"Инструкция\", \"Клиенты\""), "\(error)") }
    }

    @Test func officeEscapesAreDecodedAsExcelsCSVWouldHoldThem() {
        #expect(XStringEscapes.decode("line one_x000D_\nline two") == "line one\r\nline two")
        #expect(XStringEscapes.decode("a_x005F_x000D_b") == "a_x000D_b")
        #expect(XStringEscapes.decode("tab_x0009_here") == "tab\there")
        for kept in ["_x", "_x00", "_x12G4_", "snake_case_name", "x_000D_", "_x000D"] { #expect(XStringEscapes.decode(kept) == kept, "\(kept)") }
        // What the writer escapes, the reader gives back.
        for text in ["a_x000D_b", "\u{0B}ctl", "<&>\"", "_x005F_"] { #expect(XStringEscapes.decode(XMLText.escape(text).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")) == text, "\(text)") }
    }
}
