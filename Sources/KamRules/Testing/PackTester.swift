import KamExpr
import KamSource

/// Runs a pack's own test cases and measures which of its rules they exercise.
public enum PackTester {
    public struct Outcome: Sendable {
        public let test: TestCase
        /// What did not match, one line each; empty when the test passed.
        public let failures: [String]
        public var passed: Bool { failures.isEmpty }
    }

    public struct Report: Sendable {
        public let outcomes: [Outcome]
        /// Bands, gates, risks and outcome levels no test reached, as `factor `x` band 2` etc.
        public let unexercised: [String]
        public var passed: Int { outcomes.filter(\.passed).count }
        public var failed: Int { outcomes.count - passed }
    }

    public static func run(_ pack: RulePack) -> Report {
        let evaluator = Evaluator(pack)
        var bandsHit = Set<String>(), gatesHit = Set<Int>(), risksHit = Set<Int>(), advantagesHit = Set<Int>(), levelsHit = Set<String>()
        var outcomes: [Outcome] = []
        for test in pack.tests {
            evaluator.reset()
            for (slot, value) in test.values { evaluator.setValue(slot, value) }
            let result = evaluator.evaluate()
            var fired = Set<String>()
            for (factor, outcome) in zip(pack.factors, result.factors) {
                if case .scored(let band, _) = outcome {
                    fired.insert("\(factor.id):\(band + 1)")
                    bandsHit.insert("\(factor.id):\(band + 1)")
                }
            }
            for (index, check) in result.gates.enumerated() where check == .fired {
                fired.insert(pack.gates[index].id)
                gatesHit.insert(index)
            }
            for (index, check) in result.risks.enumerated() where check == .fired {
                fired.insert(pack.risks[index].id)
                risksHit.insert(index)
            }
            for (index, check) in result.advantages.enumerated() where check == .fired {
                fired.insert(pack.advantages[index].id)
                advantagesHit.insert(index)
            }
            levelsHit.insert(result.outcome(in: pack))
            var failures = compare(test.expect, result, fired, pack)
            for (name, wanted) in test.expect.values {
                let actual = evaluator.value(named: name)
                let same = switch (actual, wanted) {
                case (nil, nil): true
                case (let a?, let w?): a.celEquals(w)
                default: false
                }
                if !same {
                    failures.append("`\(name)`: expected \(wanted?.json ?? "unknown"), got \(actual?.json ?? "unknown")")
                }
            }
            outcomes.append(Outcome(test: test, failures: failures))
        }
        var unexercised: [String] = []
        for factor in pack.factors {
            for index in factor.bands.indices where !bandsHit.contains("\(factor.id):\(index + 1)") {
                unexercised.append("factor `\(factor.id)` band \(index + 1)")
            }
        }
        unexercised += pack.gates.indices.filter { !gatesHit.contains($0) }.map { "gate `\(pack.gates[$0].id)`" }
        unexercised += pack.risks.indices.filter { !risksHit.contains($0) }.map { "risk `\(pack.risks[$0].id)`" }
        unexercised += pack.advantages.indices.filter { !advantagesHit.contains($0) }.map { "advantage `\(pack.advantages[$0].id)`" }
        unexercised += pack.outcome.levels.filter { !levelsHit.contains($0.value) }.map { "\(pack.outcome.name) `\($0.value)`" }
        return Report(outcomes: outcomes, unexercised: unexercised)
    }

    private static func compare(_ expect: TestCase.Expectation, _ result: Evaluation, _ fired: Set<String>, _ pack: RulePack) -> [String] {
        var failures: [String] = []
        if result.failed != expect.failed {
            failures.append(expect.failed
                ? "expected the evaluation to fail, but it succeeded"
                : "the evaluation failed: " + result.errors.map { ([$0.message] + $0.notes).joined(separator: ", ") }.joined(separator: "; "))
        }
        let outcome = result.outcome(in: pack)
        if let wanted = expect.outcome, wanted != outcome {
            failures.append("\(pack.outcome.name): expected `\(wanted)`, got `\(outcome)` (score \(NumberFormat.shortest(result.score)))")
        }
        if let range = expect.score, !range.contains(result.score) {
            let wanted = range.lowerBound == range.upperBound
                ? NumberFormat.shortest(range.lowerBound)
                : "\(NumberFormat.shortest(range.lowerBound)) to \(NumberFormat.shortest(range.upperBound))"
            failures.append("score: expected \(wanted), got \(NumberFormat.shortest(result.score))")
        }
        for id in expect.fired where !matches(id, fired) {
            failures.append("expected `\(id)` to fire; fired: \(fired.sorted().joined(separator: ", "))")
        }
        for id in expect.notFired where matches(id, fired) {
            failures.append("expected `\(id)` not to fire")
        }
        for (name, value) in expect.classes {
            let index = pack.classifications.firstIndex { $0.name == name }!
            let actual = result.classValue(index, in: pack)
            if actual != value {
                failures.append("class `\(name)`: expected \(value.map { "`\($0)`" } ?? "none"), got \(actual.map { "`\($0)`" } ?? "none")")
            }
        }
        for id in expect.missing {
            let index = pack.factors.firstIndex { $0.id == id }
            guard let index, case .missing = result.factors[index] else {
                failures.append("expected factor `\(id)` to be missing (unanswered)")
                continue
            }
        }
        return failures
    }

    /// `factor` matches any of its bands; `factor:2` only that band.
    private static func matches(_ id: String, _ fired: Set<String>) -> Bool {
        fired.contains(id) || (!id.contains(":") && fired.contains { $0.hasPrefix(id + ":") })
    }
}
