import KamTestSupport
import Testing
@testable import KamWorkbook

/// Each rule of RFC 1951 a stream can break, broken on purpose: every one must end in its own
/// error, never in a trap or a loop.
@Suite struct InflateMalformedTests {
    @Test func reservedBlockType() {
        var bits = DeflateBits()
        bits.header(final: true, type: 3)
        #expect(deflateProblem(bits.finish()) == .invalidBlockType)
    }

    @Test func storedLengthAndComplementDisagree() {
        var bits = DeflateBits()
        bits.header(final: true, type: 0)
        bits.alignToByte()
        bits.put(5, 16)
        bits.put(5, 16)
        #expect(deflateProblem(bits.finish() + [1, 2, 3, 4, 5]) == .storedLengthMismatch)
    }

    @Test func storedBlocks() throws {
        var bits = DeflateBits()
        bits.header(final: false, type: 0)
        bits.alignToByte()
        bits.put(0, 16)
        bits.put(0xFFFF, 16)
        bits.header(final: true, type: 0)
        bits.alignToByte()
        bits.put(3, 16)
        bits.put(0xFFFC, 16)
        #expect(try inflate(bits.finish() + Array("abc".utf8)) == Array("abc".utf8))
    }

    /// Code-length codes: too many codes of a length, too few, none at all.
    @Test(arguments: [
        ([Int: Int](uniqueKeysWithValues: (0..<19).map { ($0, 1) }), DeflateProblem.oversubscribedCode(.codeLength)),
        ([0: 1], .incompleteCode(.codeLength)),
        ([:], .incompleteCode(.codeLength)),
    ])
    func codeLengthCodes(_ code: [Int: Int], _ problem: DeflateProblem) {
        var bits = DeflateBits()
        bits.dynamicHeader(final: true, literals: 257, distances: 1, codeLengthCode: code, symbols: [])
        #expect(deflateProblem(bits.finish() + [UInt8](repeating: 0, count: 64)) == problem)
    }

    @Test(arguments: [
        ([0: 1, 1: 1, 2: 1, 256: 1], [1], DeflateProblem.oversubscribedCode(.literalLength)),
        ([0: 2, 256: 2], [1], .incompleteCode(.literalLength)),
        ([0: 1, 256: 1], [1, 1, 1], .oversubscribedCode(.distance)),
        ([0: 1, 256: 1], [1, 2], .incompleteCode(.distance)),
        ([0: 1, 1: 1], [1], .missingEndOfBlock),
    ])
    func literalAndDistanceCodes(_ literals: [Int: Int], _ distances: [Int], _ problem: DeflateProblem) {
        var bits = DeflateBits()
        _ = bits.dynamicHeader(final: true, literalLengths: lengths(257, literals), distanceLengths: distances)
        #expect(deflateProblem(bits.finish() + [UInt8](repeating: 0, count: 64)) == problem)
    }

    /// A distance code of one code (one bit, half the code space unused) is legal, as RFC 1951
    /// says and zlib accepts; so is none at all, in a block of literals only.
    @Test func singleAndEmptyDistanceCodes() throws {
        var bits = DeflateBits()
        let given = [97: 2, 256: 2, 257: 2, 258: 2]
        let (literal, distance) = bits.dynamicHeader(final: false, literalLengths: lengths(259, given), distanceLengths: [1])
        bits.code(literal[97], 2)
        bits.code(literal[257], 2)  // length 3
        bits.code(distance[0], 1)  // distance 1
        bits.code(literal[256], 2)
        let (literals, _) = bits.dynamicHeader(final: true, literalLengths: lengths(259, given), distanceLengths: [0])
        bits.code(literals[97], 2)
        bits.code(literals[256], 2)
        #expect(try inflate(bits.finish()) == Array("aaaaa".utf8))

        var missing = DeflateBits()
        let (codes, _) = missing.dynamicHeader(final: true, literalLengths: lengths(259, given), distanceLengths: [0])
        missing.code(codes[97], 2)
        missing.code(codes[258], 2)
        #expect(deflateProblem(missing.finish() + [0, 0]) == .invalidDistanceSymbol)

        // The unused half of a one-code distance code.
        var unused = DeflateBits()
        let (used, _) = unused.dynamicHeader(final: true, literalLengths: lengths(259, given), distanceLengths: [1])
        unused.code(used[97], 2)
        unused.code(used[257], 2)
        unused.code(1, 1)
        #expect(deflateProblem(unused.finish() + [0, 0]) == .invalidDistanceSymbol)
    }

    /// Symbols 286 and 287 have fixed codes but stand for nothing; nor do distances 30 and 31.
    @Test(arguments: [286, 287])
    func fixedLengthSymbolsOutOfRange(_ symbol: Int) {
        var bits = DeflateBits()
        bits.header(final: true, type: 1)
        bits.fixed(symbol)
        #expect(deflateProblem(bits.finish() + [0, 0]) == .invalidLengthSymbol)
    }

    @Test(arguments: [30, 31])
    func fixedDistanceSymbolsOutOfRange(_ symbol: Int) {
        var bits = DeflateBits()
        bits.header(final: true, type: 1)
        bits.fixed(97)
        bits.fixed(257)
        bits.code(symbol, 5)
        #expect(deflateProblem(bits.finish() + [0, 0, 0]) == .invalidDistanceSymbol)
    }

    @Test func distanceBeforeTheStart() {
        var bits = DeflateBits()
        bits.header(final: true, type: 1)
        bits.fixed(97)
        bits.fixed(257)
        bits.code(1, 5)  // distance 2
        bits.fixed(256)
        #expect(deflateProblem(bits.finish()) == .distanceTooFar(distance: 2, available: 1))
    }

    @Test func repeatsInTheCodeLengths() {
        var first = DeflateBits()
        first.dynamicHeader(final: true, literals: 257, distances: 1, codeLengthCode: [16: 1, 0: 1], symbols: [(16, 0)])
        #expect(deflateProblem(first.finish() + [0, 0]) == .repeatWithoutPrevious)

        var tooMany = DeflateBits()
        tooMany.dynamicHeader(
            final: true, literals: 257, distances: 1, codeLengthCode: [18: 1, 0: 1], symbols: [(18, 127), (18, 127)])
        #expect(deflateProblem(tooMany.finish() + [0, 0]) == .tooManyLengths)
    }

    @Test func tooManyCodes() {
        for (literals, distances) in [(287, 30), (288, 1), (257, 31), (257, 32)] {
            var bits = DeflateBits()
            bits.dynamicHeader(final: true, literals: literals, distances: distances, codeLengthCode: [0: 1, 8: 1], symbols: [])
            #expect(deflateProblem(bits.finish() + [0, 0]) == .tooManyCodes)
        }
    }

    /// An empty input, and every proper prefix of real streams: each is refused, at most a
    /// few symbols after its end.
    @Test func truncatedStreams() throws {
        #expect(deflateProblem([]) == .endOfInput)
        for name in ["text", "random-binary", "fixed-huffman", "level0-stored", "far-matches"] {
            let vector = try #require(DeflateVector.all.first { $0.name == name })
            let bytes = try vector.compressed()
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
                #expect(deflateProblem(Array(bytes[..<cut])) != nil, "\(name) cut at \(cut)")
            }
        }
        var bits = DeflateBits()
        bits.header(final: true, type: 0)
        bits.alignToByte()
        bits.put(10, 16)
        bits.put(0xFFF5, 16)
        #expect(deflateProblem(bits.finish() + [1, 2, 3]) == .endOfInput)
    }

    /// Random changes to a real stream: decoded or refused, and refused the same way however
    /// the input is cut.
    @Test func mutatedStreamsNeverTrap() throws {
        let vector = try #require(DeflateVector.all.first { $0.name == "sheet-xml" })
        let original = Array(try vector.compressed().prefix(3000))
        var rng = SplitMix64(seed: 1951)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            let whole = Result { () throws(ZipError) in try inflate(bytes) }
            let pieces = Result { () throws(ZipError) in try inflate(bytes, inputPiece: 5, outputPiece: 1000) }
            switch (whole, pieces) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)): #expect(a == b)
            default: Issue.record("whole: \(whole), in pieces: \(pieces)")
            }
        }
    }

    @Test func errorsAreWordedForPeople() {
        let error = ZipError(.deflate(.distanceTooFar(distance: 40, available: 3)), path: "book.xlsx", entry: "xl/worksheets/sheet1.xml")
        #expect("\(error)" == "book.xlsx, entry xl/worksheets/sheet1.xml: the compressed data is corrupt: a match 40 bytes back, "
            + "with only 3 bytes of output before it; get a fresh copy of the file, or open it in Excel or LibreOffice and save it again")
    }
}
