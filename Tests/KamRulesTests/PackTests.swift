import KamExpr
import KamRules
import KamSource
import Testing

/// A pack about something other than key accounts, to keep the engine honest.
let plantPack = """
{
  kind: "plant-care",
  id: "watering",
  version: "2.1",
  title: "How much to water",
  inputs: {
    soil_moisture_pct: { type: "number", unit: "%", min: 0, max: 100, question: "Soil moisture?" },
    sunny: { type: "bool", required: false, default: false },
    species: { type: "string", values: ["cactus", "fern", "tomato"], aliases: ["Plant type"], value_aliases: { "Kaktus": "cactus" } },
    pot_litres: { type: "number", min: 0, required: false },
  },
  derived: {
    thirst: "(100 - soil_moisture_pct) / 100 * (sunny ? 1.5 : 1)",
    big_pot: "pot_litres >= 10",
  },
  factors: [
    { id: "dryness", title: "Dry soil", bands: [
      { when: "soil_moisture_pct < 20", points: 40, because: "the soil is dry" },
      { when: "soil_moisture_pct < 50", points: 20, because: "the soil is drying" },
      { points: 0, because: "the soil is moist" },
    ] },
    { id: "thirst", title: "Thirst", max: 30, bands: [{ points: "min(30, thirst * 20)", because: "thirst from dryness and sun" }] },
    { id: "pot", title: "Pot size", bands: [{ when: "big_pot", points: 10, because: "a big pot holds water" }, { points: 0, because: "small pot" }] },
    { id: "kind", title: "Species", bands: [
      { when: "species == 'cactus'", points: -20, because: "cacti need little water" },
      { points: 20, because: "most plants like water" },
    ] },
  ],
  gates: [{ id: "flooded", when: "soil_moisture_pct > 95", outcome: "wait", because: "the pot is flooded" }],
  risks: [
    { id: "rot", title: "Root rot", when: "species == 'cactus' && soil_moisture_pct > 60", severity: "high", because: "wet cactus", mitigation: "let it dry" },
    { id: "drought", when: "soil_moisture_pct < 5", severity: "medium", because: "bone dry", mitigation: "soak the pot" },
    { id: "scorch", when: "sunny && score > 80", severity: "low", because: "hot and thirsty", mitigation: "shade at noon" },
  ],
  advantages: [{ id: "forgiving", title: "Forgiving", when: "species == 'cactus'", because: "a cactus survives neglect" }],
  advices: [
    { value: "water_now", min: 70, because: "thirsty" },
    { value: "water_soon", min: 40 },
    { value: "wait" },
  ],
  classifications: {
    urgency: [{ value: "high", when: "score >= 70" }, { value: "low" }],
  },
  tests: [
    { name: "dry fern in the sun", inputs: { soil_moisture_pct: 10, sunny: true, species: "fern", pot_litres: 12 },
      expect: { advice: "water_now", fired: ["dryness:1", "scorch"], not_fired: ["rot", "forgiving"], classes: { urgency: "high" },
                values: { big_pot: true } } },
    { name: "wet cactus", inputs: { soil_moisture_pct: 70, species: "cactus", pot_litres: 1 },
      expect: { advice: "wait", score: [-20, 10], fired: ["rot", "forgiving"] } },
    { name: "flooded", inputs: { soil_moisture_pct: 99, species: "fern", pot_litres: 1 }, expect: { advice: "wait", fired: ["flooded"] } },
    { name: "unknown pot", inputs: { soil_moisture_pct: 40, species: "tomato" }, expect: { missing: ["pot"], advice: "water_soon", values: { big_pot: null } } },
  ],
}
"""

struct PackTests {
    func pack() throws -> RulePack {
        let (pack, diagnostics) = load(plantPack)
        #expect(diagnostics.isEmpty, "\(DiagnosticRenderer.render(diagnostics))")
        return try #require(pack)
    }

    @Test func loadsEverySection() throws {
        let p = try pack()
        #expect(p.kind == "plant-care" && p.id == "watering" && p.version == "2.1")
        #expect(p.inputs.map(\.name) == ["soil_moisture_pct", "sunny", "species", "pot_litres"])
        #expect(p.inputs[2].kind == .choice(["cactus", "fern", "tomato"]))
        #expect(p.inputs[2].aliases == ["Plant type"])
        #expect(p.inputs[1].required == false && p.inputs[0].required)
        #expect(p.derived.map(\.name) == ["thirst", "big_pot"])
        #expect(p.factors.map(\.maximum) == [40, 30, 10, 20])
        #expect(p.maximumScore == 100)
        #expect(p.outcome.levels.map(\.value) == ["water_now", "water_soon", "wait"])
        #expect(p.hash == SHA256.hex(Array(plantPack.utf8)))
        #expect(p.slot(of: "season_length") != nil)
    }

    @Test func evaluatesWithATrace() throws {
        let p = try pack()
        let evaluator = Evaluator(p)
        let a = evaluator.activation
        a.setNumber(p.slot(of: "soil_moisture_pct")!, 30)
        a.setValue(p.slot(of: "species")!, .string("tomato"))
        a.setNumber(p.slot(of: "pot_litres")!, 20)
        let result = evaluator.evaluate()
        // dryness 20 (band 2), thirst 0.7 * 20 = 14, pot 10, species 20: 64.
        #expect(result.points == 64)
        #expect(result.score == 64)
        #expect(result.outcome(in: p) == "water_soon")
        let trace = Trace(p, result, a)
        #expect(trace.factors[0].band == 2)
        #expect(trace.factors[0].because == "the soil is drying")
        #expect(trace.factors[0].reads.map(\.name) == ["soil_moisture_pct"])
        #expect(trace.factors[1].reads.map(\.name) == ["thirst"])
        #expect(trace.packHash == p.hash)
        #expect(trace.classes.first?.value == "low")
    }

    @Test func aMissingOptionalInputIsReportedNotZeroed() throws {
        let p = try pack()
        let evaluator = Evaluator(p)
        evaluator.activation.setNumber(p.slot(of: "soil_moisture_pct")!, 30)
        evaluator.activation.setValue(p.slot(of: "species")!, .string("tomato"))
        let result = evaluator.evaluate()
        guard case .missing(let error) = result.factors[2] else {
            Issue.record("the pot factor should be missing, got \(result.factors[2])")
            return
        }
        #expect(error.kind == .missing(name: "pot_litres"))
        #expect(result.missingNames == ["pot_litres"])
        #expect(result.points == 54)
        #expect(result.confidence == 0.9)
        #expect(result.score == 60)  // 54 of the 90 answerable points, on the pack's 100-point scale
        #expect(!result.failed)
    }

    @Test func gatesOverrideTheScore() throws {
        let p = try pack()
        let evaluator = Evaluator(p)
        evaluator.activation.setNumber(p.slot(of: "soil_moisture_pct")!, 99)
        evaluator.activation.setValue(p.slot(of: "species")!, .string("fern"))
        evaluator.activation.setNumber(p.slot(of: "pot_litres")!, 1)
        let result = evaluator.evaluate()
        #expect(result.blockingGate == 0)
        #expect(result.outcome(in: p) == "wait")
    }

    @Test func evaluationErrorsNameTheRule() throws {
        let (pack, _) = load(plantPack.replacingOccurrences(of: "\"(100 - soil_moisture_pct) / 100", with: "\"(100 - soil_moisture_pct) / pot_litres"))
        let p = try #require(pack)
        let evaluator = Evaluator(p)
        evaluator.activation.setNumber(p.slot(of: "soil_moisture_pct")!, 30)
        evaluator.activation.setValue(p.slot(of: "species")!, .string("fern"))
        evaluator.activation.setNumber(p.slot(of: "pot_litres")!, 0)
        let result = evaluator.evaluate()
        #expect(result.failed)
        let error = try #require(result.errors.first)
        #expect(error.kind == .divisionByZero)
        #expect(error.notes == ["while computing derived value `thirst`", "in band 1 of factor `thirst`"])
        let location = try #require(error.diagnostic().location)
        #expect(location.line == 13)
    }

    @Test func theTestRunnerReportsResultsAndCoverage() throws {
        let report = PackTester.run(try pack())
        #expect(report.passed == 4, "\(report.outcomes.flatMap(\.failures))")
        #expect(report.unexercised == ["risk `drought`"])
    }

    @Test func aFailingTestSaysWhy() throws {
        let (pack, _) = load(plantPack.replacingOccurrences(of: "expect: { advice: \"wait\", fired: [\"flooded\"] }", with: "expect: { advice: \"water_now\", score: 50 }"))
        let report = PackTester.run(try #require(pack))
        #expect(report.failed == 1)
        let failures = report.outcomes.first { !$0.passed }!.failures
        #expect(failures.contains { $0.hasPrefix("advice: expected `water_now`, got `wait`") })
        #expect(failures.contains { $0.hasPrefix("score: expected 50, got ") })
    }

    @Test func aTestChecksDerivedValues() throws {
        let (pack, _) = load(plantPack.replacingOccurrences(of: "values: { big_pot: true }", with: "values: { big_pot: false, thirst: 1.35 }"))
        let report = PackTester.run(try #require(pack))
        let failures = report.outcomes.first { !$0.passed }?.failures ?? []
        #expect(failures == ["`big_pot`: expected false, got true"])
        let (_, diagnostics) = load(plantPack.replacingOccurrences(of: "values: { big_pot: true }", with: "values: { big_pt: true, sunny: 1 }"))
        let messages = diagnostics.map(\.message)
        #expect(messages.contains { $0.contains("expects a value of `big_pt`, which is no derived value") })
        #expect(messages.contains { $0.contains("expects a value of `sunny`, which is no derived value") })
    }

    @Test func choicesAreReadByTheirOtherNamesAndRegardlessOfCase() throws {
        let species = try pack().inputs[2]
        #expect(species.canonical("KAKTUS") == "cactus")
        #expect(species.canonical("Fern") == "fern")
        #expect(species.canonical("to-mato") == "tomato")
        #expect(species.canonical("rose") == "rose")
        #expect(species.problem(with: .string("rose"))?.contains("or another name the pack's `value_aliases` give them") == true)
        let (_, diagnostics) = load(plantPack.replacingOccurrences(of: "value_aliases: { \"Kaktus\": \"cactus\" }",
                                                                    with: "value_aliases: { \"Kaktus\": \"cactus\", \"KAKTUS\": \"fern\", \"Rose\": \"rose\" }"))
        let messages = diagnostics.map(\.message)
        #expect(messages.contains("the alias `KAKTUS` of input `species` already stands for `cactus`"), "\(messages)")
        #expect(messages.contains("the alias `Rose` of input `species` must name one of its values"), "\(messages)")
    }

    @Test func inputsCheckTheirValues() throws {
        let p = try pack()
        #expect(p.inputs[0].problem(with: .number(120)) == "`soil_moisture_pct` is 120; the highest accepted is 100")
        #expect(p.inputs[2].problem(with: .string("fren")) == "`species` is \"fren\"; expected one of `cactus`, `fern`, `tomato` (or another name the pack's `value_aliases` give them); did you mean `fern`?")
        #expect(p.inputs[1].problem(with: .number(1)) == "`sunny` must be true or false, found number")
        #expect(p.inputs[0].problem(with: .number(50)) == nil)
    }
}

extension PackTests {
    /// A batch reuses one `Evaluation` for every row: the advantages of earlier rows must not
    /// pile up in front of this one's.
    @Test func aReusedEvaluationHoldsOnlyThisRowsAdvantages() throws {
        let p = try pack()
        let evaluator = Evaluator(p)
        var result = Evaluation()
        for species in ["cactus", "fern", "cactus"] {
            evaluator.reset()
            evaluator.setNumber(p.slot(of: "soil_moisture_pct")!, 30)
            evaluator.setValue(p.slot(of: "species")!, .string(species))
            evaluator.evaluate(into: &result)
            #expect(result.advantages == [species == "cactus" ? .fired : .clear])
        }
    }
}
