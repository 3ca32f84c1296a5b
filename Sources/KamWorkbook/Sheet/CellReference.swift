/// A cell's address as a sheet writes it (`C17`): column letters, then the row number.
enum CellReference {
    /// The 0-based column and 1-based row of `reference`, or nil when it is not an address.
    static func parse(_ reference: String) -> (column: Int, row: Int)? {
        var column = 0, row = 0, letters = 0, digits = 0
        for byte in reference.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0:
                column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
                letters += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z") where digits == 0:
                column = column * 26 + Int(byte - UInt8(ascii: "a")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0:
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: "$"):
                continue
            default:
                return nil
            }
            guard letters <= 3, digits <= 7 else { return nil }
        }
        guard letters > 0, digits > 0, row > 0 else { return nil }
        return (column - 1, row)
    }

    /// The letters of a 0-based column: 0 is A, 25 Z, 26 AA.
    static func letters(_ column: Int) -> String {
        var n = column + 1
        var out: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            out.append(Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(r))))
            n = (n - 1) / 26
        }
        return String(out.reversed())
    }
}
