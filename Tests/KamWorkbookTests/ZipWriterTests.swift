import Foundation
import KamTestSupport
import Testing
@testable import KamWorkbook

/// A temporary file for an archive, removed when the test ends.
private final class TemporaryFile {
    let path = NSTemporaryDirectory() + "kam-zip-\(UUID().uuidString).zip"
    let fd: Int32

    init(contents: [UInt8] = []) {
        FileManager.default.createFile(atPath: path, contents: Data(contents))
        fd = open(path, O_RDWR)
    }

    var bytes: [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }

    deinit {
        close(fd)
        try? FileManager.default.removeItem(atPath: path)
    }
}

private let stamp = ZipTimestamp(year: 2026, month: 11, day: 30, hour: 12, minute: 34, second: 56)

/// The parts of a small workbook, one of them large and written in uneven pieces.
private func writeWorkbook(to file: TemporaryFile) throws -> [(String, [UInt8])] {
    var rng = SplitMix64(seed: 6)
    let sheet = (0..<400_000).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }
    let parts: [(String, [UInt8])] = [
        ("[Content_Types].xml", Array("<Types/>".utf8)),
        ("xl/empty.xml", []),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/Отчёт.xml", Array("<x/>".utf8)),
    ]
    var writer = ZipWriter(fileDescriptor: file.fd, path: file.path, modified: stamp)
    for (name, bytes) in parts {
        try writer.beginEntry(named: name)
        var at = 0
        while at < bytes.count {
            let n = min(Int.random(in: 1...70_000, using: &rng), bytes.count - at)
            try writer.write(Array(bytes[at..<at + n]))
            at += n
        }
    }
    try writer.finish()
    return parts
}

@Suite struct ZipWriterTests {
    @Test func roundTrip() throws {
        let file = TemporaryFile()
        let parts = try writeWorkbook(to: file)
        let archive = try ZipArchive(path: file.path)
        #expect(archive.entries.map(\.name) == parts.map(\.0))
        let contents = try readEverything(archive)
        for (name, bytes) in parts { #expect(contents[name] == bytes, "\(name)") }
        for entry in archive.entries {
            #expect(entry.method == 0)
            #expect(!entry.hasDataDescriptor)
            #expect(entry.modified == stamp)
            #expect(entry.flags == (entry.name.utf8.allSatisfy { $0 < 0x80 } ? 0 : 0x800))
        }
        #expect(stamp.year == 2026 && stamp.month == 11 && stamp.day == 30)
        #expect(stamp.hour == 12 && stamp.minute == 34 && stamp.second == 56)
    }

    /// The local headers carry the real sizes and CRC-32, patched in after each entry, as Excel
    /// expects; and the same entries give the same bytes.
    @Test func headersArePatchedAndOutputIsReproducible() throws {
        let first = TemporaryFile(), second = TemporaryFile()
        let parts = try writeWorkbook(to: first)
        _ = try writeWorkbook(to: second)
        let bytes = first.bytes
        #expect(bytes == second.bytes)
        let archive = try ZipArchive(bytes: bytes)
        for (entry, (_, contents)) in zip(archive.entries, parts) {
            var expected: [UInt8] = []
            for value in [Int(CRC32.checksum(contents)), contents.count, contents.count] {
                expected += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
            }
            #expect(Array(bytes[(entry.localHeaderOffset + 14)..<(entry.localHeaderOffset + 26)]) == expected)
        }
    }

    /// Written over a longer file, the archive ends at its own end.
    @Test func cutsWhatWasThereBefore() throws {
        let file = TemporaryFile(contents: [UInt8](repeating: 0xAB, count: 1 << 20))
        var writer = ZipWriter(fileDescriptor: file.fd, modified: .earliest)
        try writer.addEntry(named: "a.txt", contents: Array("hello".utf8))
        try writer.finish()
        #expect(file.bytes.count == 30 + 5 + 5 + 46 + 5 + 22)
        #expect(try ZipArchive(path: file.path).contents(of: ZipArchive(path: file.path).entries[0]) == Array("hello".utf8))
    }

    @Test func emptyArchive() throws {
        let file = TemporaryFile()
        var writer = ZipWriter(fileDescriptor: file.fd, modified: .earliest)
        try writer.finish()
        #expect(file.bytes == [0x50, 0x4B, 5, 6] + [UInt8](repeating: 0, count: 18))
        #expect(try ZipArchive(path: file.path).entries.isEmpty)
    }

    /// An entry reaching 4 GiB needs ZIP64, which the writer does not write: refused before
    /// its bytes are touched. (The buffer claims 4 GiB; the check comes before any read.)
    @Test func refusesEntriesOf4GiB() throws {
        let file = TemporaryFile()
        var writer = ZipWriter(fileDescriptor: file.fd, path: "out.xlsx", modified: .earliest)
        try writer.beginEntry(named: "xl/worksheets/sheet1.xml")
        try writer.write([1, 2, 3])
        var byte: UInt8 = 0
        do throws(ZipError) {
            try withUnsafeMutableBytes(of: &byte) { (one) throws(ZipError) in
                try writer.write(UnsafeRawBufferPointer(start: one.baseAddress, count: 0xFFFF_FFFD))
            }
            Issue.record("a 4 GiB entry was accepted")
        } catch {
            #expect(error.kind == .tooLargeToWrite)
            #expect("\(error)".hasPrefix("out.xlsx, entry xl/worksheets/sheet1.xml: too large for a ZIP archive without ZIP64"))
        }
    }

    @Test func writeErrorsNameTheFile() throws {
        let file = TemporaryFile()
        let readOnly = open(file.path, O_RDONLY)
        defer { close(readOnly) }
        var writer = ZipWriter(fileDescriptor: readOnly, path: "book.xlsx", modified: .earliest)
        try writer.addEntry(named: "a", contents: [1])
        do throws(ZipError) {
            try writer.finish()
            Issue.record("a read-only descriptor took the archive")
        } catch {
            #expect(error.kind == .io(errno: EBADF, operation: "write"))
            #expect(error.path == "book.xlsx")
        }
    }

    @Test func timestampsAreClamped() {
        #expect(ZipTimestamp(year: 1970, month: 0, day: 0) == .earliest)
        let late = ZipTimestamp(year: 2200, month: 13, day: 32, hour: 25, minute: 61, second: 61)
        let fields: [Int] = [late.year, late.month, late.day, late.hour, late.minute, late.second]
        #expect(fields == [2107, 12, 31, 23, 59, 58])
    }
}
