import KamExpr
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

    public var score: Double { trace.score }
    public var confidence: Double { trace.confidence }
}

/// Runs the assessment pack on a questionnaire.
public enum Assessor {
    public static func assess(_ questionnaire: Questionnaire, pack: RulePack) -> Assessment {
        let evaluator = Evaluator(pack)
        load(questionnaire, into: evaluator)
        let evaluation = evaluator.evaluate()
        let trace = Trace(pack, evaluation, evaluator.activation)
        let verdict = evaluation.outcome(in: pack)
        let title = evaluation.blockingGate == nil ? pack.outcome.levels[evaluation.level].title : nil
        let answers = pack.inputs.compactMap { input in questionnaire.answers[input.name].map { (input, $0) } }
        let unanswered = pack.inputs.filter { !$0.required && questionnaire.answers[$0.name] == nil && $0.defaultValue == nil }
        let whatIf = WhatIfSearch(pack: pack, evaluator: evaluator, questionnaire: questionnaire, verdict: verdict).run()
        return Assessment(
            supplier: questionnaire.supplier, trace: trace, verdict: verdict, verdictTitle: title, answers: answers,
            unanswered: unanswered, whatIf: whatIf, pack: pack, mainReasons: evaluation.topReasons(in: pack))
    }

    static func load(_ questionnaire: Questionnaire, into evaluator: Evaluator) {
        let a = evaluator.activation
        a.reset()
        for (name, answer) in questionnaire.answers {
            guard let slot = evaluator.pack.slot(of: name) else { continue }
            a.setValue(slot, answer.value)
        }
    }
}
