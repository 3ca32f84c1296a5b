import KamExpr

/// The result of running a pack on one set of values: indices into the pack rather than
/// copies of its texts, so a batch of millions of rows allocates nothing per row.
public struct Evaluation: Sendable {
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

    /// The outcome's value: the gate's if one fired, else the level's.
    public func outcome(in pack: RulePack) -> String {
        if let gate = blockingGate { return pack.gates[gate].outcome }
        return pack.outcome.levels[level].value
    }

    public func classValue(_ index: Int, in pack: RulePack) -> String? {
        classes[index].map { pack.classifications[index].options[$0].value }
    }

    /// Names of the inputs whose absence left factors unscored.
    public var missingNames: [String] {
        var seen: [String] = []
        for case .missing(let error) in factors {
            if case .missing(let name) = error.kind, !seen.contains(name) { seen.append(name) }
        }
        return seen
    }

    /// The top reasons for the score: the `because` of the factors that gave the most points,
    /// best first (equal points in the pack's order).
    public func topReasons(in pack: RulePack, count: Int = 3) -> [String] {
        var scored: [(points: Double, factor: Int, because: String)] = []
        for (index, result) in factors.enumerated() {
            if case .scored(let band, let points) = result, points > 0 {
                scored.append((points, index, pack.factors[index].bands[band].because))
            }
        }
        scored.sort { $0.points != $1.points ? $0.points > $1.points : $0.factor < $1.factor }
        return scored.prefix(count).map(\.because)
    }

    mutating func reset() {
        factors.removeAll(keepingCapacity: true)
        gates.removeAll(keepingCapacity: true)
        risks.removeAll(keepingCapacity: true)
        classes.removeAll(keepingCapacity: true)
        errors.removeAll(keepingCapacity: true)
        points = 0
        answeredMaximum = 0
        blockingGate = nil
    }
}
