import KamAdvisor
import KamCSV
import KamRules

/// `kam columns`: how a customer list will be read, as text for a person — the encoding,
/// the dialect, where the header is, and for each column three sample values and the input
/// it feeds, or why it feeds none.
public enum ColumnsView {
    public struct Input: Sendable {
        public let path: String
        public let encoding: CSVEncoding
        public let encodingGiven: Bool
        public let dialect: CSVDialect
        public let header: HeaderChoice
        public let mapping: ColumnMapping
        /// Up to three non-empty values per column, from the first rows.
        public let samples: [[String]]
        public let pack: RulePack
        /// The sheet read, when the file is a workbook: it has no encoding or dialect of its own.
        public let sheet: String?

        public init(path: String, encoding: CSVEncoding, encodingGiven: Bool, dialect: CSVDialect, header: HeaderChoice,
                    mapping: ColumnMapping, samples: [[String]], pack: RulePack, sheet: String? = nil)
        {
            self.sheet = sheet
            self.path = path
            self.encoding = encoding
            self.encodingGiven = encodingGiven
            self.dialect = dialect
            self.header = header
            self.mapping = mapping
            self.samples = samples
            self.pack = pack
        }
    }

    public static func text(_ v: Input) -> String {
        var out = "file:      \(v.path)\n"
        if let sheet = v.sheet {
            out += "sheet:     \"\(sheet)\" of an Excel workbook (--sheet NAME reads another)\n"
        } else {
            out += "encoding:  \(name(v.encoding))\(v.encodingGiven ? " (--encoding)" : " (detected; --encoding sets it)")\n"
            out += "dialect:   delimiter \(delimiter(v.dialect.delimiter)), decimal \(v.dialect.decimalSeparator == UInt8(ascii: ",") ? "comma" : "point")\n"
        }
        out += "header:    \(v.sheet == nil ? "line" : "row") \(v.header.line)"
        if !v.header.titles.isEmpty {
            out += "; above it, a title: " + v.header.titles.prefix(3).map { "\"\($0.text.prefix(50))\"" }.joined(separator: ", ")
        }
        out += "\n\n"
        let rows = v.mapping.columns.map { column -> [String] in
            let samples = column.index < v.samples.count ? v.samples[column.index] : []
            return [column.header, samples.map { String($0.prefix(24)) }.joined(separator: " | "), meaning(column, v)]
        }
        out += table(["column", "first values", "read as"], rows)
        let required = v.pack.inputs.filter { input in input.required && !v.mapping.bindings.contains { $0.input.name == input.name } }
        if !required.isEmpty {
            out += "\nmissing:   " + required.map(\.name).joined(separator: ", ") + " (required: `kam score` stops; --map COLUMN=INPUT)\n"
        }
        if !v.mapping.absentOptional.isEmpty {
            out += "\nno column: " + v.mapping.absentOptional.map(\.name).joined(separator: ", ") + " (left unanswered in every row)\n"
        }
        return out
    }

    static func meaning(_ column: ColumnMapping.Column, _ v: Input) -> String {
        switch column.how {
        case .name: return column.input!
        case .alias(let alias): return "\(column.input!) (alias \"\(alias)\")"
        case .map: return "\(column.input!) (--map)"
        case .excluded: return "left out (--map)"
        case .unused:
            let free = v.pack.inputs.filter { input in !v.mapping.bindings.contains { $0.input.name == input.name } }
            if let near = free.lazy.compactMap({ input in ColumnMapping.nearestAlias(of: input, among: [column.header]).map { (input, $0.alias) } }).first {
                return "not used; close to `\(near.1)` of \(near.0.name): --map '\(column.header)=\(near.0.name)' if it is that"
            }
            return "not used by pack `\(v.pack.id)`"
        }
    }

    static func name(_ encoding: CSVEncoding) -> String {
        switch encoding {
        case .utf8: "UTF-8"
        case .utf16LE: "UTF-16 LE"
        case .utf16BE: "UTF-16 BE"
        case .windows1251: "Windows-1251 (cp1251)"
        case .windows1252: "Windows-1252 (cp1252)"
        case .latin1: "Latin-1 (ISO-8859-1)"
        }
    }

    static func delimiter(_ byte: UInt8) -> String {
        switch byte {
        case 9: "tab"
        default: "`\(String(UnicodeScalar(byte)))`"
        }
    }

    /// Columns padded to their widest cell, by characters.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { c, cell in c == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[c] - cell.count + 2) }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
