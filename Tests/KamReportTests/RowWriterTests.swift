import KamExpr
import KamTestSupport
import Testing
@testable import KamReport

/// The row writer the CSV and JSON renderers write with: its JSON strings and numbers are
/// byte for byte what `JSONString.quote` and `NumberFormat.shortest` give.
struct RowWriterTests {
    func written(room: Int, _ body: (inout RowWriter) -> Void) -> [UInt8] {
        var out: [UInt8] = []
        RowWriter.append(room: room, store: [], to: &out, body)
        return out
    }

    @Test func jsonStringsAreEscapedAsTheDocumentWriterEscapesThem() {
        var rng = SplitMix64(seed: 2028)
        let pieces: [[UInt8]] = ["a", "Ж", "😀", "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{1}", "\u{1F}", "\u{7F}",
                                 "\u{2028}", "\u{2029}", "\u{2027}", "/", " "].map { Array($0.utf8) }
            + [[0xFF], [0xE2, 0x80], [0xC3], [0x80]]  // not UTF-8: decoded with U+FFFD, as a String would be
        for _ in 0..<5000 {
            let field = (0..<Int.random(in: 0...12, using: &rng)).flatMap { _ in pieces.randomElement(using: &rng)! }
            let got = field.withUnsafeBufferPointer { bytes in written(room: RowWriter.jsonRoom(bytes.count)) { $0.put(jsonString: bytes) } }
            let expected = Array(JSONString.quote(String(decoding: field, as: UTF8.self)).utf8)
            #expect(got == expected, "\(field)")
        }
    }

    @Test func numbersAreWrittenAsTheirShortestForm() {
        var rng = SplitMix64(seed: 15)
        var values: [Double] = [0, -0.0, 1, -1, 28, 100, 999_999_999_999_999, 1e15, 1e21, 1e-7, 0.1, -12.34, 0.005, .nan, .infinity]
        for _ in 0..<2000 { values.append((Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 100)) }
        for x in values {
            let dot = written(room: 48) { $0.put(number: x, decimal: UInt8(ascii: ".")) }
            #expect(dot == Array(NumberFormat.shortest(x).utf8), "\(x)")
            let comma = written(room: 48) { $0.put(number: x, decimal: UInt8(ascii: ",")) }
            #expect(comma == Array(NumberFormat.shortest(x).replacingOccurrences(of: ".", with: ",").utf8), "\(x)")
        }
    }
}
