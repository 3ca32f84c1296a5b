/// Yes/no cells as they appear in exports from English and Russian systems, read from
/// field bytes without building a String.
public enum CSVBool {
    /// true/false, yes/no, y/n, 1/0, да/нет, in any case (Cyrillic capitals included),
    /// with surrounding spaces ignored; anything else is nil.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        var lo = 0
        var hi = bytes.count
        while lo < hi && (bytes[lo] == 32 || bytes[lo] == 9) { lo += 1 }
        while hi > lo && (bytes[hi - 1] == 32 || bytes[hi - 1] == 9) { hi -= 1 }
        // The longest accepted word, "false" or "нет", is at most 6 bytes.
        if hi - lo == 0 || hi - lo > 6 { return nil }
        var folded: UInt64 = 0
        var k = lo
        while k < hi {
            var b = bytes[k]
            if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") {
                b += 32
            } else if b == 0xD0 && k + 1 < hi {
                // Cyrillic capitals А–П are D0 90–9F, Р–Я are D0 A0–AF; their small
                // letters are D0 B0–BF and D1 80–8F.
                let c = bytes[k + 1]
                folded = folded << 8 | 0xD0
                k += 1
                if c >= 0x90 && c <= 0x9F {
                    b = c + 0x20
                } else if c >= 0xA0 && c <= 0xAF {
                    folded = (folded & ~0xFF) | 0xD1
                    b = c - 0x20
                } else {
                    b = c
                }
            }
            folded = folded << 8 | UInt64(b)
            k += 1
        }
        switch folded {
        case word("true"), word("yes"), word("y"), word("1"), word("да"): return true
        case word("false"), word("no"), word("n"), word("0"), word("нет"): return false
        default: return nil
        }
    }

    public static func parse(_ bytes: some Collection<UInt8>) -> Bool? {
        if let result = bytes.withContiguousStorageIfAvailable({ parse($0) }) { return result }
        return Array(bytes).withUnsafeBufferPointer { parse($0) }
    }

    public static func parse(_ text: String) -> Bool? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// A short word's bytes packed big-endian into one integer, so matching is one compare.
    private static func word(_ s: StaticString) -> UInt64 {
        var v: UInt64 = 0
        s.withUTF8Buffer { for b in $0 { v = v << 8 | UInt64(b) } }
        return v
    }
}
