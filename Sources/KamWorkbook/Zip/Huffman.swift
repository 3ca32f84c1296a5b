/// Decoding tables for DEFLATE's canonical prefix codes. A symbol is found with one lookup of
/// the next `primaryBits` bits of input (bits arrive least significant first, so the table is
/// indexed by the bit-reversed code); codes longer than that go through a link to a sub-table
/// indexed by the bits that follow. Walking a tree bit by bit would cost a branch per bit of
/// every symbol of every sheet.
///
/// An entry is a `UInt32`:
///
/// | bits | meaning |
/// |---|---|
/// | 0–3 | bits to consume: the code's length (in a sub-table, what is left after the primary bits) |
/// | 4–7 | extra bits of a length or distance; for a link, the sub-table's index bits |
/// | 8–11 | kind: literal, length or distance, end of block, link; none is an invalid code |
/// | 16–31 | the literal byte, the base length or distance, or the sub-table's offset |
enum Huffman {
    static let literal: UInt32 = 0x100
    /// A length symbol in a literal/length table, a distance symbol in a distance table.
    static let base: UInt32 = 0x200
    static let endOfBlock: UInt32 = 0x400
    static let link: UInt32 = 0x800

    static let literalLengthBits = 10
    static let distanceBits = 8
    static let codeLengthBits = 7

    /// The largest tables `build` can make: the primary table, plus a sub-table of at most
    /// 2^(15 − primary bits) entries for each symbol longer than the primary bits.
    static let literalLengthCapacity = (1 << literalLengthBits) + 288 << (15 - literalLengthBits)
    static let distanceCapacity = (1 << distanceBits) + 32 << (15 - distanceBits)
    static let codeLengthCapacity = 1 << codeLengthBits

    /// What the symbols of a code stand for.
    enum Alphabet {
        case codeLength, literalLength, distance
    }

    /// Fills `table` with the decoding table for `count` code lengths (0 for an unused
    /// symbol), or returns why the lengths are no prefix code. Incomplete codes are refused
    /// except where zlib accepts them: a distance code with no codes at all (a block of
    /// literals only), and a literal/length or distance code of one code of length 1.
    static func build(
        _ lengths: UnsafePointer<UInt8>, count: Int, alphabet: Alphabet, into table: UnsafeMutablePointer<UInt32>
    ) -> DeflateProblem? {
        let code: DeflateCode, primary: Int
        switch alphabet {
        case .codeLength: (code, primary) = (.codeLength, codeLengthBits)
        case .literalLength: (code, primary) = (.literalLength, literalLengthBits)
        case .distance: (code, primary) = (.distance, distanceBits)
        }
        var counts = [Int](repeating: 0, count: 16)
        for i in 0..<count { counts[Int(lengths[i])] += 1 }
        counts[0] = 0
        let longest = (1...15).last { counts[$0] != 0 } ?? 0
        table.update(repeating: 0, count: 1 << primary)
        if longest == 0 {
            return alphabet == .distance ? nil : .incompleteCode(code)
        }
        var left = 1
        for length in 1...15 {
            left = left << 1 - counts[length]
            if left < 0 { return .oversubscribedCode(code) }
        }
        if left > 0 && (alphabet == .codeLength || longest != 1) { return .incompleteCode(code) }

        // Canonical codes: each length's codes follow the shorter lengths' in symbol order.
        var next = [Int](repeating: 0, count: 16)
        for length in 1..<15 { next[length + 1] = (next[length] + counts[length]) << 1 }
        var codes = [Int](repeating: 0, count: count)
        for i in 0..<count where lengths[i] != 0 {
            codes[i] = reversed(next[Int(lengths[i])], bits: Int(lengths[i]))
            next[Int(lengths[i])] += 1
        }

        // Sub-tables: one per primary prefix shared by longer codes, as wide as its longest.
        let mask = (1 << primary) - 1
        var subBits = [Int](repeating: 0, count: 1 << primary)
        for i in 0..<count where Int(lengths[i]) > primary {
            subBits[codes[i] & mask] = max(subBits[codes[i] & mask], Int(lengths[i]) - primary)
        }
        var offset = 1 << primary
        for prefix in 0..<(1 << primary) where subBits[prefix] > 0 {
            table[prefix] = link | UInt32(subBits[prefix]) << 4 | UInt32(primary) | UInt32(offset) << 16
            (table + offset).update(repeating: 0, count: 1 << subBits[prefix])
            offset += 1 << subBits[prefix]
        }

        for i in 0..<count where lengths[i] != 0 {
            let length = Int(lengths[i])
            let value = entry(symbol: i, alphabet: alphabet)
            if length <= primary {
                for slot in stride(from: codes[i], to: 1 << primary, by: 1 << length) {
                    table[slot] = value | UInt32(length)
                }
            } else {
                let linked = table[codes[i] & mask]
                let start = Int(linked >> 16), width = 1 << ((linked >> 4) & 0xF)
                let rest = length - primary
                for slot in stride(from: codes[i] >> primary, to: width, by: 1 << rest) {
                    table[start + slot] = value | UInt32(rest)
                }
            }
        }
        return nil
    }

    /// The entry of a symbol, without its length.
    private static func entry(symbol: Int, alphabet: Alphabet) -> UInt32 {
        switch alphabet {
        case .codeLength:
            return literal | UInt32(symbol) << 16
        case .literalLength:
            if symbol < 256 { return literal | UInt32(symbol) << 16 }
            if symbol == 256 { return endOfBlock }
            if symbol > 285 { return 0 }
            let (start, extra) = lengthBase[symbol - 257]
            return base | UInt32(extra) << 4 | UInt32(start) << 16
        case .distance:
            if symbol > 29 { return 0 }
            let (start, extra) = distanceBase[symbol]
            return base | UInt32(extra) << 4 | UInt32(start) << 16
        }
    }

    private static func reversed(_ code: Int, bits: Int) -> Int {
        var result = 0, code = code
        for _ in 0..<bits {
            result = result << 1 | code & 1
            code >>= 1
        }
        return result
    }

    /// Lengths 3–258 of symbols 257–285: the base and the number of extra bits (RFC 1951, 3.2.5).
    private static let lengthBase: [(Int, Int)] = [
        (3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (8, 0), (9, 0), (10, 0), (11, 1), (13, 1), (15, 1), (17, 1),
        (19, 2), (23, 2), (27, 2), (31, 2), (35, 3), (43, 3), (51, 3), (59, 3), (67, 4), (83, 4), (99, 4),
        (115, 4), (131, 5), (163, 5), (195, 5), (227, 5), (258, 0),
    ]

    /// Distances 1–32768 of symbols 0–29: the base and the number of extra bits.
    private static let distanceBase: [(Int, Int)] = [
        (1, 0), (2, 0), (3, 0), (4, 0), (5, 1), (7, 1), (9, 2), (13, 2), (17, 3), (25, 3), (33, 4), (49, 4),
        (65, 5), (97, 5), (129, 6), (193, 6), (257, 7), (385, 7), (513, 8), (769, 8), (1025, 9), (1537, 9),
        (2049, 10), (3073, 10), (4097, 11), (6145, 11), (8193, 12), (12289, 12), (16385, 13), (24577, 13),
    ]

    /// The fixed code of block type 1 (RFC 1951, 3.2.6), built once: its literal/length table
    /// and its distance table, in which symbols 30 and 31 have codes but are invalid.
    static let fixed: (literalLength: [UInt32], distance: [UInt32]) = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        var literalTable = [UInt32](repeating: 0, count: literalLengthCapacity)
        var distanceTable = [UInt32](repeating: 0, count: distanceCapacity)
        let distances = [UInt8](repeating: 5, count: 32)
        lengths.withUnsafeBufferPointer { l in
            literalTable.withUnsafeMutableBufferPointer { t in
                _ = build(l.baseAddress!, count: 288, alphabet: .literalLength, into: t.baseAddress!)
            }
        }
        distances.withUnsafeBufferPointer { l in
            distanceTable.withUnsafeMutableBufferPointer { t in
                _ = build(l.baseAddress!, count: 32, alphabet: .distance, into: t.baseAddress!)
            }
        }
        return (literalTable, distanceTable)
    }()
}
