import KamAdvisor
import KamExpr
import KamRules
import KamSource

/// `kam rules check|test|list`: the rule author's tools.
enum RulesCommands {
    static let pathsSynopsis = "[PATH ...]"
    static let pathsDiscussion = "PATH is a pack file or a folder of them (*.json5); without one, the bundled packs are used."

    static let check = Command(
        words: ["rules", "check"],
        summary: "Validate rule packs and print `ok` or the problems found.",
        synopsis: pathsSynopsis,
        discussion: """
            \(pathsDiscussion)
            Every problem is reported with file, line and column; warnings (a band that can never
            hold, bands that overlap, values no band takes) do not fail the check.

            Examples:
              kam rules check
              kam rules check rules/suitability.json5 my-packs/
            """,
        options: [],
        run: runCheck)

    static let test = Command(
        words: ["rules", "test"],
        summary: "Run the rule packs' own test cases and show what they leave untested.",
        synopsis: pathsSynopsis,
        discussion: """
            \(pathsDiscussion)
            Each pack's `tests` give inputs and the expected verdict or tier, score range, rules
            that fire and classes. The last line is `N passed, N failed`; before it, the bands,
            gates, risks and outcomes no test reached.

            Example:
              kam rules test rules/
            """,
        options: [],
        run: runTest)

    static let list = Command(
        words: ["rules", "list"],
        summary: "List the bundled rule packs (id, kind, version, content hash).",
        synopsis: "",
        discussion: "The packs are built into kam from the rules/ folder of its source, so kam works from any folder.",
        options: [],
        operands: .none,
        run: runList)

    /// Loads each file, printing its diagnostics; nil entries failed to load. A broken pack is
    /// these commands' finding, not their failure: the others are still checked and listed.
    static func load(_ files: [SourceFile], _ console: Console) -> [RulePack?] {
        files.map { file in
            let (pack, diagnostics) = PackLoader.load(file, profiles: PackProfiles.all)
            _ = report(diagnostics, console)
            // The `report` section is the advisor's, not the engine's: checked here so that a
            // mistake in it shows at `rules check`, not first in `kam report`.
            if let pack, pack.kind == PackProfiles.accountScoring.kind, report(ReportFields.read(pack).1, console) { return nil }
            return pack
        }
    }

    static func runCheck(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        let files = try PackFiles.resolve(arguments.positionals, console)
        var failed = false
        for (file, pack) in zip(files, load(files, console)) {
            if let pack {
                console.out("ok     \(file.path) (\(pack.kind) `\(pack.id)` \(pack.version))\n")
            } else {
                console.out("error  \(file.path)\n")
                failed = true
            }
        }
        return failed ? 1 : 0
    }

    static func runTest(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        let files = try PackFiles.resolve(arguments.positionals, console)
        var passed = 0, failed = 0, broken = 0
        for (file, pack) in zip(files, load(files, console)) {
            guard let pack else {
                console.out("\(file.path): cannot be tested until its errors are fixed\n")
                broken += 1
                continue
            }
            let report = PackTester.run(pack)
            console.out("\(file.path) (`\(pack.id)`): \(report.passed) passed, \(report.failed) failed\n")
            for outcome in report.outcomes where !outcome.passed {
                let line = pack.file.location(of: outcome.test.span.start).line
                console.out("  FAIL \(outcome.test.name) (line \(line))\n")
                for failure in outcome.failures { console.out("       \(failure)\n") }
            }
            if pack.tests.isEmpty {
                console.out("  the pack has no tests\n")
            } else if !report.unexercised.isEmpty {
                console.out("  not exercised by any test: \(report.unexercised.joined(separator: ", "))\n")
            }
            passed += report.passed
            failed += report.failed
        }
        console.out("\(passed) passed, \(failed) failed\(broken > 0 ? ", \(broken) pack\(broken == 1 ? "" : "s") not loaded" : "")\n")
        return failed > 0 || broken > 0 ? 1 : 0
    }

    static func runList(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        if !arguments.positionals.isEmpty {
            throw .usage("`kam rules list` takes no paths", help: "to check your own packs, run `kam rules check PATH`")
        }
        let files = BundledPacks.files
        if files.isEmpty {
            console.out("no bundled packs (this kam was built without a rules/ folder)\n")
            return 0
        }
        var rows: [[String]] = [["id", "kind", "version", "sha256", "file"]]
        var failed = false
        for (file, pack) in zip(files, load(files, console)) {
            if let pack {
                rows.append([pack.id, pack.kind, pack.version, pack.hash, file.path])
            } else {
                failed = true
            }
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
        for row in rows {
            console.out(zip(row, widths).map { $0.padding(toLength: $1 + 1) }.joined().trimmingTrailingSpaces + "\n")
        }
        return failed ? 1 : 0
    }

    /// Writes diagnostics to standard error, and says whether any was an error.
    private static func report(_ diagnostics: [Diagnostic], _ console: Console) -> Bool {
        if !diagnostics.isEmpty { console.err(DiagnosticRenderer.render(diagnostics)) }
        return diagnostics.hasErrors
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
