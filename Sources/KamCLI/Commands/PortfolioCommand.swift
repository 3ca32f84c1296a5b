import Foundation
import KamAdvisor
import KamCSV
import KamRules
import KamSource

/// `kam portfolio`: the portfolio figures of partitions of a customer list, as files that
/// merge, so that partitions scored apart rank and share their accounts as one list would.
enum PortfolioCommand {
    static let command = Command(
        words: ["portfolio"],
        summary: "Write the mergeable portfolio (every account's measure and id) of one or more customer-list partitions.",
        synopsis: "FILE... [-o FILE] [--rules PATH] [--map FILE] [--encoding NAME] [--delimiter CHAR]",
        discussion: """
            Account scoring ranks and shares each account against the whole list (share,
            rank, cumulative share, ABC, HHI, Gini). When the list is split into partitions
            scored apart (docs/scale-out.md), each partition's portfolio is written with
            `kam portfolio`, the partials are merged with `kam portfolio merge`, and each
            partition is scored against the merged file with `kam score PART --portfolio FILE`:
            the rows and figures are then exactly those of one `kam score` over the whole list.
            FILE may be `-` (standard input, read once: no temporary file), and each file has
            its own header. The output is binary: about 10 bytes plus the id per account.
            Lines of one customer id (a line per invoice) count as one account, as in `kam
            score`; they must all lie in one partition, and `kam portfolio merge` refuses an
            id found in two.
            Examples:
              kam portfolio part-0.csv -o part-0.kamp
              cat part-1.csv | kam portfolio - > part-1.kamp
            """,
        options: [
            OptionSpec(name: "--output", value: "FILE", help: "Write the portfolio to FILE (atomically) instead of standard output.", short: "-o"),
            OptionSpec(name: "--rules", value: "PATH", help: "Use the account-scoring pack in PATH instead of the bundled one."),
            OptionSpec(name: "--no-group", value: nil, help: "Count every line as its own account, even where ids repeat (as `kam score --no-group`)."),
        ] + CustomerFile.options,
        run: run)

    static let merge = Command(
        words: ["portfolio", "merge"],
        summary: "Merge portfolio files written by `kam portfolio` into one.",
        synopsis: "FILE... [-o FILE]",
        discussion: """
            The files must come from the same account-scoring pack. The merge streams: memory is
            one account per file, whatever their size. The result merges again, so partials can
            be combined in any tree.
            Example:
              kam portfolio merge part-*.kamp -o all.kamp
            """,
        options: [
            OptionSpec(name: "--output", value: "FILE", help: "Write the merged portfolio to FILE (atomically).", short: "-o"),
        ],
        run: runMerge)

    static func run(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        guard !arguments.positionals.isEmpty else {
            throw .usage("missing the customer list (or partitions) to read", help: "kam portfolio part-0.csv -o part-0.kamp")
        }
        let encoding = try CustomerFile.encoding(arguments)
        let dialect = try CustomerFile.dialect(arguments)
        let rule = try CustomerFile.headerRule(arguments)
        let pack = try PackChoice.pack(kind: "account-scoring", rules: arguments.value("--rules"), console: console)
        var header: PortfolioFile.Header?
        var accounts: [PortfolioFile.Account] = []
        for path in arguments.positionals {
            // A partition may be a workbook's sheet; standard input streams as CSV.
            var source: SheetSource?
            defer { withExtendedLifetime(source) {} }
            var (encoding, dialect) = (encoding, dialect)
            if path != "-" {
                let s = try SheetSource.open(path, shownAs: path, sheet: arguments.value("--sheet"), quiet: true, console: console)
                source = s
                (encoding, dialect) = s.csvOptions(encoding: encoding, dialect: dialect, console: console)
            }
            // The header and the title lines above it; the rows after the header among the
            // records read are handed on with the reader.
            var reader: CSVReader
            var first: [CSVRecord] = []
            do throws(CSVError) {
                reader = path == "-" ? try CSVReader.standardInput(dialect: dialect, encoding: encoding)
                    : try CSVReader(path: source?.path ?? path, dialect: dialect, encoding: encoding)
                var record = CSVRecord()
                while first.count < HeaderChoice.limit, try reader.next(into: &record) { first.append(record) }
            } catch {
                var error = error
                error.path = nil
                throw .failed("\(path): \(error)")
            }
            let (choice, mapping) = try CustomerFile.header(of: first.map { ($0.line, $0.strings) }, shownAs: path, pack: pack,
                                                            map: arguments.all("--map"), rule: rule, quiet: true, console: console)
            let part: (header: PortfolioFile.Header, accounts: [PortfolioFile.Account])
            do throws(PortfolioFile.Failure) {
                part = try PortfolioFile.collect(Array(first[choice.recordsBeforeRows...]), then: &reader, pack: pack, mapping: mapping,
                                                 group: !arguments.has("--no-group"))
            } catch {
                throw .failed("\(path): \(error)")
            }
            if var h = header {
                h.rows += part.header.rows
                h.unreadable += part.header.unreadable
                h.accounts += part.header.accounts
                header = h
            } else {
                header = part.header
            }
            accounts += part.accounts
        }
        if arguments.positionals.count > 1 { accounts.sort(by: PortfolioFile.Account.precedes) }
        if let h = header, h.unreadable > 0 {
            console.err("note: \(h.unreadable) of \(h.rows) rows have no readable `\(h.measure)` or no `\(h.id)` and are not in the portfolio (`kam score` rejects them, or skips them as totals lines)\n")
        }
        var bytes = PortfolioFile.encode(header!)
        for account in accounts { PortfolioFile.encode(account, into: &bytes) }
        do throws(OutputFile.Failure) {
            try OutputFile.write(bytes: bytes, to: arguments.value("--output"), inputs: arguments.positionals.filter { $0 != "-" }, console: console)
        } catch {
            throw .failed(error.message)
        }
        return 0
    }

    static func runMerge(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        guard !arguments.positionals.isEmpty else {
            throw .usage("missing the portfolio files to merge", help: "kam portfolio merge part-*.kamp -o all.kamp")
        }
        var readers: [PortfolioFile.Reader] = []
        do throws(PortfolioFile.Failure) {
            for path in arguments.positionals { readers.append(try PortfolioFile.Reader(path: path)) }
        } catch {
            throw .failed("\(error)")
        }
        var header = readers[0].header
        for (r, path) in zip(readers.dropFirst(), arguments.positionals.dropFirst()) {
            if let why = header.mismatch(r.header) { throw .failed("\(path) cannot be merged with \(arguments.positionals[0]): it was \(why)") }
            header.rows += r.header.rows
            header.unreadable += r.header.unreadable
            header.accounts += r.header.accounts
        }
        let output: Output
        do throws(OutputFile.Failure) {
            output = try Output(path: arguments.value("--output"), inputs: arguments.positionals, console: console)
            try output.write(PortfolioFile.encode(header))
        } catch {
            throw .failed(error.message)
        }
        var buffer: [UInt8] = []
        do throws(PortfolioFile.Failure) {
            try PortfolioFile.merge(readers, paths: arguments.positionals) { (account) throws(PortfolioFile.Failure) in
                PortfolioFile.encode(account, into: &buffer)
                if buffer.count >= 1 << 20 {
                    do throws(OutputFile.Failure) { try output.write(buffer) } catch { throw .io(error.message) }
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            do throws(OutputFile.Failure) {
                try output.write(buffer)
                try output.commit()
            } catch {
                throw .io(error.message)
            }
        } catch {
            output.abort()
            throw .failed("\(error)")
        }
        return 0
    }
}
