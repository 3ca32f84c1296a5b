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
    private let derived: [(slot: Int, expression: Borrowed, type: ExprType)]
    private let gates: [Borrowed]
    private let risks: [Borrowed]
    private let advantages: [Borrowed]
    /// Classification `c`'s options are `options[optionStarts[c]..<optionStarts[c + 1]]`;
    /// nil for an option without `when`.
    private let options: [Borrowed?]
    private let optionStarts: [Int]
    /// The outcome's levels' minimums, the last level's -infinity.
    private let levelMinimums: [Double]

    private struct BandPlan {
        let when: Borrowed?
        let constant: Double
        let points: Borrowed?
    }

    /// An expression of the pack (which this evaluator keeps, and which owns it) called on
    /// every row without counting references: a strong or even an `unowned(unsafe)` property
    /// is retained and released around each call, and those counts were a tenth of scoring.
    private struct Borrowed {
        let expression: Unmanaged<CompiledExpression>

        init(_ expression: CompiledExpression) { self.expression = .passUnretained(expression) }

        func bool(_ a: Activation) throws(EvalError) -> Bool {
            try expression._withUnsafeGuaranteedRef { e in Result { () throws(EvalError) in try e.evaluateBool(a) } }.get()
        }

        func number(_ a: Activation) throws(EvalError) -> Double {
            try expression._withUnsafeGuaranteedRef { e in Result { () throws(EvalError) in try e.evaluateNumber(a) } }.get()
        }

        func value(_ a: Activation) throws(EvalError) -> Value {
            try expression._withUnsafeGuaranteedRef { e in Result { () throws(EvalError) in try e.evaluateValue(a) } }.get()
        }
    }

    public init(_ pack: RulePack) {
        self.pack = pack
        activation = Activation(pack.declarations)
        scoreSlot = pack.slot(of: PackLoader.scoreName)!
        defaults = pack.inputs.compactMap { input in input.defaultValue.map { (pack.slot(of: input.name)!, $0) } }
        maxima = pack.factors.map(\.maximum)
        maximumScore = pack.maximumScore
        derived = pack.derived.map { ($0.slot, Borrowed($0.expression), $0.expression.type) }
        var plans: [BandPlan] = [], starts = [0]
        for factor in pack.factors {
            for band in factor.bands {
                switch band.points {
                case .constant(let x): plans.append(BandPlan(when: band.when.map(Borrowed.init), constant: x, points: nil))
                case .expression(let e): plans.append(BandPlan(when: band.when.map(Borrowed.init), constant: 0, points: Borrowed(e)))
                }
            }
            starts.append(plans.count)
        }
        self.plans = plans
        self.starts = starts
        gates = pack.gates.map { Borrowed($0.when) }
        risks = pack.risks.map { Borrowed($0.when) }
        advantages = pack.advantages.map { Borrowed($0.when) }
        options = pack.classifications.flatMap { $0.options.map { $0.when.map(Borrowed.init) } }
        optionStarts = pack.classifications.reduce(into: [0]) { $0.append($0.last! + $1.options.count) }
        levelMinimums = pack.outcome.levels.map { $0.minimum ?? -.infinity }
    }

    /// An evaluator of the same pack for another worker thread, over its own compilation of
    /// the pack (see `RulePack.recompiled`), with its own values.
    public func copy() -> Evaluator { Evaluator(pack.recompiled()) }

    // MARK: Values, by slot (`pack.slot(of:)`), so callers need not reach into the activation

    /// Marks every slot missing, for the next row.
    public func reset() { activation.reset() }

    @inlinable public func setNumber(_ slot: Int, _ x: Double) { activation.setNumber(slot, x) }

    @inlinable public func setBool(_ slot: Int, _ b: Bool) { activation.setBool(slot, b) }

    /// A text, a choice or any other value; a number or a bool too.
    public func setValue(_ slot: Int, _ value: Value) { activation.setValue(slot, value) }

    @inlinable public func setMissing(_ slot: Int) { activation.setMissing(slot) }

    /// The slot's value, if it has one: an input as set, a derived value or `score` after
    /// `evaluate`.
    public func value(_ slot: Int, as type: ExprType) -> Value? { activation.value(slot, as: type) }

    /// The value of the input or derived value `name` read as its declared type.
    public func value(named name: String) -> Value? { pack.slot(of: name).flatMap { value($0) } }

    /// The slot's value read as its declared type.
    public func value(_ slot: Int) -> Value? { activation.value(slot, as: pack.declarations.variables[slot].type) }

    /// Evaluates the values now in `activation`, into `result` (whose storage is reused).
    public func evaluate(into result: inout Evaluation) {
        let a = activation
        result.reset()
        for (slot, value) in defaults where a.state(slot) == .missing { a.setValue(slot, value) }
        a.setMissing(scoreSlot)
        for (index, (slot, expression, type)) in derived.enumerated() {
            do {
                switch type {
                case .number: a.setNumber(slot, try expression.number(a))
                case .bool: a.setBool(slot, try expression.bool(a))
                default: a.setValue(slot, try expression.value(a))
                }
            } catch {
                var error = error
                error.notes.append("while computing derived value `\(pack.derived[index].name)`")
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
        for (index, gate) in gates.enumerated() {
            let check = self.check(gate, "gate `\(pack.gates[index].id)`", &result)
            if check == .fired && result.blockingGate == nil { result.blockingGate = index }
            result.gates.append(check)
        }
        for (index, risk) in risks.enumerated() { result.risks.append(check(risk, "risk `\(pack.risks[index].id)`", &result)) }
        for (index, advantage) in advantages.enumerated() {
            result.advantages.append(check(advantage, "advantage `\(pack.advantages[index].id)`", &result))
        }
        result.level = levelMinimums.firstIndex { result.score >= $0 } ?? levelMinimums.count - 1
        for c in 0..<optionStarts.count - 1 {
            result.classes.append(choose(c, &result))
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
                if let when = plan.when, try !when.bool(activation) { continue }
                guard let points = plan.points else { return .scored(band: index, points: plan.constant) }
                let x = try points.number(activation)
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

    private func check(_ condition: Borrowed, _ rule: @autoclosure () -> String, _ result: inout Evaluation) -> Evaluation.Check {
        do {
            return try condition.bool(activation) ? .fired : .clear
        } catch {
            if !error.isMissingValue { result.errors.append(noted(error, "in \(rule())")) }
            return .unknown
        }
    }

    /// The first option of classification `c` whose condition holds.
    private func choose(_ c: Int, _ result: inout Evaluation) -> Int? {
        let first = optionStarts[c]
        for position in first..<optionStarts[c + 1] {
            guard let when = options[position] else { return position - first }
            do {
                if try when.bool(activation) { return position - first }
            } catch {
                if !error.isMissingValue { result.errors.append(noted(error, "in classification `\(pack.classifications[c].name)`")) }
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
