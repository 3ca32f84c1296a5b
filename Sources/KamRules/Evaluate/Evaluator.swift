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
    /// The factors' bands, flattened once into what the loop needs: factor `f`'s bands are
    /// `plans[starts[f]..<starts[f + 1]]`.
    private let plans: [BandPlan]
    private let starts: [Int]
    private let maxima: [Double]
    private let maximumScore: Double
    private let derived: [(slot: Int, expression: CompiledExpression, type: ExprType, name: String)]

    /// The expressions are held `unowned(unsafe)`: the pack, which this evaluator keeps,
    /// owns them, and reading them on every row then costs no reference counting.
    private struct BandPlan {
        unowned(unsafe) let when: CompiledExpression?
        let constant: Double
        unowned(unsafe) let points: CompiledExpression?
    }

    public init(_ pack: RulePack) {
        self.pack = pack
        activation = Activation(pack.declarations)
        scoreSlot = pack.slot(of: PackLoader.scoreName)!
        defaults = pack.inputs.compactMap { input in input.defaultValue.map { (pack.slot(of: input.name)!, $0) } }
        maxima = pack.factors.map(\.maximum)
        maximumScore = pack.maximumScore
        derived = pack.derived.map { ($0.slot, $0.expression, $0.expression.type, $0.name) }
        var plans: [BandPlan] = [], starts = [0]
        for factor in pack.factors {
            for band in factor.bands {
                switch band.points {
                case .constant(let x): plans.append(BandPlan(when: band.when, constant: x, points: nil))
                case .expression(let e): plans.append(BandPlan(when: band.when, constant: 0, points: e))
                }
            }
            starts.append(plans.count)
        }
        self.plans = plans
        self.starts = starts
    }

    /// Evaluates the values now in `activation`, into `result` (whose storage is reused).
    public func evaluate(into result: inout Evaluation) {
        let a = activation
        result.reset()
        for (slot, value) in defaults where a.state(slot) == .missing { a.setValue(slot, value) }
        a.setMissing(scoreSlot)
        for (slot, expression, type, name) in derived {
            do {
                switch type {
                case .number: a.setNumber(slot, try expression.evaluateNumber(a))
                case .bool: a.setBool(slot, try expression.evaluateBool(a))
                default: a.setValue(slot, try expression.evaluateValue(a))
                }
            } catch {
                var error = error
                error.notes.append("while computing derived value `\(name)`")
                a.setFailed(slot, error)
            }
        }
        for factorIndex in maxima.indices {
            let outcome = score(factorIndex)
            switch outcome {
            case .scored(_, let points):
                result.points += points
                result.answeredMaximum += maxima[factorIndex]
            case .failed(let error):
                result.errors.append(error)
            case .missing:
                break
            }
            result.factors.append(outcome)
        }
        let maximum = maximumScore
        if result.answeredMaximum < maximum && result.answeredMaximum > 0 {
            result.confidence = result.answeredMaximum / maximum
            result.score = result.points / result.confidence
        } else {
            result.confidence = result.answeredMaximum == 0 && maximum > 0 ? 0 : 1
            result.score = result.points
        }
        a.setNumber(scoreSlot, result.score)
        for (index, gate) in pack.gates.enumerated() {
            let check = self.check(gate.when, "gate `\(gate.id)`", &result)
            if check == .fired && result.blockingGate == nil { result.blockingGate = index }
            result.gates.append(check)
        }
        for risk in pack.risks { result.risks.append(check(risk.when, "risk `\(risk.id)`", &result)) }
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

    private func score(_ factorIndex: Int) -> Evaluation.FactorResult {
        let first = starts[factorIndex], end = starts[factorIndex + 1]
        for position in first..<end {
            let index = position - first
            let plan = plans[position]
            do {
                if let when = plan.when, try !when.evaluateBool(activation) { continue }
                guard let points = plan.points else { return .scored(band: index, points: plan.constant) }
                let x = try points.evaluateNumber(activation)
                if x > maxima[factorIndex] {
                    let factor = pack.factors[factorIndex]
                    let error = EvalError(
                        .invalidArgument,
                        "band \(index + 1) of factor `\(factor.id)` gives \(NumberFormat.shortest(x)) points, above its `max` of \(NumberFormat.shortest(maxima[factorIndex]))",
                        file: pack.file, span: factor.bands[index].span)
                    return .failed(error)
                }
                return .scored(band: index, points: x)
            } catch {
                let id = pack.factors[factorIndex].id
                return error.isMissingValue ? .missing(error) : .failed(noted(error, "in band \(index + 1) of factor `\(id)`"))
            }
        }
        let factor = pack.factors[factorIndex]
        let error = EvalError(.invalidArgument, "no band of factor `\(factor.id)` holds for these values", file: pack.file,
                              span: factor.span)
        return .failed(noted(error, "add a last band without `when` as the fallback"))
    }

    private func check(_ condition: CompiledExpression, _ rule: @autoclosure () -> String, _ result: inout Evaluation) -> Evaluation.Check {
        do {
            return try condition.evaluateBool(activation) ? .fired : .clear
        } catch {
            if !error.isMissingValue { result.errors.append(noted(error, "in \(rule())")) }
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
