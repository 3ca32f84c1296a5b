import Foundation
import KamAdvisor
import KamCSV
import KamReport
import KamRules
import KamSource
import KamWorkbook

/// `kam score`: every account of a customer list scored, tiered and explained.
enum ScoreCommand {
    static let command = Command(
        words: ["score"],
        summary: "Score every account of a customer list (CSV) and rank the key-account candidates.",
        synopsis: "FILE [--format csv|jsonl|json|xlsx] [-o FILE] [--excel] [--summary FILE] [--errors FILE] [options]",
        discussion: """
            FILE is a CSV export from a CRM or a spreadsheet (`-` reads standard input). The
            delimiter (, ; tab |), decimal comma and thousands separators are detected; UTF-8
            (with or without BOM) and UTF-16 with a BOM are read as is, Windows-1251 with
            --encoding cp1251, Windows-1252 and Latin-1 (Salesforce's default) with --encoding
            cp1252 or latin1; a file that is not UTF-8 gets an error naming the likely one. Columns are matched to the pack's inputs by name and by aliases
            (case, spaces and punctuation ignored); --map FILE (JSON5: {"column": "input"}, null
            to leave a column out) overrides, and the mapping is reported on standard error.
            Beware: a CRM's "Annual Revenue" is the customer's own size, not our sales to it.

            The output keeps input order and adds score, confidence (the share of the pack's
            weight the row answered), tier, the classifications and the top reasons; cells that could start a spreadsheet formula get a leading '. A row that
            cannot be read or scored is reported with its line (to --errors FILE as CSV, or on
            standard error) and counted. Totals lines (`Итого`, `Grand Total`, or a row without an
            id whose sales sum the rows above) and notes after the data are skipped, each named
            on standard error, and never counted as accounts: rows read = scored + rejected +
            totals lines. No row scored is exit 1; more than half rejected is a warning with the
            commonest reasons. --strict stops at the first rejected row with exit 1.

            A report with a line per invoice or order repeats each customer's id: the lines of an
            id are grouped into one account before scoring, each column combined as the pack's
            `aggregate` says (sales summed, percentages weighted by sales, names from the first
            line), and said so on standard error. A line that cannot be read rejects its whole
            account. --no-group scores each line alone.

            On a terminal, with no -o, --format, --columns or --excel, the accounts are shown as a
            table (id, name, sales, score, tier, main reason) that fits the window (COLUMNS and
            LINES set its size): the --top N best, or a screenful in input order and a line saying
            how many more there are and the command that writes them all. Piped, or with any of
            those options, the output is CSV (or JSON) as above.

            --excel writes CSV that Excel opens correctly in the user's locale: UTF-8 with a
            byte-order mark, and `;` between fields with a decimal comma in the score and
            confidence when the input was read as Windows-1251, had `;` and a decimal comma, or
            the language is Russian (--lang ru); `,` and a decimal point otherwise. Input cells
            are kept as they were read. The --errors file takes the same form. Standard error
            says which form was written and why.

            Examples:
              kam score customers.csv -o scored.csv --summary summary.json
              kam score export.csv --encoding cp1251 --map map.json5 --top 30
              kam score customers.csv --columns customer_id,score,tier,abc_class --format jsonl
              kam score export.csv --encoding cp1251 --map map.json5 --excel -o scored.csv
            """,
        options: [
            Language.option,
            OptionSpec(name: "--rules", value: "PATH", help: "Use the account-scoring pack in PATH instead of the bundled one."),
            OptionSpec(name: "--format", value: "FORMAT", help: "csv (default), jsonl, json, or xlsx (an Excel workbook); without it, the extension of -o FILE chooses (.csv, .jsonl, .json, .xlsx).",
                       choices: ["csv", "jsonl", "json", "xlsx"]),
            OptionSpec(name: "--output", value: "FILE", help: "Write the scored rows to FILE (atomically).", short: "-o"),
            OptionSpec(name: "--excel", value: nil, help: "CSV as Excel in the user's locale opens it: a byte-order mark, and `;` with a decimal comma where that locale uses them."),
            OptionSpec(name: "--summary", value: "FILE", help: "Write a JSON summary: counts, totals, tiers, classes, HHI, Gini, pack hash."),
            OptionSpec(name: "--errors", value: "FILE", help: "Write rejected rows (line, column, reason) as CSV."),
            OptionSpec(name: "--strict", value: nil, help: "Stop at the first row that cannot be scored (exit 1)."),
            OptionSpec(name: "--top", value: "N", help: "Output only the N best accounts, best first."),
            OptionSpec(name: "--columns", value: "LIST", help: "Output only these columns, comma-separated (input headers, score, confidence, tier, classes, reasons)."),
            OptionSpec(name: "--jobs", value: "N", help: "Threads to use (default: every core)."),
            OptionSpec(name: "--portfolio", value: "FILE", help: "Score this file as one partition against the whole list's portfolio (`kam portfolio`); reads it once, so `-` streams."),
            OptionSpec(name: "--quiet", value: nil, help: "No mapping report, progress or final line on standard error."),
            OptionSpec(name: "--no-group", value: nil, help: "Score every line as its own account, even where ids repeat (lines per invoice)."),
        ] + CustomerFile.options,
        run: run)

    static func run(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        guard arguments.positionals.count == 1, let given = arguments.positionals.first else {
            throw .usage(arguments.positionals.isEmpty ? "missing the customer list to score" : "expected one file, found \(arguments.positionals.count)",
                             help: "kam score customers.csv -o scored.csv")
        }
        let format = arguments.format("csv", byExtension: ["csv": "csv", "jsonl": "jsonl", "ndjson": "jsonl", "json": "json", "xlsx": "xlsx"])
        let workbook = format == "xlsx"
        if workbook && (arguments.value("--output") ?? "-") == "-" && console.outputIsTerminal {
            throw .usage("a workbook is a binary file, not for a terminal", help: "write it to a file: -o scored.xlsx")
        }
        if arguments.has("--excel") && workbook {
            throw .usage("--excel shapes CSV for Excel; a workbook (.xlsx) needs no shaping", help: "leave out --excel")
        }
        if arguments.has("--excel") && format != "csv" {
            throw .usage("--excel shapes CSV for Excel, and --format \(format) writes JSON", help: "leave out --excel, or write CSV")
        }
        let top = try arguments.integer("--top", in: 1...10_000_000)
        let jobs = try arguments.integer("--jobs", in: 1...256) ?? 0
        var encoding = try CustomerFile.encoding(arguments)
        var dialect = try CustomerFile.dialect(arguments)
        let quiet = arguments.has("--quiet")
        let screen = ScoreScreen.choose(arguments, top: top, console: console)
        BatchMemory.returnLargeBlocks()
        let pack = try PackChoice.pack(kind: "account-scoring", rules: arguments.value("--rules"), console: console)

        // With the whole list's portfolio given, this file is one partition, read once.
        var portfolio: PortfolioFigures?
        if let file = arguments.value("--portfolio") {
            do throws(PortfolioFile.Failure) {
                portfolio = try PortfolioFile.figures(path: file, for: pack)
            } catch {
                throw .failed("\(error)")
            }
        }
        // Standard input is otherwise read twice (portfolio, then scores), so it is kept in a
        // temporary file; with --portfolio it streams.
        var path = given
        var spooled: TemporaryFile?
        var opened: CSVBlockReader?
        if given == "-" && portfolio == nil {
            let file = try spoolStandardInput()
            path = file.path
            spooled = file
        }
        defer { withExtendedLifetime(spooled) {} }
        // A workbook is read through its sheet's CSV (a workbook on standard input was spooled
        // above: its directory is at its end).
        var positions: SheetPositions?
        var sheetSource: SheetSource?
        defer { withExtendedLifetime(sheetSource) {} }
        if !(given == "-" && portfolio != nil) {
            let source = try SheetSource.open(path, shownAs: given, sheet: arguments.value("--sheet"), quiet: quiet, console: console)
            path = source.path
            positions = source.positions
            (encoding, dialect) = source.csvOptions(encoding: encoding, dialect: dialect, console: console)
            sheetSource = source
        }

        // The header decides the mapping and the output columns.
        let rule = try CustomerFile.headerRule(arguments)
        let headers: [String], sniffed: CSVDialect, mapping: ColumnMapping, headerRecords: Int
        if given == "-" && portfolio != nil {
            var reader: CSVBlockReader
            let records: [(line: Int, fields: [String])]
            do throws(CSVError) {
                reader = try CSVBlockReader(path: "-", dialect: dialect, encoding: encoding)
                records = try reader.leadingRecords(limit: HeaderChoice.limit)
            } catch {
                throw .failed("standard input: \(error)")
            }
            let (choice, mapped) = try CustomerFile.header(of: records, shownAs: "<stdin>", pack: pack, map: arguments.all("--map"),
                                                           rule: rule, quiet: quiet, console: console)
            do throws(CSVError) { try reader.skipRecords(choice.recordsBeforeRows) } catch { throw .failed("standard input: \(error)") }
            (headers, sniffed, mapping, opened, headerRecords) = (choice.headers, reader.dialect, mapped, reader, choice.recordsBeforeRows)
        } else {
            let customers = try CustomerFile.open(path: path, shownAs: given, pack: pack, dialect: dialect, encoding: encoding,
                                                  map: arguments.all("--map"), header: rule, quiet: quiet, console: console)
            (headers, sniffed, mapping, headerRecords) = (customers.headers, customers.dialect, customers.mapping, customers.headerRecords)
        }
        let requested = arguments.value("--columns").map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: " ") } }
        let (columns, problem) = OutputColumns.make(requested: requested, headers: headers, pack: pack)
        guard let columns else { throw .usage(problem ?? "bad --columns") }
        let excel = arguments.has("--excel") ? ExcelCSV.form(input: sniffed, encoding: encoding, language: Messages.current.language) : nil
        // On a screen the scorer's rows feed the table, which keeps the first screenful.
        var shown: ScoreTableRows?
        let renderer: any RowRenderer
        if let screen {
            let source = ScoreTableSource(pack: pack, mapping: mapping, dialect: sniffed)
            shown = ScoreTableRows(source, limit: screen.limit)
            renderer = ScoreTableRenderer(source)
        } else if workbook {
            renderer = CSVRowRenderer(pack: pack, columns: columns, guardFormulas: false)
        } else if format == "csv" {
            renderer = CSVRowRenderer(pack: pack, columns: columns, excel: excel)
        } else {
            renderer = JSONRowRenderer(pack: pack, columns: columns, lines: format == "jsonl")
        }
        let rejectedRows = RejectedRows(excel: excel)

        let inputs = [path, given] + arguments.all("--map").filter(FileSystem.exists)
        let output: Output, errorsOut: Output?, summaryOut: Output?
        do throws(OutputFile.Failure) {
            output = try Output(path: arguments.value("--output"), inputs: inputs, console: console)
            errorsOut = try arguments.value("--errors").map { p throws(OutputFile.Failure) in try Output(path: p, inputs: inputs, console: console) }
            summaryOut = try arguments.value("--summary").map { p throws(OutputFile.Failure) in try Output(path: p, inputs: inputs, console: console) }
            // Scored rows are written on a thread of their own while rejected rows are
            // reported: both on standard output would interleave at random.
            if let errorsOut, errorsOut.isStandardOutput, output.isStandardOutput, screen == nil, !workbook {
                throw OutputFile.Failure(message: "--errors - and the scored rows would both go to standard output; give --errors a file, or the rows one with -o")
            }
            try errorsOut?.write(rejectedRows.header)
        } catch {
            throw .failed(error.message)
        }
        let book = workbook ? try WorkbookOutput() : nil
        func abortAll() {
            output.abort()
            errorsOut?.abort()
            summaryOut?.abort()
        }

        var options = BatchOptions(jobs: jobs, strict: arguments.has("--strict"), dialect: sniffed, encoding: encoding)
        options.portfolio = portfolio
        options.headerRecords = headerRecords
        options.group = !arguments.has("--no-group")
        let scorer = BatchScorer(pack: pack, mapping: mapping, options: options)
        let progress = Progress(console: console, quiet: quiet, path: path)
        let notices = RowNotices(shownAs: given, console: console, positions: positions.map { ($0, headers) })
        let started = Date()
        let write = { (bytes: UnsafeBufferPointer<UInt8>) throws(BatchFailure) in
            if shown != nil { return shown!.take(bytes) }
            do throws(OutputFile.Failure) {
                if let book { try book.write(bytes) } else { try output.write(bytes) }
            } catch {
                throw .output(error.message)
            }
        }
        func run<Sink: RowSink>(into sink: inout Sink) throws(BatchFailure) -> BatchSummary {
            try scorer.run(
                path: path, opened: opened, into: &sink,
                rejected: { error in
                    if let errorsOut {
                        try? errorsOut.write(rejectedRows.line(error))
                    } else {
                        progress.clear()
                    }
                    notices.reject(error, print: errorsOut == nil)
                },
                skipped: { row in
                    progress.clear()
                    if !quiet { notices.skip(row) }
                },
                progress: progress.update)
        }
        let summary: BatchSummary
        do throws(BatchFailure) {
            if let top {
                var best = TopRows(top, renderer, output: write)
                summary = try run(into: &best)
            } else {
                var rows = OrderedRows(renderer, output: write)
                summary = try run(into: &rows)
            }
        } catch {
            progress.clear()
            abortAll()
            switch error {
            case .row(let row):
                throw .failed("\(row.column.map { "column `\($0)`: " } ?? "")\(row.message)\nstopped at the first rejected row (--strict); nothing was written",
                              at: "\(given):\(row.line)")
            default: throw .failed("\(given): \(error.withoutPath)")
            }
        }
        progress.clear()
        if summary.scored == 0 {
            // Every row rejected: an empty result with exit 0 would pass for an answer.
            abortAll()
            if summary.rejected == 0 {
                throw .failed("\(given) holds no account to score (\(summary.skippedTotals) totals line\(summary.skippedTotals == 1 ? "" : "s") skipped); nothing was written")
            }
            throw .failed("none of the \(summary.rowsRead) rows of \(given) could be scored; nothing was written. The commonest reasons:\n" + notices.commonest(),
                          help: RowNotices.mappingHelp)
        }
        do throws(OutputFile.Failure) {
            try summaryOut?.write(Array(ScoreSummary.json(summary, pack: pack, mapping: mapping).utf8))
            if let shown, let screen {
                try output.write(Array(shown.table(everything: ScoreScreen.everything(arguments)).text(width: screen.width).utf8))
            }
            if let book {
                // Ids stay text in the sheet: `00123` is a code, not the number 123.
                let id = (pack.extras["portfolio"]?["id"]?.string).flatMap { name in mapping.bindings.first { $0.input.name == name }?.column }
                let texts = Set(columns.columns.enumerated().compactMap { i, c in c == .input(id ?? -1) ? i : nil })
                try book.finish(into: output, textColumns: texts, dialect: sniffed)
            }
            try output.commit()
            try errorsOut?.commit()
            try summaryOut?.commit()
        } catch {
            abortAll()
            throw .failed(error.message)
        }
        notices.finish(rowsRead: summary.rowsRead, toFile: errorsOut != nil)
        if !quiet { notices.grouping(summary) }
        if !quiet, let excel { console.err(excel.note + "\n") }
        if !quiet {
            let seconds = Date().timeIntervalSince(started)
            var line = String(format: "%d rows read, %d scored, %d rejected", summary.rowsRead, summary.scored, summary.rejected)
            if summary.skippedTotals > 0 { line += ", \(summary.skippedTotals) totals line\(summary.skippedTotals == 1 ? "" : "s") skipped" }
            if summary.footerLines > 0 { line += ", \(summary.footerLines) note\(summary.footerLines == 1 ? "" : "s") after the data skipped" }
            console.err(line + String(format: " in %.2f s\n", seconds))
        }
        if ProcessInfo.processInfo.environment["KAM_TIMING"] != nil {
            console.err("passes (s): " + summary.passSeconds.map { String(format: "%.3f", $0) }.joined(separator: " ")
                + "; CPU (s): " + summary.passCPUSeconds.map { String(format: "%.3f", $0) }.joined(separator: " ")
                + "; peak MB after each: " + summary.peakMegabytes.map(String.init).joined(separator: " ") + "\n")
        }
        return 0
    }

    /// Copies standard input to a temporary file, removed when the command is done.
    static func spoolStandardInput() throws(CommandFailure) -> TemporaryFile {
        let folder = TemporaryFile.folder
        guard let file = TemporaryFile(named: "kam-stdin") else {
            throw .failed("cannot keep standard input in \(folder): \(OutputFile.describe(errno))")
        }
        let fd = file.fd
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        defer { file.close() }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw .failed("cannot read standard input: \(OutputFile.describe(errno))")
            }
            var offset = 0
            while offset < n {
                let w = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, n - offset) }
                if w < 0 {
                    if errno == EINTR { continue }
                    throw .failed("cannot keep standard input in \(folder): \(OutputFile.describe(errno))")
                }
                offset += w
            }
        }
        return file
    }
}
