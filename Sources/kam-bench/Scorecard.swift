import Foundation
import KamAdvisor
import KamExpr
import KamRules
import KamSource

/// The compile step's gain: a ten-factor scorecard evaluated row after row, once through the
/// compiled closures (what `kam` runs) and once by walking each expression's syntax tree
/// (the reference interpreter), on the same pack and the same rows.
enum ScorecardBenchmark {
    static let pack = """
        {
          kind: "account-scoring", id: "bench-scorecard", version: "1", title: "Ten-factor scorecard",
          inputs: {
            revenue: { type: "number" }, margin: { type: "number" }, cost: { type: "number" },
            growth: { type: "number" }, wallet: { type: "number" }, central: { type: "bool" },
            sites: { type: "number" }, people: { type: "number" }, years: { type: "number" },
            fit: { type: "number" }, stage: { type: "string" },
          },
          derived: { net_margin: "(revenue * margin - cost) / revenue", headroom: "1 - revenue / wallet" },
          factors: [
            { id: "size", title: "Size", bands: [
              { when: "revenue >= 1000000", points: 30, because: "a" }, { when: "revenue >= 250000", points: 20, because: "b" },
              { when: "revenue >= 50000", points: 10, because: "c" }, { points: 0, because: "d" } ] },
            { id: "growth", title: "Growth", bands: [
              { when: "growth >= 0.2", points: 15, because: "a" }, { when: "growth >= 0.05", points: 10, because: "b" },
              { when: "growth >= 0", points: 5, because: "c" }, { points: 0, because: "d" } ] },
            { id: "margin", title: "Net margin", bands: [
              { when: "net_margin >= 0.25", points: 15, because: "a" }, { when: "net_margin >= 0.1", points: 8, because: "b" },
              { when: "net_margin >= 0", points: 3, because: "c" }, { points: 0, because: "d" } ] },
            { id: "central", title: "Central buying", bands: [{ when: "central", points: 10, because: "a" }, { points: 0, because: "b" }] },
            { id: "headroom", title: "Headroom", bands: [
              { when: "headroom >= 0.5", points: 10, because: "a" }, { when: "headroom >= 0.2", points: 5, because: "b" },
              { points: 0, because: "c" } ] },
            { id: "fit", title: "Fit", max: 10, bands: [{ points: "fit * 2", because: "a" }] },
            { id: "complexity", title: "Complexity", bands: [
              { when: "people >= 6 || sites >= 5", points: 5, because: "a" }, { points: 0, because: "b" } ] },
            { id: "tenure", title: "Tenure", bands: [{ when: "years >= 3", points: 5, because: "a" }, { points: 0, because: "b" }] },
            { id: "stage", title: "Stage", bands: [
              { when: "stage in ['interdependent', 'integrated']", points: 5, because: "a" },
              { when: "stage == 'disintegrating'", points: -5, because: "b" }, { points: 0, because: "c" } ] },
            { id: "value", title: "Value per site", max: 5, bands: [{ points: "min(5, round(revenue / max(sites, 1) / 100000))", because: "a" }] },
          ],
          tiers: [{ value: "key", min: 70 }, { value: "potential", min: 50 }, { value: "develop", min: 30 }, { value: "transactional" }],
        }
        """

    static func run(rows: Int) -> String {
        let (loaded, diagnostics) = PackLoader.load(SourceFile(path: "bench-scorecard.json5", text: pack), profiles: PackProfiles.all)
        guard let pack = loaded else { fatalError(DiagnosticRenderer.render(diagnostics)) }
        let evaluator = Evaluator(pack)
        let a = evaluator.activation
        var random = SplitMix64(seed: 42)
        let slots = ["revenue", "margin", "cost", "growth", "wallet", "central", "sites", "people", "years", "fit", "stage"]
            .map { pack.slot(of: $0)! }
        let stages = ["exploratory", "basic", "cooperative", "interdependent", "integrated", "disintegrating"]
        // A pool of rows, reused cyclically so that generating values is not what is measured.
        let pool = (0..<4096).map { _ -> [Value] in
            let revenue = 1000 * pow(1 / max(random.unit(), 1e-9), 0.8)
            return [
                .number(revenue), .number(0.05 + 0.55 * random.unit()), .number(revenue * 0.1 * random.unit()),
                .number(-0.5 + 1.5 * random.unit()), .number(revenue * (1 + 3 * random.unit())), .bool(random.unit() < 0.3),
                .number(Double(1 + Int(random.unit() * 200))), .number(Double(1 + Int(random.unit() * 30))),
                .number(40 * random.unit()), .number(Double(1 + Int(random.unit() * 5))), .string(stages[Int(random.unit() * 6)]),
            ]
        }
        // Typed setters, as the batch scorer fills a row from CSV fields.
        func load(_ row: [Value]) {
            for (slot, value) in zip(slots, row) {
                switch value {
                case .number(let x): a.setNumber(slot, x)
                case .bool(let b): a.setBool(slot, b)
                default: a.setValue(slot, value)
                }
            }
        }

        // Compiled: the evaluator kam runs.
        var result = Evaluation()
        var compiledSum = 0.0
        let compiledTime = Stopwatch.measure {
            for i in 0..<rows {
                load(pool[i & 4095])
                evaluator.evaluate(into: &result)
                compiledSum += result.score
            }
        }

        // Tree walk: the same first-band-wins logic, each expression interpreted.
        let derived = pack.derived.map { ($0.slot, $0.expression.interpreter) }
        let factors = pack.factors.map { factor in
            factor.bands.map { band -> (TreeInterpreter?, Band.Points, TreeInterpreter?) in
                if case .expression(let e) = band.points { return (band.when?.interpreter, band.points, e.interpreter) }
                return (band.when?.interpreter, band.points, nil)
            }
        }
        var walkedSum = 0.0
        let walkedTime = Stopwatch.measure {
            for i in 0..<rows {
                load(pool[i & 4095])
                for (slot, interpreter) in derived {
                    if let v = try? interpreter.evaluate(a) { a.setValue(slot, v) } else { a.setMissing(slot) }
                }
                var total = 0.0
                for bands in factors {
                    for (when, points, expression) in bands {
                        if let when, case .bool(false)? = try? when.evaluate(a) { continue }
                        switch points {
                        case .constant(let x): total += x
                        case .expression: if case .number(let x)? = try? expression!.evaluate(a) { total += x }
                        }
                        break
                    }
                }
                walkedSum += total
            }
        }
        precondition(compiledSum == walkedSum, "the two paths disagree: \(compiledSum) vs \(walkedSum)")
        let compiledRate = Double(rows) / compiledTime, walkedRate = Double(rows) / walkedTime
        return """
            scorecard: 10 factors, 2 derived values, \(rows) rows (checksum \(NumberFormat.shortest(compiledSum)))
              compiled closures  \(Format.rate(compiledRate)) evaluations/s  (\(Format.nanos(compiledTime / Double(rows))) per row)
              AST walk           \(Format.rate(walkedRate)) evaluations/s  (\(Format.nanos(walkedTime / Double(rows))) per row)
              gain               \(String(format: "%.1f", compiledRate / walkedRate))x

            """
    }
}
