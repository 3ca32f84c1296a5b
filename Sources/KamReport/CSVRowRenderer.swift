import KamAdvisor
import KamCSV
import KamRules

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
    /// How many input cells a row writes.
    private let inputCells: Int

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
        // Delimiters and the line break, and the sixteen bytes a short cell's copy writes.
        var room = columns.columns.count + 1 + 16
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
        inputCells = repeats.values.reduce(0, +)
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
        RowWriter.append(room: fixedRoom + inputRepeats * 2 * record.byteLength, store: store, to: &out) { write(record, evaluation, &$0) }
    }

    public func separator() -> [UInt8] { [] }
    public func end(into out: inout [UInt8]) {}

    private func write(_ record: CSVRecord, _ evaluation: some ScoredResult, _ w: inout RowWriter) {
        let known = record.isKnownClear(delimiter: dialect.delimiter, quote: dialect.quote)
        record.withUnsafeFields { fields in write(fields, knownClear: known, evaluation, &w) }
    }

    private func write(_ fields: CSVRecord.Fields, knownClear: Bool, _ evaluation: some ScoredResult, _ w: inout RowWriter) {
        // Most records hold no byte that quotes a field: then each cell needs only its ends
        // looked at. The reader knows it of a record it read on its plain path, in the same
        // dialect; else one scan of the record costs less than a scan a cell when the row
        // writes at least half of its cells.
        let clear = knownClear || (2 * inputCells >= fields.count && !CSVWriter.holdsQuoteTrigger(fields.all, dialect: dialect))
        for (i, column) in columns.columns.enumerated() {
            if i > 0 { w.put(dialect.delimiter) }
            switch column {
            case .input(let k):
                if k < fields.count {
                    let field = fields[k]
                    // Only a cell starting with a sign can be a number a guard would spoil.
                    let signed = field.first == UInt8(ascii: "-") || field.first == UInt8(ascii: "+")
                    let guarded = guardFormulas && !(signed && (CSVWriter.isPlainNumber(field, decimal: dialect.decimalSeparator)
                        || CSVWriter.isPlainNumber(field, decimal: otherDecimal)))
                    if clear, let n = CSVWriter.copyClearField(field, readable: fields.readable, to: w.p + w.count, neutralizeFormulas: guarded) {
                        w.count += n
                    } else {
                        w.count += CSVWriter.writeField(field, to: w.p + w.count, dialect: dialect, neutralizeFormulas: guarded)
                    }
                }
            case .score: w.put(number: rounded(evaluation.score, 2), decimal: dialect.decimalSeparator)
            case .confidence: w.put(number: rounded(evaluation.confidence, 2), decimal: dialect.decimalSeparator)
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
}
