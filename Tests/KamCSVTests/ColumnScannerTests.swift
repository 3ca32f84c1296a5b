import KamTestSupport
import Testing
@testable import KamCSV

/// The column scanner of the portfolio passes against the reader: for random text with quoted
/// fields, doubled quotes, line breaks inside quotes, stray quotes, CRLFs and short records,
/// whenever it finishes a chunk it reports each record's two wanted fields exactly as the
/// reader reads them, whichever columns are wanted (the rest of a record is skipped from
/// quote to quote once both are found).
@Suite struct ColumnScannerTests {
    @Test func wantedFieldsAreTheReadersOwn() {
        var rng = SplitMix64(seed: 77)
        // Long ones too, so the search eight bytes a step meets its stops at every offset.
        let fields = ["", "a", "1234.5", "Ж x", "ab\"c", "\"q,\nq\"", "\"x\"\"y\"", "\"\"", "\"a\rb\"",
                      "Northern Steel Works 1234567", "\"Acme, \"\"Big\"\" Ltd of the North\"", "\"a long\r\nquoted text\"", "ООО Ромашка-Поставка"]
        let ends = ["\n", "\r\n", "\r"]
        var finished = 0
        for round in 0..<3000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                text += (0..<Int.random(in: 1...7, using: &rng)).map { _ in fields.randomElement(using: &rng)! }.joined(separator: ",")
                text += ends.randomElement(using: &rng)!
            }
            // Now and then an irregular record, which the scanner must leave to the reader.
            if round % 10 == 0 { text += ["x,\"open", "\"a\"b,c", "a,b,\"c\"d"].randomElement(using: &rng)! }
            let bytes = Array(text.utf8)
            var reader = CSVReader(bytes: bytes, dialect: .comma)
            guard case .success(let records) = readAllRecords(&reader) else { continue }
            let columns = (Int.random(in: 0...3, using: &rng), Int.random(in: 0...3, using: &rng))
            var scanned: [[[UInt8]?]] = []
            let complete = bytes.withUnsafeBufferPointer { buffer in
                CSVColumnScanner.scan(buffer, chunk: CSVChunk(range: 0..<bytes.count, firstLine: 1), dialect: .comma, columns: columns) { a, b in
                    scanned.append([a.map(Array.init), b.map(Array.init)])
                }
            }
            guard complete else { continue }
            finished += 1
            let expected = records.map { r in [columns.0, columns.1].map { $0 < r.fields.count ? r.fields[$0] : nil } }
            #expect(scanned == expected, "\(String(decoding: bytes, as: UTF8.self).debugDescription), columns \(columns)")
        }
        #expect(finished > 2500)  // the regular ones, at least
    }
}
