import KamExpr
import KamSource

/// One of a pack's own test cases: given these values, expect this result.
public struct TestCase: Sendable {
    public struct Expectation: Sendable {
        public var outcome: String?
        /// The score must lie in this closed range.
        public var score: ClosedRange<Double>?
        /// Ids of gates and risks, or `factor:band` (1-based band number), that must fire.
        public var fired: [String] = []
        public var notFired: [String] = []
        /// The expected value of each named classification; nil expects that no option holds.
        public var classes: [(name: String, value: String?)] = []
        /// Derived values and what each must hold after the evaluation; nil expects it to be
        /// unknown (a value it reads was missing).
        public var values: [(name: String, value: Value?)] = []
        /// Factors that must be reported as missing (unanswered).
        public var missing: [String] = []
        public var failed: Bool = false
    }

    public let name: String
    /// Values by slot, for inputs and host context names; absent slots are missing.
    public let values: [(slot: Int, value: Value)]
    public let expect: Expectation
    public let span: SourceSpan
}
