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
        var reasons: [String] = []
        forEachTopReason(count: count) { factor, band in reasons.append(pack.factors[factor].bands[band].because) }
        return reasons
    }

    /// The same choice as `topReasons`, as (factor, band) indices handed to `body` best
    /// first, with nothing allocated: a batch renders it on every row.
    public func forEachTopReason(count: Int = 3, _ body: (_ factor: Int, _ band: Int) -> Void) {
        guard count > 0 else { return }
        withUnsafeTemporaryAllocation(of: (points: Double, factor: Int, band: Int).self, capacity: count) { best in
            var kept = 0
            for index in factors.indices {
                guard case .scored(let band, let points) = factors[index], points > 0 else { continue }
                // Insertion into the short list: higher points first, earlier factors among equals.
                var at = kept
                while at > 0 && best[at - 1].points < points { at -= 1 }
                if at >= count { continue }
                var k = min(kept, count - 1)
                while k > at { best[k] = best[k - 1]; k -= 1 }
                best[at] = (points, index, band)
                kept = min(kept + 1, count)
            }
            for k in 0..<kept { body(best[k].factor, best[k].band) }
        }
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
