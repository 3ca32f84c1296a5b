import Foundation
import KamTestSupport
import Testing
@testable import KamWorkbook

/// The limits hold before anything is expanded, and every refusal names the variable that
/// raises it.
@Suite struct ZipLimitsTests {
    /// 20 MiB of zeros in 20 KB declares its ratio in the directory: refused before a byte.
    @Test func declaredBombIsRefusedBeforeExpanding() throws {
        let archive = try ZipArchive(path: try #require(ArchiveFixture.named("bomb.zip")).path)
        let entry = archive.entries[0]
        do throws(ZipError) {
            _ = try archive.reader(for: entry)
            Issue.record("the bomb was opened")
        } catch {
            #expect(error.kind == .ratioTooHigh(size: 20 << 20, compressed: entry.compressedSize, limit: 500))
            #expect("\(error)".contains("ZIP bomb"))
            #expect("\(error)".contains("set KAM_MAX_ZIP_RATIO to raise the limit"))
        }
        // Raised, the limit lets it through.
        let raised = try ZipArchive(path: archive.path!, limits: ZipLimits(maxRatio: 2000))
        var reader = try raised.reader(for: entry)
        var head: [UInt8] = []
        _ = try reader.read(into: &head, max: 1 << 20)
        #expect(!head.isEmpty && head.allSatisfy { $0 == 0 })
    }

    /// A bomb whose directory understates its size is stopped one byte past what it declared,
    /// with that much expanded and no more.
    @Test func hiddenBombStopsAtItsDeclaredSize() throws {
        let stream = bombStream(matches: 5000)
        let expanded = try inflate(stream)
        #expect(expanded.count == 1 + 5000 * 258)
        #expect(stream.count < expanded.count / 800)

        let honest = try ZipArchive(bytes: deflatedArchive(data: stream, size: expanded.count, crc: CRC32.checksum(expanded)))
        guard case .ratioTooHigh? = zipError({ () throws(ZipError) in honest })?.kind else {
            Issue.record("an honest bomb was read"); return
        }

        let declared = 200_000
        let lying = try ZipArchive(bytes: deflatedArchive(data: stream, size: declared, crc: 0))
        var reader = try lying.reader(for: lying.entries[0])
        var out: [UInt8] = []
        do throws(ZipError) {
            while try reader.read(into: &out, max: 1 << 16) > 0 {}
            Issue.record("a hidden bomb was read to its end")
        } catch {
            #expect(error.kind == .sizeMismatch(expected: declared, actual: declared + 1))
            #expect("\(error)".contains("a ZIP bomb that hides its size"))
        }
        #expect(out.count <= declared)
        #expect(reader.bytesRead == declared + 1)
        // The reader stays failed.
        #expect(throws: ZipError.self) { _ = try reader.read(into: &out, max: 10) }
    }

    /// A part of a few dozen bytes may expand past the ratio by up to 64 KiB.
    @Test func smallEntriesHaveAnAllowance() throws {
        let stream = bombStream(matches: 1000)
        let expanded = try inflate(stream)
        #expect(expanded.count > 500 * stream.count)
        let archive = try ZipArchive(bytes: deflatedArchive(data: stream, size: expanded.count, crc: CRC32.checksum(expanded)))
        #expect(try archive.contents(of: archive.entries[0]) == expanded)
    }

    @Test func entrySize() throws {
        let path = try #require(ArchiveFixture.named("deflated.zip")).path
        let archive = try ZipArchive(path: path, limits: ZipLimits(maxEntryBytes: 1000))
        let sheet = try #require(archive.entry(named: "xl/worksheets/sheet1.xml"))
        do throws(ZipError) {
            _ = try archive.reader(for: sheet)
            Issue.record("a large entry was opened")
        } catch {
            #expect(error.kind == .entryTooLarge(size: sheet.size, limit: 1000))
            #expect("\(error)".hasSuffix("(set KAM_MAX_ZIP_ENTRY_BYTES to raise it)"))
        }
        #expect(try archive.contents(of: try #require(archive.entry(named: "xl/workbook.xml"))).count < 1000)
    }

    @Test func entriesAndDirectory() throws {
        let path = try #require(ArchiveFixture.named("deflated.zip")).path
        #expect(try ZipArchive(path: path, limits: ZipLimits(maxEntries: 5)).entries.count == 5)
        let tooMany = zipError { () throws(ZipError) in try ZipArchive(path: path, limits: ZipLimits(maxEntries: 4)) }
        #expect(tooMany?.kind == .tooManyEntries(count: 5, limit: 4))
        #expect(tooMany.map { "\($0)".contains("set KAM_MAX_ZIP_ENTRIES to raise it") } == true)
        let large = zipError { () throws(ZipError) in try ZipArchive(path: path, limits: ZipLimits(maxDirectoryBytes: 100)) }
        guard case .directoryTooLarge(_, 100)? = large?.kind else { Issue.record("\(String(describing: large))"); return }
        #expect(large.map { "\($0)".contains("set KAM_MAX_ZIP_DIRECTORY_BYTES to raise it") } == true)
    }

    /// Two entries sharing data is how a bomb of many entries reuses one stream.
    @Test func overlappingEntries() throws {
        var bytes = try #require(ArchiveFixture.named("deflated.zip")).bytes()
        let records = directoryRecords(bytes)
        bytes.patch(records[1] + 42, 0, 4)
        let error = zipError { () throws(ZipError) in try ZipArchive(bytes: bytes) }
        #expect(error?.kind == .overlappingEntries("[Content_Types].xml", "xl/workbook.xml"))
    }

    @Test func damagedRecords() throws {
        let original = try #require(ArchiveFixture.named("stored.zip")).bytes()
        let records = directoryRecords(original)
        var noLocalHeader = original
        noLocalHeader[0] = 0
        var sizes = original
        sizes.patch(records[0] + 20, 1, 4)  // a stored entry's compressed size
        var pastDirectory = original
        pastDirectory.patch(records[4] + 42, records[0] - 10, 4)
        for bytes in [noLocalHeader, sizes, pastDirectory] {
            #expect(zipError { () throws(ZipError) in try ZipArchive(bytes: bytes) }?.kind == .damaged)
        }
        var spanned = original
        spanned.patch(original.count - 22 + 4, 1, 2)
        #expect(zipError { () throws(ZipError) in try ZipArchive(bytes: spanned) }?.kind == .spanned)
    }

    /// Settings from the environment: a positive whole number, at most the ceiling.
    @Test func environmentSettings() {
        let name = "KAM_TEST_ZIP_SETTING_\(getpid())"
        defer { unsetenv(name) }
        #expect(ZipLimits.setting(name, 7, ceiling: 100) == 7)
        for (text, expected) in [("42", 42), ("1000", 100), ("0", 7), ("-3", 7), ("lots", 7)] {
            setenv(name, text, 1)
            #expect(ZipLimits.setting(name, 7, ceiling: 100) == expected, "\(text)")
        }
    }
}
