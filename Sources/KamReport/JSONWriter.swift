import KamExpr

/// A JSON document built in the order its fields are written, so machine-readable outputs
/// keep a stable, documented field order and print byte for byte the same every run.
public indirect enum JSON: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let x): self = .number(x)
        case .string(let s): self = .string(s)
        case .list(let items): self = .array(items.map(JSON.init))
        }
    }

    /// Two-space indented text with a final newline.
    public var pretty: String {
        var out = ""
        write(into: &out, indent: "")
        return out + "\n"
    }

    /// Two-space indented text, its nested lines indented by `indent` more, with no final
    /// newline: one element of a list written an element at a time.
    func pretty(indent: String) -> String {
        var out = ""
        write(into: &out, indent: indent)
        return out
    }

    /// One line, for JSON Lines.
    public var compact: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let x): JSON.number(x)
        case .string(let s): JSONString.quote(s)
        case .array(let items): "[" + items.map(\.compact).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { JSONString.quote($0.0) + ":" + $0.1.compact }.joined(separator: ",") + "}"
        }
    }

    private func write(into out: inout String, indent: String) {
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += indent + "  "
                item.write(into: &out, indent: indent + "  ")
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let members) where !members.isEmpty:
            out += "{\n"
            for (i, (key, value)) in members.enumerated() {
                out += indent + "  " + JSONString.quote(key) + ": "
                value.write(into: &out, indent: indent + "  ")
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        case .array: out += "[]"
        case .object: out += "{}"
        default: out += compact
        }
    }

    /// JSON has no NaN or infinity; they never reach here, but if they did they become null
    /// rather than invalid JSON.
    static func number(_ x: Double) -> String { x.isFinite ? NumberFormat.shortest(x) : "null" }
}

/// Rounds for display and for documented machine output (a score to one decimal).
func rounded(_ x: Double, _ digits: Int) -> Double {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    return (x * scale).rounded(.toNearestOrAwayFromZero) / scale
}
