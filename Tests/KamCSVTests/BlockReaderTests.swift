import Foundation
import KamTestSupport
import Testing
@testable import KamCSV

/// The block reader skips the title lines and the header before handing out rows, with every
/// row's line number as in the file, however small its blocks.
struct BlockReaderTests {
    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appending(path: "kam-blocks-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    /// Every record the blocks hold, with its line.
    static func rows(_ reader: inout CSVBlockReader) throws -> [(Int, [String])] {
        var out: [(Int, [String])] = []
        while let block = try reader.next() {
            for chunk in block.chunks {
                var records = CSVReader(bytes: block.bytes, chunk: chunk, dialect: reader.dialect)
                var record = CSVRecord()
                while try records.next(into: &record) { out.append((record.line, record.strings)) }
            }
        }
        return out
    }

    @Test(arguments: [16, 23, 64, 1 << 20])
    func skippingRecordsKeepsTheLinesOfTheRows(_ blockSize: Int) throws {
        let text = "Report \"2025\"\n\"A title\nover two lines\"\n\nid,name,sales\nC1,\"Alpha\nInc\",10\nC2,Beta,20\n"
        let path = try Self.write(text)
        defer { unlink(path) }
        var reader = try CSVBlockReader(path: path, blockSize: blockSize, chunkSize: max(4, blockSize / 3))
        let leading = try reader.leadingRecords(limit: 50)
        #expect(leading.map(\.line) == [1, 2, 4, 5, 6, 8])
        #expect(leading[3].fields == ["id", "name", "sales"])
        #expect(try reader.leadingRecords(limit: 2).map(\.line) == [1, 2])
        try reader.skipRecords(4)
        let rows = try Self.rows(&reader)
        #expect(rows.map(\.0) == [6, 8], "block \(blockSize)")
        #expect(rows.map(\.1) == [["C1", "Alpha\nInc", "10"], ["C2", "Beta", "20"]])
    }

    @Test func skippingPastTheEndLeavesNoRows() throws {
        let path = try Self.write("title\nid,sales")
        defer { unlink(path) }
        var reader = try CSVBlockReader(path: path, blockSize: 8, chunkSize: 4)
        try reader.skipRecords(2)
        #expect(try Self.rows(&reader).isEmpty)
    }
}
