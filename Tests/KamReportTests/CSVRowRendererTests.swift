import KamAdvisor
import KamCSV
import KamRules
import KamSource
import KamTestSupport
import Testing
@testable import KamReport

/// The CSV renderer's input cells: whichever way it takes (one scan of a record that holds
/// nothing to quote, then each cell's ends looked at; or a scan a cell), every cell comes
/// out as `CSVWriter.appendField` writes it, with the guard left off plain numbers.
struct CSVRowRendererTests {
    /// Pieces a cell is made of: plain text, what quotes a field (delimiters, quote, line
    /// ends, spaces and tabs at an end) and what starts a formula, and numbers with either
    /// decimal mark.
    static let pieces = ["a", "Ж", "12", "-5.9", "-5,9", "+3", "1e3", "-", "+", "=", "@", " ", "\t", ",", ";", "\"", "\r", "\n", "x y", "'"]

    @Test(arguments: [false, true], [false, true])
    func inputCellsAreWrittenAsTheWriterWritesThem(excel: Bool, guardFormulas: Bool) throws {
        let file = SourceFile(path: "rules/accounts.json5", bytes: [UInt8](try readTestData(TestPaths.rules.appending(path: "accounts.json5"))))
        let pack = try #require(PackLoader.load(file, profiles: PackProfiles.all).0)
        let form = excel ? ExcelCSV(dialect: .semicolon, because: "test") : nil
        let dialect = form?.dialect ?? .comma
        let other = dialect.decimalSeparator == UInt8(ascii: ",") ? UInt8(ascii: ".") : UInt8(ascii: ",")
        var rng = SplitMix64(seed: excel ? 41 : 14)
        var sawClear = false, sawQuoted = false
        for _ in 0..<1500 {
            let width = Int.random(in: 1...8, using: &rng)
            let fields = (0..<width).map { _ in
                (0..<Int.random(in: 0...3, using: &rng)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined()
            }
            // Every cell (one scan of the record), or one of many (a scan a cell).
            let picked = Bool.random(using: &rng) ? Array(0..<width) : [Int.random(in: 0..<width, using: &rng)]
            let columns = OutputColumns(columns: picked.map { .input($0) }, names: picked.map { "c\($0)" })
            let renderer = CSVRowRenderer(pack: pack, columns: columns, excel: form, guardFormulas: guardFormulas)
            var got: [UInt8] = []
            renderer.row(CSVRecord(fields), Evaluation(), into: &got)

            var expected: [UInt8] = []
            for (i, k) in picked.enumerated() {
                if i > 0 { expected.append(dialect.delimiter) }
                let cell = Array(fields[k].utf8)
                let signed = cell.first == UInt8(ascii: "-") || cell.first == UInt8(ascii: "+")
                cell.withUnsafeBufferPointer { cell in
                    let number = signed && CSVWriter.isPlainNumber(cell, decimal: other)
                    CSVWriter.appendField(cell, to: &expected, dialect: dialect, neutralizeFormulas: guardFormulas && !number)
                }
            }
            expected.append(10)
            #expect(got == expected, "\(fields) \(picked)")
            let joined = fields.joined()
            let quotes = joined.utf8.contains { $0 == dialect.delimiter || $0 == dialect.quote || $0 == 10 || $0 == 13 }
            if picked.count == width { if quotes { sawQuoted = true } else { sawClear = true } }
        }
        #expect(sawClear && sawQuoted)
    }
}
