/// Streaming conversion to UTF-8, block by block, carrying the bytes a block boundary cut
/// in half (an odd UTF-16 byte, a lone high surrogate) into the next call.
struct CSVTranscoder: Sendable {
    let encoding: CSVEncoding
    private var carry: [UInt8] = []
    private var pendingHigh: UInt16?

    init(_ encoding: CSVEncoding) { self.encoding = encoding }

    /// How many output bytes one input byte can become at most, for sizing buffers.
    static func expansion(_ encoding: CSVEncoding) -> Int {
        switch encoding {
        case .utf8: return 1
        case .utf16LE, .utf16BE: return 2  // 2 bytes -> at most 3, 4 -> 4
        case .windows1251, .windows1252: return 3  // the euro sign and a few others need 3 bytes
        case .latin1: return 2
        }
    }

    /// Appends the UTF-8 form of `input` to `out`. `final` flushes a dangling half unit
    /// as U+FFFD.
    mutating func transcode(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], final: Bool) {
        switch encoding {
        case .utf8:
            out.append(contentsOf: input)
        case .windows1251, .windows1252:
            out.reserveCapacity(out.count + input.count * 3)
            let table = encoding == .windows1251 ? Windows1251.table : Windows1252.table
            for b in input {
                if b < 0x80 { out.append(b) } else { Self.appendUTF8(UInt32(table[Int(b) - 0x80]), to: &out) }
            }
        case .latin1:
            out.reserveCapacity(out.count + input.count * 2)
            for b in input {
                if b < 0x80 { out.append(b) } else { Self.appendUTF8(UInt32(b), to: &out) }
            }
        case .utf16LE, .utf16BE:
            out.reserveCapacity(out.count + input.count * 2)
            let little = encoding == .utf16LE
            var units = input[...]
            if let first = carry.first, let second = units.first {
                decodeUnit(little ? UInt16(first) | UInt16(second) << 8 : UInt16(first) << 8 | UInt16(second), into: &out)
                carry.removeAll()
                units = units.dropFirst()
            }
            var k = units.startIndex
            while k + 1 < units.endIndex {
                let a = UInt16(units[k]), b = UInt16(units[k + 1])
                decodeUnit(little ? a | b << 8 : a << 8 | b, into: &out)
                k += 2
            }
            if k < units.endIndex { carry = [units[k]] }
            if final {
                if pendingHigh != nil || !carry.isEmpty { Self.appendUTF8(0xFFFD, to: &out) }
                pendingHigh = nil
                carry.removeAll()
            }
        }
    }

    /// Unpaired surrogates become U+FFFD rather than an error: the text stays readable
    /// and the damage stays visible in the output.
    private mutating func decodeUnit(_ unit: UInt16, into out: inout [UInt8]) {
        if let high = pendingHigh {
            pendingHigh = nil
            if unit >= 0xDC00 && unit <= 0xDFFF {
                let scalar = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
                Self.appendUTF8(scalar, to: &out)
                return
            }
            Self.appendUTF8(0xFFFD, to: &out)
        }
        switch unit {
        case 0xD800...0xDBFF: pendingHigh = unit
        case 0xDC00...0xDFFF: Self.appendUTF8(0xFFFD, to: &out)
        default: Self.appendUTF8(UInt32(unit), to: &out)
        }
    }

    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}

/// The upper half of Windows-1251 as Unicode scalars. 0x98 is unassigned in the code page
/// and maps to U+FFFD so that it shows up instead of vanishing.
enum Windows1251 {
    static let table: [UInt16] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,  // 80
        0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,  // 88
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90
        0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,  // 98
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,  // A0
        0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,  // A8
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,  // B0
        0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,  // B8
    ] + (0x0410...0x044F).map { UInt16($0) }  // C0–FF: А–я in order
}

/// The upper half of Windows-1252: 0x80–0x9F hold typographic signs (the five bytes the code
/// page leaves unassigned map to U+FFFD, to stay visible), 0xA0–0xFF are Latin-1's.
enum Windows1252 {
    static let table: [UInt16] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,  // 88
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,  // 98
    ] + (0xA0...0xFF).map { UInt16($0) }
}
