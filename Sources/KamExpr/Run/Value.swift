import KamSource

/// A value an expression computes or reads.
///
/// Equality and ordering follow CEL, not Swift's `String`: strings are equal when their code
/// points are, and order by code point (`"é"` written precomposed is not `"e\u{301}"`), so a
/// rule gives the same answer here as in any other CEL implementation.
public enum Value: Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([Value])

    public var type: ExprType {
        switch self {
        case .null: .null
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .list: .list
        }
    }

    /// CEL equality: values of different types are unequal, lists compare element by element.
    public func celEquals(_ other: Value) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.celEquals($1) }
        default: return false
        }
    }

    /// The value as JSON, with numbers in `NumberFormat`'s shortest form (`7`, not `7.0`).
    public var json: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return NumberFormat.shortest(n)
        case .string(let s): return JSONString.quote(s)
        case .list(let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        }
    }

    public var description: String { json }
}

extension Value {
    /// A JSON value as a language value: an object, which the language has no type for, is null.
    public init(_ node: JSONNode) {
        switch node.value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let x): self = .number(x)
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(Value.init))
        case .object: self = .null
        }
    }
}

/// CEL string ordering: by code point, which is the order of the UTF-8 bytes.
@inline(__always)
func codePointOrder(_ a: String, _ b: String) -> Int {
    var x = a.utf8.makeIterator(), y = b.utf8.makeIterator()
    while true {
        switch (x.next(), y.next()) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let p?, let q?): if p != q { return p < q ? -1 : 1 }
        }
    }
}

/// JSON string escaping, kept here so the language needs nothing but the standard library.
public enum JSONString {
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
