#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A size limit that an environment variable may raise, up to a ceiling that keeps the
/// protection it exists for (nesting limits guard the stack). Read once, at first use.
public struct Limit: Sendable {
    public let value: Int
    /// The environment variable that sets it, named in every error about it.
    public let variable: String

    public init(_ variable: String, default fallback: Int, ceiling: Int) {
        self.variable = variable
        if let text = getenv(variable).map({ String(cString: $0) }), let n = Int(text), n > 0 {
            value = min(n, ceiling)
        } else {
            value = fallback
        }
    }

    /// The end of an error message: how to raise the limit.
    public var howToRaise: String { "set \(variable) to raise it" }
}
