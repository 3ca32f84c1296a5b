import KamAdvisor
import Testing

/// Finding the header below a report's title lines, and refusing to take rows of data for
/// titles.
struct HeaderChoiceTests {
    static func records(_ lines: [String]) -> [(line: Int, fields: [String])] {
        lines.enumerated().map { ($0.offset + 1, $0.element.split(separator: ";", omittingEmptySubsequences: false).map(String.init)) }
    }

    /// A header maps when it has both of these columns.
    static func mapped(_ fields: [String]) -> Bool { fields.contains("id") && fields.contains("sales") }

    @Test func aHeaderOnTheFirstLineIsKept() throws {
        let c = try HeaderChoice.choose(Self.records(["id;sales;name", "C1;10;A"]), rule: .find, mapped: Self.mapped).get()
        #expect(c.index == 0 && c.titles.isEmpty && c.recordsBeforeRows == 1)
    }

    @Test func titleLinesAboveTheHeaderAreSkippedAndNamed() throws {
        let lines = ["Отчёт по продажам за 2025 год;;;", "Период:;2025;;", ";;;", "id;sales;name;region", "C1;10;A;North"]
        let c = try HeaderChoice.choose(Self.records(lines), rule: .find, mapped: Self.mapped).get()
        #expect(c.index == 3 && c.line == 4 && c.recordsBeforeRows == 4)
        #expect(c.titles.map(\.line) == [1, 2])
        #expect(c.titles.map(\.text) == ["Отчёт по продажам за 2025 год", "Период: 2025"])
    }

    @Test func rowsOfDataAboveAHeaderAreNoTitle() {
        let lines = ["C0;5;Z;South", "id;sales;name;region", "C1;10;A;North"]
        #expect(throws: HeaderChoice.Failure.dataAbove(headerLine: 2, dataLine: 1)) {
            try HeaderChoice.choose(Self.records(lines), rule: .find, mapped: Self.mapped).get()
        }
    }

    /// Where no record maps, the header is the first as wide as the rows, so the errors name
    /// the real columns; a list without titles keeps its first line.
    @Test func aHeaderThatMapsNowhereIsTheFirstRowAsWideAsTheRest() throws {
        #expect(try HeaderChoice.choose(Self.records(["Title", "", "a;b;c", "1;2;3"]), rule: .find, mapped: Self.mapped).get().index == 2)
        #expect(try HeaderChoice.choose(Self.records(["a;b;c", "1;2;3"]), rule: .find, mapped: Self.mapped).get().index == 0)
        #expect(try HeaderChoice.choose(Self.records(["Title"]), rule: .find, mapped: Self.mapped).get().index == 0)
    }

    @Test func theUserMaySayWhereTheHeaderIs() throws {
        let lines = ["Title", "id;sales", "C1;10"]
        #expect(try HeaderChoice.choose(Self.records(lines), rule: .skip(1), mapped: { _ in false }).get().index == 1)
        #expect(try HeaderChoice.choose(Self.records(lines), rule: .line(2), mapped: { _ in false }).get().index == 1)
        #expect(throws: HeaderChoice.Failure.noLine(9, last: 3)) {
            try HeaderChoice.choose(Self.records(lines), rule: .line(9), mapped: { _ in false }).get()
        }
        #expect(throws: HeaderChoice.Failure.empty) { try HeaderChoice.choose([], rule: .find, mapped: Self.mapped).get() }
    }
}
