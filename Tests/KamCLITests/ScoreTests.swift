import Foundation
import KamCLI
import KamTestSupport
import Testing

/// `kam score` on the customer lists in `fixtures/customers/`, against golden outputs.
struct ScoreTests {
    func fixture(_ name: String) -> String { TestPaths.fixtures.appending(path: "customers/\(name)").path }

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-score-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Paths in messages, made independent of where the checkout is.
    func relative(_ text: String) -> String {
        text.replacingOccurrences(of: TestPaths.packageRoot.path + "/", with: "")
    }

    @Test func aCRMExportIsScoredMappedAndSummarised() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = folder.appending(path: "summary.json").path
        let r = kam("score", fixture("crm-export.csv"), "--summary", summary)
        #expect(r.code == 0, "\(r.err)")
        assertGolden(r.out, named: "score-crm-export.csv")
        assertGolden(try String(contentsOfFile: summary, encoding: .utf8), named: "score-crm-export.summary.json")
        #expect(r.err.contains("  Sales LTM -> revenue_ltm (alias \"Sales LTM\")"))
        // The trap: a CRM's Annual Revenue is the customer's size, not our sales.
        #expect(r.err.contains("  Annual Revenue -> customer_annual_revenue (alias \"Annual Revenue\")"))
        #expect(r.err.contains("40 rows read, 40 scored, 0 rejected"))
    }

    @Test func confidenceIsTheShareOfThePacksWeightARowAnswers() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = try String(contentsOfFile: fixture("crm-export.csv"), encoding: .utf8).split(separator: "\r\n")
        // The same account twice: once whole, once with its wallet share, growth and fit blank.
        var cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[0] = "BLANKS"
        for k in [8, 9, 13] { cells[k] = "" }
        let file = folder.appending(path: "list.csv").path
        try ([String(lines[0]), String(lines[1]), cells.joined(separator: ",")].joined(separator: "\n") + "\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = kam("score", file, "--columns", "Account ID,confidence", "--quiet")
        #expect(r.code == 0, "\(r.err)")
        let rows = r.out.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        let whole = try #require(rows.first { $0[0] == "001A00001" })
        let blanks = try #require(rows.first { $0[0] == "BLANKS" })
        try #require(whole.count == 2 && blanks.count == 2, "\(r.out)")
        let answered = try #require(Double(whole[1])), partial = try #require(Double(blanks[1]))
        // The fixture has no column for some of the pack's inputs, so even the whole row is under 1.
        #expect(answered > 0.5 && answered < 1)
        #expect(partial > 0 && partial < answered - 0.2)
    }

    @Test func stagesAreReadByTheSourcesAndRussianNames() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "stages.csv").path
        try "customer_id,revenue_ltm,relationship_stage\nA,100,Partnership-KAM\nB,50,этап партнёрства\nC,20,Cooperative\nD,10,uncoupling KAM\nE,5,synergy\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = kam("score", file, "--format", "jsonl", "--quiet")
        // The classification (written after the input of the same name) gives the contract's
        // ids, whatever name the file used.
        func count(_ stage: String) -> Int { r.out.components(separatedBy: "\"vital_left_out\":null,\"relationship_stage\":\"\(stage)\"").count - 1 }
        #expect(count("interdependent") == 2 && count("cooperative") == 1 && count("disintegrating") == 1, "\(r.out)")
        #expect(r.err.contains("`relationship_stage` is \"synergy\"; expected one of"), "\(r.err)")
        let csv = kam("score", file, "--columns", "customer_id,score", "--quiet")
        #expect(csv.out.split(separator: "\n").count == 5)
    }

    @Test func aFormulaInACellIsNeutralised() {
        let r = kam("score", fixture("crm-export.csv"), "--columns", "Account Name,score", "--quiet")
        #expect(r.out.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
        #expect(!r.out.contains("\n=HYPERLINK"))
    }

    @Test func aRussianWindows1251ExportWithAMap() {
        let r = kam("score", fixture("1c-export-cp1251.csv"), "--encoding", "cp1251", "--map", fixture("1c-map.json5"),
                    "--format", "jsonl", "--quiet")
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.split(separator: "\n").count == 24)
        assertGolden(r.out, named: "score-1c-export.jsonl")
    }

    @Test func windows1251ReadAsUTF8SaysWhatToDo() {
        let r = kam("score", fixture("1c-export-cp1251.csv"), "--map", fixture("1c-map.json5"), "--quiet")
        #expect(r.code == 1)
        #expect(r.err.contains("--encoding cp1251"))
    }

    @Test func badRowsAreReportedWithTheirLinesAndCounted() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let errors = folder.appending(path: "errors.csv").path
        let summary = folder.appending(path: "summary.json").path
        let r = kam("score", fixture("bad-rows.csv"), "--errors", errors, "--summary", summary, "--quiet")
        #expect(r.code == 0)
        assertGolden(r.out, named: "score-bad-rows.csv")
        assertGolden(try String(contentsOfFile: errors, encoding: .utf8), named: "score-bad-rows.errors.csv")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any])
        #expect(object["rows_read"] as? Int == 8)
        #expect(object["scored"] as? Int == 2)
        #expect(object["rejected"] as? Int == 6)
        let stderr = kam("score", fixture("bad-rows.csv"), "--quiet")
        #expect(relative(stderr.err).contains("fixtures/customers/bad-rows.csv:3: error: column `Sales LTM`: `Sales LTM` is \"lots\", not a number"))
    }

    @Test func strictStopsAtTheFirstBadRowAndWritesNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appending(path: "scored.csv").path
        let r = kam("score", fixture("bad-rows.csv"), "--strict", "-o", out, "--quiet")
        #expect(r.code == 1)
        #expect(relative(r.err).hasPrefix("fixtures/customers/bad-rows.csv:3: error:"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func topKeepsTheBestRowsBestFirst() {
        let r = kam("score", fixture("crm-export.csv"), "--top", "5", "--columns", "Account ID,score", "--quiet")
        let scores = r.out.split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[1])! }
        #expect(scores.count == 5)
        #expect(scores == scores.sorted(by: >))
        let all = kam("score", fixture("crm-export.csv"), "--columns", "score", "--quiet").out
            .split(separator: "\n").dropFirst().map { Double($0)! }.sorted(by: >)
        #expect(Array(all.prefix(5)) == scores)
    }

    @Test func jsonOutputIsOneValidDocument() throws {
        let r = kam("score", fixture("bad-rows.csv"), "--format", "json", "--quiet")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows[0]["tier"] as? String == "key")
    }

    @Test func theResultDoesNotDependOnChunkingOrThreads() throws {
        let one = kam("score", fixture("crm-export.csv"), "--jobs", "1", "--quiet").out
        let two = kam("score", fixture("crm-export.csv"), "--jobs", "2", "--quiet").out
        #expect(one == two)
    }

    @Test func usageErrors() {
        #expect(kam("score").code == 64)
        #expect(kam("score", fixture("crm-export.csv"), "--format", "xml").code == 64)
        #expect(kam("score", fixture("crm-export.csv"), "--columns", "scroe").code == 64)
        #expect(kam("score", fixture("crm-export.csv"), "--jobs", "0").code == 64)
        #expect(kam("score", "/no/such.csv").code == 1)
    }

    @Test func anEmptyFileOrAHeaderAloneIsAnErrorWithNoOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appending(path: "empty.csv"), header = folder.appending(path: "header.csv")
        try Data().write(to: empty)
        try Data("Account ID,Sales LTM\n".utf8).write(to: header)
        let a = kam("score", empty.path, "--quiet")
        #expect(a.code == 1 && a.out.isEmpty && a.err.contains("is empty"))
        let b = kam("score", header.path, "--quiet")
        #expect(b.code == 1 && b.out.isEmpty && b.err.contains("header but no rows"))
    }

    @Test func aMissingRequiredColumnIsNamed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appending(path: "c.csv")
        try Data("Account ID,Annual Revenue\nA1,100\n".utf8).write(to: csv)
        let r = kam("score", csv.path)
        #expect(r.code == 1)
        #expect(r.err.contains("no column for the required input `revenue_ltm`"))
    }
}

/// The built binary on a customer list, from a file and from standard input.
struct ScoreEndToEndTests {
    @Test func fileAndStandardInputGiveTheSameRows() throws {
        let binary = TestPaths.productsDirectory.appending(path: "kam")
        let csv = TestPaths.fixtures.appending(path: "customers/crm-export.csv")
        func run(_ arguments: [String], stdin: Data?) throws -> (Int32, Data) {
            let r = try runChild(binary, arguments, input: stdin)
            return (r.code, r.out)
        }
        let (code, fromFile) = try run(["score", csv.path, "--quiet"], stdin: nil)
        #expect(code == 0)
        let (code2, fromPipe) = try run(["score", "-", "--quiet"], stdin: try Data(contentsOf: csv))
        #expect(code2 == 0)
        #expect(fromFile == fromPipe)
        #expect(fromFile.count > 1000)
    }
}

/// An interrupted `kam score` leaves nothing behind.
struct ScoreInterruptTests {
    @Test func sigintRemovesTheTemporaryOutput() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-sigint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A list long enough to still be scoring when the signal comes.
        let input = folder.appending(path: "big.csv")
        let lines = (0..<1_000).map { i in "A\(i),\(1000 + i % 977).5,\(10 + i % 30),\(i % 40 - 10)\n" }.joined()
        try Data(("Account ID,Sales LTM,Gross Margin %,Growth %\n" + String(repeating: lines, count: 400)).utf8).write(to: input)
        let output = folder.appending(path: "scored.csv")

        let process = Process()
        process.executableURL = TestPaths.productsDirectory.appending(path: "kam")
        process.arguments = ["score", input.path, "-o", output.path, "--quiet"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the temporary output exists, then interrupt.
        var sawTemporary = false
        for _ in 0..<400 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if names.contains(where: { $0.hasPrefix(".scored.csv.kam-") }) {
                sawTemporary = true
                break
            }
            usleep(5_000)
        }
        process.interrupt()
        process.waitUntilExit()
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(sawTemporary)
        if sawTemporary && process.terminationStatus != 0 {
            #expect(process.terminationStatus == 130)
            #expect(left == ["big.csv"])
        } else {
            // The run finished before the signal: then the output must be whole.
            #expect(left == ["big.csv", "scored.csv"])
        }
    }
}

/// Accounts with equal sales are ranked by id, also when ids share their first eight bytes.
struct TieOrderTests {
    @Test func equalMeasuresAreOrderedByWholeId() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-ties-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pack = folder.appending(path: "rank.json5")
        try Data("""
            {
              kind: "account-scoring", id: "rank-only", version: "1", title: "Rank as the score",
              portfolio: { measure: "sales", id: "id" },
              inputs: { id: { type: "string" }, sales: { type: "number", min: 0 } },
              factors: [{ id: "rank", title: "Rank", max: 1000, bands: [{ points: "rank", because: "the rank" }] }],
              tiers: [{ value: "any" }],
            }
            """.utf8).write(to: pack)
        let csv = folder.appending(path: "ties.csv")
        try Data("id,sales\nCUSTOMER-2,100\nCUSTOMER-10,100\nCUSTOMER-1,100\nBIG,500\nSHORT,100\n".utf8).write(to: csv)
        let r = kam("score", csv.path, "--rules", pack.path, "--columns", "id,score", "--quiet")
        #expect(r.code == 0, "\(r.err)")
        // By id among the ties: CUSTOMER-1 < CUSTOMER-10 < CUSTOMER-2 < SHORT.
        #expect(r.out == "id,score\nCUSTOMER-2,4\nCUSTOMER-10,3\nCUSTOMER-1,2\nBIG,1\nSHORT,5\n")
    }
}
