import KamRules

/// The counts and sums of scored rows, by index into the pack: one per chunk, added up with
/// `+=` in file order, then named in the summary. Adding is exact and does not depend on how
/// the rows were split, so chunks, partitions and a single run agree.
struct ScoreTally: Sendable {
    var read = 0
    var accounts = 0
    var scored = 0
    /// Per outcome: the pack's levels, then its gates' outcomes.
    var outcomes: [Int]
    /// Per classification, per option, with the last count for rows no option held.
    var classes: [[Int]]
    /// Scores rounded to millionths and added as whole millionths (see `BatchSummary`).
    var scoreMillionths: Int128 = 0
    var scoreBeyondRange = 0.0
    var totals: [Double]
    var totalsRows = 0

    init(_ pack: RulePack, totals: Int) {
        outcomes = [Int](repeating: 0, count: pack.outcome.levels.count + pack.gates.count)
        classes = pack.classifications.map { [Int](repeating: 0, count: $0.options.count + 1) }
        self.totals = [Double](repeating: 0, count: totals)
    }

    /// A scored row of `lines` lines (a grouped account counts each of its lines).
    mutating func add(_ evaluation: some ScoredResult, lines: Int, levels: Int) {
        scored += lines
        if abs(evaluation.score) < 1e30 {
            // Through Int64 where it fits (every real score): a Double's own conversion to
            // Int128 is a generic one, a hundred instructions a row.
            let m = (evaluation.score * 1e6).rounded()
            scoreMillionths += m.magnitude < 0x1p63 ? Int128(Int64(m)) : Int128(m)
        } else {
            scoreBeyondRange += evaluation.score
        }
        outcomes[evaluation.blockingGate.map { levels + $0 } ?? evaluation.level] += 1
        for c in classes.indices { classes[c][evaluation.option(c) ?? classes[c].count - 1] += 1 }
    }

    /// Adds the row's values of `slots` when it has all of them, so their ratios compare
    /// like with like.
    mutating func addTotals(_ slots: [Int], _ a: some RowSlots) {
        var values: [Double] = []
        for slot in slots {
            guard case .number(let x)? = a.value(slot) else { return }
            values.append(x)
        }
        for k in values.indices { totals[k] += values[k] }
        totalsRows += 1
    }

    static func += (sum: inout ScoreTally, part: ScoreTally) {
        sum.read += part.read
        sum.accounts += part.accounts
        sum.scored += part.scored
        sum.scoreMillionths += part.scoreMillionths
        sum.scoreBeyondRange += part.scoreBeyondRange
        for k in part.outcomes.indices { sum.outcomes[k] += part.outcomes[k] }
        for c in part.classes.indices { for k in part.classes[c].indices { sum.classes[c][k] += part.classes[c][k] } }
        for k in part.totals.indices { sum.totals[k] += part.totals[k] }
        sum.totalsRows += part.totalsRows
    }

    /// Into the summary, by name: every level and option appears, gates' outcomes only when
    /// they fired.
    func record(in summary: inout BatchSummary, _ pack: RulePack, totalNames: [String]) {
        summary.rowsRead += read
        summary.accounts += accounts
        summary.scored += scored
        summary.scoreMillionths += scoreMillionths
        summary.scoreBeyondRange += scoreBeyondRange
        summary.totalsRows += totalsRows
        for (name, total) in zip(totalNames, totals) { summary.totals[name] = total }
        let names = pack.outcome.levels.map(\.value) + pack.gates.map(\.outcome)
        for (k, n) in outcomes.enumerated() where n > 0 || k < pack.outcome.levels.count {
            summary.outcomes[names[k], default: 0] += n
        }
        for (c, classification) in pack.classifications.enumerated() {
            var counts: [String: Int] = [:]
            for (k, n) in classes[c].enumerated() where n > 0 || k < classification.options.count {
                counts[k < classification.options.count ? classification.options[k].value : "", default: 0] += n
            }
            summary.classes[classification.name] = counts
        }
    }
}
