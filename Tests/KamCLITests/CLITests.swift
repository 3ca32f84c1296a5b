import Foundation
import KamCLI
import KamTestSupport
import Testing

/// Runs `kam` in-process and returns the exit code and both streams.
func kam(_ arguments: String...) -> (code: Int32, out: String, err: String) { kam(arguments) }

func kam(_ arguments: [String]) -> (code: Int32, out: String, err: String) {
    let console = Console.capture()
    let code = KamCLI.run(arguments, console: console)
    return (code, console.capturedOut, console.capturedErr)
}

struct EvalCommandTests {
    @Test(arguments: [
        ("7", "7"), ("1 + 2 * 3", "7"), ("'ab' + 'c'", "\"abc\""), ("[1, 'x', true, null]", "[1,\"x\",true,null]"),
        ("10 / 4", "2.5"), ("'line\\nbreak'", "\"line\\nbreak\""), ("not true or false", "false"),
    ])
    func printsTheValueAsJSON(_ expression: String, _ printed: String) {
        let r = kam("eval", expression)
        #expect(r.code == 0)
        #expect(r.out == printed + "\n")
        #expect(r.err.isEmpty)
    }

    @Test func readsVariables() {
        let r = kam("eval", "share >= 0.2 && name.startsWith('A')", "--vars", "{share: 0.25, name: 'Acme'}")
        #expect(r.out == "true\n")
        #expect(kam("eval", "x", "--vars={x: [1, 2]}").out == "[1,2]\n")
    }

    @Test func anEvaluationErrorIsADiagnosticAndExitOne() {
        let r = kam("eval", "x / y", "--vars", "{x: 1, y: 0}")
        #expect(r.code == 1)
        #expect(r.out.isEmpty)
        #expect(r.err == "<expression>:1:1: error: division by zero\n 1 | x / y\n   | ^~~~~\n")
    }

    @Test func aCompileErrorSuggestsTheName() {
        let r = kam("eval", "anual > 3", "--vars", "{annual: 1}")
        #expect(r.code == 1)
        #expect(r.err.contains("unknown name `anual`"))
        #expect(r.err.contains("did you mean `annual`?"))
    }

    @Test func badVarsPointIntoTheVars() {
        let r = kam("eval", "x", "--vars", "{x: }")
        #expect(r.code == 1)
        #expect(r.err.hasPrefix("<--vars>:1:5: error:"))
        #expect(kam("eval", "x", "--vars", "[1]").err.contains("`--vars` must be an object"))
    }

    @Test func aWrongCommandLineExits64() {
        #expect(kam("eval").code == 64)
        #expect(kam("eval", "1", "2").code == 64)
        let r = kam("eval", "1", "--var", "{}")
        #expect(r.code == 64)
        #expect(r.err == "error: unknown option `--var`\nhelp: did you mean `--vars`?\nsee `kam eval --help`\n")
        #expect(kam("eval", "1", "--vars").err.hasPrefix("error: `--vars` needs a value (JSON)"))
        #expect(kam("evaluate", "1").code == 64)
        #expect(kam().code == 64)
    }

    @Test func explainShowsEveryStep() {
        let r = kam("eval", "round(x / 2)", "--vars", "{x: 5}", "--explain")
        #expect(r.out == "3\n")
        #expect(r.err == "  x = 5\n  2 = 2\n  x / 2 = 2.5\n  round(x / 2) = 3\n")
    }
}

struct HelpTests {
    @Test func everyCommandHasHelp() {
        for command in [["eval"], ["rules", "check"], ["rules", "test"], ["rules", "list"]] {
            let r = KamCLI.run(command + ["--help"], console: { let c = Console.capture(); return c }())
            #expect(r == 0)
        }
        let r = kam("rules", "check", "--help")
        #expect(r.out.hasPrefix("Validate rule packs"))
        #expect(r.out.contains("Usage: kam rules check [PATH ...]"))
    }

    @Test func overviewAndVersion() {
        #expect(kam("--version").out == "kam \(KamCLI.version)\n")
        let r = kam("--help")
        #expect(r.code == 0)
        for name in ["eval", "rules check", "rules test", "rules list"] { #expect(r.out.contains("  \(name) ")) }
    }

    @Test func aMisspeltSubcommandIsSuggested() {
        let r = kam("rules", "chek")
        #expect(r.code == 64)
        #expect(r.err.contains("did you mean `check`?"))
    }
}

struct RulesCommandTests {
    let broken = TestPaths.fixtures.appending(path: "rules-broken").path

    @Test func checkReportsEveryBrokenPack() {
        let r = kam("rules", "check", broken)
        #expect(r.code == 1)
        #expect(r.out.split(separator: "\n").count >= 10)
        #expect(r.out.split(separator: "\n").allSatisfy { $0.hasPrefix("error  ") || $0.hasPrefix("ok     ") })
        #expect(r.err.contains("03-unknown-name.json5:13:18: error: unknown name `anual_revenue`"))
    }

    @Test func checkOfAMissingPathFails() {
        let r = kam("rules", "check", "/no/such/pack.json5")
        #expect(r.code == 1)
        #expect(r.err == "error: no such file or folder: /no/such/pack.json5\n")
    }

    @Test func bundledPacksCheckAndPassTheirTests() {
        let check = kam("rules", "check")
        #expect(check.code == 0, "\(check.err)")
        let test = kam("rules", "test")
        #expect(test.code == 0, "\(test.out)\(test.err)")
        #expect(test.out.hasSuffix(" 0 failed\n"))
        let list = kam("rules", "list")
        #expect(list.code == 0)
        #expect(list.out.hasPrefix("id "))
    }
}

/// The built `kam` executable, run as a user would.
struct EndToEndTests {
    @Test func theBinaryRunsFromAnyFolder() throws {
        let binary = TestPaths.productsDirectory.appending(path: "kam")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            Issue.record("kam binary not found at \(binary.path)")
            return
        }
        let r = try runChild(binary, ["eval", "size('héllo') + 1"], currentDirectory: FileManager.default.temporaryDirectory)
        #expect(r.code == 0)
        #expect(r.text == "6\n")
    }
}

struct ArgumentTests {
    @Test func aLeadingMinusIsAnExpressionNotAnOption() {
        #expect(kam("eval", "-7 % 3").out == "-1\n")
        #expect(kam("eval", "-x", "--vars", "{x: 2}").out == "-2\n")
        #expect(kam("eval", "--", "--x").code == 1)  // after `--`, even `--x` is the expression
    }
}

/// `kam rules check rules/` checks the packs of the folder; its `messages/` catalogues are no packs.
struct RulesFolderTests {
    @Test func theBundledFolderChecksAndTestsCleanly() {
        let check = kam("rules", "check", TestPaths.rules.path)
        #expect(check.code == 0, "\(check.out)\(check.err)")
        #expect(check.out.split(separator: "\n").count == 3, "\(check.out)")
        #expect(!check.out.contains("messages"))
        let test = kam("rules", "test", TestPaths.rules.path)
        #expect(test.code == 0)
        #expect(!test.out.contains("not loaded"), "\(test.out)")
    }
}

struct MistypedOptionTests {
    @Test func aSingleDashWordIsAMistypedOptionNotAFile() {
        let sample = TestPaths.fixtures.appending(path: "sample/customers.csv").path
        let r = kam("score", sample, "-q")
        #expect(r.code == 64)
        #expect(r.err.contains("unknown option `-q`") && r.err.contains("did you mean `--quiet`?"), "\(r.err)")
        // Standard input is still `-`, and an expression may still start with a minus.
        #expect(kam("eval", "-7 + 1").out == "-6\n")
        #expect(kam("columns", "-x").err.contains("`./-x` names a file"))
    }
}
