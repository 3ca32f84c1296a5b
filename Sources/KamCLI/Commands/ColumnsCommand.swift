import KamAdvisor
import KamCSV
import KamReport

/// `kam columns`: how a customer list will be read, without scoring it.
enum ColumnsCommand {
    static let command = Command(
        words: ["columns"],
        summary: "Show how a customer list will be read: encoding, delimiter, header line, and what each column feeds.",
        synopsis: "FILE [--map FILE|HEADER=INPUT] [--rules PATH] [options]",
        discussion: """
            Reads the header and the first rows only, and prints the detected encoding and
            dialect, the header line (past any title lines), and for every column three sample
            values and the input of the account pack it feeds — by name, by alias or by --map —
            or why it feeds none, with a ready --map line where a column looks close to an
            input. The inputs a score needs but the file lacks come last. Exit 1 when a required
            input has no column, so a script can check a file before scoring it.
            Examples:
              kam columns export.csv
              kam columns 1c.csv --encoding cp1251 --map "Сумма=revenue_ltm"
            """,
        options: [
            OptionSpec(name: "--rules", value: "PATH", help: "Use the account-scoring pack in PATH instead of the bundled one."),
        ] + CustomerFile.options,
        run: run)

    static func run(_ arguments: Arguments, _ console: Console) throws(CommandFailure) -> Int32 {
        guard arguments.positionals.count == 1, let path = arguments.positionals.first, path != "-" else {
            throw .usage("name one customer-list file", help: "kam columns customers.csv")
        }
        let source = try SheetSource.open(path, shownAs: path, sheet: arguments.value("--sheet"), quiet: false, console: console)
        defer { withExtendedLifetime(source) {} }
        let (encoding, dialect) = source.csvOptions(encoding: try CustomerFile.encoding(arguments), dialect: try CustomerFile.dialect(arguments),
                                                    console: console)
        let rule = try CustomerFile.headerRule(arguments)
        let pack = try PackChoice.pack(kind: "account-scoring", rules: arguments.value("--rules"), console: console)
        let overrides = try CustomerFile.overrides(arguments.all("--map"), console)
        var records: [(line: Int, fields: [String])] = []
        let reader: CSVReader
        do throws(CSVError) {
            var r = try CSVReader(path: source.path, dialect: dialect, encoding: encoding)
            var record = CSVRecord()
            // The header is within the first records; three samples a column within a few hundred.
            while records.count < HeaderChoice.limit + 200, try r.next(into: &record) { records.append((record.line, record.strings)) }
            reader = r
        } catch {
            var error = error
            error.path = nil
            throw .failed("\(path): \(error)")
        }
        let choice: HeaderChoice
        switch HeaderChoice.choose(Array(records.prefix(HeaderChoice.limit)), rule: rule,
                                   mapped: { ColumnMapping.make(headers: $0, pack: pack, overrides: overrides.list).0 != nil }) {
        case .failure(let failure):
            throw .failed(failure == .empty ? "\(path) is empty" : "\(path): \(failure)")
        case .success(let c): choice = c
        }
        let (mapping, diagnostics) = ColumnMapping.bestEffort(headers: choice.headers, pack: pack, overrides: overrides.list, overrideFile: overrides.file)
        var samples = [[String]](repeating: [], count: choice.headers.count)
        for row in records.dropFirst(choice.recordsBeforeRows) {
            for (c, value) in row.fields.enumerated() where c < samples.count && samples[c].count < 3 && !value.isEmpty {
                samples[c].append(value)
            }
        }
        console.out(ColumnsView.text(.init(path: path, encoding: reader.encoding, encodingGiven: encoding != nil, dialect: reader.dialect,
                                           header: choice, mapping: mapping, samples: samples, pack: pack, sheet: source.positions?.sheet)))
        try check(diagnostics, console)
        return 0
    }
}
