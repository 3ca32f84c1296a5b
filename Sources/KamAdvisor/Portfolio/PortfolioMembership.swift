import KamCSV

/// Whether a row is an account of the portfolio, and with what measure: its id is an id
/// (`AccountId`), and its measure can be read as the scoring reads it — the dialect's
/// numbers, the input's `empty` value for a blank cell, the input's range. One rule for every
/// pass and for `kam portfolio`, so figures computed apart always add up.
struct PortfolioMembership: Sendable {
    let measureColumn: Int
    let idColumn: Int?
    let dialect: CSVDialect
    let low: Double
    let high: Double
    let emptyValue: Double?

    init(measure: ColumnMapping.Binding, id: ColumnMapping.Binding?, dialect: CSVDialect) {
        measureColumn = measure.column
        idColumn = id?.column
        self.dialect = dialect
        low = measure.input.minimum ?? -.infinity
        high = measure.input.maximum ?? .infinity
        if case .number(let x)? = measure.input.emptyValue { emptyValue = x } else { emptyValue = nil }
    }

    /// The measure of a row whose measure and id cells are these (nil: the cell is missing);
    /// nil when the row is not in the portfolio.
    @inline(__always)
    func measure(_ field: UnsafeBufferPointer<UInt8>?, id: UnsafeBufferPointer<UInt8>?) -> Double? {
        if idColumn != nil {
            guard let id, AccountId.isAccount(id) else { return nil }
        }
        return value(field)
    }

    /// The measure cell read, for a row whose id the caller has checked.
    @inline(__always)
    func value(_ field: UnsafeBufferPointer<UInt8>?) -> Double? {
        guard let field, let x = field.isEmpty ? emptyValue : CSVNumber.parse(field, dialect: dialect), admits(x) else { return nil }
        return x
    }

    /// Whether a measure read (by this reader, or by the scoring pass's filler, which reads
    /// cells the same way) is within the input's range.
    @inline(__always)
    func admits(_ x: Double) -> Bool { x >= low && x <= high }

    /// The measure of `record` if it is in the portfolio.
    func measure(of record: CSVRecord) -> Double? {
        record.withCell(measureColumn) { field in
            guard let idColumn else { return measure(field, id: nil) }
            return record.withCell(idColumn) { measure(field, id: $0) }
        }
    }
}

extension CSVRecord {
    /// Field `i`, or nil when the record has no such field.
    func withCell<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        i < count ? withUnsafeField(i) { body($0) } : body(nil)
    }
}
