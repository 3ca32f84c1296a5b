/// A date without a time or a zone, as contact logs write the day of a last contact. Counted
/// in days from 1970-01-01 so that "days since" is a subtraction, with no calendar or time
/// zone of the machine involved: the same file gives the same report anywhere.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let days: Int

    /// The day `days` after 1970-01-01.
    public init(days: Int) { self.days = days }

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2999).contains(year), (1...12).contains(month), day >= 1, day <= Self.length(of: month, in: year) else { return nil }
        // Days from civil (H. Hinnant's algorithm): March-based years make leap days last.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        days = era * 146_097 + doe - 719_468
    }

    /// `2026-11-30`.
    public var description: String {
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { a.days < b.days }

    static func length(of month: Int, in year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// How a file writes the day and month in `A/B/YYYY`: the order is the file's, so it is
    /// settled over all its dates, never guessed per cell.
    public enum SlashOrder: Sendable { case dayFirst, monthFirst }

    /// The ways a date cell is written: `2026-11-30` and `2026/11/30` (the year first),
    /// `30.11.2026` (the day first, as Russian and German write it), `30.11.26`, and
    /// `A/B/YYYY` in `order`; a time after the date (`30.11.2026 0:00:00`,
    /// `2026-11-30T14:05`) is ignored. Nil when the cell is none of these.
    public static func parse(_ text: String, slashes order: SlashOrder? = nil) -> CalendarDay? {
        guard let (a, b, c, separator) = parts(text) else { return nil }
        if a.digits == 4 { return separator == "." ? nil : CalendarDay(year: a.value, month: b.value, day: c.value) }
        guard separator != "-", a.digits <= 2, b.digits <= 2, c.digits == 4 || c.digits == 2 else { return nil }
        let year = c.digits == 2 ? 2000 + c.value : c.value
        if separator == "." { return CalendarDay(year: year, month: b.value, day: a.value) }
        switch order {
        case .dayFirst?: return CalendarDay(year: year, month: b.value, day: a.value)
        case .monthFirst?: return CalendarDay(year: year, month: a.value, day: b.value)
        case nil: return a.value == b.value ? CalendarDay(year: year, month: a.value, day: a.value) : nil
        }
    }

    /// The three numbers of a date cell and what separates them; digits only, so `+1` or
    /// `1e3` is no part of a date.
    private static func parts(_ text: String) -> ((value: Int, digits: Int), (value: Int, digits: Int), (value: Int, digits: Int), Character)? {
        var cell = Substring(text.trimmingSpaces)
        if let cut = cell.firstIndex(where: { $0 == " " || $0 == "T" }) { cell = cell[..<cut] }
        for separator: Character in ["-", ".", "/"] {
            let pieces = cell.split(separator: separator, omittingEmptySubsequences: false)
            guard pieces.count == 3, pieces.allSatisfy({ (1...4).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { continue }
            let n = pieces.map { (value: Int($0)!, digits: $0.count) }
            return (n[0], n[1], n[2], separator)
        }
        return nil
    }

    /// What `A/B/YYYY` cells say of their order: day first when some cell reads only day
    /// first (`13/04/2026`), month first when some reads only month first (`04/13/2026`);
    /// nil when none tells, or when both occur (then the file mixes orders and no reading is
    /// safe: `mixed` is true). A cell that is no date either way tells nothing.
    public static func slashOrder(of cells: [String]) -> (order: SlashOrder?, mixed: Bool) {
        var dayFirst = false, monthFirst = false
        for cell in cells {
            guard let (a, _, c, separator) = parts(cell), separator == "/", a.digits <= 2, c.digits >= 2 else { continue }
            let asDay = parse(cell, slashes: .dayFirst) != nil, asMonth = parse(cell, slashes: .monthFirst) != nil
            if asDay && !asMonth { dayFirst = true }
            if asMonth && !asDay { monthFirst = true }
        }
        if dayFirst && monthFirst { return (nil, true) }
        return (dayFirst ? .dayFirst : monthFirst ? .monthFirst : nil, false)
    }
}

extension String {
    /// Without the spaces, tabs and no-break spaces a cell carries around its text.
    public var trimmingSpaces: String {
        let trimmed = drop { $0 == " " || $0 == "\t" || $0 == "\u{A0}" }
        return String(trimmed.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\u{A0}" }.reversed())
    }
}
