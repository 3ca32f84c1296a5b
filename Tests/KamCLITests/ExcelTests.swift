import Foundation
import KamCLI
import KamTestSupport
import Testing

/// `kam score --excel`: a byte-order mark always; `;` and a decimal comma in kam's own
/// numbers for a Windows-1251 input, a `;` and decimal-comma input or Russian; `,` and a
/// decimal point otherwise; and what it writes, kam reads back to the same scores.
struct ExcelTests {
    let sample = TestPaths.fixtures.appending(path: "sample/customers.csv").path
    func fixture(_ name: String) -> String { TestPaths.fixtures.appending(path: "customers/\(name)").path }
    let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-excel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// One CSV line's fields, quotes kept: a delimiter inside double quotes belongs to the field.
    func fields(_ line: Substring, _ delimiter: Character) -> [String] {
        var out: [String] = [], field = "", quoted = false
        for c in line {
            if c == "\"" { quoted.toggle(); field.append(c) } else if c == delimiter, !quoted { out.append(field); field = "" } else { field.append(c) }
        }
        return out + [field]
    }

    /// The text after the byte-order mark, which must be there.
    func afterMark(_ path: String) throws -> String {
        let bytes = [UInt8](try readTestData(URL(fileURLWithPath: path)))
        try #require(Array(bytes.prefix(3)) == byteOrderMark, "no byte-order mark at the start of \(path)")
        return String(decoding: bytes.dropFirst(3), as: UTF8.self)
    }

    @Test func theSampleIsTheUsualCSVAfterAByteOrderMark() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appending(path: "scored.csv").path
        let r = kam("score", sample, "--excel", "-o", out)
        #expect(r.code == 0, "\(r.err)")
        let plain = kam("score", sample, "--quiet").out
        #expect(try afterMark(out) == plain)
        #expect(plain.hasPrefix("customer_id,customer_name,") && plain.contains(",82.11,0.95,key,"))
        #expect(r.err.contains("note: --excel: UTF-8 with a byte-order mark, `,` between fields and a decimal point"), "\(r.err)")
        #expect(!kam("score", sample, "--excel", "-o", out, "--quiet").err.contains("--excel"))
        // On a terminal too: --excel asks for the CSV, not the table.
        let console = Console.capture(terminal: true)
        #expect(KamCLI.run(["score", sample, "--excel", "--quiet"], console: console) == 0)
        #expect(console.capturedOut == "\u{FEFF}" + plain)
    }

    @Test func aWindows1251ExportGetsSemicolonsAndDecimalCommas() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appending(path: "scored.csv").path
        let r = kam("score", fixture("1c-export-cp1251.csv"), "--encoding", "cp1251", "--map", fixture("1c-map.json5"), "--excel", "-o", out)
        #expect(r.code == 0, "\(r.err)")
        let text = try afterMark(out)
        #expect(text.hasPrefix("Код клиента;Наименование клиента;Отрасль;Регион;Продажи за 12 месяцев, руб.;"))
        // Input cells as read, no longer quoted; the score and confidence with a decimal comma.
        #expect(text.contains("\nК-0001;АО Северсталь;Химия;Урал;809 378,27;32,3;132 037,80;32,1;кооперация;17;64,15;0,53;candidate;B;;;;\"our sales"), "\(text)")
        // With a decimal comma `-5,9` is a plain number, not a formula to neutralise.
        #expect(text.contains(";-5,9;") && !text.contains("'-5,9"))
        #expect(r.err.contains("`;` between fields and a decimal comma"), "\(r.err)")
        #expect(r.err.contains("chosen for an input in Windows-1251, an input with `;` and a decimal comma\n"), "\(r.err)")
    }

    @Test func russianAsTheLanguageIsEnoughForSemicolons() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appending(path: "scored.csv").path
        let r = kam("score", sample, "--excel", "--lang", "ru", "-o", out)
        #expect(r.code == 0, "\(r.err)")
        let text = try afterMark(out)
        #expect(text.hasPrefix("customer_id;customer_name;industry;"))
        #expect(text.contains(";82,11;0,95;key;"))
        // The input's own numbers keep their decimal point, with no `'` before a negative one.
        #expect(text.contains(";-3.3;") && !text.contains("'-3.3"))
        #expect(r.err.contains("chosen for Russian as the language"))
    }

    @Test func theErrorsFileTakesTheSameForm() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let errors = folder.appending(path: "errors.csv").path
        _ = kam("score", fixture("bad-rows.csv"), "--excel", "--errors", errors, "--quiet")
        #expect(try afterMark(errors).hasPrefix("line,column,reason\n3,Sales LTM,"))
        _ = kam("score", fixture("bad-rows.csv"), "--excel", "--lang", "ru", "--errors", errors, "--quiet")
        #expect(try afterMark(errors).hasPrefix("line;column;reason\n3;Sales LTM;"))
    }

    @Test(arguments: ["jsonl", "json"]) func excelWithJSONIsAUsageError(_ format: String) {
        let r = kam("score", sample, "--excel", "--format", format)
        #expect(r.code == 64)
        #expect(r.err.hasPrefix("error: --excel shapes CSV for Excel, and --format \(format) writes JSON"))
        #expect(r.out.isEmpty)
    }

    /// Each row read back carries the scored columns it was written with and scores them
    /// again: both sets must be the same, in either form, whatever decimal mark the input had.
    @Test(arguments: [
        ([] as [String], ",", 301), (["--lang", "ru"], ";", 301),
        (["--encoding", "cp1251", "--map", TestPaths.fixtures.appending(path: "customers/1c-map.json5").path], ";", 25),
    ])
    func whatExcelGetsKamReadsBackToTheSameScores(_ options: [String], _ delimiter: String, _ lines: Int) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appending(path: "first.csv").path, second = folder.appending(path: "second.csv").path
        let input = options.contains("cp1251") ? fixture("1c-export-cp1251.csv") : sample
        #expect(kam(["score", input] + options + ["--excel", "--quiet", "-o", first]).code == 0)
        // Read back as any list: UTF-8 now, with the same map and language.
        let again = kam(["score", first] + options.filter { $0 != "--encoding" && $0 != "cp1251" } + ["--excel", "--quiet", "-o", second])
        #expect(again.code == 0 && again.err.isEmpty, "\(again.err)")
        let rows = try afterMark(second).split(separator: "\n")
        try #require(rows.count == lines)
        let scored = ["score", "confidence", "tier", "abc_class", "quadrant", "vital_left_out", "relationship_stage", "reasons"]
        #expect(fields(rows[0], Character(delimiter)).suffix(16) == (scored + scored)[...])
        for row in rows.dropFirst() {
            let cells = fields(row, Character(delimiter))
            #expect(cells.suffix(8) == cells.dropLast(8).suffix(8), "\(row)")
        }
    }
}
