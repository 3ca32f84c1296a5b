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
/// delimiter needs. Texts that repeat on every row (tiers, classes, reasons) are quoted once,
/// up front; a row is written into room made for it and appended to the output at once, so
/// it costs no allocation and no reference counting.
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
    /// Each outcome (levels, then gates' outcomes), each class value and each band's reason
    /// (as is, and with its quotes doubled), ready to copy: ranges of one byte store, so a
    /// row copies them without counting references to them.
    private let store: [UInt8]
    private let outcomes: [Range<Int>]
    private let classes: [[Range<Int>]]
    /// The reasons of factor `f` start at `reasons[reasonStart[f]]`, one per band.
    private let reasons: [Reason]
    private let reasonStart: [Int]
    /// The room a row needs besides its input cells, and how many times the most repeated
    /// input column is written (`--columns` may name one twice).
    private let fixedRoom: Int
    private let inputRepeats: Int

    private struct Reason: Sendable {
        let plain: Range<Int>
        let escaped: Range<Int>
        /// Whether the reason holds what makes a field need quotes.
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
        var store: [UInt8] = []
        func stored(_ bytes: [UInt8]) -> Range<Int> {
            let start = store.count
            store += bytes
            return start..<store.count
        }
        func cell(_ text: String) -> Range<Int> {
            var out: [UInt8] = []
            Array(text.utf8).withUnsafeBufferPointer { CSVWriter.appendField($0, to: &out, dialect: dialect, neutralizeFormulas: guardFormulas) }
            return stored(out)
        }
        outcomes = (pack.outcome.levels.map(\.value) + pack.gates.map(\.outcome)).map(cell)
        classes = pack.classifications.map { $0.options.map { cell($0.value) } + [store.count..<store.count] }
        var reasons: [Reason] = [], reasonStart: [Int] = []
        for factor in pack.factors {
            reasonStart.append(reasons.count)
            for band in factor.bands {
                let plain = Array(band.because.utf8)
                let special = plain.contains { $0 == dialect.delimiter || $0 == dialect.quote || $0 == 10 || $0 == 13 }
                reasons.append(Reason(plain: stored(plain), escaped: stored(plain.flatMap { $0 == dialect.quote ? [$0, $0] : [$0] }), special: special))
            }
        }
        self.store = store
        self.reasons = reasons
        self.reasonStart = reasonStart
        let longestReason = reasons.map(\.escaped.count).max() ?? 0
        var room = columns.columns.count + 1  // delimiters and the line break
        var repeats: [Int: Int] = [:]
        for column in columns.columns {
            switch column {
            case .input(let k):
                room += CSVWriter.fieldBound(0)
                repeats[k, default: 0] += 1
            case .score, .confidence: room += 48  // the longest a double's shortest form can be, and more
            case .outcome: room += outcomes.map(\.count).max() ?? 0
            case .classification(let c): room += classes[c].map(\.count).max() ?? 0
            case .reasons: room += 3 * longestReason + 2 * 2 + 3  // three reasons, `; ` twice, quotes and `'`
            }
        }
        fixedRoom = room
        inputRepeats = repeats.values.max() ?? 0
    }

    public func begin(into out: inout [UInt8]) {
        if byteOrderMark { out += ExcelCSV.byteOrderMark }
        for (i, name) in columns.names.enumerated() {
            if i > 0 { out.append(dialect.delimiter) }
            Array(name.utf8).withUnsafeBufferPointer { CSVWriter.appendField($0, to: &out, dialect: dialect, neutralizeFormulas: guardFormulas) }
        }
        out.append(10)
    }

    public func row(_ record: CSVRecord, _ evaluation: some ScoredResult, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: fixedRoom + inputRepeats * 2 * record.byteLength) { room in
            store.withUnsafeBufferPointer { store in
                var w = RowWriter(p: room.baseAddress!, store: store)
                write(record, evaluation, &w)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: room[..<w.count]))
            }
        }
    }

    public func separator() -> [UInt8] { [] }
    public func end(into out: inout [UInt8]) {}

    /// Where a row is being written, and the byte store its repeated texts are copied from.
    private struct RowWriter {
        let p: UnsafeMutablePointer<UInt8>
        let store: UnsafeBufferPointer<UInt8>
        var count = 0

        mutating func put(_ b: UInt8) {
            p[count] = b
            count += 1
        }

        mutating func put(_ range: Range<Int>) {
            (p + count).update(from: store.baseAddress! + range.lowerBound, count: range.count)
            count += range.count
        }
    }

    private func write(_ record: CSVRecord, _ evaluation: some ScoredResult, _ w: inout RowWriter) {
        for (i, column) in columns.columns.enumerated() {
            if i > 0 { w.put(dialect.delimiter) }
            switch column {
            case .input(let k):
                if k < record.count {
                    record.withUnsafeField(k) { field in
                        // Only a cell starting with a sign can be a number a guard would spoil.
                        let signed = field.first == UInt8(ascii: "-") || field.first == UInt8(ascii: "+")
                        let number = signed && CSVWriter.isPlainNumber(field, decimal: otherDecimal)
                        w.count += CSVWriter.writeField(field, to: w.p + w.count, dialect: dialect, neutralizeFormulas: guardFormulas && !number)
                    }
                }
            case .score: writeScore(evaluation.score, &w)
            case .confidence: writeScore(evaluation.confidence, &w)
            case .outcome: w.put(outcomes[evaluation.blockingGate.map { pack.outcome.levels.count + $0 } ?? evaluation.level])
            case .classification(let c): w.put(classes[c][evaluation.option(c) ?? classes[c].count - 1])
            case .reasons: writeReasons(evaluation, &w)
            }
        }
        w.put(10)
    }

    /// The top reasons joined by `; ` as one field, quoted and neutralised exactly as
    /// `CSVWriter.appendField` would treat the joined text.
    private func writeReasons(_ evaluation: some ScoredResult, _ w: inout RowWriter) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 3) { picked in
            var count = 0
            evaluation.forEachTopReason(count: 3) { f, b in
                picked[count] = reasonStart[f] + b
                count += 1
            }
            guard count > 0 else { return }
            let first = reasons[picked[0]].plain, last = reasons[picked[count - 1]].plain
            let firstByte = first.isEmpty ? UInt8(ascii: "x") : w.store[first.lowerBound]
            let lastByte = last.isEmpty ? UInt8(ascii: "x") : w.store[last.upperBound - 1]
            var quote = firstByte == 32 || firstByte == 9 || lastByte == 32 || lastByte == 9
                || (count > 1 && (dialect.delimiter == UInt8(ascii: ";") || dialect.delimiter == 32))
            for k in 0..<count where reasons[picked[k]].special { quote = true }
            // A sign followed by more than a number (the joined text) is a formula even when the
            // first reason alone would be a plain number.
            let formula = CSVWriter.looksLikeFormula(UnsafeBufferPointer(rebasing: w.store[first]), decimal: dialect.decimalSeparator)
                || (count > 1 && (firstByte == UInt8(ascii: "+") || firstByte == UInt8(ascii: "-")))
            if quote { w.put(dialect.quote) }
            if formula { w.put(UInt8(ascii: "'")) }
            for k in 0..<count {
                if k > 0 { w.put(UInt8(ascii: ";")); w.put(32) }
                w.put(quote ? reasons[picked[k]].escaped : reasons[picked[k]].plain)
            }
            if quote { w.put(dialect.quote) }
        }
    }

    /// Whole scores (the common case) as digits directly; others as `scoreText` writes them,
    /// with the dialect's decimal mark.
    private func writeScore(_ x: Double, _ w: inout RowWriter) {
        let r = rounded(x, 2)
        if r == r.rounded(.towardZero), abs(r) < 1e15 {
            var n = Int64(r)
            if n < 0 { w.put(UInt8(ascii: "-")); n = -n }
            if n == 0 { return w.put(UInt8(ascii: "0")) }
            var digits = 0
            var m = n
            while m > 0 { digits += 1; m /= 10 }
            for k in stride(from: digits - 1, through: 0, by: -1) {
                w.p[w.count + k] = UInt8(n % 10) + UInt8(ascii: "0")
                n /= 10
            }
            w.count += digits
            return
        }
        let decimal = dialect.decimalSeparator
        for b in scoreText(x).utf8 { w.put(b == UInt8(ascii: ".") ? decimal : b) }
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
