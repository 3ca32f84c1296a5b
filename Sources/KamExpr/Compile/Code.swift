/// Compiled code: closures over slot-indexed values, typed by what they produce, so a number
/// expression runs on unboxed doubles from the activation's buffers to its result.
typealias NumberCode = @Sendable (Activation) throws(EvalError) -> Double
typealias BoolCode = @Sendable (Activation) throws(EvalError) -> Bool
typealias ValueCode = @Sendable (Activation) throws(EvalError) -> Value

enum Code: Sendable {
    case number(NumberCode)
    case bool(BoolCode)
    case value(ValueCode)
    /// Computed when the expression was compiled (no variables below this node).
    case constant(Value)
}
