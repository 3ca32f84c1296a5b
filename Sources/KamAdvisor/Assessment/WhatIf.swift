import KamRules

/// One change to one answer that would change the verdict, the nearest such change.
public struct WhatIf: Sendable {
    /// How `to` is meant: the verdict changes at that value, or just past it.
    public enum Direction: String, Sendable {
        case at, below, above
    }

    public let input: Input
    public let from: Value
    public let to: Value
    public let direction: Direction
    public let verdict: String
}

/// Finds, for every answered number, the nearest value inside its declared range at which the
/// verdict changes, holding the other answers fixed; and for every yes/no answer whether
/// flipping it changes the verdict. It searches the compiled pack itself (a scan, then
/// bisection to the boundary, then the shortest decimal past it), so it follows whatever the
/// pack's rules say, not a copy of their thresholds.
struct WhatIfSearch {
    let pack: RulePack
    let evaluator: Evaluator
    let questionnaire: Questionnaire
    let verdict: String

    func run() -> [WhatIf] {
        var found: [WhatIf] = []
        for input in pack.inputs {
            guard let answer = questionnaire.answers[input.name] else { continue }
            switch (input.kind, answer.value) {
            case (.number, .number(let x)):
                if let change = nearestChange(input, x) { found.append(change) }
            case (.bool, .bool(let b)):
                let outcome = verdict(setting: input.name, to: .bool(!b))
                if outcome != verdict {
                    found.append(WhatIf(input: input, from: .bool(b), to: .bool(!b), direction: .at, verdict: outcome))
                }
            default:
                continue
            }
        }
        return found
    }

    private func verdict(setting name: String, to value: Value) -> String {
        var changed = questionnaire
        changed.answers[name] = Answer(value: value, source: .questionnaire)
        Assessor.load(changed, into: evaluator)
        return evaluator.evaluate().outcome(in: pack)
    }

    private func nearestChange(_ input: Input, _ x: Double) -> WhatIf? {
        // Without a declared bound, look as far as ten times the answer (and at least 100).
        let low = input.minimum ?? min(x - max(abs(x) * 10, 100), 0)
        let high = input.maximum ?? max(x + max(abs(x) * 10, 100), 0)
        let up = x < high ? search(input.name, from: x, to: high) : nil
        let down = x > low ? search(input.name, from: x, to: low) : nil
        let best: (Double, WhatIf.Direction, String)?
        switch (up, down) {
        case (let u?, let d?): best = abs(u.0 - x) <= abs(d.0 - x) ? u : d
        case (let u?, nil): best = u
        case (nil, let d?): best = d
        default: best = nil
        }
        return best.map { WhatIf(input: input, from: .number(x), to: .number($0.0), direction: $0.1, verdict: $0.2) }
    }

    /// The value nearest to `start` towards `end` at which the verdict differs: the value
    /// itself when the new verdict holds there (a threshold like `>= 70`), or the value the
    /// answer must pass (a threshold like `> 30`, or `>= 70` approached from above).
    private func search(_ name: String, from start: Double, to end: Double) -> (Double, WhatIf.Direction, String)? {
        let steps = 400
        var same = start
        for k in 1...steps {
            let v = k == steps ? end : start + (end - start) * Double(k) / Double(steps)
            let outcome = verdict(setting: name, to: .number(v))
            guard outcome != verdict else {
                same = v
                continue
            }
            // Bisect between the last value with the old verdict and the first with a new one.
            var (a, b) = (same, v)
            for _ in 0..<80 where a != b {
                let mid = a + (b - a) / 2
                if mid == a || mid == b { break }
                if verdict(setting: name, to: .number(mid)) == verdict { a = mid } else { b = mid }
            }
            let boundary = shortest(in: min(a, b)...max(a, b))
            let there = verdict(setting: name, to: .number(boundary))
            if there != verdict { return (boundary, .at, there) }
            return (boundary, end > start ? .above : .below, verdict(setting: name, to: .number(b)))
        }
        return nil
    }

    /// The number with the fewest decimals in `range`: 70 rather than 69.99999999999999.
    private func shortest(in range: ClosedRange<Double>) -> Double {
        for digits in 0...15 {
            let scale = pow10(digits)
            let candidate = (range.lowerBound * scale).rounded(.up) / scale
            if candidate <= range.upperBound { return candidate }
        }
        return range.upperBound
    }

    private func pow10(_ n: Int) -> Double {
        var x = 1.0
        for _ in 0..<n { x *= 10 }
        return x
    }
}
