import KamAdvisor
import KamCSV
import KamExpr
import KamRules
import KamSource

/// A customer list opened for a pack: its header read, its dialect settled and its columns
/// mapped to the pack's inputs (names, aliases, `--map`). Shared by `kam score` and
/// `kam report`, so both read a file the same way.
struct CustomerFile {
    let headers: [String]
    let dialect: CSVDialect
    let mapping: ColumnMapping
    /// Records before the rows: the header and the title lines above it.
    let headerRecords: Int

    static func open(
        path: String, shownAs given: String, pack: RulePack, dialect: CSVDialect?, encoding: CSVEncoding?, map: [String],
        header rule: HeaderChoice.Rule = .find, quiet: Bool, filledBy: ColumnMapping.Elsewhere? = nil, console: Console
    ) throws(CommandFailure) -> CustomerFile {
        var records: [(line: Int, fields: [String])] = []
        var sniffed: CSVDialect
        do throws(CSVError) {
            var reader = try CSVReader(path: path, dialect: dialect, encoding: encoding)
            var record = CSVRecord()
            while records.count < HeaderChoice.limit, try reader.next(into: &record) {
                records.append((record.line, record.strings))
            }
            sniffed = reader.dialect
        } catch {
            var error = error
            error.path = nil  // named once, as the user gave it
            throw .failed("\(given): \(error)")
        }
        if let dialect { sniffed = dialect }
        let (choice, mapping) = try header(of: records, shownAs: given, pack: pack, map: map, rule: rule, quiet: quiet, filledBy: filledBy, console: console)
        return CustomerFile(headers: choice.headers, dialect: sniffed, mapping: mapping, headerRecords: choice.recordsBeforeRows)
    }

    /// The header among a list's first records and its columns mapped, the title lines above
    /// it and the mapping reported unless `quiet`.
    static func header(
        of records: [(line: Int, fields: [String])], shownAs given: String, pack: RulePack, map: [String], rule: HeaderChoice.Rule,
        quiet: Bool, filledBy: ColumnMapping.Elsewhere? = nil, console: Console
    ) throws(CommandFailure) -> (HeaderChoice, ColumnMapping) {
        let overrides = try overrides(map, console)
        let choice: HeaderChoice
        switch HeaderChoice.choose(records, rule: rule, mapped: { ColumnMapping.make(headers: $0, pack: pack, overrides: overrides.list).0 != nil }) {
        case .failure(let failure):
            throw .failed(failure == .empty ? "\(given) is empty" : "\(given): \(failure)")
        case .success(let c):
            choice = c
        }
        if !choice.titles.isEmpty && !quiet {
            let lines = choice.titles.count == 1 ? "line \(choice.titles[0].line)" : "lines \(choice.titles[0].line)–\(choice.titles.last!.line)"
            console.err("\(given): \(lines) above the header (line \(choice.line)) taken as a title and skipped: "
                        + choice.titles.prefix(3).map { JSONString.quote(String($0.text.prefix(60))) }.joined(separator: ", ")
                        + (rule == .find ? " (--header-line N says where the header is)" : "") + "\n")
        }
        let mapping = try mapping(headers: choice.headers, shownAs: given, pack: pack, overrides: overrides, quiet: quiet, filledBy: filledBy, console: console)
        return (choice, mapping)
    }

    /// The `--map` values read: each a JSON5 file of `{"header": "input"}`, or, when no such
    /// file exists, `HEADER=INPUT` split at the last `=` (`HEADER=` leaves the column out).
    static func overrides(_ maps: [String], _ console: Console) throws(CommandFailure)
        -> (list: [(header: String, input: String?, span: SourceSpan?)], file: SourceFile?)
    {
        var list: [(header: String, input: String?, span: SourceSpan?)] = []
        var file: SourceFile?
        for map in maps {
            if !FileSystem.exists(map), let equals = map.lastIndex(of: "=") {
                let header = String(map[..<equals]), input = String(map[map.index(after: equals)...])
                guard !header.isEmpty else { throw .failed("`--map \(map)` names no column before the `=`", help: "--map \"COLUMN HEADER=input_name\"") }
                list.append((header, input.isEmpty ? nil : input, nil))
                continue
            }
            guard let bytes = FileSystem.read(map) else {
                throw .failed("cannot read the --map file \(map)\(FileSystem.exists(map) ? "" : ": no such file")",
                              help: "--map takes a JSON5 file ({\"Column header\": \"input_name\"}) or one pair, --map \"Column header=input_name\"")
            }
            let source = SourceFile(path: map, bytes: bytes)
            let (read, diagnostics) = ColumnMapping.overrides(from: source)
            try check(diagnostics, console)
            list += read ?? []
            file = source
        }
        return (list, file)
    }

    /// The columns of `headers` mapped to the pack's inputs, the mapping reported unless `quiet`.
    static func mapping(
        headers: [String], shownAs given: String, pack: RulePack, overrides: (list: [(header: String, input: String?, span: SourceSpan?)], file: SourceFile?),
        quiet: Bool, filledBy: ColumnMapping.Elsewhere? = nil, console: Console
    ) throws(CommandFailure) -> ColumnMapping {
        let mapping = try checked(ColumnMapping.make(headers: headers, pack: pack, overrides: overrides.list, overrideFile: overrides.file), console)
        if !quiet {
            console.err("\(given): columns for pack `\(pack.id)` \(pack.version)\n" + mapping.report(filledBy: filledBy).joined(separator: "\n") + "\n")
        }
        return mapping
    }

    /// The options every command reading a customer list takes, parsed by `encoding`,
    /// `dialect` and `open`/`mapping`.
    static let options = [
        OptionSpec(name: "--sheet", value: "NAME", help: "The sheet of an .xlsx workbook to read (default: the first visible one)."),
        OptionSpec(name: "--map", value: "FILE|H=I", help: "A mapping file (JSON5, {\"header\": \"input\"}) or one pair `HEADER=INPUT` (`HEADER=` leaves a column out); repeats; wins over names and aliases.", repeats: true),
        OptionSpec(name: "--encoding", value: "NAME", help: "utf8 (default; a BOM is detected), utf16le, utf16be, cp1251 (Russian Windows), cp1252 or latin1 (Western Windows, Salesforce)."),
        OptionSpec(name: "--delimiter", value: "CHAR", help: "Field delimiter: , ; tab | (default: detected)."),
        OptionSpec(name: "--header-line", value: "N", help: "The header is on line N (default: found, past title lines)."),
        OptionSpec(name: "--skip-lines", value: "N", help: "Skip N title lines above the header."),
    ]

    /// `--header-line N` or `--skip-lines N`, else the header is found.
    static func headerRule(_ arguments: Arguments) throws(CommandFailure) -> HeaderChoice.Rule {
        let line = try arguments.integer("--header-line", in: 1...1_000_000)
        let skip = try arguments.integer("--skip-lines", in: 0...(HeaderChoice.limit - 1))
        switch (line, skip) {
        case (let n?, nil): return .line(n)
        case (nil, let n?): return .skip(n)
        case (nil, nil): return .find
        default: throw .usage("give --header-line or --skip-lines, not both", help: "--skip-lines N is --header-line N+1 when each title is one line")
        }
    }

    /// `--encoding NAME`, or nil when not given.
    static func encoding(_ arguments: Arguments) throws(CommandFailure) -> CSVEncoding? {
        guard let name = arguments.value("--encoding") else { return nil }
        guard let e = CSVEncoding(name: name) else { throw .usage("unknown encoding `\(name)`", help: "use utf8, utf16le, utf16be, cp1251, cp1252 or latin1") }
        return e
    }

    /// `--delimiter CHAR`, or nil when not given (detected from the file).
    static func dialect(_ arguments: Arguments) throws(CommandFailure) -> CSVDialect? {
        guard let text = arguments.value("--delimiter") else { return nil }
        let map: [String: UInt8] = [",": 44, ";": 59, "tab": 9, "\t": 9, "|": 124]
        guard let byte = map[text] else { throw .usage("unknown delimiter `\(text)`", help: "use , ; tab or |") }
        return byte == 44 ? .comma : CSVDialect(delimiter: byte, decimalSeparator: UInt8(ascii: ","))
    }
}
