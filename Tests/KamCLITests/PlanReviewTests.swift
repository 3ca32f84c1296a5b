import Foundation
import KamTestSupport
import Testing

/// `kam report --previous REPORT.json`: the previous report's targets for its key accounts
/// against this run's figures, checked against the files by hand.
struct PlanReviewTests {
    /// One CSV line's fields: commas inside double quotes belong to the field.
    func fields(_ line: String) -> [String] {
        var out: [String] = [], field = "", quoted = false
        for c in line {
            if c == "\"" { quoted.toggle(); field.append(c) } else if c == ",", !quoted { out.append(field); field = "" } else { field.append(c) }
        }
        return out + [field]
    }

    @Test func eachTargetIsAheadMetOrBehindAndALostAccountIsNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-plans-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = TestPaths.fixtures.appending(path: "sample/customers.csv").path
        let previous = folder.appending(path: "previous.json").path
        #expect(kam("report", "--customers", sample, "--format", "json", "-o", previous, "--quiet").code == 0)
        // A year on: C-0074 sells 20% more, C-0178 is gone, everything else as it was.
        var lines = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let sales = try #require(header.firstIndex(of: "revenue_ltm"))
        lines = lines.filter { !$0.hasPrefix("C-0178,") }.map { line in
            guard line.hasPrefix("C-0074,") else { return line }
            var cells = fields(line)
            cells[sales] = String(Double(cells[sales])! * 1.2)
            return cells.joined(separator: ",")
        }
        let now = folder.appending(path: "now.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: now, atomically: true, encoding: .utf8)

        let r = kam("report", "--customers", now, "--previous", previous, "--format", "json", "--quiet")
        #expect(r.code == 0, "\(r.err)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let review = try #require(report["plan_review"] as? [String: Any])
        let accounts = Dictionary(((review["accounts"] as? [[String: Any]]) ?? []).map { ($0["id"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
        let before = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: previous))) as? [String: Any])
        let candidates = try #require(before["candidates"] as? [[String: Any]])
        #expect(Set(accounts.keys) == Set(candidates.compactMap { $0["id"] as? String }))
        let gone = try #require(accounts["C-0178"])
        #expect(gone["in_list"] as? Bool == false)
        #expect((gone["action"] as? String)?.contains("not in this customer list") == true)
        for c in candidates {
            let id = c["id"] as! String
            guard id != "C-0178", let target = ((c["plan"] as? [String: Any])?["targets"] as? [String: Any])?["sales"] as? Double else { continue }
            let row = try #require(lines.first { $0.hasPrefix(id + ",") })
            let actual = try #require(Double(fields(row)[sales]))
            let expected = actual >= target * 1.05 ? "ahead" : actual >= target ? "met" : "behind"
            let line = try #require(accounts[id]?["sales"] as? [String: Any])
            #expect(line["status"] as? String == expected, "\(id): \(actual) against \(target)")
        }
        #expect((accounts["C-0074"]?["sales"] as? [String: Any])?["status"] as? String == "ahead")
        let markdown = kam("report", "--customers", now, "--previous", previous, "--format", "markdown", "--quiet").out
        #expect(markdown.contains("## Plans against what happened"))
        #expect(kam("report", "--customers", now, "--previous", sample).code == 1)
    }
}
