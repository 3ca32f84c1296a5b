import Foundation
import KamCLI
import KamTestSupport
import Testing

/// `kam report` end to end: the sample supplier in every format against golden files, the
/// programme's size, partial inputs, and hostile text from input files.
struct ReportTests {
    let questionnaire = TestPaths.fixtures.appending(path: "sample/questionnaire.json5").path
    let customers = TestPaths.fixtures.appending(path: "sample/customers.csv").path
    let hostile = TestPaths.fixtures.appending(path: "customers/hostile-names.csv").path
    let contacts = TestPaths.fixtures.appending(path: "sample/contacts.csv").path

    /// Paths in reports, made independent of where the checkout is.
    func relative(_ text: String) -> String {
        text.replacingOccurrences(of: TestPaths.packageRoot.path + "/", with: "")
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(arguments: [("html", "report-sample.html"), ("markdown", "report-sample.md"), ("json", "report-sample.json")])
    func theSampleSupplierInEveryFormat(_ format: String, _ golden: String) {
        // As the README runs it: the questionnaire, the customer list and the contacts.
        let r = kam("report", "--questionnaire", questionnaire, "--customers", customers, "--contacts", contacts, "--format", format, "--quiet")
        #expect(r.code == 0, "\(r.err)")
        assertGolden(relative(r.out), named: golden)
        // Deterministic: a second run gives the same bytes.
        let again = kam("report", "--questionnaire", questionnaire, "--customers", customers, "--contacts", contacts, "--format", format, "--quiet")
        #expect(again.out == r.out)
    }

    @Test func theProgrammeIsManagersTimesAccountsPerManager() throws {
        let r = kam("report", "--questionnaire", questionnaire, "--customers", customers, "--format", "json", "--quiet",
                    "--managers", "2", "--accounts-per-manager", "3")
        #expect(r.code == 0, "\(r.err)")
        let report = try json(r.out)
        let programme = try #require(report["programme"] as? [String: Any])
        #expect(programme["capacity"] as? Int == 6)
        #expect(programme["managers_source"] as? String == "command line")
        let candidates = try #require(report["candidates"] as? [[String: Any]])
        let next = try #require(report["next_in_line"] as? [[String: Any]])
        #expect(candidates.count == 6)
        #expect(next.count == 5)
        // The vital accounts first, largest first; then growth candidates, best first within a
        // quadrant, strategic before star; the next in line rank after the last of them.
        let roles = candidates.map { $0["role"] as? String ?? "" }
        #expect(roles == roles.sorted { $0 == "vital" && $1 != "vital" })
        let vitalSales = candidates.filter { $0["role"] as? String == "vital" }.compactMap { ($0["figures"] as? [String: Any])?["sales"] as? Double }
        #expect(vitalSales == vitalSales.sorted(by: >))
        let growth = candidates.filter { $0["role"] as? String == "growth" } + next
        let order = ["strategic", "star", "status", "streamline"]
        let keys = growth.map { g -> (Int, Double) in
            (order.firstIndex(of: (g["quadrant"] as? [String: Any])?["value"] as? String ?? "") ?? 4, g["score"] as? Double ?? 0)
        }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 >= $1.1) }, "\(keys)")
        // The questionnaire's three managers give twelve accounts without --managers.
        let fromFile = try json(kam("report", "--questionnaire", questionnaire, "--customers", customers, "--format", "json", "--quiet").out)
        #expect((fromFile["programme"] as? [String: Any])?["capacity"] as? Int == 12)
        #expect((fromFile["programme"] as? [String: Any])?["managers_source"] as? String == "questionnaire")
    }

    @Test func amountsCarryTheSuppliersCurrency() throws {
        let markdown = kam("report", "--questionnaire", questionnaire, "--customers", customers, "--format", "markdown", "--quiet").out
        #expect(markdown.contains("| Total sales | 483,535,066\u{A0}₽ |"))
        #expect(markdown.contains("Key-account cost per account | 1,500,000\u{A0}₽"))
        let report = try json(kam("report", "--questionnaire", questionnaire, "--customers", customers, "--format", "json", "--quiet").out)
        #expect(report["currency"] as? String == "₽")
        // Without a questionnaire the bundled pack names none: amounts stay bare.
        let bare = kam("report", "--customers", customers, "--format", "markdown", "--quiet").out
        #expect(bare.contains("| Total sales | 483,535,066 |"))
    }

    @Test func everyCandidateHasSkillsAPlanAndItsProfitability() throws {
        let report = try json(kam("report", "--questionnaire", questionnaire, "--customers", customers, "--format", "json", "--quiet").out)
        let candidates = try #require(report["candidates"] as? [[String: Any]])
        #expect(!candidates.isEmpty)
        for c in candidates {
            #expect(["key", "candidate"].contains(c["tier"] as? String))
            let plan = try #require(c["plan"] as? [String: Any])
            // The pack's four controls, the review cadence, and one line per fired risk.
            let risks = (c["risks"] as? [Any])?.count ?? 0
            #expect((plan["controls"] as? [String])?.count == 5 + risks)
            #expect(!((plan["strategies"] as? [String]) ?? []).isEmpty)
            #expect(plan["targets"] is [String: Any])
            #expect(c["manager_profile"] is String)
            let figures = try #require(c["figures"] as? [String: Any])
            if let sales = figures["sales"] as? Double, let contribution = figures["contribution"] as? Double,
               let pct = figures["contribution_pct"] as? Double {
                #expect(abs(100 * contribution / sales - pct) < 0.01)
            }
        }
        let programme = try #require(report["programme"] as? [String: Any])
        let rest = try #require(programme["contribution_pct_outside_programme"] as? Double)
        for c in candidates {
            guard let pct = (c["figures"] as? [String: Any])?["contribution_pct"] as? Double else { continue }
            #expect(c["earns_less_than_rest"] as? Bool == (pct < rest))
        }
        let skills = try #require((report["skills"] as? [String: Any])?["ranked"] as? [[String: Any]])
        let needs = skills.compactMap { $0["need"] as? Double }
        #expect(needs == needs.sorted(by: >))
        #expect(skills.count == 8)
        #expect(((report["skills"] as? [String: Any])?["guidance"] as? String)?.contains("best salesperson") == true)
    }

    @Test func oneInputReportsWhatItSupportsAndNamesWhatIsMissing() throws {
        let onlyAnswers = kam("report", "--questionnaire", questionnaire, "--format", "markdown")
        #expect(onlyAnswers.code == 0, "\(onlyAnswers.err)")
        #expect(onlyAnswers.out.contains("No customer list was given"))
        #expect(onlyAnswers.out.contains("## Suitability factors"))
        #expect(!onlyAnswers.out.contains("## Recommended key accounts"))
        let onlyCustomers = try json(kam("report", "--customers", customers, "--format", "json", "--quiet").out)
        #expect(onlyCustomers["missing"] as? [String] == ["questionnaire"])
        #expect(onlyCustomers["assessment"] is NSNull)
        // Without managers the programme is the best tier, at most 35 accounts.
        let programme = try #require(onlyCustomers["programme"] as? [String: Any])
        #expect(programme["managers_source"] as? String == "best tier")
        #expect((programme["capacity"] as? Int ?? 99) <= 35)
    }

    /// One assessment per report: with both inputs, the concentration answers are the list's,
    /// as `kam assess --customers` computes them, and the report says so.
    @Test func theReportsAssessmentTakesItsConcentrationFromTheList() throws {
        let r = kam("report", "--questionnaire", questionnaire, "--customers", customers, "--format", "json", "--quiet")
        #expect(r.code == 0, "\(r.err)")
        let report = try json(r.out)
        let assessment = try #require(report["assessment"] as? [String: Any])
        let fromData = assessment["answers_from_data"] as? [String] ?? []
        #expect(fromData.contains("top20_customers_share_pct") && fromData.contains("customer_count"), "\(fromData)")
        let assess = kam("assess", questionnaire, "--customers", customers, "--format", "json")
        #expect(assess.code == 0, "\(assess.err)")
        let alone = try json(assess.out)
        #expect(assessment["score"] as? Double == alone["score"] as? Double)
        #expect(assessment["verdict"] as? String == alone["verdict"] as? String)
        let markdown = kam("report", "--questionnaire", questionnaire, "--customers", customers, "--format", "markdown", "--quiet")
        #expect(markdown.out.contains("Computed from the customer list, not taken from the questionnaire: customer_count"))
    }

    @Test func hostileNamesComeOutInertInEveryFormat() throws {
        let html = kam("report", "--customers", hostile, "--quiet")
        #expect(html.code == 0, "\(html.err)")
        #expect(!html.out.contains("<script"))
        #expect(html.out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.out.contains("=HYPERLINK(&quot;x&quot;)"))
        #expect(!html.out.contains("<a href=\"http://x\""))
        let markdown = kam("report", "--customers", hostile, "--format", "markdown", "--quiet").out
        #expect(markdown.contains("\\<script\\>alert(1)\\</script\\>"))
        #expect(!markdown.contains("<script>"))
        #expect(markdown.contains("\\*\\*bold\\*\\* \\| \\[link\\](http://x) \\`code\\`"))
        #expect(!markdown.contains("\n- =HYPERLINK"))
        let report = try json(kam("report", "--customers", hostile, "--format", "json", "--quiet").out)
        let names = (report["candidates"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names.contains("<script>alert(1)</script>"))
        #expect(names.contains("=HYPERLINK(\"x\")"))
        // The scored CSV neutralises the formula for spreadsheets.
        let csv = kam("score", hostile, "--columns", "customer_name,score", "--quiet").out
        #expect(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""))
    }

    /// Raw HTML is no use on a screen: a terminal gets Markdown and a note on how to get the
    /// page; files and pipes, and an explicit --format, are unchanged.
    @Test func aTerminalGetsMarkdownUnlessAFormatIsGiven() {
        func run(_ arguments: [String], terminal: Bool) -> (out: String, err: String) {
            let console = Console.capture(terminal: terminal)
            #expect(KamCLI.run(["report", "--questionnaire", questionnaire] + arguments, console: console) == 0)
            return (console.capturedOut, console.capturedErr)
        }
        let screen = run([], terminal: true)
        #expect(screen.out == run(["--format", "markdown"], terminal: false).out)
        #expect(screen.err.contains("for the HTML page use -o report.html"))
        #expect(run([], terminal: false).out.hasPrefix("<!DOCTYPE html>"))
        #expect(run(["--format", "html"], terminal: true).out.hasPrefix("<!DOCTYPE html>"))
        #expect(run(["--format", "html"], terminal: true).err.isEmpty)
    }

    @Test func usageAndInputErrors() {
        #expect(kam("report").code == 64)
        #expect(kam("report", "--customers", customers, "--format", "pdf").code == 64)
        #expect(kam("report", "--customers", customers, "--managers", "-1").code == 64)
        let missing = kam("report", "--customers", "/nonexistent/list.csv", "--quiet")
        #expect(missing.code == 1)
        #expect(missing.err.contains("/nonexistent/list.csv"))
    }

    @Test func aReportSectionNamingAnUnknownValueIsAnError() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pack = try String(contentsOf: TestPaths.rules.appending(path: "accounts.json5"), encoding: .utf8)
            .replacingOccurrences(of: "sales: \"revenue_ltm\",", with: "sales: \"revenue_ltn\",")
        let path = folder.appending(path: "accounts.json5").path
        try pack.write(toFile: path, atomically: true, encoding: .utf8)
        let r = kam("report", "--customers", customers, "--rules", path, "--quiet")
        #expect(r.code == 1)
        #expect(r.err.contains("`report.sales` names `revenue_ltn`, which is no input or derived value of the pack"))
        #expect(r.err.contains("revenue_ltm"))
    }
}
