import KamAdvisor
import KamCSV
import KamRules
import KamSource

/// A customer list opened for a pack: its header read, its dialect settled and its columns
/// mapped to the pack's inputs (names, aliases, `--map`). Shared by `kam score` and
/// `kam report`, so both read a file the same way.
struct CustomerFile {
    let headers: [String]
    let dialect: CSVDialect
    let mapping: ColumnMapping

    /// Nil after the reason was written to standard error.
    static func open(
        path: String, shownAs given: String, pack: RulePack, dialect: CSVDialect?, encoding: CSVEncoding?, map: String?,
        quiet: Bool, console: Console
    ) -> CustomerFile? {
        let headers: [String]
        var sniffed: CSVDialect
        do throws(CSVError) {
            var reader = try CSVReader(path: path, dialect: dialect, encoding: encoding)
            var record = CSVRecord()
            guard try reader.next(into: &record) else {
                console.err("error: \(given) is empty\n")
                return nil
            }
            headers = record.strings
            sniffed = reader.dialect
        } catch {
            var error = error
            error.path = nil  // named once, as the user gave it
            console.err("error: \(given): \(error)\n")
            return nil
        }
        if let dialect { sniffed = dialect }
        guard let mapping = mapping(headers: headers, shownAs: given, pack: pack, map: map, quiet: quiet, console: console) else { return nil }
        return CustomerFile(headers: headers, dialect: sniffed, mapping: mapping)
    }

    /// The columns of `headers` mapped to the pack's inputs, the mapping reported unless
    /// `quiet`; nil after the reason was written to standard error.
    static func mapping(headers: [String], shownAs given: String, pack: RulePack, map: String?, quiet: Bool, console: Console) -> ColumnMapping? {
        var overrides: [(header: String, input: String?, span: SourceSpan?)] = []
        var mapFile: SourceFile?
        if let map {
            guard let bytes = FileSystem.read(map) else {
                console.err("error: cannot read \(map)\n")
                return nil
            }
            mapFile = SourceFile(path: map, bytes: bytes)
            let (read, diagnostics) = ColumnMapping.overrides(from: mapFile!)
            if report(diagnostics, console) { return nil }
            overrides = read ?? []
        }
        let (mapping, diagnostics) = ColumnMapping.make(headers: headers, pack: pack, overrides: overrides, overrideFile: mapFile)
        if report(diagnostics, console) { return nil }
        guard let mapping else { return nil }
        if !quiet {
            console.err("\(given): columns for pack `\(pack.id)` \(pack.version)\n" + mapping.report.joined(separator: "\n") + "\n")
        }
        return mapping
    }

    /// The options every command reading a customer list takes, parsed by `encoding`,
    /// `dialect` and `open`/`mapping`.
    static let options = [
        OptionSpec(name: "--map", value: "FILE", help: "Column-to-input mapping (JSON5) that overrides names and aliases."),
        OptionSpec(name: "--encoding", value: "NAME", help: "utf8 (default; a BOM is detected), utf16le, utf16be or cp1251."),
        OptionSpec(name: "--delimiter", value: "CHAR", help: "Field delimiter: , ; tab | (default: detected)."),
    ]

    /// `--encoding NAME`, or nil when not given.
    static func encoding(_ arguments: Arguments) throws(UsageError) -> CSVEncoding? {
        guard let name = arguments.value("--encoding") else { return nil }
        guard let e = CSVEncoding(name: name) else { throw UsageError(message: "unknown encoding `\(name)`", help: "use utf8, utf16le, utf16be or cp1251") }
        return e
    }

    /// `--delimiter CHAR`, or nil when not given (detected from the file).
    static func dialect(_ arguments: Arguments) throws(UsageError) -> CSVDialect? {
        guard let text = arguments.value("--delimiter") else { return nil }
        let map: [String: UInt8] = [",": 44, ";": 59, "tab": 9, "\t": 9, "|": 124]
        guard let byte = map[text] else { throw UsageError(message: "unknown delimiter `\(text)`", help: "use , ; tab or |") }
        return byte == 44 ? .comma : CSVDialect(delimiter: byte, decimalSeparator: UInt8(ascii: ","))
    }
}
