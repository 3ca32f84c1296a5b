/// The static type of an expression, as far as the checker can tell.
///
/// There is one number type (a double), as in the rule packs' inputs. `dyn` is what the
/// checker cannot pin down (a list element, a branch of `?:` with two types); such values
/// are checked when the expression runs, so a wrong guess is an evaluation error, never a
/// wrong answer.
public enum ExprType: String, Sendable, Hashable, CustomStringConvertible {
    case number, string, bool, null, list, dyn

    public var description: String { rawValue }

    /// "a number", "a string", … for messages.
    var withArticle: String {
        switch self {
        case .number: "a number"
        case .string: "a string"
        case .bool: "a bool"
        case .null: "null"
        case .list: "a list"
        case .dyn: "a value of any type"
        }
    }

    /// True when a value of this type may turn out to be of type `other` at run time.
    func admits(_ other: ExprType) -> Bool { self == other || self == .dyn }
}
