import KamExpr

/// What a `BatchEvaluator` found for its rows, column by column (a factor's chosen bands and
/// points, each rule's fired flags), and the results of the rows the row evaluator took.
/// Allocated once for the batch's capacity and reused, so evaluating a batch allocates
/// nothing once the first has grown the list of row results.
final class BatchResults {
    let capacity: Int
    /// Per row: bit 0 set when the row evaluator takes it, bit 1 when it is skipped.
    let unclaimed: UnsafeMutablePointer<UInt8>
    let skipped: UnsafeMutablePointer<UInt8>
    /// Which rows a loop over bands or options has settled.
    let scratch: UnsafeMutablePointer<UInt8>
    /// The band or option each row took in a window of them (`firstHolding`).
    let picked: UnsafeMutablePointer<UInt8>
    /// Factor `f`'s column starts at `f * capacity` (likewise for rules and classifications).
    let bands: UnsafeMutablePointer<Int32>
    let points: UnsafeMutablePointer<Double>
    let totals: UnsafeMutablePointer<Double>
    let answered: UnsafeMutablePointer<Double>
    let scores: UnsafeMutablePointer<Double>
    let confidences: UnsafeMutablePointer<Double>
    let levels: UnsafeMutablePointer<Int32>
    let blocking: UnsafeMutablePointer<Int32>
    let gates: UnsafeMutablePointer<UInt8>
    let risks: UnsafeMutablePointer<UInt8>
    let advantages: UnsafeMutablePointer<UInt8>
    /// The chosen option, -1 for none.
    let classes: UnsafeMutablePointer<Int32>
    /// Per row: its place in `fallbacks`, or -1 when batch code computed it.
    let fallbackIndex: UnsafeMutablePointer<Int32>
    var fallbacks: [Evaluation] = []

    /// How many factors the pack has: the columns of `bands` and `points`.
    let factors: Int

    init(_ pack: RulePack, capacity: Int) {
        self.capacity = capacity
        factors = pack.factors.count
        func column<T>(_ columns: Int, _ initial: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(columns * capacity, 1))
            p.initialize(repeating: initial, count: max(columns * capacity, 1))
            return p
        }
        unclaimed = column(1, 0)
        skipped = column(1, 0)
        scratch = column(1, 0)
        picked = column(1, 0)
        // A valid band index in every cell, even of rows no band was chosen for.
        bands = column(pack.factors.count, 0)
        points = column(pack.factors.count, 0)
        totals = column(1, 0)
        answered = column(1, 0)
        scores = column(1, 0)
        confidences = column(1, 0)
        levels = column(1, 0)
        blocking = column(1, -1)
        gates = column(pack.gates.count, 0)
        risks = column(pack.risks.count, 0)
        advantages = column(pack.advantages.count, 0)
        classes = column(pack.classifications.count, -1)
        fallbackIndex = column(1, -1)
    }

    deinit {
        for p in [unclaimed, skipped, scratch, picked, gates, risks, advantages] { p.deallocate() }
        for p in [bands, levels, blocking, classes, fallbackIndex] { p.deallocate() }
        for p in [points, totals, answered, scores, confidences] { p.deallocate() }
    }
    /// A gate's, risk's or advantage's byte: 0 clear, 1 fired, 2 unknown.
    static func check(_ byte: UInt8) -> Evaluation.Check { byte == 1 ? .fired : byte == 2 ? .unknown : .clear }
}

extension BatchEvaluator {
    /// Row `row`'s result, as `Evaluator.evaluate(into:)` gives it for the same values, into
    /// `result` (whose storage is reused).
    public func evaluation(row: Int, into result: inout Evaluation) {
        precondition(row >= 0 && row < count && results.skipped[row] == 0, "row \(row) was not evaluated")
        let r = results
        let k = Int(r.fallbackIndex[row])
        if k >= 0 {
            result.copy(r.fallbacks[k])
            return
        }
        result.reset()
        for f in maxima.indices {
            let cell = f * capacity + row
            result.factors.append(.scored(band: Int(r.bands[cell]), points: r.points[cell]))
        }
        result.points = r.totals[row]
        result.answeredMaximum = r.answered[row]
        result.confidence = r.confidences[row]
        result.score = r.scores[row]
        for g in pack.gates.indices { result.gates.append(BatchResults.check(r.gates[g * capacity + row])) }
        result.blockingGate = r.blocking[row] < 0 ? nil : Int(r.blocking[row])
        for k in pack.risks.indices { result.risks.append(BatchResults.check(r.risks[k * capacity + row])) }
        for k in pack.advantages.indices { result.advantages.append(BatchResults.check(r.advantages[k * capacity + row])) }
        result.level = Int(r.levels[row])
        for c in pack.classifications.indices {
            let option = r.classes[c * capacity + row]
            result.classes.append(option < 0 ? nil : Int(option))
        }
    }

    public func evaluation(row: Int) -> Evaluation {
        var result = Evaluation()
        evaluation(row: row, into: &result)
        return result
    }

    /// Whether the row evaluator computed this row (batch code left it uncertain).
    public func wasEvaluatedAlone(row: Int) -> Bool {
        precondition(row >= 0 && row < count, "row \(row) was not evaluated")
        return results.fallbackIndex[row] >= 0
    }

    /// A slot's value in a row after `evaluate(count:)`: an input as set (or its default), a
    /// derived value, the score; nil when it has none.
    public func value(_ slot: Int, row: Int, as type: ExprType) -> Value? {
        precondition(row >= 0 && row < capacity, "row \(row) is outside the batch")
        return batch.value(slot, row, as: type)
    }

    /// The slot's value read as its declared type.
    public func value(_ slot: Int, row: Int) -> Value? {
        value(slot, row: row, as: pack.declarations.variables[slot].type)
    }
}

extension Evaluation {
    /// Becomes `other`, keeping this one's storage.
    mutating func copy(_ other: Evaluation) {
        reset()
        factors.append(contentsOf: other.factors)
        gates.append(contentsOf: other.gates)
        risks.append(contentsOf: other.risks)
        advantages.append(contentsOf: other.advantages)
        classes.append(contentsOf: other.classes)
        errors.append(contentsOf: other.errors)
        points = other.points
        answeredMaximum = other.answeredMaximum
        score = other.score
        confidence = other.confidence
        level = other.level
        blockingGate = other.blockingGate
    }
}
