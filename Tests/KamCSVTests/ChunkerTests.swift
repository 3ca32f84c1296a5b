import KamTestSupport
import Testing
@testable import KamCSV

private func readChunked(_ bytes: [UInt8], targetSize: Int, dialect: CSVDialect = .comma) -> Result<[ReferenceRecord], CSVError> {
    var all: [ReferenceRecord] = []
    for chunk in CSVChunker.split(bytes, dialect: dialect, targetSize: targetSize) {
        var reader = CSVReader(bytes: bytes, chunk: chunk, dialect: dialect)
        switch readAllRecords(&reader) {
        case .success(let records): all += records
        case .failure(let error): return .failure(error)
        }
    }
    return .success(all)
}

@Suite struct ChunkerTests {
    @Test func cutsOnlyAtRecordBoundaries() {
        let bytes = Array("a,b\r\n\"x\ny\",z\r\nc,d\n".utf8)
        let chunks = CSVChunker.split(bytes, dialect: .comma, targetSize: 1)
        #expect(chunks.map(\.range) == [0..<5, 5..<14, 14..<18])
        #expect(chunks.map(\.firstLine) == [1, 2, 4])
        #expect(CSVChunker.split([], dialect: .comma, targetSize: 10) == [])
        #expect(CSVChunker.split([0xEF, 0xBB, 0xBF, 0x61], dialect: .comma, targetSize: 10).map(\.range) == [3..<4])
    }

    /// Records (fields, lines, offsets) and errors from chunks equal a sequential read, for
    /// random chunk sizes over random text that includes the lenient cases: stray quotes,
    /// text after a closing quote, blank lines, lone CRs and CRLFs inside quotes.
    @Test func chunkedReadEqualsSequentialRead() {
        var rng = SplitMix64(seed: 2024)
        let pieces = ["a", "bc", ",", "\"", "\"\"", "\n", "\r", "\r\n", " ", "\"q,\nq\"", "Ж"]
        for round in 0..<1500 {
            let bytes = Array((0..<Int.random(in: 0...60, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined().utf8)
            var sequential = CSVReader(bytes: bytes, dialect: .comma)
            let expected = readAllRecords(&sequential)
            for _ in 0..<3 {
                let target = Int.random(in: 1...40, using: &rng)
                let chunked = readChunked(bytes, targetSize: target)
                switch (expected, chunked) {
                case (.success(let a), .success(let b)):
                    #expect(a == b, "round \(round) target \(target): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                case (.failure(let a), .failure(let b)):
                    #expect(a == b, "round \(round)")
                default:
                    Issue.record("round \(round) target \(target): \(expected) vs \(chunked)")
                }
            }
        }
    }

    /// Well-formed data as the writer makes it, in larger volumes and a `;` dialect.
    @Test func chunkedWriterOutput() throws {
        var rng = SplitMix64(seed: 99)
        var writer = CSVWriter(dialect: .semicolon)
        let pieces = ["x", ";", "\"", "\n", "\r\n", "12,5", " "]
        for _ in 0..<3000 {
            try writer.write((0..<Int.random(in: 1...8, using: &rng)).map { _ in
                (0..<Int.random(in: 0...4, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            })
        }
        let bytes = writer.buffer
        var sequential = CSVReader(bytes: bytes, dialect: .semicolon)
        let expected = try readAllRecords(&sequential).get()
        for target in [1, 100, 4096, 1 << 20] {
            #expect(try readChunked(bytes, targetSize: target, dialect: .semicolon).get() == expected)
        }
    }
}
