import KamCSV

/// The one rule that says whether a row is an account: its id cell holds an id. A row whose
/// id is empty, or wholly a totals label (`Итого`, `Grand Total`), is a totals line, a
/// heading or a note, never a customer; counted in the portfolio it would double the total
/// and make one giant account. Every pass and `kam portfolio` decide membership with this
/// (together with a readable measure), so partitions add up to the whole.
///
/// A row with a real id is an account even when its name reads `Total` (TotalEnergies
/// subsidiaries are customers too).
public enum AccountId {
    /// What the id cell of a row holds.
    public enum Kind: Sendable, Equatable {
        case id
        /// Empty, or spaces only.
        case empty
        /// Wholly a totals label.
        case totals
    }

    @inline(__always)
    public static func classify(_ field: UnsafeBufferPointer<UInt8>) -> Kind {
        var i = 0
        while i < field.count, field[i] == 0x20 || field[i] == 0x09 { i += 1 }
        if i == field.count { return .empty }
        return TotalsLabel.matches(field) ? .totals : .id
    }

    @inline(__always)
    public static func isAccount(_ field: UnsafeBufferPointer<UInt8>) -> Bool { classify(field) == .id }

    /// The kind of the id in column `column` of `record`; a missing cell is empty.
    public static func classify(_ record: CSVRecord, column: Int) -> Kind {
        column < record.count ? record.withUnsafeField(column) { classify($0) } : .empty
    }
}
