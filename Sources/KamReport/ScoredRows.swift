import KamAdvisor
import KamCSV
import KamExpr
import KamRules
import KamSource

/// The columns of `kam score`'s output: the input's own columns, then `score`, `confidence`,
/// the outcome (`tier`), each classification and `reasons` — or the subset `--columns` asks for.
public struct OutputColumns: Sendable {
    public enum Column: Sendable, Equatable {
        case input(Int)
        case score
        /// The share of the pack's points whose inputs the row answered (0 to 1).
        case confidence
        case outcome
        case classification(Int)
        case reasons
    }

    public let columns: [Column]
    public let names: [String]

    /// All columns, or those named in `requested`; nil and a message when a name is unknown.
    public static func make(requested: [String]?, headers: [String], pack: RulePack) -> (OutputColumns?, String?) {
        var all: [(String, Column)] = headers.enumerated().map { ($1, .input($0)) }
        all.append(("score", .score))
        all.append(("confidence", .confidence))
        all.append((pack.outcome.name, .outcome))
        all += pack.classifications.enumerated().map { ($1.name, .classification($0)) }
        all.append(("reasons", .reasons))
        guard let requested else { return (OutputColumns(columns: all.map(\.1), names: all.map(\.0)), nil) }
        var picked: [(String, Column)] = []
        for name in requested {
            guard let found = all.first(where: { $0.0 == name }) else {
                let help = Suggestion.didYouMean(name, among: all.map(\.0)).map { "; \($0)" } ?? ""
                return (nil, "unknown output column `\(name)`\(help)")
            }
            picked.append(found)
        }
        return (OutputColumns(columns: picked.map(\.1), names: picked.map(\.0)), nil)
    }
}

/// A score as written in outputs: two decimals at most, integral scores without a fraction.
func scoreText(_ x: Double) -> String { NumberFormat.shortest(rounded(x, 2)) }

/// CSV rows, UTF-8 and comma-separated (or as `--excel` asks: `;` with a decimal comma in
/// the numbers kam writes, after a byte-order mark), with every cell that could start a
/// spreadsheet formula neutralised. Input cells are written as they were read, quoted as the
/// delimiter needs. Texts that repeat on every row (tiers, classes) are quoted once, up
/// front, so a row costs no allocation.
public struct CSVRowRenderer: RowRenderer {
    let pack: RulePack
    let columns: OutputColumns
    let dialect: CSVDialect
    /// `--excel`: a byte-order mark first.
    let byteOrderMark: Bool
    /// The decimal mark kam does not write. An input cell that is a plain number with it
    /// (`-5,9` from a 1C export, where kam writes decimal points) is left alone: no
    /// spreadsheet runs a formula from it, and a `'` would stop kam reading it back (in
    /// `kam diff`, say) as the number it was.
    let otherDecimal: UInt8
    /// Whether a cell that could start a spreadsheet formula gets a leading `'`: not for a
    /// workbook, whose text cells are never formulas.
    let guardFormulas: Bool
    /// Each outcome (levels, then gates' outcomes) and each class value, ready to append:
    /// ranges of one byte store, so a row appends them without counting references to them.
    private let cells: [UInt8]
    private let outcomes: [Range<Int>]
    private let classes: [[Range<Int>]]
    /// Each band's `because`, per factor: as is, with its quotes doubled, and whether it
    /// needs the field quoted, so that the reasons of a row are joined without allocating.
    private let reasons: [[Reason]]

    private struct Reason: Sendable {
        let plain: [UInt8]
        let escaped: [UInt8]
        let special: Bool
    }

    public init(pack: RulePack, columns: OutputColumns, excel: ExcelCSV? = nil, guardFormulas: Bool = true) {
        self.pack = pack
        self.guardFormulas = guardFormulas
        self.columns = columns
        let dialect = excel?.dialect ?? .comma
        self.dialect = dialect
        byteOrderMark = excel != nil
        otherDecimal = dialect.decimalSeparator == UInt8(ascii: ",") ? UInt8(ascii: ".") : UInt8(ascii: ",")
        func cell(_ text: String) -> [UInt8] {
            var out: [UInt8] = []
            Array(text.utf8).withUnsafeBufferPointer { CSVWriter.appendField($0, to: &out, dialect: dialect, neutralizeFormulas: guardFormulas) }
            return out
        }
        var cells: [UInt8] = []
        func stored(_ text: String) -> Range<Int> {
            let start = cells.count
            cells += cell(text)
            return start..<cells.count
        }
        outcomes = (pack.outcome.levels.map(\.value) + pack.gates.map(\.outcome)).map(stored)
        classes = pack.classifications.map { $0.options.map { stored($0.value) } + [cells.count..<cells.count] }
        self.cells = cells
        reasons = pack.factors.map { factor in
            factor.bands.map { band in
                let plain = Array(band.because.utf8)
                let special = plain.contains { $0 == dialect.delimiter || $0 == dialect.quote || $0 == 10 || $0 == 13 }
                return Reason(plain: plain, escaped: plain.flatMap { $0 == dialect.quote ? [$0, $0] : [$0] }, special: special)
            }
        }
    }

    public func begin(into out: inout [UInt8]) {
        if byteOrderMark { out += ExcelCSV.byteOrderMark }
        for (i, name) in columns.names.enumerated() {
            if i > 0 { out.append(dialect.delimiter) }
            append(Array(name.utf8), &out)
        }
        out.append(10)
    }

    public func row(_ record: CSVRecord, _ evaluation: some ScoredResult, into out: inout [UInt8]) {
        for (i, column) in columns.columns.enumerated() {
            if i > 0 { out.append(dialect.delimiter) }
            switch column {
            case .input(let k):
                if k < record.count {
                    record.withUnsafeField(k) { field in
                        // Only a cell starting with a sign can be a number a guard would spoil.
                        let signed = field.first == UInt8(ascii: "-") || field.first == UInt8(ascii: "+")
                        let number = signed && CSVWriter.isPlainNumber(field, decimal: otherDecimal)
                        CSVWriter.appendField(field, to: &out, dialect: dialect, neutralizeFormulas: guardFormulas && !number)
                    }
                }
            case .score: appendScore(evaluation.score, &out)
            case .confidence: appendScore(evaluation.confidence, &out)
            case .outcome:
                appendCell(outcomes[evaluation.blockingGate.map { pack.outcome.levels.count + $0 } ?? evaluation.level], &out)
            case .classification(let c):
                appendCell(classes[c][evaluation.option(c) ?? classes[c].count - 1], &out)
            case .reasons: appendReasons(evaluation, &out)
            }
        }
        out.append(10)
    }

    public func separator() -> [UInt8] { [] }
    public func end(into out: inout [UInt8]) {}

    /// The top reasons joined by `; ` as one field, quoted and neutralised exactly as
    /// `CSVWriter.appendField` would treat the joined text.
    private func appendReasons(_ evaluation: some ScoredResult, _ out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: (factor: Int, band: Int).self, capacity: 3) { picked in
            var count = 0
            evaluation.forEachTopReason(count: 3) { f, b in
                picked[count] = (f, b)
                count += 1
            }
            guard count > 0 else { return }
            func chosen(_ k: Int) -> Reason { reasons[picked[k].factor][picked[k].band] }
            let first = chosen(0).plain, last = chosen(count - 1).plain
            let firstByte = first.first ?? UInt8(ascii: "x"), lastByte = last.last ?? UInt8(ascii: "x")
            var quote = firstByte == 32 || firstByte == 9 || lastByte == 32 || lastByte == 9
                || (count > 1 && (dialect.delimiter == UInt8(ascii: ";") || dialect.delimiter == 32))
            for k in 0..<count where chosen(k).special { quote = true }
            // A sign followed by more than a number (the joined text) is a formula even when the
            // first reason alone would be a plain number.
            let formula = first.withUnsafeBufferPointer { CSVWriter.looksLikeFormula($0, decimal: dialect.decimalSeparator) }
                || (count > 1 && (firstByte == UInt8(ascii: "+") || firstByte == UInt8(ascii: "-")))
            if quote { out.append(dialect.quote) }
            if formula { out.append(UInt8(ascii: "'")) }
            for k in 0..<count {
                if k > 0 { out.append(UInt8(ascii: ";")); out.append(32) }
                out += quote ? chosen(k).escaped : chosen(k).plain
            }
            if quote { out.append(dialect.quote) }
        }
    }

    private func appendCell(_ range: Range<Int>, _ out: inout [UInt8]) {
        cells.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
    }

    private func append(_ bytes: [UInt8], _ out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { CSVWriter.appendField($0, to: &out, dialect: dialect, neutralizeFormulas: guardFormulas) }
    }

    /// Whole scores (the common case) as digits directly; others as `scoreText` writes them,
    /// with the dialect's decimal mark.
    private func appendScore(_ x: Double, _ out: inout [UInt8]) {
        let r = rounded(x, 2)
        if r == r.rounded(.towardZero), abs(r) < 1e15 {
            var n = Int64(r)
            if n < 0 { out.append(UInt8(ascii: "-")); n = -n }
            if n == 0 { out.append(UInt8(ascii: "0")); return }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                while n > 0 {
                    buffer[count] = UInt8(n % 10) + UInt8(ascii: "0")
                    n /= 10
                    count += 1
                }
                for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
            }
            return
        }
        let decimal = dialect.decimalSeparator
        if decimal == UInt8(ascii: ".") { return out.append(contentsOf: scoreText(x).utf8) }
        out.append(contentsOf: scoreText(x).utf8.map { $0 == UInt8(ascii: ".") ? decimal : $0 })
    }
}

/// One JSON object per row (`jsonl`), or all rows in one JSON array (`json`).
public struct JSONRowRenderer: RowRenderer {
    let pack: RulePack
    let columns: OutputColumns
    let lines: Bool

    public init(pack: RulePack, columns: OutputColumns, lines: Bool) {
        self.pack = pack
        self.columns = columns
        self.lines = lines
    }

    public func begin(into out: inout [UInt8]) {
        if !lines { out.append(contentsOf: "[\n".utf8) }
    }

    public func row(_ record: CSVRecord, _ evaluation: some ScoredResult, into out: inout [UInt8]) {
        var members: [(String, JSON)] = []
        for (name, column) in zip(columns.names, columns.columns) {
            switch column {
            case .input(let k): members.append((name, k < record.count ? .string(record.string(at: k)) : .null))
            case .score: members.append((name, .number(rounded(evaluation.score, 2))))
            case .confidence: members.append((name, .number(rounded(evaluation.confidence, 2))))
            case .outcome: members.append((name, .string(evaluation.outcome(in: pack))))
            case .classification(let c): members.append((name, evaluation.classValue(c, in: pack).map(JSON.string) ?? .null))
            case .reasons: members.append((name, .array(evaluation.topReasons(in: pack).map(JSON.string))))
            }
        }
        out.append(contentsOf: JSON.object(members).compact.utf8)
        if lines { out.append(10) }
    }

    public func separator() -> [UInt8] { lines ? [] : Array(",\n".utf8) }

    public func end(into out: inout [UInt8]) {
        if !lines { out.append(contentsOf: "\n]\n".utf8) }
    }
}

/// The `--summary` file: what was read, scored and rejected, and the portfolio's figures.
public enum ScoreSummary {
    public static func json(_ s: BatchSummary, pack: RulePack, mapping: ColumnMapping) -> String {
        let p = s.portfolio
        return JSON.object(countFields.map { ($0.key, .number(Double(s[keyPath: $0.field]))) } + [
            ("accounts_in_portfolio", p.map { .number(Double($0.accounts)) } ?? .null),
            ("total", p.map { .number(rounded($0.total, 2)) } ?? .null),
            (pack.outcome.name + "s", counts(s.outcomes)),
            ("classes", .object(pack.classifications.map { ($0.name, counts(s.classes[$0.name] ?? [:])) })),
            ("score_sum", count("score_sum", of: s)!),
            ("top10_share", p.map { .number(rounded($0.top10Share, 6)) } ?? .null),
            ("hhi", p.map { .number(rounded($0.hhi, 6)) } ?? .null),
            ("equivalent_customers", p.map { $0.hhi > 0 ? .number(rounded(1 / $0.hhi, 2)) : .null } ?? .null),
            ("gini", p.map { .number(rounded($0.gini, 6)) } ?? .null),
            ("rules", .object([("id", .string(pack.id)), ("version", .string(pack.version)), ("sha256", .string(pack.hash))])),
            ("columns", .object(mapping.columns.map { ($0.header, $0.input.map(JSON.string) ?? .null) })),
        ]).pretty
    }

    /// The members that count rows and add up across partitions, in the file's order, and
    /// where each sits in a summary: the writer and `kam summary merge`'s reader both go by it.
    static var countFields: [(key: String, field: WritableKeyPath<BatchSummary, Int>)] {
        [
            ("rows_read", \.rowsRead), ("scored", \.scored), ("rejected", \.rejected), ("skipped_totals", \.skippedTotals),
            ("footer_lines", \.footerLines), ("accounts", \.accounts), ("grouped_lines", \.groupedLines),
            ("conflicting_values", \.conflictingValues),
        ]
    }

    /// The value of one of `countFields`' keys or `score_sum`; nil for any other key.
    static func count(_ key: String, of s: BatchSummary) -> JSON? {
        if key == "score_sum" { return .number(s.scoreSum) }
        return countFields.first { $0.key == key }.map { .number(Double(s[keyPath: $0.field])) }
    }

    /// Counts by name, sorted, rows no option held (the empty name) as `none`, first.
    static func counts(_ d: [String: Int]) -> JSON {
        .object(d.keys.sorted().map { ($0.isEmpty ? "none" : $0, .number(Double(d[$0]!))) })
    }
}
