import Synchronization
import KamSource

/// Regular expressions for `matches`, with CEL's meaning: the pattern may match anywhere in
/// the text (a search, not a whole-string match), and `.` is one code point.
///
/// Patterns are limited in size so that a pack cannot ask for an arbitrarily large automaton.
/// Constant patterns are compiled once, when the expression is compiled; a pattern computed
/// at run time is compiled on first use and cached.
enum Patterns {
    /// The longest pattern accepted, in bytes.
    static let lengthLimit = Limit("KAM_MAX_PATTERN_BYTES", default: 1_000, ceiling: 100_000)
    static var maximumLength: Int { lengthLimit.value }

    static func problem(compiling pattern: String) -> String? {
        if pattern.utf8.count > maximumLength {
            return "the pattern is \(pattern.utf8.count) bytes long; the limit is \(maximumLength) (\(lengthLimit.howToRaise))"
        }
        do {
            _ = try Regex(pattern)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func compile(_ pattern: String) -> CompiledPattern? {
        guard pattern.utf8.count <= maximumLength, let regex = try? Regex(pattern) else { return nil }
        return CompiledPattern(regex: regex.matchingSemantics(.unicodeScalar))
    }

    static func matches(_ s: String, _ pattern: CompiledPattern) -> Bool {
        // `firstMatch` throws only for custom regex components, which a pattern string cannot hold.
        (try? pattern.regex.firstMatch(in: s)) != nil
    }

    static func matches(_ s: String, _ pattern: String, _ site: Site, cache: PatternCache?) throws(EvalError) -> Bool {
        guard let regex = cache?.regex(pattern) ?? compile(pattern) else {
            throw site.error(.invalidArgument, "invalid pattern for `matches`: \(problem(compiling: pattern) ?? pattern)")
        }
        return matches(s, regex)
    }
}

/// A compiled regular expression. `Regex` is an immutable value whose lazily built matcher
/// is published atomically by the standard library, but it is not declared `Sendable`; this
/// wrapper says so, to share one compiled pattern between worker threads.
struct CompiledPattern: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
}

/// Compiled patterns by text, shared by the threads that run one expression.
final class PatternCache: Sendable {
    private let entries = Mutex<[String: CompiledPattern]>([:])

    func regex(_ pattern: String) -> CompiledPattern? {
        if let hit = entries.withLock({ $0[pattern] }) { return hit }
        guard let regex = Patterns.compile(pattern) else { return nil }
        entries.withLock { $0[pattern] = regex }
        return regex
    }
}
