import Foundation
import KamTestSupport
import Testing
@testable import KamCSV

private func written(_ rows: [[String]], dialect: CSVDialect = .comma, options: CSVWriter.Options = .init()) throws -> String {
    var writer = CSVWriter(dialect: dialect, options: options)
    for row in rows { try writer.write(row) }
    return String(decoding: writer.buffer, as: UTF8.self)
}

@Suite struct WriterTests {
    @Test func quotesOnlyWhenNeeded() throws {
        #expect(try written([["a", "b c", "d,e", "f\"g", "h\ni", " j", "k ", ""]])
            == "a,b c,\"d,e\",\"f\"\"g\",\"h\ni\",\" j\",\"k \",\n")
        #expect(try written([["a;b", "c,d"]], dialect: .semicolon) == "\"a;b\";c,d\n")
        #expect(try written([[""], ["x"]]) == "\"\"\nx\n")
        #expect(try written([["a"]], options: .init(lineTerminator: [13, 10])) == "a\r\n")
    }

    @Test func neutralizesFormulasButNotNumbers() throws {
        let options = CSVWriter.Options(neutralizeFormulas: true)
        #expect(try written([["=SUM(A1:A2)", "+1+1", "-1+2", "@cmd", "-A1"]], options: options)
            == "'=SUM(A1:A2),'+1+1,'-1+2,'@cmd,'-A1\n")
        #expect(try written([["\tx", "\rx"]], options: options) == "\"'\tx\",\"'\rx\"\n")
        #expect(try written([["-12.5", "+3", "-1e5", "-0", "plain", "a=b"]], options: options)
            == "-12.5,+3,-1e5,-0,plain,a=b\n")
        #expect(try written([["-12,5", "-1,2,3"]], dialect: .semicolon, options: options) == "-12,5;'-1,2,3\n")
        #expect(try written([["=1"]]) == "=1\n")
    }

    @Test func writesToAFileInBlocks() throws {
        let path = NSTemporaryDirectory() + "kamcsv-writer-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = try CSVWriter(path: path, options: .init(bufferSize: 64))
        let rows = (0..<500).map { ["row \($0)", "value, \($0)", "\"q\""] }
        for row in rows { try writer.write(row) }
        try writer.flush()
        var reader = try CSVReader(path: path, dialect: .comma)
        #expect(try reader.readAll() == rows)
    }

    @Test func rewritesRecords() throws {
        var reader = CSVReader(bytes: Array("a,\"b,c\"\n\"\"\n".utf8), dialect: .comma)
        var writer = CSVWriter()
        var record = CSVRecord()
        while try reader.next(into: &record) { try writer.write(record) }
        #expect(String(decoding: writer.buffer, as: UTF8.self) == "a,\"b,c\"\n\"\"\n")
    }

    /// The field writer (which looks for a byte that needs quotes eight or four bytes at a
    /// time, then copies the field the same way) writes what the rules say, byte by byte, for
    /// fields long and short, with the special byte anywhere, formulas guarded or not.
    @Test func writesFieldsAsTheRulesSay() {
        func expected(_ field: [UInt8], _ dialect: CSVDialect, guarded: Bool) -> [UInt8] {
            let formula = guarded && field.withUnsafeBufferPointer { CSVWriter.looksLikeFormula($0, decimal: dialect.decimalSeparator) }
            let quoted = [32, 9].contains(field.first) || [32, 9].contains(field.last)
                || field.contains { $0 == dialect.delimiter || $0 == dialect.quote || $0 == 10 || $0 == 13 }
            let body = (formula ? [UInt8(ascii: "'")] : []) + field.flatMap { quoted && $0 == dialect.quote ? [$0, $0] : [$0] }
            return quoted ? [dialect.quote] + body + [dialect.quote] : body
        }
        var rng = SplitMix64(seed: 18)
        let pieces: [[UInt8]] = ["a", "bc", "1", ".", ",", ";", "\t", "\"", "\n", "\r", " ", "=", "-", "+", "@", "Ж"].map { Array($0.utf8) }
        for dialect in [CSVDialect.comma, .semicolon, .tab] {
            for _ in 0..<3000 {
                let field = (0..<Int.random(in: 0...24, using: &rng)).flatMap { _ in pieces.randomElement(using: &rng)! }
                for guarded in [false, true] {
                    var out: [UInt8] = []
                    field.withUnsafeBufferPointer { CSVWriter.appendField($0, to: &out, dialect: dialect, neutralizeFormulas: guarded) }
                    #expect(out == expected(field, dialect, guarded: guarded), "\(String(decoding: field, as: UTF8.self).debugDescription)")
                }
            }
        }
    }

    /// Random fields full of the characters that need quoting come back unchanged.
    @Test(arguments: [CSVDialect.comma, .semicolon, .tab])
    func roundTrip(_ dialect: CSVDialect) throws {
        var rng = SplitMix64(seed: UInt64(dialect.delimiter))
        let pieces = ["a", "b", ",", ";", "\t", "\"", "\n", "\r", "\r\n", " ", "é", "Ж", "😀", "=", "-", "1"]
        var rows: [[String]] = []
        for _ in 0..<2000 {
            rows.append((0..<Int.random(in: 1...6, using: &rng)).map { _ in
                (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            })
        }
        for terminator: [UInt8] in [[10], [13, 10]] {
            var writer = CSVWriter(dialect: dialect, options: .init(lineTerminator: terminator))
            for row in rows { try writer.write(row) }
            var reader = CSVReader(bytes: writer.buffer, dialect: dialect)
            #expect(try reader.readAll() == rows)
            var skipping = CSVReader(bytes: writer.buffer, dialect: dialect, options: .init(skipBlankLines: true))
            #expect(try skipping.readAll() == rows)
        }
    }

    /// A clear field is copied whole at every length and at every distance from the end of
    /// the memory it lies in, where the copy may read sixteen bytes at once and where it may
    /// not; the bytes past the field are only ever the room it was given.
    @Test func copiesClearFieldsUpToTheEndOfTheirMemory() {
        let text = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        for start in 0..<text.count {
            for end in start + 1...text.count {
                text.withUnsafeBufferPointer { all in
                    let field = UnsafeBufferPointer(rebasing: all[start..<end])
                    var out = [UInt8](repeating: 0, count: max(16, field.count))
                    let n = out.withUnsafeMutableBufferPointer {
                        CSVWriter.copyClearField(field, readable: all.baseAddress! + all.count, to: $0.baseAddress!, neutralizeFormulas: true)
                    }
                    #expect(n == field.count)
                    #expect(Array(out[..<field.count]) == Array(field), "\(start)..<\(end)")
                }
            }
        }
    }
}
