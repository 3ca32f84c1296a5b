import Foundation
import KamCLI
import KamCSV
import KamTestSupport
import KamWorkbook
import Testing

/// `kam score -o scored.xlsx`: a workbook whose sheet holds what the CSV output holds, with
/// numbers as numbers, the header frozen, and that LibreOffice opens (checked where it is
/// installed: `.ci/run` installs it).
struct WorkbookOutputTests {
    let scratch: ScratchFolder
    var folder: URL { scratch.url }
    let sample = TestPaths.fixtures.appending(path: "sample/customers.csv").path

    init() throws {
        scratch = try ScratchFolder("kam-xlsx-out")
    }

    /// The records of a CSV file.
    func records(_ path: String) throws -> [[String]] {
        var reader = try CSVReader(path: path)
        var record = CSVRecord()
        var out: [[String]] = []
        while try reader.next(into: &record) { out.append(record.strings) }
        return out
    }

    /// The rows of a workbook's first sheet, as our reader reads them.
    func rows(_ path: String) throws -> [[String]] {
        var rows = try Workbook(path: path).rows(of: nil)
        var out: [[String]] = []
        while let (_, cells) = try rows.next() { out.append(cells) }
        return out
    }

    func entry(_ book: String, _ name: String) throws -> String {
        let archive = try ZipArchive(path: book)
        return String(decoding: try archive.contents(of: try #require(archive.entry(named: name))), as: UTF8.self)
    }

    @Test func theSheetHoldsWhatTheCSVHolds() throws {
        let book = folder.appending(path: "scored.xlsx").path, csv = folder.appending(path: "scored.csv").path
        #expect(kam("score", sample, "-o", book, "--quiet").code == 0)
        #expect(kam("score", sample, "-o", csv, "--quiet").code == 0)
        let expected = try records(csv)
        let got = try rows(book)
        #expect(got.count == 301)
        // Empty trailing cells are not written; every other cell is the CSV's.
        for (row, want) in zip(got, expected) {
            #expect(row + [String](repeating: "", count: max(0, want.count - row.count)) == want)
        }
        let sheet = try entry(book, "xl/worksheets/sheet1.xml")
        #expect(sheet.contains("<c r=\"E2\"><v>289512.11</v></c>"), "sales are a number")
        #expect(sheet.contains("<c r=\"A2\" t=\"inlineStr\"><is><t>C-0001</t></is></c>"), "the id is text")
        #expect(sheet.contains("state=\"frozen\"") && sheet.contains("<cols><col min=\"1\" max=\"1\""))
        // The same rows make the same bytes.
        let again = folder.appending(path: "again.xlsx").path
        #expect(kam("score", sample, "-o", again, "--quiet").code == 0)
        #expect(FileManager.default.contents(atPath: book) == FileManager.default.contents(atPath: again))
    }

    @Test func anIdThatLooksLikeANumberStaysText() throws {
        let list = folder.appending(path: "codes.csv").path
        try "customer_id,revenue_ltm\n00123,1000\n4501,2000.5\n".write(toFile: list, atomically: true, encoding: .utf8)
        let book = folder.appending(path: "codes.xlsx").path
        #expect(kam("score", list, "-o", book, "--quiet").code == 0)
        let sheet = try entry(book, "xl/worksheets/sheet1.xml")
        #expect(sheet.contains("<t>00123</t>") && sheet.contains("<t>4501</t>"))
        #expect(sheet.contains("<v>2000.5</v>"))
        #expect(try rows(book)[1][0] == "00123")
    }

    @Test func formatWinsOverTheExtensionAndExcelIsForCSV() throws {
        let path = folder.appending(path: "really.xlsx").path
        #expect(kam("score", sample, "-o", path, "--format", "csv", "--quiet").code == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("customer_id,"))
        let excel = kam("score", sample, "-o", folder.appending(path: "x.xlsx").path, "--excel")
        #expect(excel.code == 64 && excel.err.contains("needs no shaping"))
    }

    @Test func aSheetRefusesMoreRowsThanExcelHolds() throws {
        let path = folder.appending(path: "long.xlsx").path
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        var sheet = SheetWriter(fileDescriptor: fd, path: path, sheet: "s", textColumns: [], dialect: .comma, maxRows: 3)
        for k in 0..<3 { try sheet.append(["row \(k)"]) }
        #expect(throws: WorkbookError.self) { try sheet.append(["row 3"]) }
        do { try sheet.append(["row 3"]) } catch { #expect("\(error)".contains("more than 3 rows") && "\(error)".contains("write CSV instead")) }
    }

    @Test func libreOfficeOpensItAsTheCSV() throws {
        guard let office = ["/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/local/bin/soffice"].first(where: FileManager.default.isExecutableFile)
        else {
            print("skipped: LibreOffice is not installed here (.ci/run installs libreoffice-calc-nogui)")
            return
        }
        let book = folder.appending(path: "scored.xlsx").path, csv = folder.appending(path: "scored.csv").path
        #expect(kam("score", sample, "-o", book, "--quiet").code == 0)
        #expect(kam("score", sample, "-o", csv, "--quiet").code == 0)
        let converted = folder.appending(path: "lo")
        let profile = folder.appending(path: "lo-profile").path
        let r = try runChild(URL(fileURLWithPath: office),
                             ["-env:UserInstallation=file://\(profile)", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
                              "--outdir", converted.path, book], input: nil)
        #expect(r.code == 0, "\(r.err)")
        let fromOffice = try records(converted.appending(path: "scored.csv").path)
        let fromKam = try records(csv)
        #expect(fromOffice.count == fromKam.count)
        // A number cell shows as a number: `16.0` in the CSV is 16 in the sheet.
        func same(_ a: String, _ b: String) -> Bool { a == b || (Double(a) != nil && Double(a) == Double(b)) }
        for (a, b) in zip(fromOffice, fromKam) {
            #expect(a.count == b.count && zip(a, b).allSatisfy(same), "\(a)\n\(b)")
        }
    }
}
