import Foundation
import KamCLI
import KamTestSupport
import Testing

/// `kam score` on a terminal: a table of the first screenful (or of `--top N`) that lines up
/// whatever alphabet the names are in, with the scored list's CSV unchanged everywhere else.
struct ScoreTableTests {
    let sample = TestPaths.fixtures.appending(path: "sample/customers.csv").path
    let tiers = ["key", "candidate", "maintain", "transactional"]

    /// Runs `kam` with standard output passing for a terminal of `columns` by `lines`.
    func screen(_ arguments: [String], columns: Int = 100, lines: Int = 25, terminal: Bool = true) -> (code: Int32, out: String, err: String) {
        let console = Console.capture(terminal: terminal, environment: ["COLUMNS": "\(columns)", "LINES": "\(lines)"])
        let code = KamCLI.run(arguments, console: console)
        return (code, console.capturedOut, console.capturedErr)
    }

    func relative(_ text: String) -> String { text.replacingOccurrences(of: TestPaths.packageRoot.path + "/", with: "") }

    /// The table's lines of rows: neither the headings nor the line saying how many more.
    func rows(_ out: String) -> [Substring] { out.split(separator: "\n").dropFirst().filter { !$0.hasPrefix("…") } }

    @Test func aTerminalGetsTheFirstScreenfulAsATable() {
        let r = screen(["score", sample, "--quiet"])
        #expect(r.code == 0, "\(r.err)")
        assertGolden(relative(r.out), named: "score-table.txt")
        // 25 lines less 5 for the headings, the line below, the summary and the prompt.
        #expect(rows(r.out).count == 20)
        #expect(relative(r.out).hasSuffix("… and 280 more accounts: `kam score fixtures/sample/customers.csv --quiet -o scored.csv` writes them all (or `--format csv` prints them here)\n"))
        // The rows are the file's first, in its order.
        #expect(rows(r.out).map { String($0.prefix(6)) } == (1...20).map { String(format: "C-%04d", $0) })
    }

    @Test func theTableSpeaksRussian() {
        let r = screen(["score", sample, "--quiet", "--lang", "ru"])
        #expect(r.code == 0, "\(r.err)")
        assertGolden(relative(r.out), named: "score-table-ru.txt")
        #expect(r.out.hasPrefix("Код     Клиент"))
        #expect(r.out.contains("… и ещё 280 клиентов: `kam score "))
    }

    @Test(arguments: ["en", "ru"]) func cyrillicNamesLineUp(_ language: String) throws {
        let r = screen(["score", sample, "--quiet", "--lang", language, "--top", "40"], columns: 120)
        let lines = r.out.split(separator: "\n")
        try #require(lines.count == 41, "\(r.out)")
        #expect(lines.contains { $0.contains("ООО «") }, "the sample's names must hold Cyrillic for this test to mean anything")
        // A Swift Character is one cell for these names (Cyrillic, Latin, Polish letters): a
        // table that counted bytes would start the tier column further left on Cyrillic rows.
        let heading = language == "ru" ? "Уровень" : "Tier"
        let tierColumn = try #require(lines[0].range(of: heading).map { lines[0].distance(from: lines[0].startIndex, to: $0.lowerBound) })
        for line in lines.dropFirst() {
            let before = line.prefix(tierColumn), at = line.dropFirst(tierColumn)
            #expect(before.hasSuffix("  ") && before.dropLast(2).last?.isNumber == true, "\(line)")
            #expect(tiers.contains { at.hasPrefix($0 + " ") }, "\(line)")
        }
    }

    @Test func namesAndReasonsAreCutToTheWidth() {
        let r = screen(["score", sample, "--quiet", "--top", "30"], columns: 64)
        let lines = r.out.split(separator: "\n")
        #expect(lines.count == 31)
        #expect(lines.allSatisfy { $0.count <= 64 }, "\(r.out)")
        #expect(lines.contains { $0.contains("…  ") }, "a name cut to its column: \(r.out)")
        #expect(lines.dropFirst().allSatisfy { $0.hasSuffix("…") }, "every reason of the sample is longer than the room left")
    }

    @Test func topFiveShowsFiveRowsBestFirstAndNoMoreLine() {
        let r = screen(["score", sample, "--top", "5"])
        #expect(r.code == 0, "\(r.err)")
        #expect(!r.out.contains("more account"))
        let shown = rows(r.out).map { String($0.prefix(6)) }
        #expect(shown.count == 5)
        let csv = kam("score", sample, "--top", "5", "--quiet").out.split(separator: "\n").dropFirst().map { String($0.prefix(6)) }
        #expect(shown == csv)
        // The summary stays on standard error.
        #expect(r.err.contains("300 rows read, 300 scored, 0 rejected"))
    }

    @Test func offATerminalOrWithAFormatTheOutputIsTheCSV() {
        let piped = kam("score", sample, "--quiet").out
        #expect(piped.hasPrefix("customer_id,customer_name,"))
        #expect(screen(["score", sample, "--quiet"], terminal: false).out == piped)
        #expect(screen(["score", sample, "--quiet", "--format", "csv"]).out == piped)
        #expect(screen(["score", sample, "--quiet", "-o", "-"]).out == piped)
        #expect(screen(["score", sample, "--quiet", "--columns", "customer_id,score"]).out.hasPrefix("customer_id,score\nC-0001,"))
        #expect(screen(["score", sample, "--quiet", "--format", "jsonl"]).out.hasPrefix("{\"customer_id\":\"C-0001\""))
    }

    @Test func theMoreLineGivesACommandReadyToPaste() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-table-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "it's a list.csv").path
        try FileManager.default.copyItem(atPath: sample, toPath: file)
        let r = screen(["score", file, "--quiet", "--jobs", "2"], lines: 10)
        #expect(rows(r.out).count == 5)
        #expect(r.out.contains("… and 295 more accounts: `kam score '\(folder.path)/it'\\''s a list.csv' --quiet --jobs 2 -o scored.csv` writes them all"),
                "\(r.out)")
    }
}
