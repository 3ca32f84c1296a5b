import KamExpr

/// Runs a pack over many rows at once: each expression of the pack is one loop over the
/// batch's columns (`BatchCode`) instead of a call tree of closures per row.
///
/// The row `Evaluator` stays the reference. Batch code claims only the rows where every
/// expression the row reaches gave a plain value, or a missing value where the row evaluator
/// keeps nothing of the error (a gate, risk or advantage left unknown, a row in no class, a
/// derived value that failed for one); any other row (a factor a missing value leaves
/// unanswered, an error, an expression not vectorised) is marked and handed, after the
/// batch, to a row evaluator of its own, whose result is kept as it is. So the results are
/// those of `Evaluator.evaluate(into:)`, bit for bit, whichever path computed a row.
///
/// Fill rows `0..<count` with the setters (every slot is missing after `reset`), call
/// `evaluate(count:)`, then read each row with `evaluation(row:into:)`. One per thread:
/// `copy()` gives a worker its own.
public final class BatchEvaluator {
    public let pack: RulePack
    public let capacity: Int
    /// Evaluates the rows batch code does not claim.
    let evaluator: Evaluator
    @usableFromInline let batch: ColumnBatch
    let scoreSlot: Int
    private let defaults: [(slot: Int, value: Value)]
    private let derived: [(slot: Int, type: ExprType, code: BatchCode?)]
    /// Factor `f`'s bands are `bands[starts[f]..<starts[f + 1]]`, as in `Evaluator`.
    private let bands: [(when: BatchCode?, constant: Double, points: BatchCode?)]
    private let starts: [Int]
    let maxima: [Double]
    private let maximumScore: Double
    private let gates: [BatchCode]
    private let risks: [BatchCode]
    private let advantages: [BatchCode]
    private let options: [BatchCode?]
    private let optionStarts: [Int]
    private let levelMinimums: [Double]
    /// The slots a row evaluation computes, copied back into the batch for `value(_:row:)`.
    private let computedSlots: [Int]
    let results: BatchResults

    /// The rows of the last `evaluate(count:)`.
    public private(set) var count = 0
    /// How many of them were evaluated one row at a time.
    public private(set) var fallbackRows = 0

    public convenience init(_ pack: RulePack, capacity: Int = 4096) {
        self.init(evaluator: Evaluator(pack), capacity: capacity)
    }

    init(evaluator: Evaluator, capacity: Int) {
        let pack = evaluator.pack
        self.pack = pack
        self.capacity = capacity
        self.evaluator = evaluator
        batch = ColumnBatch(pack.declarations, capacity: capacity)
        scoreSlot = pack.slot(of: PackLoader.scoreName)!
        defaults = pack.inputs.compactMap { input in input.defaultValue.map { (pack.slot(of: input.name)!, $0) } }
        derived = pack.derived.map { d in
            let type = d.expression.type
            let code = type == .number ? d.expression.batchNumberCode(capacity: capacity)
                : type == .bool ? d.expression.batchBoolCode(capacity: capacity)
                : type == .string ? d.expression.batchValueCode(capacity: capacity) : nil
            return (d.slot, type, code)
        }
        var bands: [(when: BatchCode?, constant: Double, points: BatchCode?)] = [], starts = [0]
        for factor in pack.factors {
            for band in factor.bands {
                let when = band.when?.batchBoolCode(capacity: capacity)
                switch band.points {
                case .constant(let x): bands.append((when, x, nil))
                case .expression(let e): bands.append((when, 0, e.batchNumberCode(capacity: capacity)))
                }
            }
            starts.append(bands.count)
        }
        self.bands = bands
        self.starts = starts
        maxima = pack.factors.map(\.maximum)
        maximumScore = pack.maximumScore
        gates = pack.gates.map { $0.when.batchBoolCode(capacity: capacity) }
        risks = pack.risks.map { $0.when.batchBoolCode(capacity: capacity) }
        advantages = pack.advantages.map { $0.when.batchBoolCode(capacity: capacity) }
        options = pack.classifications.flatMap { $0.options.map { $0.when?.batchBoolCode(capacity: capacity) } }
        optionStarts = pack.classifications.reduce(into: [0]) { $0.append($0.last! + $1.options.count) }
        levelMinimums = pack.outcome.levels.map { $0.minimum ?? -.infinity }
        computedSlots = pack.derived.map(\.slot) + [scoreSlot]
        results = BatchResults(pack, capacity: capacity)
    }

    /// A batch evaluator of the same pack for another worker thread, over its own
    /// compilation of the pack (`Evaluator.copy`).
    public func copy() -> BatchEvaluator { BatchEvaluator(evaluator: evaluator.copy(), capacity: capacity) }

    // MARK: Values, by slot (`pack.slot(of:)`) and row

    /// Every slot of every row missing, no row skipped.
    public func reset() {
        batch.reset()
        results.skipped.update(repeating: 0, count: capacity)
    }

    @inlinable public func setNumber(_ slot: Int, _ row: Int, _ x: Double) { batch.setNumber(slot, row, x) }

    @inlinable public func setBool(_ slot: Int, _ row: Int, _ b: Bool) { batch.setBool(slot, row, b) }

    /// A text, a choice or any other value; a number or a bool too.
    public func setValue(_ slot: Int, _ row: Int, _ value: Value) { batch.setValue(slot, row, value) }

    @inlinable public func setMissing(_ slot: Int, _ row: Int) { batch.setMissing(slot, row) }

    /// Leaves the row out of the evaluation (a row the caller rejected): neither path spends
    /// time on it, and it has no result.
    public func skip(row: Int) { results.skipped[row] = 1 }

    // MARK: Evaluating

    /// Evaluates rows `0..<count`.
    public func evaluate(count n: Int) {
        precondition(n >= 0 && n <= capacity, "a batch of \(capacity) rows cannot evaluate \(n)")
        count = n
        let r = results
        // Bit 0 of `unclaimed`: for the row evaluator; bit 1: skipped.
        for row in 0..<n { r.unclaimed[row] = r.skipped[row] << 1 }
        for (slot, value) in defaults {
            for row in 0..<n where batch.state(slot, row) == .missing { batch.setValue(slot, row, value) }
        }
        for row in 0..<n { batch.setMissing(scoreSlot, row) }
        computeDerived(n)
        for f in maxima.indices { score(f, n) }
        total(n)
        r.blocking.update(repeating: -1, count: n)
        for (g, code) in gates.enumerated() { check(code, r.gates + g * capacity, n, gate: Int32(g)) }
        for (k, code) in risks.enumerated() { check(code, r.risks + k * capacity, n) }
        for (k, code) in advantages.enumerated() { check(code, r.advantages + k * capacity, n) }
        for row in 0..<n {
            let score = r.scores[row]
            r.levels[row] = Int32(levelMinimums.firstIndex { score >= $0 } ?? levelMinimums.count - 1)
        }
        for c in 0..<optionStarts.count - 1 { choose(c, n) }
        evaluateUnclaimed(n)
    }

    private func computeDerived(_ n: Int) {
        let unclaimed = results.unclaimed
        for (slot, type, code) in derived {
            guard let code else {
                for row in 0..<n {
                    batch.setFailed(slot, row)
                    unclaimed[row] |= 1
                }
                continue
            }
            code.run(batch, count: n)
            let unsure = code.uncertainResults, missing = code.missingResults
            for row in 0..<n {
                if unsure[row] != 0 {
                    batch.setFailed(slot, row)
                    unclaimed[row] |= 1
                } else if missing[row] != 0 {
                    // The row evaluator keeps the error and goes on; what reads the value
                    // meets a missing value again.
                    batch.setFailed(slot, row, missing: true)
                } else if type == .number {
                    batch.setNumber(slot, row, code.numberResults[row])
                } else if type == .bool {
                    batch.setBool(slot, row, code.boolResults[row] != 0)
                } else {
                    batch.setValue(slot, row, code.value(row, in: batch))
                }
            }
        }
    }

    /// Factor `f`: the first band that holds, band by band over the rows still open. A row
    /// whose deciding band is uncertain, or where no band holds, goes to the row evaluator.
    private func score(_ f: Int, _ n: Int) {
        let unclaimed = results.unclaimed, chosen = results.bands + f * capacity, points = results.points + f * capacity
        let first = starts[f]
        firstHolding(first..<starts[f + 1], { bands[$0].when }, into: chosen, n, missingIsNone: false)
        // No band chosen: already the row evaluator's, or no band holds, an error it reports.
        for row in 0..<n where chosen[row] < 0 { unclaimed[row] |= 1 }
        for row in 0..<n { points[row] = chosen[row] >= 0 ? bands[first + Int(chosen[row])].constant : 0 }
        let maximum = maxima[f]
        for position in first..<starts[f + 1] {
            guard let code = bands[position].points else { continue }
            let index = Int32(position - first)
            guard (0..<n).contains(where: { unclaimed[$0] == 0 && chosen[$0] == index }) else { continue }
            code.run(batch, count: n)
            let x = code.numberResults, unsure = code.uncertainResults, missing = code.missingResults
            for row in 0..<n where chosen[row] == index {
                // Above the factor's maximum is an error the row evaluator reports; a missing
                // value leaves the factor unanswered, with the error it keeps.
                if unsure[row] | missing[row] != 0 || x[row] > maximum { unclaimed[row] |= 1 } else { points[row] = x[row] }
            }
        }
    }

    /// Points, the answered maximum, confidence and score, added in factor order as the row
    /// evaluator adds them, and the score put where risks and classifications read it.
    private func total(_ n: Int) {
        let r = results
        r.totals.update(repeating: 0, count: n)
        r.answered.update(repeating: 0, count: n)
        for f in maxima.indices {
            let points = r.points + f * capacity, maximum = maxima[f]
            for row in 0..<n {
                r.totals[row] += points[row]
                r.answered[row] += maximum
            }
        }
        let maximum = maximumScore
        for row in 0..<n {
            let answered = r.answered[row]
            if answered < maximum && answered > 0 {
                r.confidences[row] = answered / maximum
                r.scores[row] = r.totals[row] / r.confidences[row]
            } else {
                r.confidences[row] = answered == 0 && maximum > 0 ? 0 : 1
                r.scores[row] = r.totals[row]
            }
            batch.setNumber(scoreSlot, row, r.scores[row])
        }
    }

    /// A gate, risk or advantage: fired (1) or clear (0) where certain, unknown (2) where a
    /// value it reads is missing, as the row evaluator leaves it; `gate` also records the
    /// first gate that fired.
    private func check(_ code: BatchCode, _ fired: UnsafeMutablePointer<UInt8>, _ n: Int, gate: Int32? = nil) {
        code.run(batch, count: n)
        let holds = code.boolResults, unsure = code.uncertainResults, missing = code.missingResults, unclaimed = results.unclaimed
        for row in 0..<n {
            unclaimed[row] |= unsure[row]
            fired[row] = unsure[row] != 0 ? 0 : missing[row] != 0 ? 2 : holds[row]
        }
        if let gate {
            let blocking = results.blocking
            for row in 0..<n where fired[row] == 1 && blocking[row] < 0 { blocking[row] = gate }
        }
    }

    /// Classification `c`: the first option that holds, or none.
    private func choose(_ c: Int, _ n: Int) {
        firstHolding(optionStarts[c]..<optionStarts[c + 1], { options[$0] }, into: results.classes + c * capacity, n, missingIsNone: true)
    }

    /// For each claimed row, the first of the conditions at `positions` that holds, as its
    /// index among them in `chosen` (-1 for none), a nil condition always holding; a row whose
    /// deciding condition is uncertain goes to the row evaluator. Bands and options alike,
    /// but for a missing value: an option's leaves the row in no class (`missingIsNone`), as
    /// the row evaluator does; a band's leaves the factor unanswered with the error it keeps,
    /// which only the row evaluator gives.
    private func firstHolding(
        _ positions: Range<Int>, _ condition: (Int) -> BatchCode?, into chosen: UnsafeMutablePointer<Int32>, _ n: Int,
        missingIsNone: Bool
    ) {
        let unclaimed = results.unclaimed, settled = results.scratch, picked = results.picked
        var open = 0
        for row in 0..<n {
            settled[row] = unclaimed[row] != 0 ? 1 : 0
            open += Int(settled[row] ^ 1)
            chosen[row] = -1
        }
        // A row's pick is kept in a byte (its band's place in the window, plus one) and put
        // in `chosen` once a window of bands is done: so the loop over a band's rows works
        // on bytes only, sixteen rows at a time. Windows of 255 bands, a byte's worth.
        var window = positions.lowerBound
        while window < positions.upperBound && open > 0 {
            let last = min(window + 255, positions.upperBound)
            picked.update(repeating: 0, count: n)
            for position in window..<last where open > 0 {
                let mark = UInt8(position - window + 1)
                guard let when = condition(position) else {
                    for row in 0..<n where settled[row] == 0 { picked[row] = mark }
                    open = 0
                    break
                }
                when.run(batch, count: n)
                open &-= Self.settle(n, settled: settled, unclaimed: unclaimed, picked: picked, mark: mark, holds: when.boolResults,
                                     unsure: when.uncertainResults, missing: when.missingResults, missingIsNone: missingIsNone)
            }
            let base = Int32(window - positions.lowerBound) - 1
            for row in 0..<n where picked[row] != 0 { chosen[row] = base + Int32(picked[row]) }
            window = last
        }
    }

    /// One condition over the rows still open: a row where it holds takes `mark`; a row where
    /// it is uncertain goes to the row evaluator, as does one where it is missing unless
    /// `missingIsNone` (then the row takes nothing). Returns how many rows it settled.
    @inline(__always)
    private static func settle(
        _ n: Int, settled: UnsafeMutablePointer<UInt8>, unclaimed: UnsafeMutablePointer<UInt8>, picked: UnsafeMutablePointer<UInt8>,
        mark: UInt8, holds: UnsafePointer<UInt8>, unsure: UnsafePointer<UInt8>, missing: UnsafePointer<UInt8>, missingIsNone: Bool
    ) -> Int {
        typealias Rows = SIMD16<UInt8>
        let one = Rows(repeating: 1), marks = Rows(repeating: mark)
        let none = Rows(repeating: missingIsNone ? 1 : 0), some = none ^ one
        var taken = 0
        // Sixteen rows, or the last few in a vector whose other lanes are zero: such a lane
        // settles nothing, so it adds nothing to the count, and it is not stored.
        @inline(__always) func rows(_ row: Int, _ count: Int) {
            var s = Rows(), u = Rows(), m = Rows(), h = Rows(), c = Rows(), p = Rows()
            if count == 16 {
                func load(_ q: UnsafePointer<UInt8>) -> Rows { UnsafeRawPointer(q + row).loadUnaligned(as: Rows.self) }
                (s, u, m, h) = (load(settled), load(unsure), load(missing), load(holds))
                (c, p) = (load(unclaimed), load(picked))
            } else {
                for k in 0..<count {
                    (s[k], u[k], m[k], h[k]) = (settled[row + k], unsure[row + k], missing[row + k], holds[row + k])
                    (c[k], p[k]) = (unclaimed[row + k], picked[row + k])
                }
            }
            let isOpen = s ^ one
            let unknown = isOpen & (u | (m & some))
            let gone = isOpen & m & none  // in no class: nothing picked
            let take = isOpen & ((u | m) ^ one) & h
            let done = unknown | gone | take
            (s, c, p) = (s | done, c | unknown, p | (take &* marks))
            if count == 16 {
                func store(_ v: Rows, _ q: UnsafeMutablePointer<UInt8>) { UnsafeMutableRawPointer(q + row).storeBytes(of: v, as: Rows.self) }
                store(s, settled)
                store(c, unclaimed)
                store(p, picked)
            } else {
                for k in 0..<count { (settled[row + k], unclaimed[row + k], picked[row + k]) = (s[k], c[k], p[k]) }
            }
            taken &+= Int(done.wrappedSum())
        }
        var row = 0
        while row + 16 <= n {
            rows(row, 16)
            row += 16
        }
        if row < n { rows(row, n - row) }
        return taken
    }

    /// The rows batch code did not claim, one at a time through the row evaluator.
    private func evaluateUnclaimed(_ n: Int) {
        let r = results
        var k = 0
        for row in 0..<n {
            guard r.unclaimed[row] == 1 else {
                r.fallbackIndex[row] = -1
                continue
            }
            if k == r.fallbacks.count { r.fallbacks.append(Evaluation()) }
            evaluator.reset()
            batch.load(row: row, into: evaluator.activation)
            evaluator.evaluate(into: &r.fallbacks[k])
            batch.store(row: row, slots: computedSlots, from: evaluator.activation)
            r.fallbackIndex[row] = Int32(k)
            k += 1
        }
        fallbackRows = k
    }
}
