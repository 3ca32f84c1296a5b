import KamReport

/// `kam questionnaire`: a ready-to-fill questionnaire for the assessment pack.
enum QuestionnaireCommand {
    static let command = Command(
        words: ["questionnaire"],
        summary: "Print a questionnaire template to fill in for `kam assess`.",
        synopsis: "[-o FILE] [--rules PATH]",
        discussion: """
            Every question of the assessment pack, as a comment above its answer, with its unit,
            range and whether it is required. Replace each null with an answer; optional ones may
            stay null (unanswered questions lower the confidence and are never read as zero).

            Example:
              kam questionnaire -o answers.json5 && $EDITOR answers.json5 && kam assess answers.json5
            """,
        options: [
            Language.option,
            OptionSpec(name: "--output", value: "FILE", help: "Write the template to FILE instead of standard output.", short: "-o"),
            OptionSpec(name: "--rules", value: "PATH", help: "Use the assessment pack in PATH instead of the bundled one."),
        ],
        operands: .none,
        run: run)

    static func run(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        if !arguments.positionals.isEmpty {
            throw .usage("`kam questionnaire` takes no arguments", help: "to write to a file: kam questionnaire -o answers.json5")
        }
        let pack = try PackChoice.pack(kind: "assessment", rules: arguments.value("--rules"), console: console)
        do throws(OutputFile.Failure) {
            try OutputFile.write(QuestionnaireTemplate.render(pack), to: arguments.value("--output"), inputs: [], console: console)
        } catch {
            throw .failed(error.message)
        }
        return 0
    }
}
