import Foundation
import KamSource
import KamTestSupport
import Testing
@testable import KamWorkbook

/// An archive of `fixtures/zip/archives/`, with what `scripts/make-zip-fixtures.py` put in it
/// (names, sizes and SHA-256 of each entry) or the error it was broken to give.
struct ArchiveFixture: CustomTestStringConvertible, Sendable {
    struct Entry: Sendable {
        let name: String
        let size: Int
        let sha256: String
    }

    let file: String
    let entries: [Entry]?
    let error: String?
    var testDescription: String { file }

    static let folder = TestPaths.fixtures.appending(path: "zip/archives")
    var path: String { Self.folder.appending(path: file).path }

    static let all: [ArchiveFixture] = {
        guard let data = try? Data(contentsOf: folder.appending(path: "archives.json")),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
        else { return [] }
        return json.keys.sorted().map { file in
            let record = json[file]!
            let entries = (record["entries"] as? [[String: Any]])?.map {
                Entry(name: $0["name"] as! String, size: $0["size"] as! Int, sha256: $0["sha256"] as! String)
            }
            return ArchiveFixture(file: file, entries: entries, error: record["error"] as? String)
        }
    }()

    static func named(_ file: String) -> ArchiveFixture? { all.first { $0.file == file } }

    func bytes() throws -> [UInt8] { Array(try readTestData(Self.folder.appending(path: file))) }
}

extension ZipError.Kind {
    /// The case's name, as the fixtures' manifest gives it.
    var name: String {
        switch self {
        case .notAZip: return "notAZip"
        case .truncated: return "truncated"
        case .notARegularFile: return "notARegularFile"
        case .damaged: return "damaged"
        case .overlappingEntries: return "overlappingEntries"
        case .spanned: return "spanned"
        case .deflate: return "deflate"
        case .unsupportedMethod: return "unsupportedMethod"
        case .encrypted: return "encrypted"
        case .sizeMismatch: return "sizeMismatch"
        case .crcMismatch: return "crcMismatch"
        case .entryTooLarge: return "entryTooLarge"
        case .ratioTooHigh: return "ratioTooHigh"
        case .tooManyEntries: return "tooManyEntries"
        case .directoryTooLarge: return "directoryTooLarge"
        case .tooLargeToWrite: return "tooLargeToWrite"
        case .io: return "io"
        }
    }
}

/// Every entry of `archive` read to its end in pieces of `piece` bytes, or the first error.
func readEverything(_ archive: ZipArchive, piece: Int = 1 << 16) throws(ZipError) -> [String: [UInt8]] {
    var contents: [String: [UInt8]] = [:]
    for entry in archive.entries {
        var reader = try archive.reader(for: entry)
        var bytes: [UInt8] = []
        while try reader.read(into: &bytes, max: piece) > 0 {}
        contents[entry.name] = bytes
    }
    return contents
}

/// The error reading `archive` whole gives, or nil.
func zipError(_ open: () throws(ZipError) -> ZipArchive) -> ZipError? {
    do throws(ZipError) {
        _ = try readEverything(try open())
        return nil
    } catch {
        return error
    }
}

/// A one-entry archive of deflated data, built byte by byte so its directory can say anything:
/// bombs that declare their size and bombs that hide it.
func deflatedArchive(name: String = "xl/worksheets/sheet1.xml", data: [UInt8], size: Int, crc: UInt32) -> [UInt8] {
    func le(_ value: Int, _ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    let nameBytes = Array(name.utf8)
    let fields = le(Int(crc), 4) + le(data.count, 4) + le(size, 4) + le(nameBytes.count, 2) + le(0, 2)
    let local = le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(8, 2) + le(0, 4) + fields + nameBytes + data
    let central = le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(8, 2) + le(0, 4) + fields
        + le(0, 10) + le(0, 4) + nameBytes
    let end = le(0x0605_4B50, 4) + le(0, 4) + le(1, 2) + le(1, 2) + le(central.count, 4) + le(local.count, 4) + le(0, 2)
    return local + central + end
}

/// A DEFLATE stream of `matches` copies of 258 bytes from one byte back, each in two bits (a
/// one-bit length code for symbol 285 and a one-bit distance code): about 1,000 times the
/// output of its input, DEFLATE's most.
func bombStream(matches: Int) -> [UInt8] {
    var bits = DeflateBits()
    let (literal, distance) = bits.dynamicHeader(
        final: true, literalLengths: lengths(286, [0: 2, 256: 2, 285: 1]), distanceLengths: [1])
    bits.code(literal[0], 2)
    for _ in 0..<matches {
        bits.code(literal[285], 1)
        bits.code(distance[0], 1)
    }
    bits.code(literal[256], 2)
    return bits.finish()
}

/// Where each directory record of a (non-ZIP64) archive starts, walked from the end record.
func directoryRecords(_ bytes: [UInt8]) -> [Int] {
    func le(_ at: Int, _ count: Int) -> Int { (0..<count).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    guard let end = (0...(bytes.count - 22)).last(where: { le($0, 4) == 0x0605_4B50 }) else { return [] }
    var records: [Int] = [], p = le(end + 16, 4)
    for _ in 0..<le(end + 10, 2) {
        records.append(p)
        p += 46 + le(p + 28, 2) + le(p + 30, 2) + le(p + 32, 2)
    }
    return records
}

extension Array where Element == UInt8 {
    /// Writes `value` little-endian over `count` bytes at `offset`.
    mutating func patch(_ offset: Int, _ value: Int, _ count: Int) {
        for i in 0..<count { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }
}
