import KamExpr

/// The result of running a pack on one set of values: indices into the pack rather than
/// copies of its texts, so a batch of millions of rows allocates nothing per row.
public struct Evaluation: ScoredResult, Sendable {
    public enum FactorResult: Sendable {
        case scored(band: Int, points: Double)
        /// An input the factor needs has no value: reported as unanswered, never as zero.
        case missing(EvalError)
        case failed(EvalError)
    }

    public enum Check: Sendable, Equatable {
        case clear, fired
        /// Could not be decided: an input it needs is missing.
        case unknown
    }

    public internal(set) var factors: [FactorResult] = []
    public internal(set) var gates: [Check] = []
    public internal(set) var risks: [Check] = []
    public internal(set) var advantages: [Check] = []
    /// The chosen option of each classification; nil when none holds or one is missing.
    public internal(set) var classes: [Int?] = []
    /// The points of the scored factors.
    public internal(set) var points: Double = 0
    /// The most points the scored (not missing) factors could have given.
    public internal(set) var answeredMaximum: Double = 0
    /// The score the outcome is read from: `points`, scaled up to the whole pack when some
    /// factors are missing, so an unanswered question is neither a zero nor a full mark.
    public internal(set) var score: Double = 0
    /// `answeredMaximum` over the pack's maximum (1 when everything was answered).
    public internal(set) var confidence: Double = 1
    /// The outcome level from the score, unless a gate imposed an outcome.
    public internal(set) var level: Int = 0
    /// The first gate that fired, which decides the outcome.
    public internal(set) var blockingGate: Int?
    /// Errors other than missing values: the result cannot be trusted.
    public internal(set) var errors: [EvalError] = []

    public init() {}

    public var failed: Bool { !errors.isEmpty }

    public func option(_ c: Int) -> Int? { classes[c] }

    public func evaluation() -> Evaluation { self }

    /// Names of the inputs whose absence left factors unscored.
    public var missingNames: [String] {
        var seen: [String] = []
        for case .missing(let error) in factors {
            if case .missing(let name) = error.kind, !seen.contains(name) { seen.append(name) }
        }
        return seen
    }

    public func forEachTopReason(count: Int = 3, _ body: (_ factor: Int, _ band: Int) -> Void) {
        TopReasons.pick(count: count, factors: factors.count, { index in
            guard case .scored(let band, let points) = factors[index] else { return nil }
            return (band, points)
        }, body)
    }

    mutating func reset() {
        factors.removeAll(keepingCapacity: true)
        gates.removeAll(keepingCapacity: true)
        risks.removeAll(keepingCapacity: true)
        advantages.removeAll(keepingCapacity: true)
        classes.removeAll(keepingCapacity: true)
        errors.removeAll(keepingCapacity: true)
        points = 0
        answeredMaximum = 0
        blockingGate = nil
    }
}
