/// The `_xHHHH_` escapes of Office Open XML text (ECMA-376 ST_Xstring): Excel writes a
/// carriage return in a cell as `_x000D_`, other control characters the same way, and a
/// literal `_x` that could be mistaken for one as `_x005F_x`. The CSV Excel saves holds the
/// characters themselves, so they are decoded.
enum XStringEscapes {
    static func decode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "_")), text.contains("_x") else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "_"), i + 6 < bytes.count, bytes[i + 1] == UInt8(ascii: "x"), bytes[i + 6] == UInt8(ascii: "_"),
               let code = UInt32(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16),
               bytes[(i + 2)..<(i + 6)].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }),
               let scalar = Unicode.Scalar(code) {
                out += Array(String(Character(scalar)).utf8)
                i += 7
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
