import Foundation
import KamExpr
import KamRules
import KamSource
import KamTestSupport
import Testing

/// Property: the batch evaluator gives, row for row, what the row evaluator gives on the same
/// values (every field of `Evaluation`, numbers by bit pattern, and every slot's value after),
/// on the bundled packs, the benchmark pack and packs of random expressions, over random rows
/// with missing values, NaN, infinities, negative zero and extremes.
struct BatchEvaluatorTests {
    /// The profiles the bundled packs are written for, as far as the engine is concerned.
    static let profiles = testProfiles + [
        PackProfile(kind: "account-scoring", outcomeName: "tier", context: [
            "share", "rank", "percentile", "cumulative_share_before", "portfolio_total", "portfolio_accounts", "portfolio_hhi",
            "portfolio_gini",
        ].map { .init($0, .number, "a portfolio figure") }, extraKeys: ["portfolio", "report"], rowsCombine: true),
        PackProfile(kind: "skills", outcomeName: "profile", extraKeys: ["guidance"]),
    ]

    static let packFiles = ["rules/accounts.json5", "rules/suitability.json5", "rules/skills.json5", "fixtures/bench/kam-bench-v1.json5"]

    static func pack(_ path: String) throws -> RulePack {
        let url = TestPaths.packageRoot.appending(path: path)
        let file = SourceFile(path: path, bytes: Array(try Data(contentsOf: url)))
        let (pack, diagnostics) = PackLoader.load(file, profiles: profiles)
        return try #require(pack, "\(DiagnosticRenderer.render(diagnostics))")
    }

    /// Whether batch code claims rows of the pack: all do, `accounts.json5` since batch code
    /// computes the texts of its derived values (`stage`); before, all its rows went to the
    /// row evaluator.
    static let claims = ["rules/accounts.json5": true, "rules/suitability.json5": true, "rules/skills.json5": true,
                         "fixtures/bench/kam-bench-v1.json5": true]

    @Test(arguments: packFiles)
    func batchAgreesWithTheRowEvaluatorOnRandomRows(_ path: String) throws {
        let pack = try Self.pack(path)
        var rows = RowGenerator(pack, rng: SplitMix64(seed: UInt64(path.utf8.count)))
        let (compared, alone) = compare(pack, batches: 6, capacity: 97) { rows.next(missing: 0.1) }
        #expect(compared == 5 * 97 + 49)
        // Both paths are exercised, so agreement is not that of one path with itself.
        #expect(alone > 0)
        #expect((alone < compared) == Self.claims[path], "\(alone) of \(compared) rows were evaluated alone")
    }

    @Test func theBenchmarkPackRunsInBatchCodeWhenEveryValueIsPresent() throws {
        let pack = try Self.pack("fixtures/bench/kam-bench-v1.json5")
        var rows = RowGenerator(pack, rng: SplitMix64(seed: 7))
        let (compared, alone) = compare(pack, batches: 3, capacity: 512) { rows.benchmarkRow() }
        #expect(compared == 2 * 512 + 257)
        #expect(alone == 0, "\(alone) fully answered rows fell back to the row evaluator")
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func packsOfRandomExpressionsAgree(_ seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var loaded = 0, claimed = 0, total = 0
        for _ in 0..<25 {
            var generator = RandomPack(rng: rng)
            let text = generator.text()
            rng = generator.rng
            let (pack, diagnostics) = load(text)
            guard let pack else {
                Issue.record("a generated pack did not load:\n\(text)\n\(DiagnosticRenderer.render(diagnostics))")
                continue
            }
            loaded += 1
            var rows = RowGenerator(pack, rng: rng)
            let (compared, alone) = compare(pack, batches: 2, capacity: 64) { rows.next(missing: 0.08) }
            rng = rows.rng
            claimed += compared - alone
            total += compared
        }
        #expect(loaded == 25)
        // Batch code claims a good part of the rows, so the comparison tests it.
        #expect(claimed > total / 6, "batch code claimed \(claimed) of \(total) rows")
    }

    /// A factor's bands and a classification's options are picked in windows of 255 (a
    /// byte's worth): a pick past the first window must come out as the row evaluator's.
    @Test func morePicksThanAByteHoldAgree() throws {
        let bands = (0..<600).map { "{ when: \"x >= \(600 - $0)\", points: \($0 % 10), because: \"b\" }" }
        let options = (0..<300).map { "{ value: \"v\($0)\", when: \"x < \(2 * $0 + 1)\" }" }
        let (pack, diagnostics) = load("""
            {
              kind: "plant-care", id: "many", version: "1", title: "Many",
              inputs: { x: { type: "number", min: 0, max: 700 } },
              factors: [{ id: "f", title: "F", max: 10, bands: [\(bands.joined(separator: ", ")), { points: 0, because: "none" }] }],
              advices: [{ value: "high", min: 5 }, { value: "wait" }],
              classifications: { c: [\(options.joined(separator: ", ")), { value: "rest" }] },
            }
            """)
        let loaded = try #require(pack, "\(DiagnosticRenderer.render(diagnostics))")
        var rows = RowGenerator(loaded, rng: SplitMix64(seed: 255))
        let (compared, alone) = compare(loaded, batches: 4, capacity: 97) { rows.next(missing: 0.1) }
        #expect(alone < compared / 2, "\(alone) of \(compared) rows were evaluated alone")
        // Rows picked past the first window, in both lists.
        let batch = BatchEvaluator(loaded, capacity: 2)
        batch.reset()
        batch.setNumber(loaded.slot(of: "x")!, 0, 40)
        batch.setNumber(loaded.slot(of: "x")!, 1, 590)
        batch.evaluate(count: 2)
        var result = Evaluation()
        batch.evaluation(row: 0, into: &result)
        #expect(!batch.wasEvaluatedAlone(row: 0))
        #expect(band(result) == 560 && result.classes == [20])
        batch.evaluation(row: 1, into: &result)
        #expect(band(result) == 10 && result.classes == [295])
    }

    private func band(_ result: Evaluation) -> Int? {
        if case .scored(let band, _) = result.factors[0] { return band }
        return nil
    }

    @Test func aCopyEvaluatesAloneAndAlike() throws {
        let pack = try Self.pack("fixtures/bench/kam-bench-v1.json5")
        let original = Evaluator(pack)
        let copy = original.copy()
        #expect(copy.pack.derived[0].expression !== original.pack.derived[0].expression)
        var rows = RowGenerator(pack, rng: SplitMix64(seed: 11))
        var a = Evaluation(), b = Evaluation()
        for _ in 0..<200 {
            let row = rows.next(missing: 0.1)
            for evaluator in [original, copy] {
                evaluator.reset()
                for (slot, value) in row { set(evaluator, slot, value) }
            }
            original.evaluate(into: &a)
            copy.evaluate(into: &b)
            #expect(describe(a) == describe(b))
        }
    }

    @Test func skippedRowsAreNotEvaluated() throws {
        let pack = try Self.pack("fixtures/bench/kam-bench-v1.json5")
        let batch = BatchEvaluator(pack, capacity: 8)
        batch.reset()
        // Nothing answered: every row would go to the row evaluator, except the skipped ones.
        for row in [1, 4, 6] { batch.skip(row: row) }
        batch.evaluate(count: 8)
        #expect(batch.fallbackRows == 5)
        batch.reset()
        batch.evaluate(count: 8)
        #expect(batch.fallbackRows == 8)
    }

    /// Fills `batches` batches of `capacity` rows (the last one short) from `row`, and
    /// compares each row's result and values with the row evaluator's. Returns the rows
    /// compared and how many of them the batch evaluated alone.
    func compare(_ pack: RulePack, batches: Int, capacity: Int, _ row: () -> [(Int, Value)]) -> (Int, Int) {
        let batch = BatchEvaluator(pack, capacity: capacity)
        let evaluator = Evaluator(pack)
        var expected = Evaluation(), actual = Evaluation()
        var compared = 0, alone = 0
        for b in 0..<batches {
            let count = b == batches - 1 ? capacity / 2 + 1 : capacity
            let rows = (0..<count).map { _ in row() }
            batch.reset()
            for (r, values) in rows.enumerated() {
                for (slot, value) in values { set(batch, slot, r, value) }
            }
            batch.evaluate(count: count)
            for (r, values) in rows.enumerated() {
                evaluator.reset()
                for (slot, value) in values { set(evaluator, slot, value) }
                evaluator.evaluate(into: &expected)
                batch.evaluation(row: r, into: &actual)
                let path = batch.wasEvaluatedAlone(row: r) ? "row" : "batch"
                #expect(describe(actual) == describe(expected), "\(pack.id), \(path) path, values \(values)")
                #expect(readInPlace(batch.result(row: r), pack) == readInPlace(expected, pack), "\(pack.id), \(path) path, read in place")
                for variable in pack.declarations.variables {
                    let (x, y) = (batch.value(variable.slot, row: r), evaluator.value(variable.slot))
                    #expect(same(x, y), "\(pack.id): `\(variable.name)` is \(String(describing: x)) in the batch, \(String(describing: y)) alone")
                }
                compared += 1
                if batch.wasEvaluatedAlone(row: r) { alone += 1 }
            }
            #expect(batch.fallbackRows == rows.indices.filter { batch.wasEvaluatedAlone(row: $0) }.count)
        }
        return (compared, alone)
    }
}

/// What renderers and tallies read of a result, numbers as bit patterns: a batch row read in
/// place must give what its `Evaluation` gives. Its reasons are asked for one to four at a
/// time: the score table asks for one, the renderers for three.
func readInPlace(_ r: some ScoredResult, _ pack: RulePack) -> String {
    var reasons: [String] = []
    for count in 1...4 {
        r.forEachTopReason(count: count) { reasons.append("\($0):\($1)") }
        reasons.append("|")
    }
    let classes = pack.classifications.indices.map { r.option($0).map(String.init) ?? "-" }
    var text = "\(r.score.bitPattern) \(r.confidence.bitPattern) \(r.level) \(r.blockingGate ?? -1) \(classes) \(reasons)"
    if let row = r as? BatchEvaluator.RowResult {
        text += " \(pack.risks.indices.map { row.risk($0) }) \(row.failed) \(row.errors.map(\.message))"
    } else if let e = r as? Evaluation {
        text += " \(e.risks) \(e.failed) \(e.errors.map(\.message))"
    }
    return text
}

/// Typed setters, as a scorer fills a row from its cells.
func set(_ e: Evaluator, _ slot: Int, _ value: Value) {
    switch value {
    case .number(let x): e.setNumber(slot, x)
    case .bool(let b): e.setBool(slot, b)
    default: e.setValue(slot, value)
    }
}

func set(_ e: BatchEvaluator, _ slot: Int, _ row: Int, _ value: Value) {
    switch value {
    case .number(let x): e.setNumber(slot, row, x)
    case .bool(let b): e.setBool(slot, row, b)
    default: e.setValue(slot, row, value)
    }
}

func same(_ a: Value?, _ b: Value?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (.number(let x)?, .number(let y)?): return x.bitPattern == y.bitPattern
    case (let x?, let y?): return x.celEquals(y)
    default: return false
    }
}

/// Every field of an evaluation, numbers as bit patterns, errors with kind, message, place
/// and notes: two evaluations are the same when their descriptions are.
func describe(_ e: Evaluation) -> String {
    func bits(_ x: Double) -> String { String(x.bitPattern, radix: 16) }
    func error(_ e: EvalError) -> String { "\(e.kind) \(e.message) @\(String(describing: e.span)) \(e.notes)" }
    let factors = e.factors.map { f -> String in
        switch f {
        case .scored(let band, let points): "scored \(band) \(bits(points))"
        case .missing(let e): "missing " + error(e)
        case .failed(let e): "failed " + error(e)
        }
    }
    return """
        factors \(factors)
        gates \(e.gates) risks \(e.risks) advantages \(e.advantages) classes \(e.classes)
        points \(bits(e.points)) answered \(bits(e.answeredMaximum)) score \(bits(e.score)) confidence \(bits(e.confidence))
        level \(e.level) blocking \(String(describing: e.blockingGate))
        errors \(e.errors.map(error))
        """
}
