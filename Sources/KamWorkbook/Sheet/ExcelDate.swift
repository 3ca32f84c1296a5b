/// A date Excel stores as a serial number of days, written as an ISO date (`2025-06-09`, or
/// `2025-06-09T14:30:00` with a time of day), so that a date reads the same from a workbook
/// as from the CSV Excel would save.
import KamCSV

enum ExcelDate {
    /// `serial` in the workbook's date system: days since 1899-12-30 in the 1900 system
    /// (whose day 60 is the 29 February 1900 that never was, kept from Lotus 1-2-3), or since
    /// 1904-01-01 in the 1904 system of old Mac workbooks. Nil outside years 1900 to 9999.
    static func iso(_ serial: Double, system1904: Bool) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds == 86_400 {
            days += 1
            seconds = 0
        }
        let epoch: Int  // days from 1970-01-01 to the system's day 0
        if system1904 {
            epoch = -24_107
        } else {
            if days == 60 { return nil }  // the day that never was
            if days < 60 { days += 1 }
            epoch = -25_569
        }
        // Serials from 0 to 2,958,465 are the days from 1900 (or 1904) to 9999-12-31.
        let date = CalendarDay(days: days + epoch).description
        guard seconds > 0 else { return date }
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return date + "T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
    }
}
