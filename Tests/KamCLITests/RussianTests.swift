import Foundation
import KamCLI
import KamTestSupport
import Testing

/// Russian output: golden files for the assessment, the questionnaire, the interactive
/// assessment and the report; no English sentence in any of them; and how the language is
/// chosen (--lang, KAM_LANG, the locale only on a terminal).
struct RussianTests {
    let questionnaire = TestPaths.fixtures.appending(path: "sample/questionnaire.json5").path
    let customers = TestPaths.fixtures.appending(path: "sample/customers.csv").path
    let contacts = TestPaths.fixtures.appending(path: "sample/contacts.csv").path
    func fixture(_ name: String) -> String { TestPaths.fixtures.appending(path: "questionnaires/\(name).json5").path }

    func run(_ arguments: [String], environment: [String: String] = [:], terminal: Bool = false, input: [String] = [])
        -> (code: Int32, out: String, err: String)
    {
        let console = Console.capture(input: input, terminal: terminal, environment: environment)
        let code = KamCLI.run(arguments, console: console)
        return (code, console.capturedOut, console.capturedErr)
    }

    func relative(_ text: String) -> String { text.replacingOccurrences(of: TestPaths.packageRoot.path + "/", with: "") }

    /// Runs of three or more Latin words left once what may stay Latin is taken out: code
    /// spans, ids and file paths, hashes, and the names of customers and people in the inputs.
    func englishRuns(_ text: String) throws -> [String] {
        var rest = text.replacing(try Regex("(?s)<style>.*?</style>"), with: " ")
            .replacing(try Regex("(?s)<code>.*?</code>"), with: " ")
            .replacing(try Regex("`[^`]*`"), with: " ")
            .replacing(try Regex(#"\bkam [a-z -]+"#), with: " ")
            .replacing(try Regex(#"[\w./-]*\.(csv|json5|json|html|md)\b"#), with: " ")
            .replacing(try Regex("<[^>]*>"), with: " ")
        var names: [String] = []
        let folder = TestPaths.fixtures.appending(path: "questionnaires")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).map { folder.appending(path: $0).path }
        for path in files + [questionnaire] where path.hasSuffix(".json5") {
            if let supplier = try String(contentsOfFile: path, encoding: .utf8).firstMatch(of: try Regex(#"supplier:\s*"([^"]+)""#)) {
                names.append(String(supplier.output[1].substring!))
            }
        }
        for file in [customers, contacts] {
            for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").dropFirst() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                if fields.count > 1 { names.append(String(fields[1])) }
            }
        }
        for name in names.sorted(by: { $0.count > $1.count }) where name.count > 3 { rest = rest.replacingOccurrences(of: name, with: " ") }
        return rest.matches(of: try Regex(#"\b[A-Za-z][A-Za-z']+(?:[ ,;:-]+[A-Za-z][A-Za-z']+){2,}\b"#)).map { String(rest[$0.range]) }
    }

    @Test(arguments: [("markdown", "report-sample-ru.md"), ("html", "report-sample-ru.html")])
    func theSampleReportInRussian(_ format: String, _ golden: String) throws {
        let r = run(["report", "--questionnaire", questionnaire, "--customers", customers, "--contacts", contacts,
                     "--format", format, "--quiet", "--lang", "ru"])
        #expect(r.code == 0, "\(r.err)")
        assertGolden(relative(r.out), named: golden)
        let runs = try englishRuns(r.out)
        #expect(runs.isEmpty, "\(runs.prefix(20))")
        if format == "html" { #expect(r.out.contains("<html lang=\"ru\">")) }
        // Numbers and dates as Russians write them.
        #expect(r.out.contains("483\u{A0}535\u{A0}066\u{A0}₽"))
        #expect(r.out.contains("27.11.2026"))
    }

    @Test(arguments: ["text", "markdown", "json"])
    func theAssessmentInRussian(_ format: String) throws {
        let r = run(["assess", fixture("suits"), "--format", format, "--lang", "ru"])
        #expect(r.code == 0, "\(r.err)")
        assertGolden(r.out, named: "assess-suits-ru.\(["text": "txt", "json": "json", "markdown": "md"][format]!)")
        if format != "json" {
            let runs = try englishRuns(r.out)
            #expect(runs.isEmpty, "\(runs)")
        }
        // The ids stay as they are.
        if format == "json" { #expect(r.out.contains("\"verdict\": \"suits\"")) }
    }

    @Test func theQuestionnaireAndThePromptInRussian() throws {
        let template = run(["questionnaire", "--lang", "ru"])
        #expect(template.code == 0)
        assertGolden(template.out, named: "questionnaire-ru.json5")
        let runs = try englishRuns(template.out)
        #expect(runs.isEmpty, "\(runs)")
        let lines = ["340", "78", "12", "60", "14", "да"] + Array(repeating: "", count: 18) + [""]
        let asked = run(["assess", "--interactive", "--lang", "ru"], input: lines)
        #expect(asked.code == 0, "\(asked.err)")
        assertGolden(asked.err + "\n----\n" + asked.out, named: "assess-interactive-ru.txt")
        let askedRuns = try englishRuns(asked.err + asked.out)
        #expect(askedRuns.isEmpty, "\(askedRuns)")
    }

    @Test func theLanguageComesFromTheFlagTheVariableOrATerminalsLocale() {
        let args = ["assess", fixture("suits")]
        let english = run(args).out
        #expect(english.contains("Factors"))
        #expect(run(args + ["--lang", "ru"]).out.contains("Факторы"))
        #expect(run(args, environment: ["KAM_LANG": "ru"]).out.contains("Факторы"))
        // --lang wins over KAM_LANG.
        #expect(run(args + ["--lang", "en"], environment: ["KAM_LANG": "ru"]).out == english)
        // The locale counts only on a terminal: a file or pipe keeps its bytes.
        #expect(run(args, environment: ["LANG": "ru_RU.UTF-8"]).out == english)
        #expect(run(args, environment: ["LANG": "ru_RU.UTF-8"], terminal: true).out.contains("Факторы"))
        #expect(run(args, environment: ["LC_ALL": "C", "LANG": "ru_RU.UTF-8"], terminal: true).out == english)
        let unknown = run(args + ["--lang", "de"])
        #expect(unknown.code == 64)
        let badVariable = run(args, environment: ["KAM_LANG": "de"])
        #expect(badVariable.code == 64 && badVariable.err.contains("KAM_LANG asks for `de`"))
    }

    @Test func theScoredListsReasonsFollowTheLanguageAndItsColumnsDoNot() throws {
        let csv = TestPaths.fixtures.appending(path: "customers/crm-export.csv").path
        let english = run(["score", csv, "--quiet"]).out
        let russian = run(["score", csv, "--quiet", "--lang", "ru"]).out
        #expect(english.split(separator: "\n").first == russian.split(separator: "\n").first)
        #expect(russian.contains("наших продаж") || russian.contains("продаж"))
        #expect(english != russian)
    }
}
