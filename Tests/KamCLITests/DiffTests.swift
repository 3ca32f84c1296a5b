import Foundation
import KamCLI
import KamTestSupport
import Testing

/// `kam diff`: the sample supplier's list and the same list a year on (made by
/// scripts/sample-next-year.py with known changes), scored and compared; each move's stated
/// cause is the input that was changed; a run against itself is empty, and the two directions
/// mirror each other.
struct DiffTests {
    let scratch: ScratchFolder
    var folder: URL { scratch.url }
    let old: String
    let new: String

    init() throws {
        scratch = try ScratchFolder("kam-diff")
        let folder = scratch.url
        old = folder.appending(path: "scored-2025.csv").path
        new = folder.appending(path: "scored-2026.csv").path
        for (list, out) in [("sample/customers.csv", old), ("diff/customers-next-year.csv", new)] {
            let r = kam("score", TestPaths.fixtures.appending(path: list).path, "-o", out, "--quiet")
            #expect(r.code == 0, "\(r.err)")
        }
    }

    func json(_ a: String, _ b: String) throws -> [String: Any] {
        let r = kam("diff", a, b, "--format", "json")
        #expect(r.code == 0, "\(r.err)")
        return try #require(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    }

    func moves(_ d: [String: Any]) -> [String: [String: Any]] {
        Dictionary(((d["moves"] as? [[String: Any]]) ?? []).map { ($0["id"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test(arguments: [("text", "diff-sample.txt"), ("markdown", "diff-sample.md"), ("json", "diff-sample.json"), ("html", "diff-sample.html")])
    func theYearsChangesInEveryFormat(_ format: String, _ golden: String) {
        let r = kam("diff", old, new, "--format", format)
        #expect(r.code == 0, "\(r.err)")
        assertGolden(r.out.replacingOccurrences(of: folder.path + "/", with: ""), named: golden)
    }

    @Test func eachMoveIsExplainedByTheInputThatWasChanged() throws {
        let d = try json(old, new)
        let m = moves(d)
        let expected: [String: Set<String>] = [
            "C-0070": ["on_time_delivery_pct", "key_contact_changed_12m"], "C-0181": ["on_time_delivery_pct", "open_complaints"],
            "C-0195": ["on_time_delivery_pct"],
        ]
        for (id, inputs) in expected {
            let move = try #require(m[id], "\(id) did not move")
            let named = Set(((move["class_inputs"] as? [[String: Any]]) ?? []).compactMap { $0["input"] as? String })
                .union(((move["factors"] as? [[String: Any]]) ?? []).flatMap { ($0["inputs"] as? [[String: Any]] ?? []).compactMap { $0["input"] as? String } })
            #expect(named == inputs, "\(id): \(named)")
            #expect(move["direction"] as? String == "down")
            let shifts = (move["shifts"] as? [[String: Any]] ?? []).map { "\($0["name"]!)→\($0["after"]!)" }
            #expect(shifts.contains("relationship_stage→disintegrating"), "\(id): \(shifts)")
        }
        // No other account had an input changed: every other move is the portfolio's doing.
        for (id, move) in m where expected[id] == nil {
            let factors = move["factors"] as? [[String: Any]] ?? []
            #expect(factors.allSatisfy { $0["cause"] as? String == "portfolio" }, "\(id)")
            #expect((move["class_inputs"] as? [Any])?.isEmpty == true, "\(id)")
        }
        #expect((d["appeared"] as? [[String: Any]])?.map { $0["id"] as? String } == ["C-0301"])
        #expect((d["disappeared"] as? [[String: Any]])?.map { $0["id"] as? String } == ["C-0005"])
        let fired = Set((d["risks_fired"] as? [[String: Any]] ?? []).map { "\($0["id"]!) \($0["risk"]!)" })
        #expect(fired.isSuperset(of: ["C-0070 delivery_unreliable", "C-0070 key_contact_changed", "C-0181 open_complaints", "C-0195 delivery_unreliable"]))
    }

    @Test func aRunAgainstItselfIsEmpty() throws {
        let d = try json(new, new)
        #expect((d["moves"] as? [Any])?.isEmpty == true)
        #expect((d["appeared"] as? [Any])?.isEmpty == true && (d["disappeared"] as? [Any])?.isEmpty == true)
        #expect((d["risks_fired"] as? [Any])?.isEmpty == true && (d["risks_cleared"] as? [Any])?.isEmpty == true)
        #expect(d["unchanged"] as? Int == 300)
    }

    @Test func theTwoDirectionsMirrorEachOther() throws {
        let forward = try json(old, new), backward = try json(new, old)
        let f = moves(forward), b = moves(backward)
        #expect(Set(f.keys) == Set(b.keys))
        let flip = ["up": "down", "down": "up", "across": "across"]
        for (id, move) in f {
            let back = try #require(b[id])
            #expect(flip[move["direction"] as! String] == back["direction"] as? String, "\(id)")
            let there = (move["shifts"] as? [[String: String]] ?? []).map { [$0["name"]!, $0["before"]!, $0["after"]!] }
            let again = (back["shifts"] as? [[String: String]] ?? []).map { [$0["name"]!, $0["after"]!, $0["before"]!] }
            #expect(there == again, "\(id)")
        }
        func ids(_ d: [String: Any], _ key: String) -> [String] { (d[key] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
        #expect(ids(forward, "appeared") == ids(backward, "disappeared") && ids(forward, "disappeared") == ids(backward, "appeared"))
        func risks(_ d: [String: Any], _ key: String) -> Set<String> { Set((d[key] as? [[String: Any]] ?? []).map { "\($0["id"]!) \($0["risk"]!)" }) }
        #expect(risks(forward, "risks_fired") == risks(backward, "risks_cleared"))
        #expect(risks(forward, "risks_cleared") == risks(backward, "risks_fired"))
    }

    @Test func aListWithoutItsInputsIsRefusedWithTheWayOut() throws {
        let narrow = folder.appending(path: "narrow.csv").path
        #expect(kam("score", TestPaths.fixtures.appending(path: "sample/customers.csv").path, "--columns", "customer_id,score,tier", "-o", narrow, "--quiet").code == 0)
        let r = kam("diff", narrow, new)
        #expect(r.code == 1)
        #expect(r.err.contains("is not a list in `kam score`'s default form"), "\(r.err)")
        #expect(r.err.contains("without --columns"))
    }

    @Test func theReportSaysWhatChangedSinceThePreviousRun() throws {
        let next = TestPaths.fixtures.appending(path: "diff/customers-next-year.csv").path
        let r = kam("report", "--customers", next, "--previous-customers", old, "--format", "json", "--quiet")
        #expect(r.code == 0, "\(r.err)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let changes = try #require(report["changes"] as? [String: Any])
        // The same comparison as kam diff of the two scored lists.
        let direct = try json(old, new)
        #expect(Set(moves(changes).keys) == Set(moves(direct).keys))
        #expect((changes["appeared"] as? [[String: Any]])?.first?["id"] as? String == "C-0301")
        let inputs = (report["audit"] as? [String: Any])?["inputs"] as? [[String: Any]] ?? []
        #expect(inputs.contains { $0["role"] as? String == "previous" })
        let markdown = kam("report", "--customers", next, "--previous-customers", old, "--format", "markdown", "--quiet").out
        #expect(markdown.contains("## What changed since the previous run"))
        #expect(markdown.contains("| **АО «Уралмонтаж»** (C-0070) | quadrant strategic → star; relationship_stage cooperative → disintegrating |"))
        // Without it, no section and no changes.
        let plain = try #require(JSONSerialization.jsonObject(with: Data(kam("report", "--customers", next, "--format", "json", "--quiet").out.utf8)) as? [String: Any])
        #expect(plain["changes"] is NSNull)
        #expect(kam("report", "--questionnaire", TestPaths.fixtures.appending(path: "sample/questionnaire.json5").path, "--previous-customers", old).code == 64)
    }

    @Test func theSummariesSayWhichRulesMadeEachRunAndRefuseWhatCannotBeCompared() throws {
        let sample = TestPaths.fixtures.appending(path: "sample/customers.csv").path
        let oldSummary = folder.appending(path: "old.json").path, newSummary = folder.appending(path: "new.json").path
        #expect(kam("score", sample, "-o", folder.appending(path: "again.csv").path, "--summary", oldSummary, "--quiet").code == 0)
        #expect(kam("score", TestPaths.fixtures.appending(path: "diff/customers-next-year.csv").path, "-o", folder.appending(path: "again2.csv").path,
                    "--summary", newSummary, "--quiet").code == 0)
        let same = kam("diff", old, new, "--summaries", oldSummary, "--summaries", newSummary)
        #expect(same.code == 0, "\(same.err)")
        #expect(same.out.contains("The runs were made with `accounts` 1.0.0"))
        #expect(!same.out.contains("different rules"))
        let without = kam("diff", old, new)
        #expect(without.out.contains("Which rules made each run is not known"))
        // Another version of the pack made the new run: said first.
        let other = folder.appending(path: "other.json").path
        try String(contentsOfFile: newSummary, encoding: .utf8).replacingOccurrences(of: "\"version\": \"1.0.0\"", with: "\"version\": \"1.1.0\"")
            .replacingOccurrences(of: "\"sha256\": \"", with: "\"sha256\": \"0").write(toFile: other, atomically: true, encoding: .utf8)
        let differ = kam("diff", old, new, "--summaries", oldSummary, "--summaries", other, "--format", "json")
        #expect(differ.code == 0, "\(differ.err)")
        #expect(differ.out.contains("\"rules_differ\": true"))
        // Another pack altogether: refused, showing both.
        let foreign = folder.appending(path: "foreign.json").path
        try String(contentsOfFile: newSummary, encoding: .utf8).replacingOccurrences(of: "\"id\": \"accounts\"", with: "\"id\": \"other-pack\"")
            .write(toFile: foreign, atomically: true, encoding: .utf8)
        let refused = kam("diff", old, new, "--summaries", oldSummary, "--summaries", foreign)
        #expect(refused.code == 1)
        #expect(refused.err.contains("different packs, `accounts` 1.0.0 and `other-pack` 1.0.0"), "\(refused.err)")
        // A list cut with --top holds fewer rows than its run scored: refused.
        let top = folder.appending(path: "top.csv").path, topSummary = folder.appending(path: "top.json").path
        #expect(kam("score", sample, "--top", "50", "-o", top, "--summary", topSummary, "--quiet").code == 0)
        let cut = kam("diff", top, new, "--summaries", topSummary, "--summaries", newSummary)
        #expect(cut.code == 1)
        #expect(cut.err.contains("it was written with --top or cut"), "\(cut.err)")
    }

    @Test func anAccountsOwnSalesChangeIsNamedNotBlamedOnThePortfolio() throws {
        let sample = TestPaths.fixtures.appending(path: "sample/customers.csv").path
        var lines = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n").map(String.init)
        let sales = try #require(lines[0].split(separator: ",").firstIndex(of: "revenue_ltm"))
        let k = try #require(lines.firstIndex { $0.hasPrefix("C-0050,") })
        var cells = lines[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[sales] = String(Double(cells[sales])! * 6)
        lines[k] = cells.joined(separator: ",")
        let grown = folder.appending(path: "grown.csv").path, scored = folder.appending(path: "grown-scored.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: grown, atomically: true, encoding: .utf8)
        #expect(kam("score", grown, "-o", scored, "--quiet").code == 0)
        let move = try #require(moves(try json(old, scored))["C-0050"])
        let named = ((move["factors"] as? [[String: Any]]) ?? []).flatMap { ($0["inputs"] as? [[String: Any]] ?? []).compactMap { $0["input"] as? String } }
            + ((move["class_inputs"] as? [[String: Any]]) ?? []).compactMap { $0["input"] as? String }
        #expect(named.contains("revenue_ltm"), "\(move)")
        #expect(move["portfolio_only"] as? Bool == false)
    }

    @Test func aPackThatNamesNoIdCannotMatchAccounts() throws {
        let pack = try String(contentsOf: TestPaths.rules.appending(path: "accounts.json5"), encoding: .utf8)
            .replacingOccurrences(of: "portfolio: { measure: \"revenue_ltm\", id: \"customer_id\" },", with: "portfolio: { measure: \"revenue_ltm\" },")
        #expect(!pack.contains("id: \"customer_id\" }"))
        let path = folder.appending(path: "noid.json5").path
        try pack.write(toFile: path, atomically: true, encoding: .utf8)
        let r = kam("diff", old, new, "--rules", path)
        #expect(r.code == 1)
        #expect(r.err.contains("names no id input"), "\(r.err)")
    }

    @Test func aNameCannotBecomeMarkdown() throws {
        let text = try String(contentsOfFile: new, encoding: .utf8).replacingOccurrences(of: "ООО «Новатор»", with: "\"Acme\n# Pwned\"")
        let hostile = folder.appending(path: "hostile.csv").path
        try text.write(toFile: hostile, atomically: true, encoding: .utf8)
        let r = kam("diff", old, hostile, "--format", "markdown")
        #expect(r.code == 0, "\(r.err)")
        #expect(!r.out.contains("\n# Pwned"))
    }

    @Test func aListScoredFromA1CExportWithItsMapIsCompared() throws {
        let export = TestPaths.fixtures.appending(path: "customers/1c-export-cp1251.csv").path
        let map = TestPaths.fixtures.appending(path: "customers/1c-map.json5").path
        let scored = folder.appending(path: "1c-scored.csv").path
        #expect(kam("score", export, "--encoding", "cp1251", "--map", map, "-o", scored, "--quiet").code == 0)
        // Its numbers keep their decimal comma in the comma-separated output: read so, and said.
        let r = kam("diff", scored, scored, "--map", map, "--format", "json")
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("writes its numbers with a decimal comma"))
        // Its negative numbers (`-5,9`) are numbers, not formulas: written without a `'`, read back.
        #expect(!(try String(contentsOfFile: scored, encoding: .utf8)).contains("'-"))
        #expect(!r.err.contains("not a number"), "\(r.err)")
        let d = try #require(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect((d["moves"] as? [Any])?.isEmpty == true)
        #expect((d["unchanged"] as? Int ?? 0) > 10)
        // Without the map the columns are not the pack's: refused with the way out.
        let unmapped = kam("diff", scored, scored)
        #expect(unmapped.code == 1 && unmapped.err.contains("give the same --map here"))
    }

    @Test func aListScoredAsJSONLinesIsComparedAsItsCSV() throws {
        let jsonl = folder.appending(path: "scored-2025.jsonl").path
        #expect(kam("score", TestPaths.fixtures.appending(path: "sample/customers.csv").path, "--format", "jsonl", "-o", jsonl, "--quiet").code == 0)
        let fromLines = kam("diff", jsonl, new, "--format", "json"), fromCSV = kam("diff", old, new, "--format", "json")
        #expect(fromLines.code == 0, "\(fromLines.err)")
        #expect(fromLines.out.replacingOccurrences(of: jsonl, with: "OLD") == fromCSV.out.replacingOccurrences(of: old, with: "OLD"))
        // A line whose keys are not the first line's is refused with its line number.
        var lines = try String(contentsOfFile: jsonl, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[4] = lines[4].replacingOccurrences(of: "\"customer_name\"", with: "\"client\"")
        let broken = folder.appending(path: "broken.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: broken, atomically: true, encoding: .utf8)
        let r = kam("diff", broken, new)
        #expect(r.code == 1)
        #expect(r.err.contains("broken.jsonl:5: key 2 is `client` where the first line has `customer_name`"), "\(r.err)")
        // A value over the field limit is named with this file's line, not the CSV copy's.
        let huge = folder.appending(path: "huge.jsonl").path
        try ("{\"customer_id\":\"C-1\",\"customer_name\":\"" + String(repeating: "x", count: 17 << 20) + "\"}\n").write(toFile: huge, atomically: true, encoding: .utf8)
        let long = kam("diff", huge, new)
        #expect(long.code == 1 && long.err.contains("huge.jsonl:1: the value of `customer_name` is longer than 16 MiB"), "\(long.err)")
    }

    @Test func aColumnOneRunLacksIsSaid() throws {
        var lines = try String(contentsOfFile: new, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[0] = lines[0].replacingOccurrences(of: ",open_complaints,", with: ",notes,")
        let renamed = folder.appending(path: "no-complaints.csv").path
        try lines.joined(separator: "\n").write(toFile: renamed, atomically: true, encoding: .utf8)
        let r = kam("diff", old, renamed)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("has columns for `open_complaints` and \(renamed) has not"), "\(r.err)")
        #expect(!kam("diff", old, new).err.contains("has columns for"))
    }
}
