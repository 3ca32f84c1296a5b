import Foundation
import KamCLI
import KamTestSupport
import Testing

/// `kam assess` on the fixture questionnaires, against golden outputs in every format.
struct AssessTests {
    static let questionnaires = ["suits", "borderline", "does-not-suit", "not-ready", "high-dependence", "unanswered"]
    static let formats = ["text", "json", "markdown"]

    func fixture(_ name: String) -> String {
        TestPaths.fixtures.appending(path: "questionnaires/\(name).json5").path
    }

    @Test(arguments: questionnaires, formats)
    func goldenOutput(_ name: String, _ format: String) {
        let r = kam("assess", fixture(name), "--format", format)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.isEmpty)
        let ext = ["text": "txt", "json": "json", "markdown": "md"][format]!
        assertGolden(r.out, named: "assess-\(name).\(ext)")
    }

    @Test(arguments: [
        ("suits", "suits"), ("borderline", "borderline"), ("does-not-suit", "does_not_suit"), ("not-ready", "not_ready"),
    ])
    func eachVerdict(_ name: String, _ verdict: String) throws {
        let r = kam("assess", fixture(name), "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(object["verdict"] as? String == verdict)
    }

    @Test func theHighDependenceRiskIsReported() {
        let r = kam("assess", fixture("high-dependence"))
        #expect(r.out.contains("[high] High dependence on one customer"))
        #expect(r.out.contains("[high] Too many key accounts for the people available"))
    }

    @Test func unansweredQuestionsLowerTheConfidence() throws {
        let r = kam("assess", fixture("unanswered"), "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let confidence = try #require(object["confidence"] as? Double)
        #expect(confidence < 0.6)
        let unanswered = (object["unanswered"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(unanswered.contains("partnership_willingness"))  // answered null: unanswered, not zero
        let factors = object["factors"] as? [[String: Any]] ?? []
        let partnership = factors.first { $0["id"] as? String == "partnership" }
        #expect(partnership?["status"] as? String == "missing")
        #expect(partnership?["points"] is NSNull)
    }

    /// The score's range over the unanswered factors, and whether it settles the verdict:
    /// 34 to 86 crosses the boundaries at 40 and 65; 49 to 59 stays borderline; a fully
    /// answered questionnaire has one score.
    @Test(arguments: [("unanswered", true, 34.0, 86.0), ("borderline", false, 49.0, 59.0), ("suits", false, 94.0, 94.0)])
    func theScoreRangeSaysWhetherTheVerdictIsProvisional(_ name: String, _ provisional: Bool, _ low: Double, _ high: Double) throws {
        let r = kam("assess", fixture(name), "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(object["provisional"] as? Bool == provisional)
        let range = try #require(object["score_range"] as? [String: Any])
        #expect(range["min"] as? Double == low)
        #expect(range["max"] as? Double == high)
        let score = try #require(object["score"] as? Double)
        #expect(low <= score && score <= high)
        #expect(kam("assess", fixture(name)).out.contains("(provisional)") == provisional)
    }

    /// What the programme would bring is listed only when the verdict recommends it.
    @Test(arguments: [("suits", true), ("borderline", true), ("does-not-suit", false), ("not-ready", false)])
    func advantagesComeWithARecommendation(_ name: String, _ listed: Bool) throws {
        let r = kam("assess", fixture(name), "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let advantages = try #require(object["advantages"] as? [[String: Any]])
        #expect(!advantages.isEmpty == listed, "\(advantages)")
        #expect(kam("assess", fixture(name)).out.contains("What key-account management would bring") == listed)
    }

    @Test func criticalDependenceLeadsTheAssessment() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-critical-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "q.json5").path
        try String(contentsOfFile: fixture("suits"), encoding: .utf8)
            .replacingOccurrences(of: "largest_customer_share_pct: 12,", with: "largest_customer_share_pct: 45,")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let text = kam("assess", path).out
        let critical = try #require(text.range(of: "CRITICAL: Critical dependence on one customer"))
        let factors = try #require(text.range(of: "\nFactors\n"))
        #expect(critical.lowerBound < factors.lowerBound)
        let markdown = kam("assess", path, "--format", "markdown").out
        #expect(markdown.range(of: "> **Critical: Critical dependence on one customer**")!.lowerBound < markdown.range(of: "## Factors")!.lowerBound)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(kam("assess", path, "--format", "json").out.utf8)) as? [String: Any])
        let risks = json["risks"] as? [[String: Any]] ?? []
        #expect(risks.contains { $0["id"] as? String == "dependence_critical" && $0["severity"] as? String == "critical" })
    }

    @Test func whatWouldChangeTheVerdictIsPlain() {
        let r = kam("assess", fixture("unanswered"))
        #expect(r.out.contains("If the share of sales from the largest 20% of customers fell below 70% (it is 72%), the verdict would be `borderline`."))
        #expect(kam("assess", fixture("not-ready")).out.contains(
            "If the answer on top-management support were yes instead of no, the verdict would be `suits`."))
    }

    @Test(arguments: ["every-mistake", "array", "syntax", "no-answers"])
    func invalidQuestionnairesReportEveryProblem(_ name: String) {
        let path = "fixtures/questionnaires/invalid/\(name).json5"
        let r = kam("assess", TestPaths.fixtures.appending(path: "questionnaires/invalid/\(name).json5").path)
        #expect(r.code == 1)
        #expect(r.out.isEmpty)
        let err = r.err.replacingOccurrences(of: TestPaths.packageRoot.path + "/", with: "")
        #expect(err.hasPrefix(path))
        assertGolden(err, named: "invalid-\(name).txt")
    }

    @Test func theConcentrationAnswersComeFromTheCustomerList() throws {
        let csv = TestPaths.fixtures.appending(path: "customers/concentration.csv").path
        let r = kam("assess", fixture("unanswered"), "--customers", csv, "--measure", "Sales 12m", "--format", "json")
        #expect(r.code == 0, "\(r.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let fromData = object["answers_from_data"] as? [String] ?? []
        #expect(fromData == ["customer_count", "top20_customers_share_pct", "largest_customer_share_pct", "customer_hhi", "top10_customers_share_pct",
                            "customer_gini"])
        let factors = object["factors"] as? [[String: Any]] ?? []
        let count = factors.compactMap { $0["inputs"] as? [String: Any] }.compactMap { $0["customer_hhi"] as? Double }.first
        #expect(count != nil)
        #expect(r.err.contains("concentration computed from 60 customers"))
    }

    /// A required question left `null` is an error, unless the customer list answers it; a
    /// questionnaire answer the list contradicts is named, with both figures.
    @Test func aNullAnswerTheListComputesIsComputed() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-assess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOfFile: fixture("suits"), encoding: .utf8)
        let edited = text.replacingOccurrences(of: "customer_count: 340", with: "customer_count: null")
            .replacingOccurrences(of: "largest_customer_share_pct: 12", with: "largest_customer_share_pct: 3")
        #expect(edited != text)
        let q = folder.appending(path: "q.json5")
        try Data(edited.utf8).write(to: q)
        let alone = kam("assess", q.path)
        #expect(alone.code == 1)
        #expect(alone.err.contains("`customer_count` must be answered"), "\(alone.err)")
        let csv = TestPaths.fixtures.appending(path: "customers/concentration.csv").path
        let r = kam("assess", q.path, "--customers", csv, "--measure", "Sales 12m", "--format", "json")
        #expect(r.code == 0, "\(r.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect((object["answers_from_data"] as? [String] ?? []).contains("customer_count"))
        #expect(r.err.contains("note: `largest_customer_share_pct`: the questionnaire says 3, the customer list gives"), "\(r.err)")
        #expect(!r.err.contains("`customer_count`: the questionnaire says"))
    }

    /// The list is read as `kam score` reads it: a row that cannot be read is named with its
    /// line (all of them with --errors), left out of the figures, and the rest are used.
    @Test func anUnreadableCustomerRowIsNamedWithItsLine() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-assess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appending(path: "c.csv")
        try Data("id,sales\nA,100\nB,n/a\nC,-5\nD,300\n".utf8).write(to: csv)
        let r = kam("assess", fixture("suits"), "--customers", csv.path, "--measure", "sales", "--format", "json")
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("c.csv:3: error: column `sales`: `sales` is \"n/a\", not a number"), "\(r.err)")
        #expect(r.err.contains("c.csv:4: error: column `sales`: `revenue_ltm` is -5; the lowest accepted is 0"))
        #expect(r.err.contains("concentration computed from 2 customers"))
        // A 100 and D 300: the largest is three quarters of the sales of the two read.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let factors = object["factors"] as? [[String: Any]] ?? []
        let largest = factors.compactMap { ($0["inputs"] as? [String: Any])?["largest_customer_share_pct"] as? Double }.first
        #expect(largest == 75)
        let errors = folder.appending(path: "errors.csv").path
        let listed = kam("assess", fixture("suits"), "--customers", csv.path, "--measure", "sales", "--errors", errors)
        #expect(listed.code == 0)
        #expect(!listed.err.contains("c.csv:3: error"))
        #expect(try String(contentsOfFile: errors, encoding: .utf8) == "line,column,reason\n3,sales,\"`sales` is \"\"n/a\"\", not a number\"\n4,sales,`revenue_ltm` is -5; the lowest accepted is 0\n")
    }

    /// An export with a title, invoice lines and a totals line: the customers are counted once
    /// each, and the totals line is not one of them.
    @Test func customerCountCountsCustomersNotLines() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-assess-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appending(path: "lines.csv")
        try Data("Отчёт по продажам;;\n;;\nКонтрагент;Код;Выручка\nАльфа;C1;100\nБета;C2;300\nАльфа;C1;100\nИтого;;500\n".utf8).write(to: csv)
        let r = kam("assess", fixture("suits"), "--customers", csv.path, "--format", "json")
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("concentration computed from 2 customers"), "\(r.err)")
        #expect(r.err.contains("skipped a totals line"))
        #expect(r.err.contains("4 lines were grouped into 2 accounts") || r.err.contains("3 lines were grouped into 2 accounts"), "\(r.err)")
    }

    @Test func theQuestionsCanBeAnsweredAtThePrompt() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-prompt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let saved = folder.appending(path: "answers.json5").path
        // The six required answers (one wrong first), then Enter for every optional one, then a file name.
        let lines = ["340", "150", "78", "12", "60", "14", "yes"] + Array(repeating: "", count: 18) + [saved]
        let console = Console.capture(input: lines)
        let code = KamCLI.run(["assess", "--interactive"], console: console)
        #expect(code == 0, "\(console.capturedErr)")
        #expect(console.capturedErr.contains("`top20_customers_share_pct` is 150; the highest accepted is 100"))
        #expect(console.capturedOut.hasPrefix("suits"))
        let again = kam("assess", saved)
        #expect(again.code == 0)
        #expect(again.out.hasPrefix("Your company: suits") || again.out.hasPrefix("suits"))
    }

    @Test func theTemplateListsEveryQuestion() {
        let r = kam("questionnaire")
        #expect(r.code == 0)
        for name in ["customer_count", "top20_customers_share_pct", "largest_customer_share_pct", "central_purchasing_pct",
                     "field_sales_cost_pct", "top_management_support"] {
            #expect(r.out.contains("    \(name): null,"))
        }
        #expect(r.out.contains("// required; a number; 0% to 100%"))
    }

    @Test func outputsAreWrittenAtomicallyAndNeverOverAnInput() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appending(path: "q.json5")
        try FileManager.default.copyItem(atPath: fixture("suits"), toPath: input.path)
        let refused = kam("assess", input.path, "-o", input.path)
        #expect(refused.code == 1)
        #expect(refused.err.contains("refusing to write the output over the input"))
        #expect(try String(contentsOf: input, encoding: .utf8).contains("Uralmash"))
        let out = folder.appending(path: "a.md").path
        #expect(kam("assess", input.path, "-o", out, "--format", "markdown").code == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("# Key-account management assessment"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["a.md", "q.json5"])
        let missing = kam("assess", input.path, "-o", folder.appending(path: "no/such/dir/a.txt").path)
        #expect(missing.code == 1)
        #expect(missing.err.contains("does not exist"))
    }
}

/// The built binary, driven through a pipe as a person's answers would arrive.
struct AssessEndToEndTests {
    @Test func pipedAnswersAndEveryVerdict() throws {
        let binary = TestPaths.productsDirectory.appending(path: "kam")
        for (name, verdict) in [("suits", "suits"), ("borderline", "borderline"), ("does-not-suit", "does_not_suit"), ("not-ready", "not_ready")] {
            let r = try run(binary, ["assess", TestPaths.fixtures.appending(path: "questionnaires/\(name).json5").path], input: "")
            #expect(r.code == 0)
            #expect(r.out.contains(": \(verdict)"))
        }
        let answers = ["340", "78", "12", "60", "14", "no"].joined(separator: "\n") + "\n" + String(repeating: "\n", count: 17)
        let r = try run(binary, ["assess", "--interactive"], input: answers)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.hasPrefix("not_ready"))
        let bad = try run(binary, ["assess", TestPaths.fixtures.appending(path: "questionnaires/invalid/every-mistake.json5").path], input: "")
        #expect(bad.code == 1)
        #expect(try run(binary, ["assess", "--format", "pdf", "x"], input: "").code == 64)
    }

    func run(_ binary: URL, _ arguments: [String], input: String) throws -> (code: Int32, out: String, err: String) {
        let r = try runChild(binary, arguments, input: Data(input.utf8))
        return (r.code, r.text, r.err)
    }
}
