import KamCSV
import KamRules

/// Turns scored rows into output bytes. The advisor scores; how a row looks (CSV, JSON Lines,
/// JSON) is the report part's business, so it implements this and the scorer calls it from
/// every worker thread, each with its own buffer.
public protocol RowRenderer: Sendable {
    /// Written once, before the first row.
    func begin(into out: inout [UInt8])
    /// One scored row, without anything before or after it.
    func row(_ record: CSVRecord, _ evaluation: some ScoredResult, into out: inout [UInt8])
    /// What goes between two rows (a comma and a line break for JSON; nothing when each row
    /// ends its own line).
    func separator() -> [UInt8]
    /// Written once, after the last row.
    func end(into out: inout [UInt8])
}
