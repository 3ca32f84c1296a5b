import KamAdvisor
import KamCSV
import KamReport
import KamRules

/// `kam diff OLD NEW`: what changed between two scored runs of a customer list, and why.
enum DiffCommand {
    static let command = Command(
        words: ["diff"],
        summary: "Compare two scored runs: accounts that changed tier or class, and the inputs that moved them.",
        synopsis: "OLD.csv NEW.csv [--summaries OLD.json --summaries NEW.json] [--old-rules PACK] [--format text|markdown|json|html] [-o FILE]",
        discussion: """
            OLD and NEW are lists `kam score` wrote in its default form (every input column, then
            the results), from two runs a period apart. Each is scored again under the pack, so
            every factor's points are known before and after; an account that changed tier or
            class is listed with the factors whose points moved and the input values behind
            them, or "the portfolio moved" when only its share or rank did because other
            accounts grew. Accounts that appeared and disappeared, risks that fired for the
            first time or cleared, and the portfolio's total, top-10 share, equivalent number of
            customers and Gini follow. Both runs are read with the same pack (--rules, else the
            bundled one), which the output names; when the rules changed between the runs,
            --old-rules reads the old list with its own pack as well, and each move says whether
            the rule change, the account's data, or both made it. A list written with --columns
            lacks the inputs and is refused. docs/diff.md describes the output.
            Examples:
              kam diff scored-2025.csv scored-2026.csv --format markdown -o changes.md
              kam diff scored-2025.csv scored-2026.csv --old-rules accounts-2025.json5
            """,
        options: [
            Language.option,
            OptionSpec(name: "--format", value: "FORMAT", help: "text (default), markdown, json, or html (one page with a chart of the moves between tiers); without it, the extension of -o FILE chooses (.txt, .md, .json, .html).",
                       choices: ["text", "markdown", "json", "html"]),
            OptionSpec(name: "--output", value: "FILE", help: "Write the diff to FILE (atomically) instead of standard output.", short: "-o"),
            OptionSpec(name: "--rules", value: "PATH", help: "A pack file or folder to use instead of the bundled account pack."),
            OptionSpec(name: "--old-rules", value: "PATH", help: "The pack the old run was scored with, when the rules changed since: tells the rules' moves from the data's."),
            OptionSpec(name: "--summaries", value: "FILE", help: "Each run's --summary file, old then new (give it twice): says which rules made each run.", repeats: true),
            OptionSpec(name: "--jobs", value: "N", help: "Threads to score with (default: every core)."),
            OptionSpec(name: "--map", value: "FILE|H=I", help: "The --map both lists were scored with (their outputs keep the file's own headers); repeats.", repeats: true),
        ],
        run: run)

    static func run(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        guard arguments.positionals.count == 2 else {
            throw .usage("kam diff compares two scored lists", help: "kam diff OLD.csv NEW.csv")
        }
        let (old, new) = (arguments.positionals[0], arguments.positionals[1])
        if old == "-" || new == "-" { throw .usage("`kam diff` reads files, not standard input", help: "save the lists to files first") }
        let jobs = try arguments.integer("--jobs", in: 1...256) ?? 0
        BatchMemory.returnLargeBlocks()
        let summaries = arguments.all("--summaries")
        guard summaries.isEmpty || summaries.count == 2 else {
            throw .usage("--summaries takes the two runs' summaries, old then new", help: "--summaries old.json --summaries new.json")
        }
        var provenance: [RunProvenance] = []
        for path in summaries {
            switch RunProvenance.read(try AssessCommand.readFile(path)) {
            case .success(let p): provenance.append(p)
            case .failure(let failure): throw .failed("\(failure)")
            }
        }
        if provenance.count == 2, let refusal = RunProvenance.refusal(old: provenance[0], new: provenance[1]) {
            throw .failed("\(refusal)")
        }
        let pack = try PackChoice.pack(kind: "account-scoring", rules: arguments.value("--rules"), console: console)
        var oldPack: RulePack?
        if let path = arguments.value("--old-rules") {
            let p = try PackChoice.pack(kind: "account-scoring", rules: path, console: console)
            if let old = provenance.first, old.hash != p.hash {
                throw .failed("--old-rules \(path) is `\(p.id)` \(p.version) (sha256 \(p.hash.prefix(12))), but \(old.packId) "
                              + "\(old.version) (sha256 \(old.hash.prefix(12))) made the old run, as its summary says: give that pack")
            }
            oldPack = p
        }
        let overrides = try CustomerFile.overrides(arguments.all("--map"), console)
        var diff: RunDiff
        do throws(DiffFailure) {
            diff = try RunDiff.compare(old: old, new: new, pack: pack, oldPack: oldPack, options: BatchOptions(jobs: jobs), overrides: overrides.list,
                                       overrideFile: overrides.file)
        } catch {
            throw .failed("\(error)")
        }
        if provenance.count == 2 {
            // A list with fewer rows than its run scored was cut (--top): its shares and
            // ranks would not be the run's.
            for (path, p, side) in [(old, provenance[0], diff.old), (new, provenance[1], diff.new)] where max(side.accounts, side.scored) < p.accounts {
                throw .failed("\(path) holds \(max(side.accounts, side.scored)) accounts but its run scored \(p.accounts): it was written with --top or cut; "
                              + "score the whole list again without --top")
            }
            diff.provenance = (provenance[0], provenance[1])
        }
        for (path, other, inputs) in [(old, new, diff.onlyOld), (new, old, diff.onlyNew)] where !inputs.isEmpty {
            console.err("warning: \(path) has columns for \(inputs.map { "`\($0)`" }.joined(separator: ", ")) and \(other) has not: "
                        + "the factors that read them are unanswered in one run, and accounts may move for that alone\n")
        }
        for path in diff.decimalComma {
            console.err("note: \(path) writes its numbers with a decimal comma (as the list it was scored from did); they were read so\n")
        }
        for (path, errors) in [(old, diff.oldRejected), (new, diff.newRejected)] {
            rejected(errors, of: path, console, "their accounts are missing from that run")
        }
        do throws(OutputFile.Failure) {
            let output = try Output(path: arguments.value("--output"), inputs: [old, new], console: console)
            var failure: OutputFile.Failure?
            DiffReport.write(diff, format: arguments.format("text", byExtension: ["txt": "text", "md": "markdown", "markdown": "markdown", "json": "json", "html": "html", "htm": "html"])) { piece in
                guard failure == nil else { return }
                do throws(OutputFile.Failure) { try output.write(Array(piece.utf8)) } catch { failure = error }
            }
            if let failure {
                output.abort()
                throw failure
            }
            try output.commit()
        } catch {
            throw .failed(error.message)
        }
        return 0
    }

    /// The first rows of a run that could not be scored again, and how many, on standard error.
    static func rejected(_ errors: [RowError], of path: String, _ console: Console, _ consequence: String) {
        guard !errors.isEmpty else { return }
        for e in errors.prefix(5) { console.err("\(path):\(e.line): error: \(e.column.map { "column `\($0)`: " } ?? "")\(e.message)\n") }
        console.err("warning: \(errors.count) rows of \(path) could not be scored again; \(consequence)\n")
    }
}
