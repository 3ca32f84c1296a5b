import Foundation
import KamCLI
import KamTestSupport
import Testing

/// `kam diff --old-rules`: the sample supplier's first year scored with last year's pack
/// (fixtures/diff/accounts-last-year.json5: three buying sites earned one point, not three),
/// the second with this year's. Each move the threshold made must be put down to the rules,
/// and only those; the moves the data made stay the data's.
struct DiffRulesTests {
    let scratch: ScratchFolder
    var folder: URL { scratch.url }
    let old: String, new: String, oldSummary: String, newSummary: String
    let lastYear = TestPaths.fixtures.appending(path: "diff/accounts-last-year.json5").path
    let sample = TestPaths.fixtures.appending(path: "sample/customers.csv").path

    init() throws {
        scratch = try ScratchFolder("kam-diff-rules")
        let folder = scratch.url
        (old, oldSummary) = (folder.appending(path: "scored-2025.csv").path, folder.appending(path: "scored-2025.json").path)
        (new, newSummary) = (folder.appending(path: "scored-2026.csv").path, folder.appending(path: "scored-2026.json").path)
        let a = kam("score", sample, "--rules", lastYear, "-o", old, "--summary", oldSummary, "--quiet")
        let b = kam("score", TestPaths.fixtures.appending(path: "diff/customers-next-year.csv").path, "-o", new, "--summary", newSummary, "--quiet")
        #expect(a.code == 0 && b.code == 0, "\(a.err)\(b.err)")
    }

    func json(_ arguments: String...) throws -> [String: Any] {
        let r = kam(["diff"] + arguments + ["--format", "json"])
        #expect(r.code == 0, "\(r.err)")
        return try #require(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    }

    /// The old list's cells by account id, read here without kam.
    func cells(_ column: String, of path: String) throws -> [String: String] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        let at = try #require(header.firstIndex(of: column))
        var out: [String: String] = [:]
        for line in lines.dropFirst() where !line.contains("\"") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            out[fields[0]] = fields[at]
        }
        return out
    }

    @Test(arguments: [("text", "diff-old-rules.txt"), ("markdown", "diff-old-rules.md"), ("json", "diff-old-rules.json"), ("html", "diff-old-rules.html")])
    func theRuleChangeInEveryFormat(_ format: String, _ golden: String) {
        let r = kam("diff", old, new, "--old-rules", lastYear, "--summaries", oldSummary, "--summaries", newSummary, "--format", format)
        #expect(r.code == 0, "\(r.err)")
        assertGolden(r.out.replacingOccurrences(of: folder.path + "/", with: ""), named: golden)
    }

    @Test func eachMoveTheThresholdMadeIsPutDownToTheRulesAndOnlyThose() throws {
        let d = try json(old, new, "--old-rules", lastYear, "--summaries", oldSummary, "--summaries", newSummary)
        let moves = try #require(d["moves"] as? [[String: Any]])
        let sites = try cells("buying_locations", of: sample)
        var byRules = 0
        for move in moves {
            let id = try #require(move["id"] as? String)
            let factors = move["factors"] as? [[String: Any]] ?? []
            let ruled = factors.filter { $0["cause"] as? String == "rules" }
            // The only rule that changed is the buying-sites threshold, and it changed the
            // points of accounts with exactly three sites, from one to three.
            for f in ruled {
                #expect(f["id"] as? String == "buying_sites", "\(id): \(f)")
                #expect(f["before"] as? Double == 1 && f["after"] as? Double == 3, "\(id): \(f)")
                #expect(sites[id] == "3", "\(id) has \(sites[id] ?? "no") sites")
            }
            let movedBy = try #require(move["moved_by"] as? String)
            if movedBy != "data" {
                byRules += 1
                #expect(!ruled.isEmpty, "\(id) is said to be moved by the rules, with no rule named")
            }
        }
        #expect(byRules >= 1)
        // The moves the data made are the data's, with the inputs that were changed.
        for id in ["C-0070", "C-0181", "C-0195"] {
            let move = try #require(moves.first { $0["id"] as? String == id })
            #expect(move["moved_by"] as? String == "data", "\(id)")
        }
        let rules = try #require(d["old_rules"] as? [String: Any])
        #expect(rules["version"] as? String == "0.9.0")
        #expect((rules["thresholds"] as? [Any])?.isEmpty == true)
    }

    @Test func withoutTheOldRulesTheRuleChangeIsNotSeenButItsPossibilityIsSaid() throws {
        let withRules = try json(old, new, "--old-rules", lastYear)
        let ruled = Set((withRules["moves"] as? [[String: Any]] ?? []).filter { $0["moved_by"] as? String == "rules" }.compactMap { $0["id"] as? String })
        #expect(!ruled.isEmpty)
        // Read with one pack, an account that only the rules moved did not move.
        let plain = try json(old, new)
        let moved = Set((plain["moves"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        #expect(moved.isDisjoint(with: ruled))
        let text = kam("diff", old, new, "--summaries", oldSummary, "--summaries", newSummary)
        #expect(text.out.contains("different rules") && text.out.contains("--old-rules"), "\(text.out)")
    }

    @Test func aTierThresholdThatMovedIsNamed() throws {
        // Last year the key tier began at 65; the accounts scored 65 to 70 then were key.
        let pack = try String(contentsOf: TestPaths.rules.appending(path: "accounts.json5"), encoding: .utf8)
            .replacingOccurrences(of: "value: \"key\", min: 70,", with: "value: \"key\", min: 65,")
            .replacingOccurrences(of: "version: \"1.0.0\"", with: "version: \"0.8.0\"")
        let path = folder.appending(path: "key-at-65.json5").path
        try pack.write(toFile: path, atomically: true, encoding: .utf8)
        let scored = folder.appending(path: "key-at-65.csv").path
        #expect(kam("score", sample, "--rules", path, "-o", scored, "--quiet").code == 0)
        let again = folder.appending(path: "now.csv").path
        #expect(kam("score", sample, "-o", again, "--quiet").code == 0)
        let d = try json(scored, again, "--old-rules", path)
        let scores = try cells("score", of: scored)
        let expected = Set(scores.filter { (Double($0.value) ?? 0) >= 65 && (Double($0.value) ?? 0) < 70 }.keys)
        #expect(!expected.isEmpty)
        let moves = d["moves"] as? [[String: Any]] ?? []
        let demoted = moves.filter { ($0["shifts"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "tier" } }
        #expect(Set(demoted.compactMap { $0["id"] as? String }) == expected)
        for move in demoted {
            #expect(move["moved_by"] as? String == "rules" && move["direction"] as? String == "down")
            let thresholds = move["thresholds"] as? [[String: Any]] ?? []
            #expect(thresholds.count == 1 && thresholds.first?["tier"] as? String == "key"
                    && thresholds.first?["before"] as? Double == 65 && thresholds.first?["after"] as? Double == 70, "\(thresholds)")
        }
    }

    @Test func oldRulesThatDidNotMakeTheOldRunAreRefused() throws {
        let wrong = kam("diff", old, new, "--old-rules", TestPaths.rules.appending(path: "accounts.json5").path,
                        "--summaries", oldSummary, "--summaries", newSummary)
        #expect(wrong.code == 1)
        #expect(wrong.err.contains("made the old run, as its summary says"), "\(wrong.err)")
        let renamed = folder.appending(path: "renamed.json5").path
        try String(contentsOfFile: lastYear, encoding: .utf8).replacingOccurrences(of: "id: \"accounts\"", with: "id: \"accounts-old\"")
            .write(toFile: renamed, atomically: true, encoding: .utf8)
        let foreign = kam("diff", old, new, "--old-rules", renamed)
        #expect(foreign.code == 1)
        #expect(foreign.err.contains("--old-rules is the pack `accounts-old`"), "\(foreign.err)")
    }
}
