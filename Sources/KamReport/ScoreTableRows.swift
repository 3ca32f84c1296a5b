import KamAdvisor
import KamCSV
import KamRules

/// Where the table's fields are in a customer list: the pack's id (`portfolio.id`), and the
/// name and sales its `report` section names, each with the column that gives it, if any.
public struct ScoreTableSource: Sendable {
    let id: Int?
    let name: Int?
    let sales: Int?
    /// The columns of those that there are, in that order.
    let cells: [Int]
    /// How the list writes its numbers, to read the sales cells.
    let dialect: CSVDialect
    /// Each outcome index the scorer counts (levels, then gates' outcomes), and each factor's
    /// bands' `because`, as the pack words them in the run's language.
    let outcomes: [String]
    let levels: Int
    let reasons: [[String]]

    public init(pack: RulePack, mapping: ColumnMapping, dialect: CSVDialect) {
        let fields = ReportFields.read(pack).0
        func column(_ input: String?) -> Int? { input.flatMap { name in mapping.bindings.first { $0.input.name == name }?.column } }
        id = column(pack.extras["portfolio"]?["id"]?.string)
        name = column(fields.name)
        sales = column(fields.sales)
        cells = [id, name, sales].compactMap { $0 }
        self.dialect = dialect
        outcomes = pack.outcome.levels.map(\.value) + pack.gates.map(\.outcome)
        levels = pack.outcome.levels.count
        reasons = pack.factors.map { $0.bands.map(\.because) }
    }

    public var columns: [ScoreTable.Column] {
        (id == nil ? [] : [.id]) + (name == nil ? [] : [.name]) + (sales == nil ? [] : [.sales]) + [.score, .tier, .reason]
    }
}

/// Stands in for the CSV renderer when the table is shown: each scored row becomes the few
/// bytes the table needs (its id, name and sales cells as read, the score, the outcome and
/// the first reason as indices), `[length: 4][cells: each a 4-byte length and bytes][score:
/// 8][outcome: 4][factor: 4][band: 4]`, so rows the table never shows cost little to skip.
public struct ScoreTableRenderer: RowRenderer {
    let source: ScoreTableSource

    public init(_ source: ScoreTableSource) { self.source = source }

    public func begin(into out: inout [UInt8]) {}
    public func separator() -> [UInt8] { [] }
    public func end(into out: inout [UInt8]) {}

    public func row(_ record: CSVRecord, _ evaluation: some ScoredResult, into out: inout [UInt8]) {
        let start = out.count
        Self.put(0, 4, &out)
        for column in source.cells {
            let field = column < record.count ? record[column] : [][...]
            Self.put(UInt64(field.count), 4, &out)
            out += field
        }
        Self.put(evaluation.score.bitPattern, 8, &out)
        let outcome = evaluation.blockingGate.map { source.levels + $0 } ?? evaluation.level
        Self.put(UInt64(outcome), 4, &out)
        var reason: (Int, Int)?
        evaluation.forEachTopReason(count: 1) { factor, band in reason = (factor, band) }
        Self.put(UInt64(UInt32(truncatingIfNeeded: reason?.0 ?? -1)), 4, &out)
        Self.put(UInt64(UInt32(truncatingIfNeeded: reason?.1 ?? -1)), 4, &out)
        let length = UInt64(out.count - start - 4)
        for k in 0..<4 { out[start + k] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(k))) }
    }

    static func put(_ x: UInt64, _ width: Int, _ out: inout [UInt8]) {
        for k in 0..<width { out.append(UInt8(truncatingIfNeeded: x >> (8 * UInt64(k)))) }
    }
}

/// The table's rows out of `ScoreTableRenderer`'s bytes, in the order the scorer writes them:
/// the first `limit` decoded and kept, the others only counted, so memory stays that of
/// `limit` rows however long the list is.
public struct ScoreTableRows {
    let source: ScoreTableSource
    let limit: Int
    public private(set) var rows: [ScoreTable.Row] = []
    /// Every row seen, shown or not.
    public private(set) var count = 0
    /// The start of a row split between two pieces of output.
    private var pending: [UInt8] = []

    public init(_ source: ScoreTableSource, limit: Int) {
        self.source = source
        self.limit = limit
    }

    /// The next piece of the scorer's output.
    public mutating func take(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard pending.isEmpty else {
            pending += bytes
            let whole = pending
            pending = []
            whole.withUnsafeBufferPointer { consume($0) }
            return
        }
        consume(bytes)
    }

    /// The table of the rows kept; `everything` is the command that writes them all.
    public func table(everything: String) -> ScoreTable {
        ScoreTable(columns: source.columns, rows: rows, more: count - rows.count, everything: everything)
    }

    private mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>) {
        var at = 0
        while bytes.count - at >= 4 {
            let length = Int(Self.integer(bytes, at, 4))
            guard bytes.count - at - 4 >= length else { break }
            if rows.count < limit { rows.append(decode(UnsafeBufferPointer(rebasing: bytes[(at + 4)..<(at + 4 + length)]))) }
            count += 1
            at += 4 + length
        }
        pending += bytes[at...]
    }

    private func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> ScoreTable.Row {
        var at = 0
        func cell() -> UnsafeBufferPointer<UInt8> {
            let n = Int(Self.integer(bytes, at, 4))
            defer { at += 4 + n }
            return UnsafeBufferPointer(rebasing: bytes[(at + 4)..<(at + 4 + n)])
        }
        var row = ScoreTable.Row()
        if source.id != nil { row.id = String(decoding: cell(), as: UTF8.self) }
        if source.name != nil { row.name = String(decoding: cell(), as: UTF8.self) }
        if source.sales != nil { row.sales = CSVNumber.parse(cell(), dialect: source.dialect) }
        row.score = Double(bitPattern: Self.integer(bytes, at, 8))
        row.tier = source.outcomes[Int(Self.integer(bytes, at + 8, 4))]
        let factor = Int32(truncatingIfNeeded: Self.integer(bytes, at + 12, 4)), band = Int(Self.integer(bytes, at + 16, 4))
        if factor >= 0 { row.reason = source.reasons[Int(factor)][band] }
        return row
    }

    private static func integer(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ width: Int) -> UInt64 {
        var x: UInt64 = 0
        for k in 0..<width { x |= UInt64(bytes[at + k]) << (8 * UInt64(k)) }
        return x
    }
}
