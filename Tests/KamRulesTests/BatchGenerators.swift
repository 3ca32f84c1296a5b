import KamExpr
import KamRules
import KamTestSupport

/// Random rows for a pack: each input or host figure missing now and then, numbers often at
/// the edges (NaN, infinities, -0, the largest and smallest doubles, the declared bounds).
struct RowGenerator {
    var rng: SplitMix64
    let slots: [(slot: Int, name: String, input: Input?, type: ExprType)]

    init(_ pack: RulePack, rng: SplitMix64) {
        self.rng = rng
        slots = pack.declarations.variables.compactMap { v in
            if let input = pack.input(named: v.name) { return (v.slot, v.name, input, v.type) }
            if pack.context.contains(where: { $0.name == v.name }) { return (v.slot, v.name, nil, v.type) }
            return nil
        }
    }

    mutating func unit() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }

    mutating func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }

    static let edges: [Double] = [
        0, -0.0, 1, -1, 0.5, 2, 3, 5, 10, 100, 1e6, .nan, .infinity, -.infinity, 1e308, -1e308, 5e-324, -5e-324,
        .greatestFiniteMagnitude,
    ]

    mutating func number(_ input: Input?) -> Double {
        if unit() < 0.25 { return pick(Self.edges) }
        let low = input?.minimum ?? -1000, high = input?.maximum ?? max(low, 0) + 1e6 * unit()
        switch rng.next() % 8 {
        case 0: return low
        case 1: return high
        case 2: return (low + (high - low) * unit()).rounded()
        default: return low + (high - low) * unit()
        }
    }

    mutating func next(missing: Double) -> [(Int, Value)] {
        var row: [(Int, Value)] = []
        for (slot, _, input, type) in slots where unit() >= missing {
            switch (input?.kind, type) {
            case (.bool?, _), (nil, .bool): row.append((slot, .bool(rng.next() & 1 == 0)))
            case (.choice(let values)?, _):
                row.append((slot, .string(unit() < 0.85 ? pick(values) : pick(["", "Жук", "BASIC", "other"]))))
            case (.string?, _): row.append((slot, .string(pick(["", "a", "A0000001", "Ромашка", "basic", "cactus"]))))
            default: row.append((slot, .number(number(input))))
            }
        }
        return row
    }

    /// A fully answered, plausible row of the benchmark pack (kam-bench-v1's ranges).
    mutating func benchmarkRow() -> [(Int, Value)] {
        var row: [(Int, Value)] = []
        let revenue = 1 + 1e7 * unit()
        for (slot, name, input, _) in slots {
            let value: Value
            switch name {
            case "annual_revenue": value = .number(revenue)
            case "cost_to_serve": value = .number(revenue * 0.3 * unit())
            case "wallet_size": value = .number(revenue * (1 + 3 * unit()))
            case "share", "cumulative_share_before", "percentile": value = .number(unit())
            default:
                switch input?.kind {
                case .bool?: value = .bool(rng.next() & 1 == 0)
                case .choice(let values)?: value = .string(pick(values))
                case .string?: value = .string("A\(rng.next() % 100_000)")
                default:
                    let low = input?.minimum ?? 0, high = input?.maximum ?? 1000
                    value = .number((low + (high - low) * unit()).rounded())
                }
            }
            row.append((slot, value))
        }
        return row
    }
}

/// A `plant-care` pack of random expressions: derived values, bands (conditions and
/// computed points), a gate, a risk that reads the score, an advantage and a classification.
/// Mostly what batch code vectorises, with some of what it does not (`size`, `startsWith`,
/// ordering of texts) so that both paths and their mixture are exercised.
struct RandomPack {
    var rng: SplitMix64
    /// Whether the derived values may be read (not while writing the first of them).
    var derived = true
    /// Whether the derived text `t` may be read (not while writing it or those before it).
    var texts = false

    mutating func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }

    mutating func number(_ depth: Int) -> String {
        if depth == 0 || rng.next() % 4 == 0 {
            return pick(["x", "y", "z", derived ? "m" : "x", "season_length", "0", "1", "-0", "0.5", "2", "-3", "1e308", "0.1", "100"])
        }
        let d = depth - 1
        switch rng.next() % 12 {
        case 0, 1: return "(\(number(d)) \(pick(["+", "-", "*", "/", "%"])) \(number(d)))"
        case 2: return "(\(number(d)) \(pick(["*", "/"])) \(pick(["0.5", "2", "-1", "0", "1e-300"])))"
        case 3: return "-\(number(d))"
        case 4: return "\(pick(["min", "max"]))(\(number(d)), \(number(d))\(rng.next() % 2 == 0 ? ", \(number(d))" : ""))"
        case 5: return "\(pick(["abs", "floor", "ceil", "round", "int", "double"]))(\(number(d)))"
        case 6: return "(\(bool(d)) ? \(number(d)) : \(number(d)))"
        case 7: return rng.next() % 8 == 0 ? "size(s)" : number(d)
        default: return number(0)
        }
    }

    mutating func bool(_ depth: Int) -> String {
        if depth == 0 || rng.next() % 5 == 0 { return pick(["p", "q", "true", "false", derived ? "ok" : "p"]) }
        let d = depth - 1
        switch rng.next() % 12 {
        case 0, 1, 2: return "(\(number(d)) \(pick(["<", "<=", ">", ">=", "==", "!="])) \(number(d)))"
        case 3: return "!\(bool(d))"
        case 4, 5: return "(\(bool(d)) \(pick(["&&", "||"])) \(bool(d)))"
        case 6: return "(\(texts ? pick(["s", "t"]) : "s") \(pick(["==", "!="])) \(pick(["'cactus'", "'fern'", "''", "1"])))"
        case 7: return "(\(pick(["s", "x", "p", texts ? "t" : "s"])) in \(pick(["['cactus', 'fern']", "[1, 2.5, -0]", "[true]", "[]"])))"
        case 8: return rng.next() % 8 == 0 ? "(s.startsWith('c'))" : bool(d)
        case 9: return "(\(bool(d)) ? \(bool(d)) : \(bool(d)))"
        case 10: return "(p \(pick(["==", "!="])) \(bool(d)))"
        default: return rng.next() % 8 == 0 ? "(s < 'f')" : "(\(number(d)) > 1)"
        }
    }

    /// A text: a constant, the choice `s`, a condition's pick, or one the batch code leaves to
    /// the row evaluator (a concatenation).
    mutating func phrase(_ depth: Int) -> String {
        if depth == 0 || rng.next() % 3 == 0 { return pick(["s", "'fern'", "'cactus'", "''", "s"]) }
        let d = depth - 1
        switch rng.next() % 4 {
        case 0, 1: return "(\(bool(d)) ? \(phrase(d)) : \(phrase(d)))"
        case 2: return "(\(phrase(d)) + 'x')"
        default: return phrase(0)
        }
    }

    mutating func band(last: Bool, computed: Bool) -> String {
        let when = last && rng.next() % 3 != 0 ? "" : "when: \"\(bool(3))\", "
        let points = computed ? "\"\(number(3))\"" : pick(["0", "5", "10", "-2"])
        return "{ \(when)points: \(points), because: \"b\" }"
    }

    mutating func factor(_ index: Int) -> String {
        let computed = rng.next() % 2 == 0
        let count = 1 + Int(rng.next() % 3)
        let bands = (0..<count).map { band(last: $0 == count - 1, computed: computed && rng.next() % 2 == 0) }
        return "{ id: \"f\(index)\", title: \"F\", max: 10, bands: [\(bands.joined(separator: ", "))] }"
    }

    mutating func text() -> String {
        derived = false
        let m = number(3)
        derived = true
        let ok = bool(3).replacingOccurrences(of: "ok", with: "q")
        let t = phrase(3)
        texts = true
        let factors = (0..<(1 + Int(rng.next() % 4))).map { factor($0) }
        return """
            {
              kind: "plant-care", id: "random", version: "1", title: "Random",
              inputs: {
                x: { type: "number" }, y: { type: "number", required: false },
                z: { type: "number", required: false, default: \(pick(["0", "-1", "2.5"])) },
                p: { type: "bool" }, q: { type: "bool", required: false, default: true },
                s: { type: "string", values: ["cactus", "fern", "tomato"] },
              },
              derived: { m: "\(m)", ok: "\(ok)", t: "\(t)" },
              factors: [\(factors.joined(separator: ", "))],
              gates: [{ id: "g", when: "\(bool(2))", outcome: "wait", because: "g" }],
              risks: [{ id: "r", when: "\(pick(["score > 5", "score <= 0 || ok", bool(2)]))", severity: "low", because: "r", mitigation: "m" }],
              advantages: [{ id: "a", title: "A", when: "ok", because: "a" }],
              advices: [{ value: "high", min: \(pick(["5", "0", "-1"])) }, { value: "wait" }],
              classifications: { c: [{ value: "one", when: "\(bool(2))" }, { value: "two", when: "score >= 2" }] },
            }
            """
    }
}
