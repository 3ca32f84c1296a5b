// libFuzzer target: the batch evaluator against the row evaluator. The bytes write a pack
// (derived values, bands with conditions and computed points, a gate, a risk that reads the
// score, an advantage, a classification) and then the rows of two batches, each value
// missing, an edge (NaN, infinities, -0, extremes) or any bit pattern; every field of every
// row's result and every slot's value must be the same both ways, bit for bit, or it traps.
// Built by scripts/fuzz.sh, not by SwiftPM.
import KamExpr
import KamRules
import KamSource

private let profiles = [PackProfile(kind: "fuzz", outcomeName: "level", context: [.init("c", .number, "a host figure")])]

/// The input, read a byte at a time; zeros once it runs out.
private struct Bytes {
    let data: UnsafeBufferPointer<UInt8>
    var index = 0

    mutating func next() -> Int {
        defer { index += 1 }
        return index < data.count ? Int(data[index]) : 0
    }

    mutating func pick<T>(_ options: [T]) -> T { options[next() % options.count] }

    mutating func bits() -> UInt64 { (0..<8).reduce(0) { r, _ in r << 8 | UInt64(next()) } }
}

private struct PackWriter {
    var bytes: Bytes
    var derived = true
    /// Whether the derived text `t` may be read (not while writing it or those before it).
    var texts = false

    mutating func number(_ depth: Int) -> String {
        let b = bytes.next()
        if depth == 0 || b < 40 {
            return bytes.pick(["x", "y", "z", "c", derived ? "m" : "x", "0", "1", "-0", "0.5", "2", "-3", "1e308", "5e-324", "100"])
        }
        let d = depth - 1
        switch b % 9 {
        case 0, 1: return "(\(number(d)) \(bytes.pick(["+", "-", "*", "/", "%"])) \(number(d)))"
        case 2: return "(\(number(d)) \(bytes.pick(["*", "/"])) \(bytes.pick(["0.5", "2", "-1", "0", "1e-300", "-0.25"])))"
        case 3: return "-\(number(d))"
        case 4: return "\(bytes.pick(["min", "max"]))(\(number(d)), \(number(d))\(bytes.next() % 2 == 0 ? ", \(number(d))" : ""))"
        case 5: return "\(bytes.pick(["abs", "floor", "ceil", "round", "int", "double"]))(\(number(d)))"
        case 6: return "(\(bool(d)) ? \(number(d)) : \(number(d)))"
        case 7: return bytes.pick(["size(s)", "double(s)", "size([x, s])", "int(s)"])
        default: return number(0)
        }
    }

    mutating func bool(_ depth: Int) -> String {
        let b = bytes.next()
        if depth == 0 || b < 30 { return bytes.pick(["p", "q", "true", "false", derived ? "ok" : "p"]) }
        let d = depth - 1
        switch b % 10 {
        case 0, 1: return "(\(number(d)) \(bytes.pick(["<", "<=", ">", ">=", "==", "!="])) \(number(d)))"
        case 2: return "!\(bool(d))"
        case 3, 4: return "(\(bool(d)) \(bytes.pick(["&&", "||"])) \(bool(d)))"
        case 5: return "(\(texts ? bytes.pick(["s", "t"]) : "s") \(bytes.pick(["==", "!="])) \(bytes.pick(["'a'", "'b'", "''", "1", "null"])))"
        case 6: return "(\(bytes.pick(["s", "x", "p", "m", texts ? "t" : "s"])) in \(bytes.pick(["['a', 'b']", "[1, 2.5, -0]", "[true]", "[]", "[x, 1]"])))"
        case 7: return "(\(bool(d)) ? \(bool(d)) : \(bool(d)))"
        case 8: return "(p \(bytes.pick(["==", "!="])) \(bool(d)))"
        default: return bytes.pick(["(s.startsWith('a'))", "(s < 'b')", "(s.matches('^a'))", "(size(s) > x)"])
        }
    }

    /// A text: a constant, the choice `s`, a condition's pick, or one batch code leaves to the
    /// row evaluator (a concatenation).
    mutating func phrase(_ depth: Int) -> String {
        let b = bytes.next()
        if depth == 0 || b < 80 { return bytes.pick(["s", "'a'", "'b'", "''", "s"]) }
        let d = depth - 1
        switch b % 4 {
        case 0, 1: return "(\(bool(d)) ? \(phrase(d)) : \(phrase(d)))"
        case 2: return "(\(phrase(d)) + 'x')"
        default: return phrase(0)
        }
    }

    mutating func factor(_ index: Int) -> String {
        let count = 1 + bytes.next() % 3
        var bands: [String] = []
        for k in 0..<count {
            let when = k == count - 1 && bytes.next() % 3 != 0 ? "" : "when: \"\(bool(3))\", "
            let points = bytes.next() % 3 == 0 ? "\"\(number(3))\"" : bytes.pick(["0", "5", "10", "-2"])
            bands.append("{ \(when)points: \(points), because: \"b\" }")
        }
        return "{ id: \"f\(index)\", title: \"F\", max: 10, bands: [\(bands.joined(separator: ", "))] }"
    }

    mutating func text() -> String {
        derived = false
        let m = number(3)
        let ok = bool(3)
        derived = true
        let t = phrase(3)
        texts = true
        let factors = (0..<(1 + bytes.next() % 4)).map { factor($0) }
        return """
            {
              kind: "fuzz", id: "fuzz", version: "1", title: "Fuzz",
              inputs: {
                x: { type: "number" }, y: { type: "number", required: false },
                z: { type: "number", required: false, default: \(bytes.pick(["0", "-1", "2.5"])) },
                p: { type: "bool" }, q: { type: "bool", required: false, default: true },
                s: { type: "string", values: ["a", "b", "c"] },
              },
              derived: { m: "\(m)", ok: "\(ok)", t: "\(t)" },
              factors: [\(factors.joined(separator: ", "))],
              gates: [{ id: "g", when: "\(bool(2))", outcome: "low", because: "g" }],
              risks: [{ id: "r", when: "\(bytes.next() % 2 == 0 ? "score > \(number(1))" : bool(2))", severity: "low", because: "r", mitigation: "m" }],
              advantages: [{ id: "a", title: "A", when: "\(bool(2))", because: "a" }],
              levels: [{ value: "high", min: \(bytes.pick(["5", "0", "-1", "20"])) }, { value: "low" }],
              classifications: { k: [{ value: "one", when: "\(bool(2))" }, { value: "two", when: "score >= \(number(1))" }] },
            }
            """
    }
}

private let edges: [Double] = [
    0, -0.0, 1, -1, 0.5, 2, 3, 10, 100, .nan, -.nan, .infinity, -.infinity, 1e308, -1e308, 5e-324, -5e-324, .greatestFiniteMagnitude,
    0x1p63, -0x1p63, 0x1p53 + 1,
]

/// One row's values, as (slot, value), missing slots left out.
private func row(_ pack: RulePack, _ bytes: inout Bytes) -> [(Int, Value)] {
    var values: [(Int, Value)] = []
    for variable in pack.declarations.variables where pack.input(named: variable.name) != nil || variable.name == "c" {
        let b = bytes.next()
        if b % 7 == 0 { continue }
        switch variable.type {
        case .bool: values.append((variable.slot, .bool(b & 8 != 0)))
        case .string: values.append((variable.slot, .string(["a", "b", "c", "", "é"][b % 5])))
        default:
            switch b % 4 {
            case 1: values.append((variable.slot, .number(edges[bytes.next() % edges.count])))
            case 2: values.append((variable.slot, .number(Double(bitPattern: bytes.bits()))))
            default: values.append((variable.slot, .number(Double(Int8(truncatingIfNeeded: bytes.next())) / 4)))
            }
        }
    }
    return values
}

private func describe(_ e: Evaluation) -> String {
    func bits(_ x: Double) -> String { String(x.bitPattern, radix: 16) }
    func error(_ e: EvalError) -> String { "\(e.kind) \(e.message) @\(String(describing: e.span)) \(e.notes)" }
    let factors = e.factors.map { f -> String in
        switch f {
        case .scored(let band, let points): "scored \(band) \(bits(points))"
        case .missing(let e): "missing " + error(e)
        case .failed(let e): "failed " + error(e)
        }
    }
    return "\(factors) \(e.gates) \(e.risks) \(e.advantages) \(e.classes) \(bits(e.points)) \(bits(e.answeredMaximum)) "
        + "\(bits(e.score)) \(bits(e.confidence)) \(e.level) \(String(describing: e.blockingGate)) \(e.errors.map(error))"
}

private func same(_ a: Value?, _ b: Value?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (.number(let x)?, .number(let y)?): return x.bitPattern == y.bitPattern
    case (let x?, let y?): return x.celEquals(y)
    default: return false
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBatch(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var writer = PackWriter(bytes: Bytes(data: UnsafeBufferPointer(start: data, count: size)))
    let text = writer.text()
    var bytes = writer.bytes
    let (loaded, _) = PackLoader.load(SourceFile(path: "fuzz.json5", text: text), profiles: profiles)
    guard let pack = loaded else { return 0 }
    let batch = BatchEvaluator(pack, capacity: 16)
    let evaluator = Evaluator(pack).copy()
    var expected = Evaluation(), actual = Evaluation()
    // Two batches through the same evaluator, so nothing of the first may leak into the second.
    for _ in 0..<2 {
        let count = 1 + bytes.next() % 16
        let rows = (0..<count).map { _ in row(pack, &bytes) }
        batch.reset()
        for (r, values) in rows.enumerated() {
            for (slot, value) in values {
                switch value {
                case .number(let x): batch.setNumber(slot, r, x)
                case .bool(let b): batch.setBool(slot, r, b)
                default: batch.setValue(slot, r, value)
                }
            }
        }
        batch.evaluate(count: count)
        for (r, values) in rows.enumerated() {
            evaluator.reset()
            for (slot, value) in values { evaluator.setValue(slot, value) }
            evaluator.evaluate(into: &expected)
            batch.evaluation(row: r, into: &actual)
            let path = batch.wasEvaluatedAlone(row: r) ? "row" : "batch"
            if describe(actual) != describe(expected) {
                fatalError("\(path) path disagrees on row \(r) \(values):\n\(describe(actual))\n\(describe(expected))\n\(text)")
            }
            for variable in pack.declarations.variables where !same(batch.value(variable.slot, row: r), evaluator.value(variable.slot)) {
                fatalError("\(path) path: `\(variable.name)` is \(String(describing: batch.value(variable.slot, row: r))), alone \(String(describing: evaluator.value(variable.slot))) on row \(r) \(values)\n\(text)")
            }
        }
    }
    return 0
}
