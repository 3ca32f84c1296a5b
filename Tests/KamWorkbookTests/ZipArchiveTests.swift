import Foundation
import KamSource
import KamTestSupport
import Testing
@testable import KamWorkbook

@Suite struct ZipArchiveTests {
    @Test func fixturesArePresent() {
        #expect(ArchiveFixture.all.count == 19)
    }

    /// Each good archive, opened from its path and from memory, lists the entries zipfile
    /// wrote and gives back their bytes, in large pieces and in pieces of 7 bytes.
    @Test(arguments: ArchiveFixture.all.filter { $0.entries != nil })
    func readsWhatWasWritten(_ fixture: ArchiveFixture) throws {
        let expected = try #require(fixture.entries)
        for archive in [try ZipArchive(path: fixture.path), try ZipArchive(bytes: try fixture.bytes())] {
            #expect(archive.entries.map(\.name) == expected.map(\.name))
            for piece in [1 << 16, 7] {
                let contents = try readEverything(archive, piece: piece)
                for entry in expected {
                    #expect(contents[entry.name]?.count == entry.size, "\(entry.name)")
                    #expect(contents[entry.name].map { SHA256.hex($0) } == entry.sha256, "\(entry.name)")
                }
            }
        }
    }

    /// Each broken archive stops with the error it was broken to give, whether the problem is
    /// in the directory or in an entry's data.
    @Test(arguments: ArchiveFixture.all.filter { $0.error != nil })
    func refusesWhatIsBroken(_ fixture: ArchiveFixture) throws {
        let error = zipError { () throws(ZipError) in try ZipArchive(path: fixture.path) }
        #expect(error?.kind.name == fixture.error)
        #expect(error?.path == fixture.path)
    }

    /// With a data descriptor the local header holds zeros; the directory's sizes and CRC-32
    /// are the ones used.
    @Test func dataDescriptorsLeaveTheDirectoryInCharge() throws {
        for file in ["descriptor.zip", "descriptor-stored.zip"] {
            let fixture = try #require(ArchiveFixture.named(file))
            let bytes = try fixture.bytes()
            let archive = try ZipArchive(bytes: bytes)
            for entry in archive.entries where entry.size > 0 {
                #expect(entry.hasDataDescriptor)
                #expect(bytes[(entry.localHeaderOffset + 14)..<(entry.localHeaderOffset + 26)].allSatisfy { $0 == 0 })
            }
            #expect(try readEverything(archive).count == archive.entries.count)
        }
    }

    @Test func zip64SizesAndOffsets() throws {
        let fixture = try #require(ArchiveFixture.named("zip64-full.zip"))
        let bytes = try fixture.bytes()
        let archive = try ZipArchive(bytes: bytes)
        // Every size and offset in the records is 0xFFFFFFFF; the real ones come from the extras.
        #expect(archive.entries[2].localHeaderOffset > 0)
        #expect(archive.entries.map(\.size) == fixture.entries!.map(\.size))
    }

    @Test func names() throws {
        let utf8 = try ZipArchive(path: try #require(ArchiveFixture.named("utf8-name.zip")).path)
        #expect(utf8.entry(named: "Отчёт/данные €.xml")?.flags == 0x800)
        let cp437 = try ZipArchive(path: try #require(ArchiveFixture.named("cp437-name.zip")).path)
        #expect(cp437.entries.map(\.name) == ["café.txt"])
        #expect(cp437.entries[0].nameBytes == Array("caf".utf8) + [0x82] + Array(".txt".utf8))
        #expect(cp437.entry(named: "cafe.txt") == nil)
    }

    /// The end record is found behind the longest comment there can be.
    @Test func longestComment() throws {
        let fixture = try #require(ArchiveFixture.named("comment.zip"))
        var bytes = try fixture.bytes()
        let end = try #require((0...(bytes.count - 4)).last { bytes[$0..<($0 + 4)] == [0x50, 0x4B, 5, 6] })
        #expect(try ZipArchive(bytes: bytes).comment == Array(bytes[(end + 22)...]))
        #expect(bytes.count - end - 22 == 688)
        bytes = Array(bytes[..<(end + 20)]) + [0xFF, 0xFF] + [UInt8](repeating: 0x50, count: 0xFFFF)
        let archive = try ZipArchive(bytes: bytes)
        #expect(archive.comment.count == 0xFFFF)
        #expect(try readEverything(archive)["a.txt"]?.count == fixture.entries![0].size)
    }

    /// A workbook reader keeps the shared strings open while it streams a sheet: readers of one
    /// archive each keep their own place in the file.
    @Test func readersAreIndependent() throws {
        let fixture = try #require(ArchiveFixture.named("deflated.zip"))
        let archive = try ZipArchive(path: fixture.path)
        let whole = try readEverything(archive)
        var readers = try archive.entries.map { try archive.reader(for: $0) }
        var parts = [[UInt8]](repeating: [], count: readers.count)
        var active = true
        while active {
            active = false
            for i in readers.indices where try readers[i].read(into: &parts[i], max: 100) > 0 { active = true }
        }
        for (i, entry) in archive.entries.enumerated() { #expect(parts[i] == whole[entry.name]) }
        // The archive can go: its readers hold the file open.
        var reader = try archive.reader(for: archive.entries[2])
        _ = consume archive
        #expect(try reader.readAll() == whole[reader.entry.name])
    }

    @Test func checksumsAndSizesAreVerified() throws {
        let fixture = try #require(ArchiveFixture.named("crc-mismatch.zip"))
        let archive = try ZipArchive(path: fixture.path)
        var reader = try archive.reader(for: try #require(archive.entry(named: "xl/workbook.xml")))
        #expect(throws: ZipError.self) { _ = try reader.readAll() }
        let error = try #require(zipError { () throws(ZipError) in archive })
        guard case .crcMismatch = error.kind else { Issue.record("\(error)"); return }
        #expect(error.entry == "xl/workbook.xml")
        #expect("\(error)".hasPrefix("\(fixture.path), entry xl/workbook.xml: the entry's checksum is wrong"))
        // The other entries are fine.
        #expect(try archive.contents(of: archive.entries[2]).count == fixture.entries?[2].size ?? archive.entries[2].size)
    }

    @Test func refusedMethodsAreNamed() throws {
        for (file, method) in [("bzip2.zip", "(bzip2)"), ("lzma.zip", "(LZMA)")] {
            let error = zipError { () throws(ZipError) in try ZipArchive(path: ArchiveFixture.named(file)!.path) }
            #expect(error.map { "\($0)".contains(method) } == true, "\(String(describing: error))")
        }
    }

    @Test func notAnArchive() throws {
        func kind(_ bytes: [UInt8]) -> ZipError.Kind? {
            zipError { () throws(ZipError) in try ZipArchive(bytes: bytes) }?.kind
        }
        #expect(kind(Array("account_id,sales\n".utf8)) == .notAZip(looksLike: "text (kam reads CSV files as they are)"))
        let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 600)
        guard case .notAZip(let looksLike)? = kind(ole) else { Issue.record("an OLE file"); return }
        #expect(looksLike?.contains(".xls") == true)
        #expect(kind([]) == .notAZip(looksLike: nil))
        #expect(kind([0, 1, 2, 3, 0x50, 0x4B]) == .notAZip(looksLike: nil))
        #expect(zipError { () throws(ZipError) in try ZipArchive(path: NSTemporaryDirectory()) }?.kind == .notARegularFile)
        guard case .io(let code, "open")? = zipError({ () throws(ZipError) in try ZipArchive(path: "/nonexistent/book.xlsx") })?.kind
        else { Issue.record("a missing file"); return }
        #expect(code == ENOENT)
    }

    /// Cut anywhere, an archive is refused, never misread.
    @Test func everyTruncationIsRefused() throws {
        for file in ["utf8-name.zip", "cp437-table.zip", "zip64-full.zip"] {
            let bytes = try #require(ArchiveFixture.named(file)).bytes()
            for cut in 0..<bytes.count {
                let error = zipError { () throws(ZipError) in try ZipArchive(bytes: Array(bytes[..<cut])) }
                #expect(error != nil, "\(file) cut at \(cut)")
            }
        }
    }
}
