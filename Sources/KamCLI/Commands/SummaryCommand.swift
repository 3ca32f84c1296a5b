import KamReport
import KamSource

/// `kam summary merge`: the partitions' summaries as one.
enum SummaryCommand {
    static let merge = Command(
        words: ["summary", "merge"],
        summary: "Merge the --summary files of partitions scored with --portfolio into the whole list's summary.",
        synopsis: "FILE... [-o FILE]",
        discussion: """
            Each partition scored with `kam score PART --portfolio ALL --summary S` writes its own
            summary: its counts (rows read, scored, rejected, tiers, classes) and score sum are
            its own, its portfolio figures the whole list's. Merged, they are the summary one
            `kam score` over the whole list writes. Summaries that disagree on the portfolio,
            the rules or the columns were not scored alike and are refused.
            Example:
              kam summary merge summary-*.json -o summary.json
            """,
        options: [
            OptionSpec(name: "--output", value: "FILE", help: "Write the merged summary to FILE (atomically).", short: "-o"),
        ],
        run: run)

    static func run(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        guard !arguments.positionals.isEmpty else {
            throw .usage("missing the summaries to merge", help: "kam summary merge summary-*.json -o summary.json")
        }
        var files: [SourceFile] = []
        for path in arguments.positionals { files.append(try AssessCommand.readFile(path)) }
        let merged = try checked(SummaryMerge.merge(files), console)
        do throws(OutputFile.Failure) {
            try OutputFile.write(merged, to: arguments.value("--output"), inputs: arguments.positionals, console: console)
        } catch {
            throw .failed(error.message)
        }
        return 0
    }
}
