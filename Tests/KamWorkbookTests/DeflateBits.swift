@testable import KamWorkbook

/// DEFLATE written bit by bit, for the streams no compressor makes: malformed ones, codes with
/// a single symbol, and bombs of one-bit matches.
struct DeflateBits {
    private(set) var bytes: [UInt8] = []
    private var pending: UInt64 = 0
    private var count = 0

    /// `bits` bits of `value`, least significant first, as headers and extra bits are sent.
    mutating func put(_ value: Int, _ bits: Int) {
        pending |= UInt64(value) << UInt64(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: pending))
            pending >>= 8
            count -= 8
        }
    }

    /// A prefix code, most significant bit first.
    mutating func code(_ code: Int, _ length: Int) {
        for i in stride(from: length - 1, through: 0, by: -1) { put(code >> i & 1, 1) }
    }

    mutating func alignToByte() {
        if count % 8 != 0 { put(0, 8 - count % 8) }
    }

    /// A symbol of the fixed literal/length code (RFC 1951, 3.2.6).
    mutating func fixed(_ symbol: Int) {
        switch symbol {
        case ..<144: code(0x30 + symbol, 8)
        case ..<256: code(0x190 + symbol - 144, 9)
        case ..<280: code(symbol - 256, 7)
        default: code(0xC0 + symbol - 280, 8)
        }
    }

    /// A block header: final flag and type.
    mutating func header(final: Bool, type: Int) {
        put(final ? 1 : 0, 1)
        put(type, 2)
    }

    /// A dynamic header whose code-length code gives each symbol in `codeLengthCode` its
    /// length, then `symbols` (code-length symbols with their extra bits) in that code.
    mutating func dynamicHeader(
        final: Bool, literals: Int, distances: Int, codeLengthCode: [Int: Int], symbols: [(Int, Int)]
    ) {
        header(final: final, type: 2)
        put(literals - 257, 5)
        put(distances - 1, 5)
        put(19 - 4, 4)
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        for symbol in order { put(codeLengthCode[symbol] ?? 0, 3) }
        let codes = canonicalCodes((0..<19).map { codeLengthCode[$0] ?? 0 })
        for (symbol, extra) in symbols {
            code(codes[symbol], codeLengthCode[symbol]!)
            switch symbol {
            case 16: put(extra, 2)
            case 17: put(extra, 3)
            case 18: put(extra, 7)
            default: break
            }
        }
    }

    /// A dynamic header for the given code lengths, sent plainly (every length a 4-bit code);
    /// returns the literal/length and distance codes to write the block's symbols with.
    mutating func dynamicHeader(final: Bool, literalLengths: [Int], distanceLengths: [Int]) -> ([Int], [Int]) {
        let flat = Dictionary(uniqueKeysWithValues: (0..<16).map { ($0, 4) })
        dynamicHeader(
            final: final, literals: literalLengths.count, distances: distanceLengths.count, codeLengthCode: flat,
            symbols: (literalLengths + distanceLengths).map { ($0, 0) })
        return (canonicalCodes(literalLengths), canonicalCodes(distanceLengths))
    }

    mutating func finish() -> [UInt8] {
        alignToByte()
        return bytes
    }
}

/// The canonical code of each symbol for the given lengths (RFC 1951, 3.2.2).
func canonicalCodes(_ lengths: [Int]) -> [Int] {
    var counts = [Int](repeating: 0, count: 16)
    for length in lengths where length > 0 { counts[length] += 1 }
    var next = [Int](repeating: 0, count: 16)
    for bits in 1..<15 { next[bits + 1] = (next[bits] + counts[bits]) << 1 }
    return lengths.map { length in
        guard length > 0 else { return 0 }
        defer { next[length] += 1 }
        return next[length]
    }
}

/// Code lengths for symbols `0..<count`, all 0 but those given.
func lengths(_ count: Int, _ given: [Int: Int]) -> [Int] {
    (0..<count).map { given[$0] ?? 0 }
}

/// Everything `bytes` inflates to, fed `inputPiece` bytes at a time and read `outputPiece`
/// bytes at a time.
func inflate(_ bytes: [UInt8], inputPiece: Int = .max, outputPiece: Int = 1 << 16) throws(ZipError) -> [UInt8] {
    var inflater = Inflater(source: ZipMemorySource(bytes, pieceSize: inputPiece))
    var out: [UInt8] = []
    while try inflater.read(into: &out, max: outputPiece) > 0 {}
    return out
}

/// Why `bytes` does not inflate, or nil if it does.
func deflateProblem(_ bytes: [UInt8]) -> DeflateProblem? {
    do throws(ZipError) {
        _ = try inflate(bytes)
        return nil
    } catch {
        guard case .deflate(let problem) = error.kind else { return nil }
        return problem
    }
}
