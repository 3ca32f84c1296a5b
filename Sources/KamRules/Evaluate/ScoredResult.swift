/// What renderers and tallies read of one row's result: an `Evaluation`, or a row of a
/// `BatchEvaluator` read where it lies (`BatchEvaluator.RowResult`), so that a batch run does
/// not build an `Evaluation`, six arrays, for every row it writes.
public protocol ScoredResult {
    var score: Double { get }
    /// The answered share of the pack's maximum (1 when everything was answered).
    var confidence: Double { get }
    /// The outcome level from the score, unless a gate imposed an outcome.
    var level: Int { get }
    /// The first gate that fired, which decides the outcome.
    var blockingGate: Int? { get }
    /// The chosen option of classification `c`; nil when none holds or one is missing.
    func option(_ c: Int) -> Int?
    /// The factors that gave the most points, as (factor, band), best first (equal points in
    /// the pack's order), at most `count` of them.
    func forEachTopReason(count: Int, _ body: (_ factor: Int, _ band: Int) -> Void)
    /// The whole result, for what reads more than the above (a run's snapshots).
    func evaluation() -> Evaluation
}

extension ScoredResult {
    /// The outcome's value: the gate's if one fired, else the level's.
    public func outcome(in pack: RulePack) -> String {
        if let gate = blockingGate { return pack.gates[gate].outcome }
        return pack.outcome.levels[level].value
    }

    public func classValue(_ index: Int, in pack: RulePack) -> String? {
        option(index).map { pack.classifications[index].options[$0].value }
    }

    /// The top reasons for the score: the `because` of the factors that gave the most points.
    public func topReasons(in pack: RulePack, count: Int = 3) -> [String] {
        var reasons: [String] = []
        forEachTopReason(count: count) { factor, band in reasons.append(pack.factors[factor].bands[band].because) }
        return reasons
    }
}

/// The top-reasons choice, one implementation for both kinds of result: `scored(f)` is factor
/// `f`'s band and points, nil when it was not scored. Nothing is allocated: a batch renders it
/// on every row.
enum TopReasons {
    @inline(__always)
    static func pick(
        count: Int, factors: Int, _ scored: (Int) -> (band: Int, points: Double)?, _ body: (_ factor: Int, _ band: Int) -> Void
    ) {
        guard count > 0 else { return }
        withUnsafeTemporaryAllocation(of: (points: Double, factor: Int, band: Int).self, capacity: count) { best in
            var kept = 0
            for index in 0..<factors {
                guard let (band, points) = scored(index), points > 0 else { continue }
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
}
