/// The functions of the language, and the call forms each accepts.
///
/// A receiver call `s.f(x)` is checked and run as `f(s, x)`; `receiverOnly` functions must be
/// written that way, as in CEL (`name.startsWith('A')`), and `globalOnly` ones must not.
enum Builtin: String, CaseIterable, Sendable {
    case size, contains, startsWith, endsWith, matches
    case min, max, abs, floor, ceil, round
    case int, double, string

    enum Form { case either, receiverOnly, globalOnly }

    var form: Form {
        switch self {
        case .size, .matches: .either
        case .contains, .startsWith, .endsWith: .receiverOnly
        default: .globalOnly
        }
    }

    /// Argument count including the receiver: an exact count, or a minimum (`min`, `max`).
    var arity: (count: Int, orMore: Bool) {
        switch self {
        case .contains, .startsWith, .endsWith, .matches: (2, false)
        case .min, .max: (2, true)
        default: (1, false)
        }
    }

    /// The types each argument may have (the last entry repeats for variadic functions).
    var parameters: [[ExprType]] {
        switch self {
        case .size: [[.string, .list]]
        case .contains, .startsWith, .endsWith, .matches: [[.string], [.string]]
        case .min, .max: [[.number]]
        case .abs, .floor, .ceil, .round: [[.number]]
        case .int, .double: [[.number, .string]]
        case .string: [[.number, .string, .bool]]
        }
    }

    var result: ExprType {
        switch self {
        case .size, .min, .max, .abs, .floor, .ceil, .round, .int, .double: .number
        case .contains, .startsWith, .endsWith, .matches: .bool
        case .string: .string
        }
    }

    /// How a call is written, for messages.
    var signature: String {
        switch self {
        case .size: "size(text or list)"
        case .contains: "text.contains(part)"
        case .startsWith: "text.startsWith(prefix)"
        case .endsWith: "text.endsWith(suffix)"
        case .matches: "text.matches(pattern)"
        case .min: "min(a, b, …)"
        case .max: "max(a, b, …)"
        case .abs, .floor, .ceil, .round: "\(rawValue)(number)"
        case .int: "int(number or text)"
        case .double: "double(number or text)"
        case .string: "string(value)"
        }
    }
}
