import KamExpr
import KamSource

/// Why an evaluation came out as it did, in the pack's own words: per factor the band that
/// fired, its points, its reason and the values it read; the gates and risks that fired; the
/// score, confidence and outcome; the pack's identity. Built on demand from an `Evaluation`
/// and the activation it ran on, so batch scoring pays for it only for the rows it explains.
public struct Trace: Sendable {
    public struct FactorLine: Sendable {
        public enum State: String, Sendable { case scored, missing, failed }
        public let id: String
        public let title: String
        public let state: State
        /// 1-based band number, when scored.
        public let band: Int?
        public let points: Double?
        public let maximum: Double
        public let because: String?
        /// The values the deciding expressions read (nil: no value).
        public let reads: [(name: String, value: Value?)]
        public let error: String?
    }

    public struct Fired: Sendable {
        public let id: String
        public let title: String?
        public let because: String
        public let severity: Risk.Severity?
        public let mitigation: String?
    }

    public let packId: String
    public let packVersion: String
    public let packHash: String
    public let factors: [FactorLine]
    public let gates: [Fired]
    /// Gates that could not be decided because an input is missing.
    public let undecidedGates: [String]
    public let risks: [Fired]
    public let undecidedRisks: [String]
    /// The advantages that apply (`title`, `because`; no severity or mitigation).
    public let advantages: [Fired]
    public let points: Double
    public let score: Double
    public let maximum: Double
    public let confidence: Double
    public let outcomeName: String
    public let outcome: String
    public let outcomeBecause: String?
    public let classes: [(name: String, value: String?)]
    public let missing: [String]
    public let errors: [EvalError]

    /// The trace of the evaluator's last evaluation, `evaluation`.
    public init(_ evaluator: Evaluator, _ evaluation: Evaluation) {
        self.init(evaluator.pack, evaluation, evaluator.activation)
    }

    public init(_ pack: RulePack, _ evaluation: Evaluation, _ activation: Activation) {
        func reads(_ expressions: [CompiledExpression?]) -> [(String, Value?)] {
            var names: [String] = []
            for e in expressions.compactMap({ $0 }) {
                for name in e.tree.identifiers where !names.contains(name) { names.append(name) }
            }
            return names.map { name in
                let variable = pack.declarations.variable(named: name)!
                return (name, activation.value(variable.slot, as: variable.type))
            }
        }
        factors = zip(pack.factors, evaluation.factors).map { factor, result in
            switch result {
            case .scored(let index, let points):
                let band = factor.bands[index]
                var used = factor.bands[...index].map(\.when)
                if case .expression(let e) = band.points { used.append(e) }
                return FactorLine(id: factor.id, title: factor.title, state: .scored, band: index + 1, points: points,
                                  maximum: factor.maximum, because: band.because, reads: reads(used), error: nil)
            case .missing(let error), .failed(let error):
                let missing: Bool = if case .missing = result { true } else { false }
                return FactorLine(id: factor.id, title: factor.title, state: missing ? .missing : .failed, band: nil, points: nil,
                                  maximum: factor.maximum, because: nil, reads: reads(factor.bands.map(\.when)), error: error.message)
            }
        }
        gates = zip(pack.gates, evaluation.gates).filter { $1 == .fired }.map {
            Fired(id: $0.0.id, title: nil, because: $0.0.because, severity: nil, mitigation: nil)
        }
        undecidedGates = zip(pack.gates, evaluation.gates).filter { $1 == .unknown }.map(\.0.id)
        risks = zip(pack.risks, evaluation.risks).filter { $1 == .fired }.map {
            Fired(id: $0.0.id, title: $0.0.title, because: $0.0.because, severity: $0.0.severity, mitigation: $0.0.mitigation)
        }
        undecidedRisks = zip(pack.risks, evaluation.risks).filter { $1 == .unknown }.map(\.0.id)
        advantages = zip(pack.advantages, evaluation.advantages).filter { $1 == .fired }.map {
            Fired(id: $0.0.id, title: $0.0.title, because: $0.0.because, severity: nil, mitigation: nil)
        }
        packId = pack.id
        packVersion = pack.version
        packHash = pack.hash
        points = evaluation.points
        score = evaluation.score
        maximum = pack.maximumScore
        confidence = evaluation.confidence
        outcomeName = pack.outcome.name
        outcome = evaluation.outcome(in: pack)
        outcomeBecause = evaluation.blockingGate.map { pack.gates[$0].because } ?? pack.outcome.levels[evaluation.level].because
        classes = pack.classifications.indices.map { (pack.classifications[$0].name, evaluation.classValue($0, in: pack)) }
        missing = evaluation.missingNames
        errors = evaluation.errors
    }
}
