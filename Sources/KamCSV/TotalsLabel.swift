/// The labels spreadsheets and ERP reports put on their totals lines: `Total`, `Grand Total`,
/// `Subtotal`, 1C's `Итого` and `Итого по …`, Excel's `Общий итог`, Salesforce's
/// `Grand Totals (40 records)`. A cell that is wholly such a label is not a customer, and a
/// row that sums the rows above must never be counted as one more account.
///
/// Checked on every row's id, so the common case — an id that starts with anything but
/// `t`, `g`, `s`, `и`, `в` or `о` — is refused on its first bytes without decoding.
public enum TotalsLabel {
    /// Whole labels, lower case, spaces collapsed, a trailing `:` or `.` dropped.
    static let labels: Set<String> = [
        "total", "totals", "grand total", "grand totals", "subtotal", "subtotals", "sub-total", "sub-totals",
        "sub total", "sub totals", "total sum", "sum total",
        "итого", "итог", "итоги", "всего", "общий итог", "общие итоги", "итого по отчету", "итого по отчёту",
    ]
    /// Labels followed by what they total: `Итого по Москве`, `Всего за 2025 год`, `Total for Q1`.
    static let prefixes = ["итого по ", "итого за ", "итого ", "всего по ", "всего за ", "total for ", "subtotal for ", "grand total for "]

    /// Whether `field` is wholly a totals label.
    public static func matches(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !field.isEmpty, field.count <= 120, couldStartLabel(field) else { return false }
        return matches(String(decoding: field, as: UTF8.self))
    }

    public static func matches(_ text: String) -> Bool {
        var words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\u{A0}" || $0 == "\t" }).joined(separator: " ")
        // `Grand Totals (40 records)`, `Итого (12 строк)`: a count in brackets after the label.
        if words.hasSuffix(")"), let open = words.lastIndex(of: "(") {
            words = String(words[..<open]).trimmingCharacters(in: " ")
        }
        while let last = words.last, last == ":" || last == "." { words.removeLast() }
        words = words.trimmingCharacters(in: " ")
        if labels.contains(words) { return true }
        return prefixes.contains { words.hasPrefix($0) && words.count > $0.count }
    }

    /// Whether the first letter (after spaces) is one a label starts with: T, G, S in any
    /// case, or И, В, О in UTF-8 (0xD0 0x98/0xB8, 0x92/0xB2, 0x9E/0xBE).
    @inline(__always)
    static func couldStartLabel(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < field.count, field[i] == 0x20 || field[i] == 0x09 { i += 1 }
        guard i < field.count else { return false }
        switch field[i] | 0x20 {
        case UInt8(ascii: "t"), UInt8(ascii: "g"), UInt8(ascii: "s"): return true
        default: break
        }
        guard field[i] == 0xD0, i + 1 < field.count else { return false }
        switch field[i + 1] {
        case 0x98, 0xB8, 0x92, 0xB2, 0x9E, 0xBE: return true
        default: return false
        }
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
