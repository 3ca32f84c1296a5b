import KamAdvisor
import KamCSV
import KamExpr
import KamRules

/// One JSON object per row (`jsonl`), or all rows in one JSON array (`json`), members in
/// the order of the columns: input cells as strings, as they were read (null for a cell the
/// row lacks), scores as numbers, the outcome and classes as strings (null for no class), the
/// top reasons as an array. The member names and every text that repeats on every row are
/// quoted once, up front; a row is written byte by byte into room made for it, as
/// `CSVRowRenderer` writes its rows: built as a document and printed, a row cost ten times
/// the CSV one.
public struct JSONRowRenderer: RowRenderer {
    let columns: OutputColumns
    let lines: Bool
    /// `{"name":` before the first column's value, `,"name":` before every other's; each
    /// outcome (levels, then gates' outcomes), class value and band's reason quoted; `null`.
    private let store: [UInt8]
    private let keys: [Range<Int>]
    private let outcomes: [Range<Int>]
    private let levels: Int
    /// Each classification's values, then `null` for a row in no class.
    private let classes: [[Range<Int>]]
    /// The reasons of factor `f` start at `reasons[reasonStart[f]]`, one per band.
    private let reasons: [Range<Int>]
    private let reasonStart: [Int]
    private let null: Range<Int>
    /// The room a row needs besides its input cells, and how many times the most repeated
    /// input column is written.
    private let fixedRoom: Int
    private let inputRepeats: Int

    public init(pack: RulePack, columns: OutputColumns, lines: Bool) {
        self.columns = columns
        self.lines = lines
        var store: [UInt8] = []
        func stored(_ text: String) -> Range<Int> {
            let start = store.count
            store += Array(text.utf8)
            return start..<store.count
        }
        keys = columns.names.enumerated().map { i, name in stored((i == 0 ? "{" : ",") + JSONString.quote(name) + ":") }
        outcomes = (pack.outcome.levels.map(\.value) + pack.gates.map(\.outcome)).map { stored(JSONString.quote($0)) }
        levels = pack.outcome.levels.count
        let null = stored("null")
        self.null = null
        classes = pack.classifications.map { $0.options.map { stored(JSONString.quote($0.value)) } + [null] }
        var reasons: [Range<Int>] = [], reasonStart: [Int] = []
        for factor in pack.factors {
            reasonStart.append(reasons.count)
            reasons += factor.bands.map { stored(JSONString.quote($0.because)) }
        }
        self.store = store
        self.reasons = reasons
        self.reasonStart = reasonStart
        var room = keys.map(\.count).reduce(0, +) + 3  // `{}` of a row with no columns, or `}`, and the line break
        var repeats: [Int: Int] = [:]
        for column in columns.columns {
            switch column {
            case .input(let k):
                room += max(RowWriter.jsonRoom(0), null.count)
                repeats[k, default: 0] += 1
            case .score, .confidence: room += 48  // the longest a double's shortest form can be, and more
            case .outcome: room += outcomes.map(\.count).max() ?? 0
            case .classification(let c): room += classes[c].map(\.count).max() ?? 0
            case .reasons: room += 2 + 3 * ((reasons.map(\.count).max() ?? 0) + 1)  // `[`, three reasons and commas, `]`
            }
        }
        fixedRoom = room
        inputRepeats = repeats.values.max() ?? 0
    }

    public func begin(into out: inout [UInt8]) {
        if !lines { out.append(contentsOf: "[\n".utf8) }
    }

    public func row(_ record: CSVRecord, _ evaluation: some ScoredResult, into out: inout [UInt8]) {
        RowWriter.append(room: fixedRoom + inputRepeats * RowWriter.jsonRoom(record.byteLength), store: store, to: &out) {
            write(record, evaluation, &$0)
        }
    }

    private func write(_ record: CSVRecord, _ evaluation: some ScoredResult, _ w: inout RowWriter) {
        if columns.columns.isEmpty { w.put(UInt8(ascii: "{")) }
        for (i, column) in columns.columns.enumerated() {
            w.put(keys[i])
            switch column {
            case .input(let k):
                if k < record.count {
                    record.withUnsafeField(k) { w.put(jsonString: $0) }
                } else {
                    w.put(null)
                }
            case .score: number(rounded(evaluation.score, 2), &w)
            case .confidence: number(rounded(evaluation.confidence, 2), &w)
            case .outcome: w.put(outcomes[evaluation.blockingGate.map { levels + $0 } ?? evaluation.level])
            case .classification(let c): w.put(classes[c][evaluation.option(c) ?? classes[c].count - 1])
            case .reasons:
                w.put(UInt8(ascii: "["))
                var first = true
                evaluation.forEachTopReason(count: 3) { f, b in
                    if !first { w.put(UInt8(ascii: ",")) }
                    first = false
                    w.put(reasons[reasonStart[f] + b])
                }
                w.put(UInt8(ascii: "]"))
            }
        }
        w.put(UInt8(ascii: "}"))
        if lines { w.put(10) }
    }

    /// JSON has no NaN or infinity; they never reach here, but if they did they would be null
    /// rather than invalid JSON.
    private func number(_ x: Double, _ w: inout RowWriter) {
        if x.isFinite { w.put(number: x, decimal: UInt8(ascii: ".")) } else { w.put(null) }
    }

    public func separator() -> [UInt8] { lines ? [] : Array(",\n".utf8) }

    public func end(into out: inout [UInt8]) {
        if !lines { out.append(contentsOf: "\n]\n".utf8) }
    }
}
