/// JSON5 numbers: decimal and hexadecimal, signs, leading and trailing points, `Infinity`
/// and `NaN`, and the slips a person makes writing them.
extension JSON5Reader {
    mutating func readNumber() throws(Diagnostic) -> Double {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
            negative = bytes[position] == UInt8(ascii: "-")
            position += 1
        }
        var value: Double
        if let word = peekIdentifierWord(), word == "Infinity" || word == "NaN" {
            position += word.utf8.count
            value = word == "NaN" ? .nan : .infinity
        } else if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "0"),
            bytes[position + 1] | 0x20 == UInt8(ascii: "x")
        {
            position += 2
            let digitsStart = position
            value = 0
            while position < bytes.count, let digit = JSON5Reader.hexValue(bytes[position]) {
                value = value * 16 + Double(digit)
                position += 1
            }
            if position == digitsStart {
                throw error("expected hexadecimal digits after `0x`", at: start, length: position - start)
            }
        } else {
            let digitsStart = position
            let integerDigits = skipDigits()
            if integerDigits > 1, bytes[digitsStart] == UInt8(ascii: "0") {
                throw error(
                    "a number may not start with a leading zero", at: digitsStart, length: integerDigits,
                    help: "write it without the leading zero, or in quotes if it is an identifier"
                )
            }
            var fractionDigits = 0
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                fractionDigits = skipDigits()
            }
            if integerDigits == 0 && fractionDigits == 0 {
                throw error("expected a number, found \(describe(at: start))", at: start)
            }
            if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
                let exponentStart = position
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                    position += 1
                }
                if skipDigits() == 0 {
                    throw error("expected digits in the exponent", at: exponentStart, length: position - exponentStart)
                }
            }
            // The scanner above admits only JSON5's decimal forms, all of which Swift's
            // parser (strtod) reads, "5." and ".5" included.
            let text = String(decoding: bytes[digitsStart..<position], as: UTF8.self)
            guard let parsed = Double(text) else {
                throw error("`\(text)` is not a number", at: digitsStart, length: position - digitsStart)
            }
            value = parsed
        }
        if position < bytes.count {
            let (scalar, _) = decodeScalar(at: position)
            if JSON5Reader.isIdentifierStart(scalar) || ("0"..."9").contains(scalar) || scalar == "\\" {
                throw error(
                    "unexpected \(describeHere()) right after a number", at: position,
                    help: "separate values with a comma, or quote the text"
                )
            }
        }
        return negative ? -value : value
    }

    mutating func skipDigits() -> Int {
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            position += 1
        }
        return position - start
    }

    mutating func readHex(count: Int, escapeStart: Int) throws(Diagnostic) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard position < bytes.count, let digit = JSON5Reader.hexValue(bytes[position]) else {
                throw error("`\\u` must be followed by four hexadecimal digits", at: escapeStart, length: 2)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
