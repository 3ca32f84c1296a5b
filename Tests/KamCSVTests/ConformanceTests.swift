import Foundation
import KamTestSupport
import Testing
@testable import KamCSV

/// One case of the shared suite in `../shared/conformance/csv/cases.json`.
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    let name: String
    let file: String
    let expect: [[String]]
    let errorAllowed: Bool
    var testDescription: String { name }

    /// Read in place, never copied into the project, so the suite has one source of truth.
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // KamCSVTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .deletingLastPathComponent()
        .appending(path: "shared/conformance/csv")

    static let all: [ConformanceCase] = {
        let data = try! Data(contentsOf: directory.appending(path: "cases.json"))
        let list = try! JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        return list.map {
            ConformanceCase(
                name: $0["name"] as! String, file: $0["file"] as! String,
                expect: $0["expect"] as! [[String]], errorAllowed: $0["error_allowed"] as? Bool ?? false)
        }
    }()

    var path: String { Self.directory.appending(path: file).path }
}

@Suite struct ConformanceTests {
    @Test func suiteIsComplete() {
        #expect(ConformanceCase.all.count >= 80)
    }

    /// Every case, read from the file with blocks so small that every record, quote and
    /// CRLF straddles a refill, and with the default block size.
    @Test(arguments: ConformanceCase.all)
    func conformance(_ c: ConformanceCase) throws {
        for blockSize in [4, 5, 7, 1 << 20] {
            let rows: [[String]]
            do {
                var reader = try CSVReader(path: c.path, dialect: .comma, options: .init(blockSize: blockSize))
                rows = try reader.readAll()
            } catch {
                #expect(c.errorAllowed, "\(c.name) [block \(blockSize)]: \(error)")
                continue
            }
            #expect(rows == c.expect, "\(c.name) [block \(blockSize)]")
        }
    }

    /// The same cases from memory, with the dialect sniffed rather than given.
    @Test(arguments: ConformanceCase.all)
    func conformanceFromMemory(_ c: ConformanceCase) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: c.path)))
        var reader = CSVReader(bytes: bytes)
        #expect(reader.dialect.delimiter == UInt8(ascii: ","), "\(c.name)")
        do {
            #expect(try reader.readAll() == c.expect, "\(c.name)")
        } catch {
            #expect(c.errorAllowed, "\(c.name): \(error)")
        }
    }
}
