import KamExpr
import KamSource

/// Reading a pack's own test cases: the values they set and what they expect, each name
/// checked against the pack.
extension Loader {
    func test(_ node: JSONNode, outcomeName: String, classifications: [Classification]) -> TestCase? {
        let label = node["name"]?.string.map { "test `\($0)`" } ?? "a test"
        guard let fields = Fields(node, label, sink) else { return nil }
        fields.rejectUnknownKeys(["name", "inputs", "expect"])
        guard let name = fields.string("name", required: true) else { return nil }
        var values: [(Int, Value)] = []
        for member in fields.object("inputs", required: true) {
            guard let variable = declarations.variable(named: member.key), variable.name != PackLoader.scoreName,
                  !isDerived(member.key)
            else {
                let known = declarations.variables.map(\.name).filter { $0 != PackLoader.scoreName }
                sink.error("unknown input `\(member.key)` in \(label)", member.keySpan, help: Suggestion.didYouMean(member.key, among: known))
                continue
            }
            let value = Value(member.value)
            if value.type != variable.type, !(variable.type == .dyn) {
                sink.error("`\(member.key)` is \(variable.type.withArticleForMessages), found \(member.value.kindName)", member.value.span)
                continue
            }
            values.append((variable.slot, value))
        }
        var expect = TestCase.Expectation()
        if let expectNode = fields["expect"], let e = Fields(expectNode, "`expect` of \(label)", sink) {
            e.rejectUnknownKeys([outcomeName, "score", "fired", "not_fired", "classes", "values", "missing", "fails"])
            expect.outcome = e.string(outcomeName)
            if let scoreNode = e["score"] {
                if let x = scoreNode.number {
                    expect.score = x...x
                } else if let pair = scoreNode.array, pair.count == 2, let lo = pair[0].number, let hi = pair[1].number, lo <= hi {
                    expect.score = lo...hi
                } else {
                    sink.error("`score` expects a number or `[lowest, highest]`", scoreNode.span)
                }
            }
            expect.fired = e.strings("fired")
            expect.notFired = e.strings("not_fired")
            expect.missing = e.strings("missing")
            expect.failed = e.bool("fails") ?? false
            for member in e.object("classes") {
                guard classifications.contains(where: { $0.name == member.key }) else {
                    sink.error("unknown classification `\(member.key)` in \(label)", member.keySpan,
                               help: Suggestion.didYouMean(member.key, among: classifications.map(\.name)))
                    continue
                }
                if member.value.isNull {
                    expect.classes.append((member.key, nil))  // no option holds
                    continue
                }
                guard let value = member.value.string else {
                    sink.error("the expected class must be text, or null for none", member.value.span)
                    continue
                }
                expect.classes.append((member.key, value))
            }
            for member in e.object("values") {
                guard isDerived(member.key), let variable = declarations.variable(named: member.key) else {
                    sink.error("\(label) expects a value of `\(member.key)`, which is no derived value of this pack", member.keySpan,
                               help: Suggestion.didYouMean(member.key, among: declarations.variables.map(\.name).filter(isDerived)))
                    continue
                }
                if member.value.isNull {
                    expect.values.append((member.key, nil))  // unknown
                    continue
                }
                let value = Value(member.value)
                guard value.type == variable.type || variable.type == .dyn else {
                    sink.error("`\(member.key)` is \(variable.type.withArticleForMessages), found \(member.value.kindName)", member.value.span)
                    continue
                }
                expect.values.append((member.key, value))
            }
            let factorIds = Set(factorIdsSoFar)
            for id in expect.missing where !factorIds.contains(id) {
                sink.error("\(label) expects `\(id)` to be missing, but only factors can be missing", expectNode.span,
                           help: Suggestion.didYouMean(id, among: factorIds.sorted()))
            }
            for id in expect.fired + expect.notFired {
                let base = String(id.split(separator: ":").first ?? "")
                if usedIds[base] == nil {
                    sink.error("\(label) names `\(id)`, which is no factor, gate, risk or advantage of this pack", expectNode.span,
                               help: Suggestion.didYouMean(base, among: usedIds.keys.sorted()))
                }
            }
        } else if fields["expect"] == nil {
            sink.error("\(label) needs `expect`", node.span)
        }
        return TestCase(name: name, values: values, expect: expect, span: node.span)
    }
}
