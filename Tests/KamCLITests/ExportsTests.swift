import Foundation
import KamTestSupport
import Testing

/// Customer lists shaped as CRMs, ERPs and Excel write them (`fixtures/exports/`, made by
/// `scripts/make-exports.py`): each scored against golden output, standard error and summary;
/// and the figures of a list are the same with or without its totals line, and with its
/// invoice lines grouped or added up by hand.
struct ExportsTests {
    static let folder = TestPaths.fixtures.appending(path: "exports")

    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        let arguments: [String]
        var testDescription: String { file }
    }

    static let cases = [
        Case(file: "salesforce-report.csv", arguments: []),
        Case(file: "hubspot-companies.csv", arguments: []),
        Case(file: "1c-sales-cp1251.csv", arguments: ["--encoding", "cp1251"]),
        Case(file: "excel-report.csv", arguments: []),
        Case(file: "invoice-lines.csv", arguments: ["--map", "Amount=revenue_ltm"]),
        Case(file: "latin1-customers.csv", arguments: ["--encoding", "cp1252", "--map", "Umsatz 12M=revenue_ltm", "--map", "Kundennummer=customer_id"]),
    ]

    func path(_ file: String) -> String { Self.folder.appending(path: file).path }

    /// Paths and the time taken, taken out so the text is the same on every machine.
    func stable(_ text: String) -> String {
        text.replacingOccurrences(of: TestPaths.packageRoot.path + "/", with: "")
            .replacingOccurrences(of: #" in \d+\.\d+ s\n"#, with: " in … s\n", options: .regularExpression)
    }

    @Test(arguments: cases)
    func eachExportAgainstItsGoldenFiles(_ c: Case) throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-exports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = folder.appending(path: "summary.json").path
        let r = kam(["score", path(c.file), "--summary", summary] + c.arguments)
        #expect(r.code == 0, "\(r.err)")
        let name = c.file.replacingOccurrences(of: ".csv", with: "")
        assertGolden(r.out, named: "exports/\(name).scored.csv")
        assertGolden(stable(r.err), named: "exports/\(name).stderr.txt")
        assertGolden(try String(contentsOfFile: summary, encoding: .utf8), named: "exports/\(name).summary.json")
    }

    func summary(_ arguments: [String]) throws -> [String: Any] {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-exports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "summary.json").path
        let r = kam(["score"] + arguments + ["--summary", file, "-o", folder.appending(path: "out.csv").path, "--quiet"])
        #expect(r.code == 0, "\(r.err)")
        return try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
    }

    static let figures = ["accounts_in_portfolio", "total", "top10_share", "hhi", "gini", "score_sum", "tiers", "classes"]

    /// A JSON value as text with its keys sorted, for comparing.
    func canonical(_ value: Any?) -> String {
        guard let value, let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys]) else { return "nil" }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aTotalsLineChangesNoFigure() throws {
        let with = try summary([path("1c-sales-cp1251.csv"), "--encoding", "cp1251"])
        let without = try summary([path("1c-sales-cp1251-no-totals.csv"), "--encoding", "cp1251"])
        for key in Self.figures {
            #expect(canonical(with[key]) == canonical(without[key]), "\(key)")
        }
        #expect(with["skipped_totals"] as? Int == 1 && without["skipped_totals"] as? Int == 0)
        let scoredWith = kam("score", path("1c-sales-cp1251.csv"), "--encoding", "cp1251", "--quiet").out
        let scoredWithout = kam("score", path("1c-sales-cp1251-no-totals.csv"), "--encoding", "cp1251", "--quiet").out
        #expect(scoredWith == scoredWithout)
    }

    @Test func groupedInvoiceLinesScoreAsTheLinesAddedUpByHand() throws {
        let grouped = try summary([path("invoice-lines.csv"), "--map", "Amount=revenue_ltm"])
        let added = try summary([path("invoice-lines-added.csv"), "--map", "Amount=revenue_ltm"])
        for key in Self.figures {
            #expect(canonical(grouped[key]) == canonical(added[key]), "\(key)")
        }
        #expect(grouped["accounts"] as? Int == 10 && grouped["rows_read"] as? Int == 40)
        #expect(added["grouped_lines"] as? Int == 0)
        // Row by row: the combined columns and every score, tier and class.
        let columns = "Customer ID,Customer,Amount,Margin %,Cost to Serve,score,tier,abc_class,quadrant,relationship_stage,reasons"
        let a = kam("score", path("invoice-lines.csv"), "--map", "Amount=revenue_ltm", "--columns", columns, "--quiet")
        let b = kam("score", path("invoice-lines-added.csv"), "--map", "Amount=revenue_ltm", "--columns", columns, "--quiet")
        #expect(a.code == 0 && b.code == 0)
        #expect(a.out == b.out)
        #expect(a.out.split(separator: "\n").count == 11)
    }
}
