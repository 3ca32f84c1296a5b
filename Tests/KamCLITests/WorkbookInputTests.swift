import Foundation
import KamCLI
import KamTestSupport
import KamWorkbook
import Testing

/// `.xlsx` workbooks wherever a customer list is read: each of the committed workbooks
/// (scripts/make-workbooks.py, three producers) scores as the CSV beside it with the same
/// data; errors name the sheet's cell; other binary files are refused saying what they are.
struct WorkbookInputTests {
    let scratch: ScratchFolder
    var folder: URL { scratch.url }

    init() throws {
        scratch = try ScratchFolder("kam-xlsx")
    }

    func fixture(_ name: String) -> String { TestPaths.fixtures.appending(path: name).path }

    func scored(_ arguments: [String]) throws -> String {
        let out = folder.appending(path: UUID().uuidString + ".csv").path
        let r = kam(["score"] + arguments + ["-o", out, "--quiet"])
        #expect(r.code == 0, "\(r.err)")
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    @Test(arguments: [
        ("workbooks/sample-openpyxl.xlsx", "sample/customers.csv", [String]()),
        ("workbooks/report-xlsxwriter.xlsx", "workbooks/report-xlsxwriter.csv", ["--sheet", "Клиенты"]),
        ("workbooks/sparse.xlsx", "workbooks/sparse.csv", []),
    ])
    func aWorkbookScoresAsTheCSVWithItsData(_ workbook: String, _ twin: String, _ options: [String]) throws {
        let fromBook = try scored([fixture(workbook)] + options)
        let fromCSV = try scored([fixture(twin)])
        #expect(fromBook == fromCSV)
        #expect(fromBook.split(separator: "\n").count >= 4)
    }

    @Test func theReportFromAWorkbookIsTheReportFromItsCSV() {
        let questionnaire = fixture("sample/questionnaire.json5")
        let book = kam("report", "--questionnaire", questionnaire, "--customers", fixture("workbooks/sample-openpyxl.xlsx"), "--format", "json", "--quiet")
        let csv = kam("report", "--questionnaire", questionnaire, "--customers", fixture("sample/customers.csv"), "--format", "json", "--quiet")
        #expect(book.code == 0, "\(book.err)")
        // The same report but for the audit of the input file (its name, size and hash).
        func candidates(_ text: String) -> Substring { text[text.range(of: "\"candidates\"")!.lowerBound...].prefix(20_000) }
        #expect(candidates(book.out) == candidates(csv.out))
        #expect(book.out.contains("sample-openpyxl.xlsx"))
    }

    @Test func anErrorNamesTheSheetsCell() {
        let r = kam("score", fixture("workbooks/sparse.xlsx"), "-o", folder.appending(path: "s.csv").path)
        #expect(r.code == 0)
        #expect(r.err.contains("sparse.xlsx: Data!C6: error: column `revenue_ltm`: `revenue_ltm` is \"#N/A\", not a number"), "\(r.err)")
    }

    @Test func theFirstSheetIsReadAndTheOthersAreNamed() {
        let r = kam("score", fixture("workbooks/report-xlsxwriter.xlsx"))
        #expect(r.code == 1)
        #expect(r.err.contains("read sheet \"Инструкция\" (of \"Инструкция\", \"Клиенты\"; --sheet NAME reads another)"), "\(r.err)")
        let wrong = kam("score", fixture("workbooks/report-xlsxwriter.xlsx"), "--sheet", "Customers")
        #expect(wrong.code == 1)
        #expect(wrong.err.contains("no sheet named \"Customers\"; the sheets are \"Инструкция\", \"Клиенты\""), "\(wrong.err)")
        let notABook = kam("score", fixture("sample/customers.csv"), "--sheet", "Customers")
        #expect(notABook.code == 1 && notABook.err.contains("is not a workbook"))
    }

    @Test func otherBinaryFilesAreRefusedSayingWhatTheyAre() throws {
        func write(_ name: String, _ bytes: [UInt8]) throws -> String {
            let path = folder.appending(path: name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        let cases: [(String, [UInt8], String)] = [
            ("old.xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 600), "Excel 97–2003 workbook (.xls)"),
            ("data.csv.gz", [0x1F, 0x8B, 0x08, 0x00] + [UInt8](repeating: 0, count: 40), "gzip-compressed"),
            ("report.pdf", Array("%PDF-1.7\n".utf8) + [UInt8](repeating: 0, count: 40), "a PDF document"),
            ("cut.xlsx", [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 60), "cannot be read (damaged or cut short)"),
        ]
        for (name, bytes, expected) in cases {
            let r = kam("score", try write(name, bytes))
            #expect(r.code == 1, "\(name)")
            #expect(r.err.contains(expected), "\(name): \(r.err)")
            #expect(!r.err.contains("encoding") && !r.err.contains("UTF-16"), "\(name): \(r.err)")
        }
    }

    @Test func aWorkbookOnStandardInputIsKeptAndRead() throws {
        let binary = TestPaths.productsDirectory.appending(path: "kam")
        let book = fixture("workbooks/sample-openpyxl.xlsx")
        let piped = try runChild(binary, ["score", "-", "--quiet"], input: try Data(contentsOf: URL(fileURLWithPath: book)))
        let named = try runChild(binary, ["score", book, "--quiet"], input: nil)
        #expect(piped.code == 0 && named.code == 0)
        #expect(piped.out == named.out && piped.out.count > 10_000)
    }

    @Test func columnsSaysWhichSheetNotAnEncoding() {
        let r = kam("columns", fixture("workbooks/report-xlsxwriter.xlsx"), "--sheet", "Клиенты")
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("sheet:     \"Клиенты\" of an Excel workbook"))
        #expect(r.out.contains("header:    row 4") && !r.out.contains("encoding:"))
    }

    /// sparse.xlsx with its sheet replaced by `rows` (the XML inside `<sheetData>`).
    func workbook(_ name: String, rows: String) throws -> String {
        let source = try ZipArchive(path: fixture("workbooks/sparse.xlsx"))
        let path = folder.appending(path: name).path
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        var zip = ZipWriter(fileDescriptor: fd, path: path, modified: .earliest)
        for entry in source.entries {
            var bytes = try source.contents(of: entry)
            if entry.name == "xl/worksheets/data.xml" {
                bytes = Array(("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" + rows
                    + "</sheetData></worksheet>").utf8)
            }
            try zip.addEntry(named: entry.name, contents: bytes)
        }
        try zip.finish()
        return path
    }

    @Test func aFormulaNeverCalculatedIsABlankCellAndALineBreakDoesNotMoveTheCellNamed() throws {
        let header = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c></row>"
        let rows = header
            + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>S-1</t></is></c><c r=\"B2\"><f>1+1</f><v/></c><c r=\"C2\"><v>100</v></c></row>"
            + "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>S-2</t></is></c><c r=\"B3\" t=\"inlineStr\"><is><t>two\rlines\r\nand_x000D_ more</t></is></c><c r=\"C3\"><v>200</v></c></row>"
            + "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>S-3</t></is></c><c r=\"C4\" t=\"inlineStr\"><is><t>oops</t></is></c></row>"
        let book = try workbook("formulas.xlsx", rows: rows)
        let out = folder.appending(path: "formulas.csv").path
        let r = kam("score", book, "-o", out)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("formulas.xlsx: Data!C4: error: column `revenue_ltm`"), "\(r.err)")
        let scored = try String(contentsOfFile: out, encoding: .utf8)
        #expect(scored.contains("S-1,,100,"))
        #expect(scored.contains("\"two\rlines\r\nand\r more\""))
    }

    @Test func theSheetsTemporaryCSVIsRemovedAndCSVOptionsAreSetAside() throws {
        let binary = TestPaths.productsDirectory.appending(path: "kam")
        let temporary = folder.appending(path: "tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = temporary.path
        let book = fixture("workbooks/sample-openpyxl.xlsx")
        let r = try runChild(binary, ["score", book, "--encoding", "cp1251", "-o", folder.appending(path: "enc.csv").path], environment: environment)
        #expect(r.code == 0)
        #expect(r.err.contains("--encoding and --delimiter are for CSV files"), "\(r.err)")
        // Read as Unicode, not as cp1251: the names are the sheet's.
        #expect(try String(contentsOfFile: folder.appending(path: "enc.csv").path, encoding: .utf8).contains("ООО «Вегакомплект»"))
        let failing = try runChild(binary, ["score", fixture("workbooks/report-xlsxwriter.xlsx")], environment: environment)
        #expect(failing.code == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
    }

    @Test func aContactsWorkbookGivesTheBuyingCentresOfItsCSV() throws {
        let customers = fixture("sample/customers.csv")
        let book = kam("report", "--customers", customers, "--contacts", fixture("workbooks/contacts.xlsx"), "--format", "json", "--quiet")
        let csv = kam("report", "--customers", customers, "--contacts", fixture("sample/contacts.csv"), "--format", "json", "--quiet")
        #expect(book.code == 0, "\(book.err)")
        func centres(_ text: String) throws -> [String] {
            let json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return try (json["candidates"] as? [[String: Any]] ?? []).map { candidate in
                let centre = try JSONSerialization.data(withJSONObject: candidate["buying_centre"] ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed])
                return "\(candidate["id"] ?? "") " + String(decoding: centre, as: UTF8.self)
            }
        }
        let fromBook = try centres(book.out)
        #expect(fromBook == (try centres(csv.out)))
        #expect(fromBook.count >= 10 && fromBook.contains { $0.contains("diamond") })
    }
}
