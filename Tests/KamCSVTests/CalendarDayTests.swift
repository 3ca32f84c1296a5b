import KamCSV
import Testing

/// The day arithmetic "days since the last contact" rests on, and the forms a date cell is read in.
struct CalendarDayTests {
    @Test func everyDayOfTwoCenturiesRoundTripsThroughItsText() throws {
        // Counted day by day from 1970-01-01 with the calendar's own month lengths, not with
        // the formula under test.
        var days = 0
        for year in 1970...2170 {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            for (m, length) in [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31].enumerated() {
                for d in 1...length {
                    let day = try #require(CalendarDay(year: year, month: m + 1, day: d))
                    #expect(day.days == days)
                    let text = "\(year)-\(m < 9 ? "0" : "")\(m + 1)-\(d < 10 ? "0" : "")\(d)"
                    if day.description != text { Issue.record("\(text) printed as \(day)") }
                    if CalendarDay.parse(text) != day { Issue.record("\(text) not read back") }
                    days += 1
                }
            }
        }
    }

    @Test func daysThatDoNotExistAreNoDates() {
        #expect(CalendarDay(year: 2026, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 2100, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDay.parse("31.02.2026") == nil)
        #expect(CalendarDay.parse("2026-13-01") == nil)
        #expect(CalendarDay.parse("yesterday") == nil)
        #expect(CalendarDay.parse("") == nil)
        #expect(CalendarDay.parse("30.11.20266") == nil)
        #expect(CalendarDay.parse("+1.+1.2026") == nil)
        #expect(CalendarDay.parse("2026.11.30") == nil)
    }

    @Test func theFormsExportsWrite() {
        let day = CalendarDay(year: 2026, month: 11, day: 30)
        for text in ["2026-11-30", "30.11.2026", "30.11.26", "30.11.2026 0:00:00", "2026-11-30T14:05:00Z", " 30.11.2026 "] {
            #expect(CalendarDay.parse(text) == day, "\(text)")
        }
        #expect(CalendarDay.parse("11/30/2026", slashes: .monthFirst) == day)
        #expect(CalendarDay.parse("2026/11/30") == day)
        #expect(CalendarDay.parse("30/11/2026", slashes: .dayFirst) == day)
        // Without the file's order, only a date that reads the same both ways is read.
        #expect(CalendarDay.parse("03/04/2026") == nil)
        #expect(CalendarDay.parse("04/04/2026") == CalendarDay(year: 2026, month: 4, day: 4))
    }

    @Test func theSlashOrderIsTheFilesAndAMixtureIsRefused() {
        #expect(CalendarDay.slashOrder(of: ["03/04/2026", "13/04/2026"]).order == .dayFirst)
        #expect(CalendarDay.slashOrder(of: ["03/04/2026", "04/13/2026 10:00"]).order == .monthFirst)
        #expect(CalendarDay.slashOrder(of: ["03/04/2026", "2026-04-13"]).order == nil)
        // A year first, or a cell that is no date either way, tells nothing of the order.
        #expect(CalendarDay.slashOrder(of: ["03/04/2026", "2026/11/30"]).order == nil)
        #expect(CalendarDay.slashOrder(of: ["03/04/2026", "45/01/2026"]).order == nil)
        let mixed = CalendarDay.slashOrder(of: ["13/04/2026", "04/13/2026"])
        #expect(mixed.order == nil && mixed.mixed)
    }
}
