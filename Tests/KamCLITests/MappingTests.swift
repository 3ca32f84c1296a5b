import Foundation
import KamTestSupport
import Testing

/// Mapping columns to inputs as a user meets it: `--map` pairs on the command line, errors
/// that list the file's columns and give a line to paste, and `kam columns`.
struct MappingTests {
    let scratch: ScratchFolder
    init() throws { scratch = try ScratchFolder("kam-map") }

    /// A file of its own folder (tests write beside it), inside the suite's scratch folder.
    func temporaryFile(_ text: String, _ name: String = "list.csv") throws -> String {
        let folder = scratch.url.appending(path: UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appending(path: name).path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static let russian = "Контрагент;ИНН;Сумма отгрузок;Прочее\nАльфа;7701;1 000,50;x\nБета;7702;2 000;y\n"

    @Test func aMissingColumnErrorListsTheColumnsAndALineToPaste() throws {
        let path = try temporaryFile("Acct,Name,Revenue Last 12M\nA1,x,1\n")
        let r = kam("score", path, "--quiet")
        #expect(r.code == 1)
        #expect(r.err.contains("no column for the required input `revenue_ltm`"))
        #expect(r.err.contains("note: the file's columns: `Acct`, `Name`, `Revenue Last 12M`"))
        #expect(r.err.contains("--map 'Revenue Last 12M=revenue_ltm'"), "\(r.err)")
        #expect(r.err.contains("--map 'COLUMN=customer_id'"), "\(r.err)")
        // The line it suggests works as it is.
        let fixed = kam("score", path, "--map", "Revenue Last 12M=revenue_ltm", "--map", "Acct=customer_id", "--quiet")
        #expect(fixed.code == 0, "\(fixed.err)")
        #expect(fixed.out.hasPrefix("Acct,Name,Revenue Last 12M,score"))
    }

    @Test func mapPairsRepeatSplitAtTheLastEqualsAndLeaveColumnsOut() throws {
        let path = try temporaryFile(Self.russian.replacingOccurrences(of: "Сумма отгрузок", with: "Выручка = отгрузки, руб."))
        let r = kam("score", path, "--map", "Выручка = отгрузки, руб.=revenue_ltm", "--map", "Контрагент=", "--columns", "ИНН,score")
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("Выручка = отгрузки, руб. -> revenue_ltm (--map)"))
        #expect(r.err.contains("Контрагент: left out (--map)"))
        #expect(r.out == "ИНН,score\n7701,66.67\n7702,73.33\n")
        let wrong = kam("score", path, "--map", "Выручка=revenue_ltm", "--quiet")
        #expect(wrong.code == 1)
        #expect(wrong.err.contains("`--map` names the column `Выручка`, which the file does not have"), "\(wrong.err)")
        let typo = kam("score", path, "--map", "nosuch.json5", "--quiet")
        #expect(typo.code == 1)
        #expect(typo.err.contains("cannot read the --map file nosuch.json5: no such file"), "\(typo.err)")
    }

    @Test func rouble1CHeadersAreKnown() throws {
        let path = try temporaryFile("Контрагент;ИНН;Выручка, руб.\nАльфа;7701;1 000,50\n")
        let r = kam("score", path, "-o", "/dev/null")
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("Выручка, руб. -> revenue_ltm (alias \"Выручка, руб.\")"))
        #expect(r.err.contains("ИНН -> customer_id"))
        #expect(r.err.contains("Контрагент -> customer_name"))
    }

    @Test func columnsShowsHowAFileWillBeRead() throws {
        let path = try temporaryFile("Отчёт по продажам за 2025 год;;;\n;;;\n" + Self.russian)
        let r = kam("columns", path)
        #expect(r.code == 1, "revenue_ltm has no column: \(r.err)")
        #expect(r.out.contains("encoding:  UTF-8 (detected; --encoding sets it)"))
        #expect(r.out.contains("dialect:   delimiter `;`, decimal comma"))
        #expect(r.out.contains("header:    line 3; above it, a title: \"Отчёт по продажам за 2025 год\""))
        #expect(r.out.contains("Контрагент      Альфа | Бета      customer_name (alias \"Контрагент\")"), "\(r.out)")
        #expect(r.out.contains("ИНН             7701 | 7702       customer_id (alias \"ИНН\")"))
        #expect(r.out.contains("Прочее          x | y             not used by pack `accounts`"))
        #expect(r.out.contains("missing:   revenue_ltm"))
        #expect(r.err.contains("no column for the required input `revenue_ltm`"))
        let mapped = kam("columns", path, "--map", "Сумма отгрузок=revenue_ltm")
        #expect(mapped.code == 0)
        #expect(mapped.out.contains("1 000,50 | 2 000  revenue_ltm (--map)"), "\(mapped.out)")
        #expect(!mapped.out.contains("missing:"))
    }

    /// `empty: 0` in a pack: a blank sales cell is no sales (Salesforce leaves "Closed Won
    /// Amount" blank), in the scores and in the portfolio alike; without it the row is
    /// rejected; and a file without the column is still an error either way.
    @Test func aBlankCellTakesThePacksEmptyValue() throws {
        let list = try temporaryFile("Account ID,Account Name,Closed Won Amount\nA1,One,1000\nA2,Two,\nA3,Three,3000\n")
        let folder = URL(fileURLWithPath: list).deletingLastPathComponent()
        let pack = try String(contentsOf: TestPaths.rules.appending(path: "accounts.json5"), encoding: .utf8)
            .replacingOccurrences(of: "type: \"number\", aggregate: \"sum\", unit: { en: \"currency\", ru: \"в валюте файла\" }, min: 0,\n",
                                  with: "type: \"number\", aggregate: \"sum\", unit: { en: \"currency\", ru: \"в валюте файла\" }, min: 0, empty: 0,\n")
        #expect(pack.contains("empty: 0,"))
        let packPath = folder.appending(path: "accounts.json5").path
        try pack.write(toFile: packPath, atomically: false, encoding: .utf8)
        let summary = folder.appending(path: "summary.json").path
        let blankIsZero = kam("score", list, "--rules", packPath, "--map", "Closed Won Amount=revenue_ltm", "--summary", summary,
                              "--columns", "Account ID,score", "--quiet")
        #expect(blankIsZero.code == 0, "\(blankIsZero.err)")
        #expect(blankIsZero.out.split(separator: "\n").count == 4)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any])
        #expect(object["accounts_in_portfolio"] as? Int == 3)
        #expect(object["total"] as? Double == 4000)
        let bundled = kam("score", list, "--map", "Closed Won Amount=revenue_ltm", "--quiet")
        #expect(bundled.code == 0)
        #expect(bundled.err.contains(":3: error: column `Closed Won Amount`: `Closed Won Amount` is empty; `revenue_ltm` is required"), "\(bundled.err)")
        let noColumn = try temporaryFile("Account ID,Account Name\nA1,One\n")
        let missing = kam("score", noColumn, "--rules", packPath, "--quiet")
        #expect(missing.code == 1)
        #expect(missing.err.contains("no column for the required input `revenue_ltm`"))
    }
}
