import KamExpr

extension BatchEvaluator {
    /// Row `row`'s result read where it lies, in the batch's columns or, for a row the row
    /// evaluator took, in its `Evaluation`: what `evaluation(row:)` gives, without building it.
    /// Valid until the batch is reset or evaluated again.
    public struct RowResult: ScoredResult {
        unowned(unsafe) let evaluator: BatchEvaluator
        /// The evaluator's results, held here too: read through the evaluator, each access
        /// retained and released them, several times a row.
        unowned(unsafe) let results: BatchResults
        public let row: Int
        /// The row's place among the row evaluator's results, -1 when batch code computed it.
        let fallback: Int

        private var alone: Evaluation { results.fallbacks[fallback] }

        public var score: Double { fallback < 0 ? results.scores[row] : alone.score }
        public var confidence: Double { fallback < 0 ? results.confidences[row] : alone.confidence }
        public var level: Int { fallback < 0 ? Int(results.levels[row]) : alone.level }

        public var blockingGate: Int? {
            guard fallback < 0 else { return alone.blockingGate }
            let gate = results.blocking[row]
            return gate < 0 ? nil : Int(gate)
        }

        public func option(_ c: Int) -> Int? {
            guard fallback < 0 else { return alone.classes[c] }
            let option = results.classes[c * results.capacity + row]
            return option < 0 ? nil : Int(option)
        }

        public func forEachTopReason(count: Int, _ body: (_ factor: Int, _ band: Int) -> Void) {
            guard fallback < 0 else { return alone.forEachTopReason(count: count, body) }
            let r = results, capacity = r.capacity, row = self.row
            TopReasons.pick(count: count, factors: r.factors, { f in
                (Int(r.bands[f * capacity + row]), r.points[f * capacity + row])
            }, body)
        }

        /// Whether risk `k` fired, was clear, or could not be decided.
        public func risk(_ k: Int) -> Evaluation.Check {
            guard fallback < 0 else { return alone.risks[k] }
            return BatchResults.check(results.risks[k * results.capacity + row])
        }

        /// Errors other than missing values: batch code claims no row that has one.
        public var errors: [EvalError] { fallback < 0 ? [] : alone.errors }
        public var failed: Bool { fallback >= 0 && alone.failed }

        /// The whole `Evaluation`, for a row kept past its batch.
        public func evaluation() -> Evaluation { evaluator.evaluation(row: row) }
    }

    /// Row `row`'s result, read in place; the row must have been evaluated, not skipped.
    public func result(row: Int) -> RowResult {
        precondition(row >= 0 && row < count && results.skipped[row] == 0, "row \(row) was not evaluated")
        return RowResult(evaluator: self, results: results, row: row, fallback: Int(results.fallbackIndex[row]))
    }
}
