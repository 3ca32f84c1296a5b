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

    /// All blocks of a reader: their bytes and their chunks.
    static func blocks(_ reader: inout CSVBlockReader) throws -> [([UInt8], [CSVChunk])] {
        var out: [([UInt8], [CSVChunk])] = []
        while let block = try reader.next() { out.append((block.bytes, block.chunks)) }
        return out
    }

    /// A later pass follows the first pass's cuts instead of cutting again, gets the same
    /// blocks, and refuses a file whose length has changed.
    @Test(arguments: [23, 64, 1 << 20])
    func laterPassesFollowTheFirstPassesCuts(_ blockSize: Int) throws {
        let rows = (1...40).map { "C\($0),\"Name \($0),\nInc\",\($0 * 7)" }
        let text = "id,name,sales\n" + rows.joined(separator: "\n") + "\n"
        let path = try Self.write(text)
        defer { unlink(path) }
        let cuts = CSVBlockCuts()
        func open() throws -> CSVBlockReader {
            var reader = try CSVBlockReader(path: path, blockSize: blockSize, chunkSize: max(4, blockSize / 3))
            try reader.follow(cuts)
            try reader.skipRecords(1)
            return reader
        }
        var first = try open()
        let cut = try Self.blocks(&first)
        #expect(cuts.complete)
        var second = try open()
        let followed = try Self.blocks(&second)
        #expect(followed.map(\.0) == cut.map(\.0) && followed.map(\.1) == cut.map(\.1))
        var fresh = try CSVBlockReader(path: path, blockSize: blockSize, chunkSize: max(4, blockSize / 3))
        try fresh.skipRecords(1)
        #expect(try Self.blocks(&fresh).map(\.1) == cut.map(\.1))

        // The same length written again is another file (its time of change differs)...
        let header = "id,name,sales\n"
        let other = header + String(repeating: "x", count: text.utf8.count - header.utf8.count - 1) + "\n"
        var before = stat()
        #expect(stat(path, &before) == 0)
        try other.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: CSVError.self) { _ = try open() }
        // ... and given the first one's identity back, its records, which end elsewhere, are
        // cut where the first file's were: the cuts are followed, not found again. (With
        // blocks smaller than a record, how the header is skipped depends on the rows after
        // it, so the reads differ and the reader rightly calls the file changed.)
        if blockSize >= 64 {
            var times = [before.st_atim, before.st_mtim]
            #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
            var reader = try open()
            #expect(try Self.blocks(&reader).map(\.1) == cut.map(\.1))
        }

        for changed in [text + "C41,x,1\n", String(text.dropLast(20))] {
            try changed.write(toFile: path, atomically: false, encoding: .utf8)
            #expect(throws: CSVError.self) {
                var reader = try open()
                _ = try Self.blocks(&reader)
            }
        }
    }
}
