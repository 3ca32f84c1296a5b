import KamExpr

/// The value of an input, a derived value or a rule, as packs and evaluations hand them out.
/// Named here so that code using rules (the advisor) needs no import of the expression
/// language: it reads and writes values, and never runs an expression itself.
public typealias Value = KamExpr.Value

/// How the rules print numbers (in texts, traces and checks), so that what the advisor writes
/// agrees with them to the digit.
public typealias NumberFormat = KamExpr.NumberFormat
