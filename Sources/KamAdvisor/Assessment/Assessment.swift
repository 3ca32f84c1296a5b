import KamRules
import KamSource

/// The answer to "does key-account management suit us?", with everything that explains it.
public struct Assessment: Sendable {
    public let supplier: String?
    public let trace: Trace
    public let verdict: String
    public let verdictTitle: String?
    /// Answers by input name, with where each came from.
    public let answers: [(input: Input, answer: Answer)]
    /// Optional questions left unanswered: they lower the confidence, never count as zero.
    public let unanswered: [Input]
    public let whatIf: [WhatIf]
    public let pack: RulePack
    /// The `because` of the factors that gave the most points, best first.
    public let mainReasons: [String]

    /// The score if every unanswered question were answered at its least and at its most
    /// favourable: the unanswered factors at their lowest and at their highest band.
    public let scoreRange: ClosedRange<Double>
    /// The answers given do not settle the verdict: the range crosses a verdict boundary, or
    /// a gate waits on an unanswered question.
    public let provisional: Bool

    public var score: Double { trace.score }
    public var confidence: Double { trace.confidence }

    /// The pack's advantages that apply, when the verdict recommends the programme at least in
    /// part (not the lowest verdict, no gate): a "not recommended" or "not ready" comes
    /// without a list of what the programme would have brought.
    public var advantages: [Trace.Fired] {
        trace.gates.isEmpty && verdict != pack.outcome.levels.last?.value ? trace.advantages : []
    }
}

/// Runs the assessment pack on a questionnaire.
public enum Assessor {
    public static func assess(_ questionnaire: Questionnaire, pack: RulePack) -> Assessment {
        let evaluator = Evaluator(pack)
        load(questionnaire, into: evaluator)
        let evaluation = evaluator.evaluate()
        let trace = Trace(evaluator, evaluation)
        let verdict = evaluation.outcome(in: pack)
        let title = evaluation.blockingGate == nil ? pack.outcome.levels[evaluation.level].title : nil
        let answers = pack.inputs.compactMap { input in questionnaire.answers[input.name].map { (input, $0) } }
        // An answer no rule reads (one the report reads, such as `kam_manager_cost`) lowers
        // nothing, so it is not listed.
        let read = pack.namesRead
        let unanswered = pack.inputs.filter {
            !$0.required && questionnaire.answers[$0.name] == nil && $0.defaultValue == nil && read.contains($0.name)
        }
        let whatIf = WhatIfSearch(pack: pack, evaluator: evaluator, questionnaire: questionnaire, verdict: verdict).run()
        let range = scoreRange(pack, trace)
        let settled = pack.outcome.level(for: range.lowerBound) == pack.outcome.level(for: range.upperBound) && trace.undecidedGates.isEmpty
        return Assessment(
            supplier: questionnaire.supplier, trace: trace, verdict: verdict, verdictTitle: title, answers: answers,
            unanswered: unanswered, whatIf: whatIf, pack: pack, mainReasons: evaluation.topReasons(in: pack),
            scoreRange: range, provisional: evaluation.blockingGate == nil && !settled)
    }

    /// The points given, plus each factor that could not be scored at its lowest band and at
    /// its highest. A band whose points are an expression counts from 0 up to the factor's
    /// maximum, since its lowest value cannot be known without the answers.
    static func scoreRange(_ pack: RulePack, _ trace: Trace) -> ClosedRange<Double> {
        var low = trace.points, high = trace.points
        for (line, factor) in zip(trace.factors, pack.factors) where line.state != .scored {
            let lowest = factor.bands.map { band -> Double in
                if case .constant(let x) = band.points { return x }
                return 0
            }.min() ?? 0
            low += lowest
            high += factor.maximum
        }
        return low...max(low, high)
    }

    static func load(_ questionnaire: Questionnaire, into evaluator: Evaluator) {
        evaluator.reset()
        for (name, answer) in questionnaire.answers {
            guard let slot = evaluator.pack.slot(of: name) else { continue }
            evaluator.setValue(slot, answer.value)
        }
    }
}
