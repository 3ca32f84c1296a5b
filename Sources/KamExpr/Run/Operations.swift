/// The meaning of every operator and function on `Value`s, shared by the compiled code's
/// dynamic paths and the reference interpreter, so the two cannot disagree on semantics.
/// The compiler's typed fast paths repeat only the number and bool cases, and are tested
/// against these.
enum Operations {
    static func finite(_ x: Double, _ site: Site) throws(EvalError) -> Double {
        guard x.isFinite else { throw site.error(.notFinite, "the result is too large for a number (beyond ±1.8e308)") }
        return x
    }

    static func arithmetic(_ op: BinaryOperator, _ a: Double, _ b: Double, _ site: Site) throws(EvalError) -> Double {
        switch op {
        case .add: return try finite(a + b, site)
        case .subtract: return try finite(a - b, site)
        case .multiply: return try finite(a * b, site)
        case .divide:
            guard b != 0 else { throw site.error(.divisionByZero, "division by zero") }
            return try finite(a / b, site)
        case .remainder:
            guard b != 0 else { throw site.error(.divisionByZero, "remainder of a division by zero") }
            return a.truncatingRemainder(dividingBy: b)
        default:
            preconditionFailure("not arithmetic: \(op)")
        }
    }

    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, _ site: Site) throws(EvalError) -> Value {
        switch op {
        case .add:
            switch (a, b) {
            case (.number(let x), .number(let y)): return .number(try arithmetic(.add, x, y, site))
            case (.string(let x), .string(let y)): return .string(x + y)
            case (.list(let x), .list(let y)): return .list(x + y)
            default: throw mismatch("cannot add \(a.type.withArticle) and \(b.type.withArticle)", site)
            }
        case .subtract, .multiply, .divide, .remainder:
            guard case .number(let x) = a, case .number(let y) = b else {
                throw mismatch("`\(op.rawValue)` needs numbers, found \(a.type.withArticle) and \(b.type.withArticle)", site)
            }
            return .number(try arithmetic(op, x, y, site))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let order = try compare(a, b, op, site)
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .equal: return .bool(a.celEquals(b))
        case .notEqual: return .bool(!a.celEquals(b))
        case .in:
            guard case .list(let items) = b else {
                throw mismatch("`in` needs a list on its right, found \(b.type.withArticle)", site)
            }
            return .bool(items.contains { a.celEquals($0) })
        case .and, .or:
            preconditionFailure("`&&` and `||` are evaluated lazily by their callers")
        }
    }

    /// -1, 0 or 1; numbers by value, strings by code point, anything else is an error.
    static func compare(_ a: Value, _ b: Value, _ op: BinaryOperator, _ site: Site) throws(EvalError) -> Int {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)): return codePointOrder(x, y)
        default:
            throw mismatch("`\(op.rawValue)` cannot order \(a.type.withArticle) against \(b.type.withArticle)", site)
        }
    }

    static func mismatch(_ message: String, _ site: Site) -> EvalError {
        site.error(.typeMismatch, message)
    }

    static func number(_ v: Value, _ what: String, _ site: Site) throws(EvalError) -> Double {
        guard case .number(let x) = v else { throw mismatch("\(what) needs a number, found \(v.type.withArticle)", site) }
        return x
    }

    static func bool(_ v: Value, _ what: String, _ site: Site) throws(EvalError) -> Bool {
        guard case .bool(let b) = v else { throw mismatch("\(what) needs a bool, found \(v.type.withArticle)", site) }
        return b
    }

    static func string(_ v: Value, _ what: String, _ site: Site) throws(EvalError) -> String {
        guard case .string(let s) = v else { throw mismatch("\(what) needs a string, found \(v.type.withArticle)", site) }
        return s
    }

    /// Round half away from zero, as CEL's `math.round` does (not Swift's default, which is
    /// the same, nor banker's rounding, which some languages use).
    static func round(_ x: Double) -> Double { x.rounded(.toNearestOrAwayFromZero) }

    static func call(_ builtin: Builtin, _ args: [Value], _ site: Site, patterns: PatternCache?) throws(EvalError) -> Value {
        let name = "`\(builtin.rawValue)`"
        switch builtin {
        case .size:
            switch args[0] {
            case .string(let s): return .number(Double(s.unicodeScalars.count))
            case .list(let items): return .number(Double(items.count))
            default: throw mismatch("\(name) needs a string or a list, found \(args[0].type.withArticle)", site)
            }
        case .contains, .startsWith, .endsWith:
            let s = try string(args[0], name, site), part = try string(args[1], name, site)
            switch builtin {
            case .contains: return .bool(Text.contains(s, part))
            case .startsWith: return .bool(s.utf8.starts(with: part.utf8))
            default: return .bool(s.utf8.reversed().starts(with: part.utf8.reversed()))
            }
        case .matches:
            let s = try string(args[0], name, site), pattern = try string(args[1], name, site)
            return .bool(try Patterns.matches(s, pattern, site, cache: patterns))
        case .min, .max:
            var best = try number(args[0], name, site)
            for arg in args.dropFirst() {
                let x = try number(arg, name, site)
                best = builtin == .min ? Swift.min(best, x) : Swift.max(best, x)
            }
            return .number(best)
        case .abs: return .number(Swift.abs(try number(args[0], name, site)))
        case .floor: return .number((try number(args[0], name, site)).rounded(.down))
        case .ceil: return .number((try number(args[0], name, site)).rounded(.up))
        case .round: return .number(round(try number(args[0], name, site)))
        case .int:
            switch args[0] {
            case .number(let x):
                guard x.magnitude < 0x1p63 else {
                    throw site.error(.invalidArgument, "`int` cannot convert \(NumberFormat.shortest(x)): whole numbers go up to ±9.2e18")
                }
                return .number(x.rounded(.towardZero))
            case .string(let s):
                guard let x = Text.parseInteger(s) else {
                    throw site.error(.invalidArgument, "`int` cannot read \(JSONString.quote(s)) as a whole number")
                }
                return .number(x)
            default: throw mismatch("`int` needs a number or a string, found \(args[0].type.withArticle)", site)
            }
        case .double:
            switch args[0] {
            case .number: return args[0]
            case .string(let s):
                guard let x = Text.parseNumber(s) else {
                    throw site.error(.invalidArgument, "`double` cannot read \(JSONString.quote(s)) as a number")
                }
                return .number(x)
            default: throw mismatch("`double` needs a number or a string, found \(args[0].type.withArticle)", site)
            }
        case .string:
            switch args[0] {
            case .string: return args[0]
            case .number(let x): return .string(NumberFormat.shortest(x))
            case .bool(let b): return .string(b ? "true" : "false")
            default: throw mismatch("`string` needs a number, a string or a bool, found \(args[0].type.withArticle)", site)
            }
        }
    }
}

/// Text helpers with CEL's code-point semantics (Swift's `String` methods compare by
/// canonical equivalence, which CEL does not).
enum Text {
    static func contains(_ s: String, _ part: String) -> Bool {
        if part.isEmpty { return true }
        let hay = Array(s.utf8), needle = Array(part.utf8)
        guard needle.count <= hay.count else { return false }
        for start in 0...(hay.count - needle.count) where hay[start] == needle[0] {
            if hay[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }

    /// An optional sign and decimal digits, nothing else, within ±2^53 so it is exact.
    static func parseInteger(_ s: String) -> Double? {
        var digits = Substring(s)
        var negative = false
        if let first = digits.first, first == "-" || first == "+" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 16, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int64(digits), value <= 1 << 53
        else { return nil }
        return Double(negative ? -value : value)
    }

    /// A decimal number as the language writes it (no hex, no `inf`, no `nan`), finite.
    static func parseNumber(_ s: String) -> Double? {
        guard !s.isEmpty, s.utf8.allSatisfy({ b in
            (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
        }), let x = Double(s), x.isFinite else { return nil }
        return x
    }
}
