import Foundation
import KamTestSupport
import Testing
@testable import KamCSV

/// One case of the public CSV suite, copied into `fixtures/conformance/csv/` with its sources.
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    let name: String
    let file: String
    let expect: [[String]]
    let errorAllowed: Bool
    var testDescription: String { name }

    static let directory = TestPaths.conformance.appending(path: "csv")

    /// The cases, or why they could not be read (reported by `suiteIsComplete`).
    static let loaded: Result<[ConformanceCase], TestDataError> = Result { () throws(TestDataError) in
        let url = directory.appending(path: "cases.json")
        let data = try readTestData(url)
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw TestDataError("\(url.path) is not a JSON array of objects")
        }
        return try list.enumerated().map { (index, item) throws(TestDataError) in
            guard let name = item["name"] as? String, let file = item["file"] as? String,
                  let expect = item["expect"] as? [[String]] else {
                throw TestDataError("\(url.path): case \(index) lacks a string `name`, `file` or an `expect` of string arrays")
            }
            return ConformanceCase(name: name, file: file, expect: expect, errorAllowed: item["error_allowed"] as? Bool ?? false)
        }
    }

    static var all: [ConformanceCase] { (try? loaded.get()) ?? [] }

    var path: String { Self.directory.appending(path: file).path }
}

@Suite struct ConformanceTests {
    @Test func suiteIsComplete() throws {
        let cases = try ConformanceCase.loaded.get()
        #expect(cases.count == 81)
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
        let bytes = try [UInt8](readTestData(URL(fileURLWithPath: c.path)))
        var reader = CSVReader(bytes: bytes)
        #expect(reader.dialect.delimiter == UInt8(ascii: ","), "\(c.name)")
        do {
            #expect(try reader.readAll() == c.expect, "\(c.name)")
        } catch {
            #expect(c.errorAllowed, "\(c.name): \(error)")
        }
    }
}
