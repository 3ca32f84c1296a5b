import KamAdvisor
import KamCSV
import KamExpr
import KamReport
import KamRules
import KamSource

/// `kam assess`: does key-account management suit this supplier?
enum AssessCommand {
    static let command = Command(
        words: ["assess"],
        summary: "Assess whether key-account management suits the supplier, from a questionnaire.",
        synopsis: "[FILE] [--customers CSV] [--format text|json|markdown] [-o FILE] [--rules PATH]",
        discussion: """
            FILE is a questionnaire (JSON5: { supplier: "…", answers: { … } }); `kam questionnaire`
            prints a template to fill in. Without FILE, in a terminal (or with --interactive),
            kam asks the questions one by one and offers to save the answers.

            --customers computes the concentration answers (customer count, share of the largest
            20% and of the largest customer, HHI, Gini) from a customer list instead of asking,
            and the result says which answers came from data. The list is read as `kam score`
            reads it: the account pack's column names and aliases (--map, --measure COLUMN for
            the sales), title and totals lines skipped, a customer's invoice lines grouped; a
            row that cannot be read is named (--errors FILE lists them all).

            The result: the verdict (suits, borderline, does_not_suit, or not_ready when a gate
            such as missing top-management support blocks it), the score out of 100 and the
            confidence, every factor with its points and reason, the risks with what to do, the
            unanswered questions, and for each answer the nearest change that would change the
            verdict. --format json is documented in docs/assessment-json.md.

            Examples:
              kam questionnaire -o answers.json5
              kam assess answers.json5
              kam assess answers.json5 --customers customers.csv --format markdown -o assessment.md
            """,
        options: [
            Language.option,
            OptionSpec(name: "--customers", value: "CSV", help: "Compute the concentration answers from this customer list."),
            OptionSpec(name: "--measure", value: "COLUMN", help: "The customer list's column of our 12-month sales (found by name and alias if not given)."),
            OptionSpec(name: "--errors", value: "FILE", help: "Write the customer list's rows that cannot be read (line, column, reason) as CSV."),
            OptionSpec(name: "--format", value: "FORMAT", help: "text (default), json or markdown; without it, the extension of -o FILE chooses (.txt, .json, .md).", choices: ["text", "json", "markdown"]),
            OptionSpec(name: "--output", value: "FILE", help: "Write the result to FILE (atomically) instead of standard output.", short: "-o"),
            OptionSpec(name: "--rules", value: "PATH", help: "Use the assessment pack in PATH instead of the bundled one."),
            OptionSpec(name: "--interactive", value: nil, help: "Ask the questions even when standard input is not a terminal."),
        ] + CustomerFile.options,
        run: run)

    static func run(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        let format = arguments.format("text", byExtension: ["txt": "text", "json": "json", "md": "markdown", "markdown": "markdown"])
        guard arguments.positionals.count <= 1 else {
            throw .usage("expected one questionnaire file, found \(arguments.positionals.count) arguments")
        }
        let pack = try PackChoice.pack(kind: "assessment", rules: arguments.value("--rules"), console: console)
        let file = arguments.positionals.first
        let interactive = arguments.has("--interactive") || (file == nil && console.inputIsTerminal)
        if file == nil && !interactive {
            throw .usage(
                "missing the questionnaire file",
                help: "run `kam questionnaire -o answers.json5`, fill it in, then `kam assess answers.json5`; or run kam assess in a terminal to be asked")
        }

        // Answers computed from the customer list come first; they take the place of questions.
        var fromData: [String: Answer] = [:]
        if let customers = arguments.value("--customers") {
            fromData = try concentration(customers, arguments, console).answers(for: pack)
        }

        var questionnaire: Questionnaire
        if let file {
            questionnaire = try checked(Questionnaire.load(try readFile(file), pack: pack, filled: Set(fromData.keys)), console)
        } else {
            guard let answers = Prompter(console: console).ask(pack, skipping: Set(fromData.keys)) else {
                throw .failed("the input ended before every required question was answered")
            }
            questionnaire = Questionnaire(answers: answers)
            offerToSave(questionnaire, pack, console)
        }
        merge(fromData, into: &questionnaire, console)

        let assessment = Assessor.assess(questionnaire, pack: pack)
        let text: String
        switch format {
        case "json": text = AssessmentReport.json(assessment)
        case "markdown": text = AssessmentReport.markdown(assessment)
        default: text = AssessmentReport.text(assessment)
        }
        do throws(OutputFile.Failure) {
            let inputs = [file, arguments.value("--customers")].compactMap { $0 }
            try OutputFile.write(text, to: arguments.value("--output"), inputs: inputs, console: console)
        } catch {
            throw .failed(error.message)
        }
        return 0
    }

    /// Puts the answers computed from a customer list in place of the questionnaire's, saying
    /// so where the two differ: the list's figure is the one used.
    static func merge(_ computed: [String: Answer], into questionnaire: inout Questionnaire, _ console: Console) {
        for name in computed.keys.sorted() {
            guard let given = questionnaire.answers[name]?.value, let value = computed[name]?.value, given.json != value.json else { continue }
            console.err("note: `\(name)`: the questionnaire says \(given.description), the customer list gives \(value.description); the list's figure is used\n")
        }
        for (name, answer) in computed { questionnaire.answers[name] = answer }
    }

    static func readFile(_ path: String) throws(CommandFailure) -> SourceFile {
        guard let data = FileSystem.read(path) else {
            throw .failed("cannot read \(path)\(FileSystem.exists(path) ? "" : ": no such file")")
        }
        return SourceFile(path: path, bytes: data)
    }

    /// The concentration of a customer list, read as `kam score` reads it.
    static func concentration(_ given: String, _ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Concentration {
        let source = try SheetSource.open(given, shownAs: given, sheet: arguments.value("--sheet"), quiet: true, console: console)
        defer { withExtendedLifetime(source) {} }
        let path = source.path
        let (encoding, dialect) = source.csvOptions(encoding: try CustomerFile.encoding(arguments), dialect: try CustomerFile.dialect(arguments),
                                                    console: console)
        let rule = try CustomerFile.headerRule(arguments)
        let pack = try PackChoice.pack(kind: "account-scoring", rules: nil, console: console)
        var maps = arguments.all("--map")
        if let column = arguments.value("--measure"), let measure = pack.extras["portfolio"]?["measure"]?.string {
            maps.append("\(column)=\(measure)")
        }
        let file = try CustomerFile.open(path: path, shownAs: given, pack: pack, dialect: dialect, encoding: encoding, map: maps,
                                         header: rule, quiet: true, console: console)
        var options = BatchOptions(dialect: file.dialect, encoding: encoding)
        options.headerRecords = file.headerRecords
        let errors: Output?, rejectedRows = RejectedRows()
        do throws(OutputFile.Failure) {
            errors = try arguments.value("--errors").map { p throws(OutputFile.Failure) in try Output(path: p, inputs: [path, given], console: console) }
            try errors?.write(rejectedRows.header)
        } catch {
            throw .failed(error.message)
        }
        let notices = RowNotices(shownAs: given, console: console, positions: source.positions.map { ($0, file.headers) })
        let result: (Concentration?, BatchSummary)
        do throws(BatchFailure) {
            result = try Concentration.read(
                path: path, pack: pack, mapping: file.mapping, options: options,
                rejected: { e in
                    try? errors?.write(rejectedRows.line(e))
                    notices.reject(e, print: errors == nil)
                },
                skipped: notices.skip, progress: { _, _, _ in })
        } catch {
            errors?.abort()
            throw .failed("\(given): \(error.withoutPath)")
        }
        do throws(OutputFile.Failure) { try errors?.commit() } catch {
            throw .failed(error.message)
        }
        let (c, summary) = result
        notices.finish(rowsRead: summary.rowsRead, toFile: errors != nil)
        notices.grouping(summary)
        guard let c else {
            throw .failed("\(given): no customer has sales to measure concentration by (\(summary.rowsRead) rows read, \(summary.rejected) rejected)")
        }
        console.err("note: concentration computed from \(c.customers) customers in \(given)\n")
        return c
    }

    static func offerToSave(_ questionnaire: Questionnaire, _ pack: RulePack, _ console: Console) {
        console.err("\n" + Messages.current("prompt.save"))
        guard let line = console.readLine()?.trimmingCharacters(in: " \t"), !line.isEmpty else {
            console.err("\n")
            return
        }
        let text = QuestionnaireTemplate.render(pack, answers: questionnaire.answers.mapValues(\.value))
        do throws(OutputFile.Failure) {
            try OutputFile.write(text, to: line, inputs: [], console: console)
            console.err(Messages.current("prompt.saved", ["file": line]) + "\n\n")
        } catch {
            console.err("error: \(error.message)\n")
        }
    }
}
