/// How numbers become text: the rule JavaScript uses (`Number.prototype.toString`), built on
/// Swift's shortest round-tripping digits.
///
/// An integral number prints without a fraction (`7`, `1000000`), anything from 1e-6 up to
/// 1e21 prints positionally (`0.1`, `123.456`), the rest in exponent form (`1e+21`, `1e-7`);
/// `-0` prints as `0`. The text reads back as exactly the same double, and the same number
/// always prints the same way on every platform, which byte-identical outputs rely on.
public enum NumberFormat {
    public static func shortest(_ x: Double) -> String {
        if x == 0 { return "0" }
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }
        if x == x.rounded(.towardZero), abs(x) < 1e15 { return String(Int64(x)) }
        let (negative, digits, exponent) = decompose(x)
        // The value is 0.d1d2d3… × 10^exponent.
        var out = negative ? "-" : ""
        let n = digits.count
        if exponent >= n && exponent <= 21 {
            out += digits + String(repeating: "0", count: exponent - n)
        } else if exponent > 0 && exponent <= 21 {
            out += digits.prefix(exponent) + "." + digits.dropFirst(exponent)
        } else if exponent > -6 && exponent <= 0 {
            out += "0." + String(repeating: "0", count: -exponent) + digits
        } else {
            let e = exponent - 1
            out += digits.prefix(1)
            if n > 1 { out += "." + digits.dropFirst() }
            out += e < 0 ? "e-\(-e)" : "e+\(e)"
        }
        return out
    }

    /// The sign, the shortest significant digits and the decimal exponent of `x`, read off
    /// Swift's own shortest representation (which may be positional or exponential).
    private static func decompose(_ x: Double) -> (Bool, String, Int) {
        var text = Substring(abs(x).description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = text[..<e]
        }
        let point = text.firstIndex(of: ".")
        let integer = point.map { text[..<$0] } ?? text
        var fraction = point.map { text[text.index(after: $0)...] } ?? ""
        while fraction.last == "0" { fraction.removeLast() }
        var digits = String(integer) + fraction
        var position = integer.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            position -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (x < 0, digits, position)
    }
}
