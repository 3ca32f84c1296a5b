import Foundation
import KamSource
import KamTestSupport
import Testing
@testable import KamWorkbook

/// A stream of `fixtures/zip/deflate/`, with the size and SHA-256 of what it must inflate to,
/// as `scripts/make-zip-fixtures.py` recorded them from the input it gave zlib.
struct DeflateVector: CustomTestStringConvertible, Sendable {
    let name: String
    let size: Int
    let sha256: String
    var testDescription: String { name }

    static let folder = TestPaths.fixtures.appending(path: "zip/deflate")

    static let all: [DeflateVector] = {
        guard let text = try? String(contentsOf: folder.appending(path: "vectors.tsv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t").map(String.init)
            return DeflateVector(name: fields[0], size: Int(fields[1])!, sha256: fields[2])
        }
    }()

    func compressed() throws -> [UInt8] {
        Array(try readTestData(Self.folder.appending(path: name + ".deflate")))
    }
}

@Suite struct InflateVectorTests {
    @Test func vectorsArePresent() {
        #expect(DeflateVector.all.count == 13)
    }

    @Test(arguments: DeflateVector.all)
    func inflatesToTheKnownBytes(_ vector: DeflateVector) throws {
        let out = try inflate(try vector.compressed())
        #expect(out.count == vector.size)
        #expect(SHA256.hex(out) == vector.sha256)
    }

    /// Input arriving a byte or seven at a time, output taken a byte or a few hundred at a
    /// time: every place a symbol, a header or a stored block can be cut.
    @Test(arguments: DeflateVector.all.filter { $0.size < 400_000 })
    func inflatesInPieces(_ vector: DeflateVector) throws {
        let compressed = try vector.compressed()
        for (input, output) in [(1, 1), (7, 333), (7, 1), (4096, 1)] {
            let out = try inflate(compressed, inputPiece: input, outputPiece: output)
            #expect(SHA256.hex(out) == vector.sha256, "input pieces of \(input), output pieces of \(output)")
        }
    }

    @Test func inflatesTheLargeVectorInPieces() throws {
        let vector = try #require(DeflateVector.all.first { $0.name == "multi-megabyte" })
        let out = try inflate(try vector.compressed(), inputPiece: 7, outputPiece: 1000)
        #expect(SHA256.hex(out) == vector.sha256)
    }

    /// Bytes after the final block are not part of the stream and are left alone.
    @Test func ignoresBytesAfterTheFinalBlock() throws {
        let vector = try #require(DeflateVector.all.first { $0.name == "text" })
        let out = try inflate(try vector.compressed() + Array("trailing garbage".utf8))
        #expect(SHA256.hex(out) == vector.sha256)
    }

    /// A copy of an inflater carries on from where it was copied, apart from the original.
    @Test func copiesAreIndependent() throws {
        let vector = try #require(DeflateVector.all.first { $0.name == "sheet-xml" })
        var first = Inflater(bytes: try vector.compressed())
        var head: [UInt8] = []
        _ = try first.read(into: &head, max: 50_000)
        var second = first
        var a = head, b = head
        while try first.read(into: &a, max: 9000) > 0 {}
        while try second.read(into: &b, max: 20000) > 0 {}
        #expect(SHA256.hex(a) == vector.sha256)
        #expect(a == b)
        #expect(first.isFinished && second.isFinished)
    }
}
