import KamAdvisor
import KamReport
import KamWorkbook

/// What standard error says about the rows of a customer list that were not scored: each
/// rejected row (the first twenty) and each skipped totals line or footer note with its line,
/// and at the end, when most rows were rejected, the commonest reasons, so that a wrong column
/// mapping is seen at once rather than in a file of nothing.
final class RowNotices {
    private let shownAs: String
    private let console: Console
    private let limit = 20
    private(set) var rejectedShown = 0
    private(set) var rejected = 0
    private var skippedShown = 0
    /// Rejections by reason (the message with its values taken out): count, first example.
    private var reasons: [String: (count: Int, first: RowError)] = [:]

    /// For a workbook's sheet: its cells, and the list's headers to find a column's letter.
    private let positions: (sheet: SheetPositions, headers: [String])?

    init(shownAs: String, console: Console, positions: (sheet: SheetPositions, headers: [String])? = nil) {
        self.shownAs = shownAs
        self.console = console
        self.positions = positions
    }

    /// `file.csv:17` or, in a workbook, `book.xlsx: Клиенты!C17`.
    func position(line: Int, column: String?) -> String {
        guard let (sheet, headers) = positions else { return "\(shownAs):\(line)" }
        return "\(shownAs): " + sheet.cell(line: line, column: column.flatMap { headers.firstIndex(of: $0) })
    }

    /// Notes one rejected row; `print` says whether to show it here (not when it goes to a file).
    func reject(_ error: RowError, print: Bool) {
        rejected += 1
        let key = (error.column ?? "") + "\u{1}" + Self.reasonKey(error.message)
        if let known = reasons[key] {
            reasons[key] = (known.count + 1, known.first)
        } else {
            reasons[key] = (1, error)
        }
        guard print, rejectedShown < limit else { return }
        rejectedShown += 1
        console.err("\(position(line: error.line, column: error.column)): error: \(error.column.map { "column `\($0)`: " } ?? "")\(error.message)\n")
    }

    func skip(_ row: SkippedRow) {
        guard skippedShown < limit else { return }
        skippedShown += 1
        console.err("\(position(line: row.line, column: nil)): note: \(SkippedRowText.describe(row))\n")
    }

    /// The message with quoted text and numbers replaced, so `"abc" is not a number` and
    /// `"xyz" is not a number` count as one reason.
    static func reasonKey(_ message: String) -> String {
        var out = ""
        var inQuote = false
        var lastWasDigit = false
        for c in message {
            if c == "\"" {
                inQuote.toggle()
                if inQuote { out += "\"…\"" }
                continue
            }
            if inQuote { continue }
            if c.isNumber {
                if !lastWasDigit { out += "#" }
                lastWasDigit = true
                continue
            }
            lastWasDigit = false
            out.append(c)
        }
        return out
    }

    /// The lines after the run: how many more were not shown, and a warning when more than
    /// half of the rows were rejected, with the three commonest reasons.
    func finish(rowsRead: Int, toFile: Bool) {
        if !toFile && rejected > rejectedShown {
            console.err("… and \(rejected - rejectedShown) more rejected rows (--errors FILE lists them all)\n")
        }
        guard rowsRead > 0, rejected * 2 > rowsRead else { return }
        console.err("warning: \(rejected) of \(rowsRead) rows of \(shownAs) were rejected; the commonest reasons:\n" + commonest()
                    + "\nhelp: \(Self.mappingHelp)\n")
    }

    /// The three commonest reasons, one line each with a count and the first line it was seen
    /// on; no line break after the last, so that a failure's message can end with them.
    func commonest() -> String {
        let top = reasons.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.first.line < $1.first.line }.prefix(3)
        return top.map { entry in
            let e = entry.first
            return "  \(entry.count) row\(entry.count == 1 ? "" : "s"), first line \(e.line): \(e.column.map { "column `\($0)`: " } ?? "")\(e.message)"
        }.joined(separator: "\n")
    }

    /// The help after the commonest reasons: most rows are rejected for a column read as the
    /// wrong input.
    static let mappingHelp = "`kam score FILE` shows on standard error which column feeds which input; --map HEADER=INPUT fixes a column read as the wrong input"

    /// What grouping did, when ids repeated: how many lines became how many accounts, and
    /// the accounts whose lines disagree on a value that keeps the first line's.
    func grouping(_ summary: BatchSummary) {
        guard summary.groupedLines > 0 else { return }
        console.err("note: account ids repeat in \(shownAs): \(summary.rowsRead - summary.skippedTotals) lines were grouped into \(summary.accounts) accounts "
                    + "(\(summary.groupedLines) lines in accounts of more than one); --no-group scores each line alone\n")
        for conflict in summary.conflicts.prefix(5) {
            console.err("note: account `\(conflict.id)` has different `\(conflict.input)` on lines "
                        + conflict.lines.prefix(6).map(String.init).joined(separator: ", ") + (conflict.lines.count > 6 ? ", …" : "")
                        + "; the first line's is used\n")
        }
        if summary.conflictingValues > 5 { console.err("… and \(summary.conflictingValues - 5) more such values (`conflicting_values` in the summary)\n") }
    }
}
