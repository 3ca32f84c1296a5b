import KamTestSupport
import Testing
@testable import KamCSV

/// The searches eight and sixteen bytes a step against a plain loop over the bytes, on text
/// made of the bytes they look for, their neighbours and bytes whose subtraction borrows
/// (0x00, 0x01, 0x80, 0xFF), at every start and end offset.
@Suite struct ByteSearchTests {
    private static let alphabet: [UInt8] = [0, 1, 9, 10, 11, 12, 13, 14, 33, 34, 35, 43, 44, 45, 59, 0x7F, 0x80, 0x81, 0xD0, 0xFF]

    private func plain(_ bytes: [UInt8], _ start: Int, _ end: Int, _ targets: [UInt8]) -> Int {
        (start..<end).first { targets.contains(bytes[$0]) } ?? end
    }

    @Test func findsTheFirstByteThatMatters() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<4000 {
            // Runs of one byte that matters in many that do not, so long stretches are searched.
            let special = Self.alphabet.randomElement(using: &rng)!, other = Self.alphabet.randomElement(using: &rng)!
            let bytes = (0..<Int.random(in: 0...70, using: &rng)).map { _ in
                Int.random(in: 0..<12, using: &rng) == 0 ? special : Int.random(in: 0..<3, using: &rng) == 0 ? Self.alphabet.randomElement(using: &rng)! : other
            }
            let (a, b) = (Self.alphabet.randomElement(using: &rng)!, Self.alphabet.randomElement(using: &rng)!)
            let start = Int.random(in: 0...bytes.count, using: &rng), end = Int.random(in: start...bytes.count, using: &rng)
            bytes.withUnsafeBufferPointer { p in
                let base = p.baseAddress ?? UnsafePointer(bitPattern: 1)!
                #expect(ByteSearch.firstOf(base, from: start, to: end, a, b) == plain(bytes, start, end, [a, b, 10, 13]), "\(bytes) \(start)..<\(end) \(a) \(b)")
                #expect(ByteSearch.quoteOrLineEnd(base, from: start, to: end, quote: a) == plain(bytes, start, end, [a, 10, 13]))
                #expect(ByteSearch.containsAny(base + start, count: end - start, a, b) == (plain(bytes, start, end, [a, b, 10, 13]) < end))
                var copied = [UInt8](repeating: 0xAA, count: bytes.count + 2)
                copied.withUnsafeMutableBufferPointer { ByteSearch.copy(base + start, count: end - start, to: $0.baseAddress! + 1) }
                #expect(Array(copied[1..<(1 + end - start)]) == Array(bytes[start..<end]) && copied[0] == 0xAA && copied[1 + end - start] == 0xAA)
                var out = [UInt8](repeating: 0xAA, count: bytes.count + 8)
                let (i, o) = out.withUnsafeMutableBufferPointer { ByteSearch.copyUntil(base, from: start, to: end, a, b, into: $0.baseAddress!, at: 3) }
                // It stops at the byte that matters, or at the end.
                let stop = plain(bytes, start, end, [a, b, 10, 13])
                #expect(i == stop, "\(bytes) \(start)..<\(end) stopped at \(i), not \(stop)")
                #expect(o - 3 == i - start)
                #expect(Array(out[3..<o]) == Array(bytes[start..<i]))
            }
        }
    }
}
