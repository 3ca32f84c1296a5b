import KamExpr
import KamSource

/// Runs a pack over values placed in its activation. One evaluator per thread; the pack and
/// its compiled expressions are shared.
///
/// Order: defaults for absent inputs, derived values (in dependency order; a failure is kept
/// in the slot and surfaces where it is read), factors (first band that holds), `score`,
/// gates, risks, the outcome, classifications.
public final class Evaluator {
    public let pack: RulePack
    /// Where the caller puts the values, by `pack.slot(of:)`.
    public let activation: Activation
    private let scoreSlot: Int
    private let defaults: [(slot: Int, value: Value)]

    public init(_ pack: RulePack) {
        self.pack = pack
        activation = Activation(pack.declarations)
        scoreSlot = pack.slot(of: PackLoader.scoreName)!
        defaults = pack.inputs.compactMap { input in input.defaultValue.map { (pack.slot(of: input.name)!, $0) } }
    }

    /// Evaluates the values now in `activation`, into `result` (whose storage is reused).
    public func evaluate(into result: inout Evaluation) {
        let a = activation
        result.reset(pack)
        for (slot, value) in defaults where a.state(slot) == .missing { a.setValue(slot, value) }
        a.setMissing(scoreSlot)
        for derived in pack.derived {
            do {
                a.setValue(derived.slot, try derived.expression.evaluateValue(a))
            } catch {
                var error = error
                error.notes.append("while computing derived value `\(derived.name)`")
                a.setFailed(derived.slot, error)
            }
        }
        for factor in pack.factors {
            let outcome = score(factor)
            switch outcome {
            case .scored(_, let points):
                result.points += points
                result.answeredMaximum += factor.maximum
            case .failed(let error):
                result.errors.append(error)
            case .missing:
                break
            }
            result.factors.append(outcome)
        }
        let maximum = pack.maximumScore
        if result.answeredMaximum < maximum && result.answeredMaximum > 0 {
            result.confidence = result.answeredMaximum / maximum
            result.score = result.points / result.confidence
        } else {
            result.confidence = result.answeredMaximum == 0 && maximum > 0 ? 0 : 1
            result.score = result.points
        }
        a.setNumber(scoreSlot, result.score)
        for (index, gate) in pack.gates.enumerated() {
            let check = self.check(gate.when, &result)
            if check == .fired && result.blockingGate == nil { result.blockingGate = index }
            result.gates.append(check)
        }
        for risk in pack.risks { result.risks.append(check(risk.when, &result)) }
        result.level = pack.outcome.level(for: result.score)
        for classification in pack.classifications {
            result.classes.append(choose(classification, &result))
        }
    }

    public func evaluate() -> Evaluation {
        var result = Evaluation()
        evaluate(into: &result)
        return result
    }

    private func score(_ factor: Factor) -> Evaluation.FactorResult {
        for (index, band) in factor.bands.enumerated() {
            do {
                if let when = band.when, try !when.evaluateBool(activation) { continue }
                switch band.points {
                case .constant(let x): return .scored(band: index, points: x)
                case .expression(let e): return .scored(band: index, points: try e.evaluateNumber(activation))
                }
            } catch {
                return error.isMissingValue ? .missing(error) : .failed(noted(error, "in band \(index + 1) of factor `\(factor.id)`"))
            }
        }
        let error = EvalError(.invalidArgument, "no band of factor `\(factor.id)` holds for these values", file: pack.file,
                              span: factor.span)
        return .failed(noted(error, "add a last band without `when` as the fallback"))
    }

    private func check(_ condition: CompiledExpression, _ result: inout Evaluation) -> Evaluation.Check {
        do {
            return try condition.evaluateBool(activation) ? .fired : .clear
        } catch {
            if !error.isMissingValue { result.errors.append(error) }
            return .unknown
        }
    }

    private func choose(_ classification: Classification, _ result: inout Evaluation) -> Int? {
        for (index, option) in classification.options.enumerated() {
            guard let when = option.when else { return index }
            do {
                if try when.evaluateBool(activation) { return index }
            } catch {
                if !error.isMissingValue { result.errors.append(noted(error, "in classification `\(classification.name)`")) }
                return nil
            }
        }
        return nil
    }

    private func noted(_ error: EvalError, _ note: String) -> EvalError {
        var error = error
        error.notes.append(note)
        return error
    }
}
