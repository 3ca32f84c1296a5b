import KamSource
import Testing
@testable import KamCLI

/// A command's failure is thrown and written by the dispatch alone: once, on standard error,
/// with its exit code, and nothing of it on standard output.
struct DispatchTests {
    func command(_ run: @escaping @Sendable (Arguments, Console) throws(CommandFailure) -> Int32) -> Command {
        Command(words: ["try", "out"], summary: "", synopsis: "", discussion: "", options: [], run: run)
    }

    func run(_ command: Command, _ words: String...) -> (code: Int32, out: String, err: String) {
        let console = Console.capture()
        let code = KamCLI.run(command, words, console: console)
        return (code, console.capturedOut, console.capturedErr)
    }

    @Test func aFailureIsWrittenOnceWithItsCode() {
        let r = run(command { _, _ throws(CommandFailure) in throw .failed("cannot read x.csv", help: "check the path") })
        #expect(r.code == 1)
        #expect(r.out.isEmpty)
        #expect(r.err == "error: cannot read x.csv\nhelp: check the path\n")
    }

    @Test func aFailureAtAPlaceNamesIt() {
        let r = run(command { _, _ throws(CommandFailure) in throw .failed("column `a`: not a number\nstopped", at: "x.csv:7") })
        #expect(r.code == 1)
        #expect(r.err == "x.csv:7: error: column `a`: not a number\nstopped\n")
    }

    @Test func aUsageFailurePointsToTheCommandsHelp() {
        let r = run(command { _, _ throws(CommandFailure) in throw .usage("missing FILE", help: "kam try out FILE") })
        #expect(r.code == 64)
        #expect(r.out.isEmpty)
        #expect(r.err == "error: missing FILE\nhelp: kam try out FILE\nsee `kam try out --help`\n")
        let parse = run(command { _, _ in 0 }, "--nope")
        #expect(parse.code == 64)
        #expect(parse.err.hasPrefix("error: unknown option `--nope`\n"))
        #expect(parse.err.hasSuffix("see `kam try out --help`\n"))
    }

    @Test func diagnosticsAreWrittenAsTheyRender() {
        let file = SourceFile(path: "p.json5", text: "{x: }")
        let diagnostics: [Diagnostic] = [.error("expected a value", file: file, span: SourceSpan(start: 4, end: 5))]
        let r = run(command { _, _ throws(CommandFailure) in throw .diagnostics(diagnostics) })
        #expect(r.code == 1)
        #expect(r.err == DiagnosticRenderer.render(diagnostics))
        #expect(r.err.hasPrefix("p.json5:1:5: error: expected a value\n"))
    }

    @Test func aResultCodeIsNoFailure() {
        let r = run(command { _, console in
            console.out("3 passed, 1 failed\n")
            return 1
        })
        #expect(r.code == 1)
        #expect(r.out == "3 passed, 1 failed\n")
        #expect(r.err.isEmpty)
    }

    @Test func aFailureFromARealCommandIsWrittenOnce() {
        let r = kam("assess", "/nonexistent/answers.json5")
        #expect(r.code == 1)
        #expect(r.out.isEmpty)
        #expect(r.err == "error: cannot read /nonexistent/answers.json5: no such file\n")
    }
}
