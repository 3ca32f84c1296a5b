import Foundation
import KamAdvisor
import KamCSV
import KamRules
import KamSource
import KamTestSupport
import Testing
@testable import KamReport

/// The terminal table's pieces: widths in cells, not bytes or scalars; cells cut with `…`;
/// columns that line up whatever the script; nothing in a cell that could drive the
/// terminal; and the rows kept from the scorer's bytes however they are split.
struct ScoreTableLayoutTests {
    @Test func widthIsCountedInTerminalCells() {
        #expect(DisplayWidth.of("Вегакомплект") == 12)  // 24 bytes of UTF-8
        #expect(DisplayWidth.of("株式会社") == 8)
        #expect(DisplayWidth.of("Ｆｕｌｌ") == 8)
        #expect(DisplayWidth.of("Cafe\u{301}") == 4)  // é as e and a combining acute
        #expect(DisplayWidth.of("👍") == 2)
        #expect(DisplayWidth.of("a\u{200B}b") == 2)  // a zero-width space
    }

    @Test func cuttingKeepsWholeCharactersAndEndsInAnEllipsis() {
        #expect(DisplayWidth.truncated("ООО «Вегакомплект»", to: 10) == "ООО «Вега…")
        #expect(DisplayWidth.truncated("株式会社ABC", to: 6) == "株式…")
        // A wide character that would straddle the edge is left out, not split.
        #expect(DisplayWidth.truncated("株式会社", to: 4) == "株…")
        #expect(DisplayWidth.truncated("Cafe\u{301} Noir", to: 5) == "Cafe\u{301}…")
        #expect(DisplayWidth.truncated("short", to: 5) == "short")
    }

    /// Cells by a rule of the test's own: two for the CJK ideographs and kana used here, one
    /// for any other Character.
    func cells(_ text: Substring) -> Int {
        text.reduce(0) { $0 + ((0x3040...0x9FFF).contains($1.unicodeScalars.first!.value) ? 2 : 1) }
    }

    @Test func columnsLineUpWhateverTheScript() {
        let names = ["ООО «Вегакомплект»", "株式会社トヨタ", "Cafe\u{301} Noir", "Acme"]
        let table = ScoreTable(columns: [.id, .name, .sales, .score, .tier, .reason],
                               rows: names.enumerated().map { ScoreTable.Row(id: "C-\($0)", name: $1, sales: 1_234_567, score: 64.15, tier: "tier\($0)", reason: "why") },
                               more: 0, everything: "")
        let lines = table.text(width: 100).split(separator: "\n")
        #expect(lines.count == 5)
        let tierColumns = lines.dropFirst().enumerated().map { k, line in cells(line[..<line.range(of: "tier\(k)")!.lowerBound]) }
        #expect(Set(tierColumns).count == 1, "\(lines)")
        #expect(lines[1].contains("1,234,567   64.2  tier0"))
    }

    @Test func aNarrowTableCutsNamesAndReasonsAndNothingElse() {
        let table = ScoreTable(columns: [.id, .name, .sales, .score, .tier, .reason],
                               rows: [ScoreTable.Row(id: "C-1", name: "株式会社トヨタ自動車 名古屋支店", sales: 10_000_000, score: 88, tier: "key",
                                                     reason: "25% of sales or more left after cost of goods and cost to serve")],
                               more: 0, everything: "")
        let lines = table.text(width: 60).split(separator: "\n")
        #expect(lines.allSatisfy { cells($0) <= 60 }, "\(lines)")
        #expect(lines[1].contains("10,000,000     88  key  "))
        #expect(lines[1].hasSuffix("…") && lines[1].contains("…  "))
    }

    @Test func nothingInACellCanMoveTheCursor() {
        let table = ScoreTable(columns: [.name, .score, .tier, .reason],
                               rows: [ScoreTable.Row(name: "Evil\u{1B}[2J\nCo\u{202E}rp", score: 1, tier: "key")], more: 0, everything: "")
        let text = table.text(width: 80)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        #expect(text.split(separator: "\n").count == 2 && text.contains("Evil [2J Corp"))
    }

    @Test func theRowsAreKeptFromTheScorersBytesHoweverTheyAreSplit() throws {
        let file = SourceFile(path: "rules/accounts.json5", bytes: [UInt8](try readTestData(TestPaths.rules.appending(path: "accounts.json5"))))
        let pack = try #require(PackLoader.load(file, profiles: PackProfiles.all).0)
        let mapping = try #require(ColumnMapping.make(headers: ["customer_id", "customer_name", "revenue_ltm"], pack: pack).0)
        let source = ScoreTableSource(pack: pack, mapping: mapping, dialect: .semicolon)
        #expect(source.columns == [.id, .name, .sales, .score, .tier, .reason])
        var bytes: [UInt8] = []
        let records = [["C1", "ООО «Вега»", "1 234,5"], ["C2", "Acme", "x"], ["C3", "Third", "7"]]
        for fields in records { ScoreTableRenderer(source).row(CSVRecord(fields), Evaluation(), into: &bytes) }
        for piece in [1, 5, 17, bytes.count] {
            var rows = ScoreTableRows(source, limit: 2)
            for start in stride(from: 0, to: bytes.count, by: piece) {
                bytes[start..<min(start + piece, bytes.count)].withUnsafeBufferPointer { rows.take($0) }
            }
            #expect(rows.count == 3)
            #expect(rows.rows == [ScoreTable.Row(id: "C1", name: "ООО «Вега»", sales: 1234.5, score: 0, tier: pack.outcome.levels[0].value),
                                  ScoreTable.Row(id: "C2", name: "Acme", sales: nil, score: 0, tier: pack.outcome.levels[0].value)])
            #expect(rows.table(everything: "x").more == 1)
        }
    }
}
