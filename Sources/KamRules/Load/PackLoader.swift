import KamExpr
import KamSource

/// Reads a pack file into a `RulePack`: JSON5 with positions, then every section checked,
/// every expression compiled, every problem reported (not just the first), each with file,
/// line and column.
public enum PackLoader {
    /// Names the engine itself provides to risks and classifications.
    public static let scoreName = "score"

    /// Loads `file` with its texts in `language` where the pack has them (`PackLanguages`).
    /// Returns the pack when there is no error, and all diagnostics either way.
    public static func load(_ file: SourceFile, profiles: [PackProfile], language: String = "en") -> (RulePack?, [Diagnostic]) {
        var root: JSONNode
        switch JSON5Reader.read(file) {
        case .success(let node): root = node
        case .failure(let diagnostic): return (nil, [diagnostic])
        }
        let sink = DiagnosticSink(file: file)
        let languages = PackLanguages.declared(root, sink)
        root = PackLanguages.resolve(root, language: language, languages: languages, sink)
        let loader = Loader(file: file, sink: sink, profiles: profiles)
        loader.languages = languages
        loader.language = languages.contains(language) ? language : languages[0]
        let pack = loader.load(root)
        let diagnostics = sink.diagnostics.sortedByPosition()
        return (diagnostics.hasErrors ? nil : pack, diagnostics)
    }
}

/// One pack being loaded: its sections read in order, every problem reported to `sink`.
/// Inputs are read in `InputLoader.swift`.
final class Loader {
    let file: SourceFile
    let sink: DiagnosticSink
    let profiles: [PackProfile]
    var declarations = Declarations()
    var usedIds: [String: SourceSpan] = [:]
    var factorIdsSoFar: [String] = []
    var profile: PackProfile?
    /// Aggregates seen, for checking `weighted_mean:` weights once all inputs are known.
    var weights: [(Aggregate, SourceSpan)] = []
    var languages = ["en"]
    var language = "en"

    init(file: SourceFile, sink: DiagnosticSink, profiles: [PackProfile]) {
        self.file = file
        self.sink = sink
        self.profiles = profiles
    }

    func load(_ root: JSONNode) -> RulePack? {
        guard let fields = Fields(root, "the pack", sink) else { return nil }
        let kind = fields.string("kind", required: true) ?? ""
        let profile = profiles.first { $0.kind == kind }
        guard let profile else {
            // The kind decides which keys and names are valid; checking the rest against a
            // guess would bury the one real mistake under consequences.
            if let node = fields["kind"], node.string != nil {
                let kinds = profiles.map(\.kind)
                sink.error(
                    "unknown pack kind `\(kind)`", node.span,
                    help: Suggestion.didYouMean(kind, among: kinds) ?? "the kinds are \(kinds.map { "`\($0)`" }.joined(separator: ", "))")
            }
            return nil
        }
        let outcomeKey = profile.outcomeName + "s"
        fields.rejectUnknownKeys([
            "kind", "id", "version", "languages", "title", "description", "inputs", "derived", "factors", "gates", "risks", "advantages",
            outcomeKey, "classifications", "tests",
        ] + profile.extraKeys)
        let id = fields.string("id", required: true) ?? ""
        if let node = fields["id"], !id.isEmpty, !isIdentifier(id, allowing: "-.") {
            sink.error("the pack id `\(id)` may hold only letters, digits, `_`, `-` and `.`", node.span)
        }
        let version = fields.string("version", required: true) ?? ""
        let title = fields.string("title", required: true) ?? ""

        self.profile = profile
        let inputs = fields.object("inputs", required: true).compactMap(input)
        for (aggregate, span) in weights {
            guard case .weightedMean(let by) = aggregate else { continue }
            if !inputs.contains(where: { $0.name == by && $0.kind == .number }) {
                sink.error("`weighted_mean:\(by)` weighs by `\(by)`, which is no number input of the pack", span,
                           help: Suggestion.didYouMean(by, among: inputs.filter { $0.kind == .number }.map(\.name)))
            }
        }
        let absent = profile.requiredInputs.filter { name in !inputs.contains { $0.name == name } }
        if !absent.isEmpty {
            let names = absent.map { "`\($0)`" }.joined(separator: ", ")
            sink.error(
                "a pack of kind `\(kind)` must declare the input\(absent.count == 1 ? "" : "s") \(names)",
                fields["inputs"]?.span ?? root.span, help: "kam fills \(absent.count == 1 ? "it" : "them") from its own inputs")
        }
        var context: [PackProfile.ContextName] = []
        for name in profile.context {
            if let input = inputs.first(where: { $0.name == name.name }) {
                sink.error("`\(name.name)` is provided to every `\(kind)` pack (\(name.meaning)); an input cannot take its name", input.span)
                continue
            }
            declarations.declare(name.name, name.type)
            context.append(name)
        }
        declarations.declare(PackLoader.scoreName, .number)
        let derived = derivedValues(fields.object("derived"))

        let factors = fields.array("factors", required: true).compactMap(factor)
        let gates = fields.array("gates").compactMap(gate)
        let risks = fields.array("risks").compactMap(risk)
        let advantages = fields.array("advantages").compactMap(advantage)
        let outcome = outcomeScale(profile.outcomeName, fields, root)
        let classifications = fields.object("classifications").compactMap(classification)
        let tests = fields.array("tests").compactMap { test($0, outcomeName: outcome.name, classifications: classifications) }

        var domains: [String: BandAnalysis.Interval] = [:]
        for input in inputs where input.minimum != nil || input.maximum != nil {
            domains[input.name] = .init(
                low: input.minimum ?? -.infinity, lowClosed: input.minimum != nil,
                high: input.maximum ?? .infinity, highClosed: input.maximum != nil)
        }
        BandAnalysis(sink: sink).check(factors, domains: domains)
        return RulePack(
            file: file, hash: SHA256.hex(file.bytes), kind: profile.kind, id: id, version: version, title: title,
            description: fields.string("description"), inputs: inputs, context: context, derived: derived,
            factors: factors, gates: gates, risks: risks, advantages: advantages, outcome: outcome, classifications: classifications,
            tests: tests, declarations: declarations, languages: languages, language: language,
            extras: Dictionary(uniqueKeysWithValues: profile.extraKeys.compactMap { key in fields[key].map { (key, $0) } }))
    }

    // MARK: Names and expressions

    func isIdentifier(_ name: String, allowing extra: String = "") -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || extra.unicodeScalars.contains($0)
        }
    }

    static let reservedNames: Set<String> = [
        "true", "false", "null", "in", "and", "or", "not", PackLoader.scoreName,
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
        "namespace", "return", "var", "void", "while",
    ]

    /// Checks a name that expressions will read; reports why it cannot be one.
    func declarable(_ name: String, _ span: SourceSpan, _ what: String) -> Bool {
        if !isIdentifier(name) {
            sink.error(
                "the \(what) name `\(name)` is not a valid name: use letters, digits and `_`, not starting with a digit", span,
                help: "aliases can hold the spreadsheet's own spelling")
            return false
        }
        if Loader.reservedNames.contains(name) {
            sink.error("`\(name)` is a reserved word and cannot name \(what == "input" ? "an" : "a") \(what)", span)
            return false
        }
        if declarations.variable(named: name) != nil {
            sink.error("`\(name)` is declared twice", span, help: "inputs, host figures and derived values share one set of names")
            return false
        }
        return true
    }

    /// Compiles an expression written as a JSON5 string; errors point into the file.
    func expression(_ node: JSONNode, _ what: String, expecting type: ExprType?, allowScore: Bool = true) -> CompiledExpression? {
        guard let source = node.sourceText(in: file) else {
            sink.error("\(what) must be an expression written as text, found \(node.kindName)", node.span,
                       help: node.bool != nil ? "write it as text: \"true\"" : nil)
            return nil
        }
        let (compiled, diagnostics) = Expression.compile(source, declarations)
        sink.add(diagnostics, note: "in \(what)")
        guard let compiled else { return nil }
        if !allowScore, compiled.tree.identifiers.contains(PackLoader.scoreName) {
            sink.error("\(what) cannot read `score`: the score is only known after every factor", node.span)
            return nil
        }
        if let type, compiled.type != type && compiled.type != .dyn {
            let wanted = type == .bool ? "a condition (true or false)" : "a number"
            sink.error("\(what) must give \(wanted), but this expression gives \(compiled.type.withArticleForMessages)", node.span)
            return nil
        }
        return compiled
    }

    func claimId(_ id: String, _ span: SourceSpan) {
        if let first = usedIds[id] {
            let line = file.location(of: first.start).line
            sink.error("the id `\(id)` is used twice (first on line \(line))", span, help: "factors, gates, risks and advantages need distinct ids")
        } else {
            usedIds[id] = span
        }
    }

    // MARK: Sections

    /// Derived values are compiled in dependency order, so each may use those it depends on
    /// wherever it is written; a cycle is an error naming the whole loop.
    func derivedValues(_ members: [JSONNode.Member]) -> [Derived] {
        var trees: [String: (JSONNode.Member, Set<String>)] = [:]
        var order: [String] = []
        for member in members {
            guard declarable(member.key, member.keySpan, "derived value") else { continue }
            guard trees[member.key] == nil else {
                continue
            }
            var names: Set<String> = []
            if let source = member.value.sourceText(in: file), case .success(let tree) = Parser.parse(source) {
                names = Set(tree.identifiers)
            }
            trees[member.key] = (member, names)
            order.append(member.key)
        }
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var sorted: [String] = []
        var cyclic: Set<String> = []
        func visit(_ name: String, _ path: [String]) {
            if state[name] == 2 { return }
            if state[name] == 1 {
                let loop = Array(path.drop { $0 != name })
                cyclic.formUnion(loop)
                let text = (loop + [name]).map { "`\($0)`" }.joined(separator: " -> ")
                sink.error("derived values depend on each other in a loop: \(text)", trees[name]!.0.keySpan)
                return
            }
            state[name] = 1
            for dependency in trees[name]!.1.sorted() where trees[dependency] != nil { visit(dependency, path + [name]) }
            state[name] = 2
            sorted.append(name)
        }
        for name in order { visit(name, []) }
        var out: [Derived] = []
        for name in sorted {
            let member = trees[name]!.0
            if cyclic.contains(name) {
                declarations.declare(name, .dyn)
                continue
            }
            guard let compiled = expression(member.value, "derived value `\(name)`", expecting: nil, allowScore: false) else {
                declarations.declare(name, .dyn)
                continue
            }
            let slot = declarations.declare(name, compiled.type)
            out.append(Derived(name: name, expression: compiled, slot: slot))
        }
        return out
    }

    func factor(_ node: JSONNode) -> Factor? {
        let label = node["id"]?.string.map { "factor `\($0)`" } ?? "a factor"
        guard let fields = Fields(node, label, sink) else { return nil }
        fields.rejectUnknownKeys(["id", "title", "max", "bands", "description"])
        guard let id = fields.string("id", required: true), let title = fields.string("title", required: true) else { return nil }
        claimId(id, fields["id"]!.span)
        factorIdsSoFar.append(id)
        let declaredMaximum = fields.number("max")
        var bands: [Band] = []
        var fallbackSeen = false
        for (index, bandNode) in fields.array("bands", required: true).enumerated() {
            let what = "band \(index + 1) of \(label)"
            guard let band = Fields(bandNode, what, sink) else { continue }
            band.rejectUnknownKeys(["when", "points", "because"])
            if fallbackSeen {
                sink.warning("\(what) can never hold: the band before it has no `when`, so it always holds", bandNode.span)
            }
            var when: CompiledExpression?
            var whenFailed = false
            if let condition = band["when"] {
                when = expression(condition, "`when` of \(what)", expecting: .bool, allowScore: false)
                whenFailed = when == nil
            } else {
                fallbackSeen = true
            }
            var points: Band.Points?
            switch band["points"] {
            case nil:
                sink.error("\(what) needs `points` (a number or an expression)", bandNode.span)
            case let p? where p.number != nil:
                if p.number!.isFinite { points = .constant(p.number!) } else { sink.error("`points` must be finite", p.span) }
            case let p?:
                points = expression(p, "`points` of \(what)", expecting: .number, allowScore: false).map { .expression($0) }
            }
            guard let because = band.string("because", required: true), let points, !whenFailed else { continue }
            bands.append(Band(when: when, points: points, because: because, span: bandNode.span))
        }
        if bands.isEmpty { return nil }
        if let declaredMaximum {
            if declaredMaximum < 0 { sink.error("`max` of \(label) must not be negative", fields["max"]!.span) }
            for (index, band) in bands.enumerated() {
                if case .constant(let x) = band.points, x > declaredMaximum {
                    sink.error("band \(index + 1) of \(label) gives \(NumberFormat.shortest(x)) points, above the factor's `max` of \(NumberFormat.shortest(declaredMaximum))", band.span)
                }
            }
        }
        var maximum = declaredMaximum ?? 0
        if declaredMaximum == nil {
            for band in bands {
                switch band.points {
                case .constant(let x): maximum = max(maximum, x)
                case .expression:
                    sink.error("\(label) has points computed by an expression, so it must declare `max`", node.span,
                               help: "the most points the factor can give, used for the score's scale and confidence")
                    return nil
                }
            }
        }
        return Factor(id: id, title: title, bands: bands, maximum: maximum, span: node.span)
    }

    func gate(_ node: JSONNode) -> Gate? {
        let label = node["id"]?.string.map { "gate `\($0)`" } ?? "a gate"
        guard let fields = Fields(node, label, sink) else { return nil }
        fields.rejectUnknownKeys(["id", "when", "outcome", "because"])
        let id = fields.string("id", required: true), outcome = fields.string("outcome", required: true)
        let because = fields.string("because", required: true)
        guard let whenNode = fields["when"] else {
            sink.error("\(label) needs `when` (the condition that blocks the outcome)", node.span)
            return nil
        }
        let when = expression(whenNode, "`when` of \(label)", expecting: .bool, allowScore: false)
        guard let id, let outcome, let because, let when else { return nil }
        claimId(id, fields["id"]!.span)
        return Gate(id: id, when: when, outcome: outcome, because: because, span: node.span)
    }

    func risk(_ node: JSONNode) -> Risk? {
        let label = node["id"]?.string.map { "risk `\($0)`" } ?? "a risk"
        guard let fields = Fields(node, label, sink) else { return nil }
        fields.rejectUnknownKeys(["id", "title", "when", "severity", "because", "mitigation"])
        let id = fields.string("id", required: true)
        let because = fields.string("because", required: true), mitigation = fields.string("mitigation", required: true)
        var severity: Risk.Severity?
        if let text = fields.string("severity", required: true) {
            severity = Risk.Severity(rawValue: text)
            if severity == nil {
                sink.error("unknown severity `\(text)`", fields["severity"]!.span,
                           help: Suggestion.didYouMean(text, among: Risk.Severity.allCases.map(\.rawValue)) ?? "use `low`, `medium` or `high`")
            }
        }
        guard let whenNode = fields["when"] else {
            sink.error("\(label) needs `when` (the condition under which the risk applies)", node.span)
            return nil
        }
        let when = expression(whenNode, "`when` of \(label)", expecting: .bool)
        guard let id, let because, let mitigation, let severity, let when else { return nil }
        claimId(id, fields["id"]!.span)
        return Risk(id: id, title: fields.string("title"), when: when, severity: severity, because: because,
                    mitigation: mitigation, span: node.span)
    }

    func advantage(_ node: JSONNode) -> Advantage? {
        let label = node["id"]?.string.map { "advantage `\($0)`" } ?? "an advantage"
        guard let fields = Fields(node, label, sink) else { return nil }
        fields.rejectUnknownKeys(["id", "title", "when", "because"])
        let id = fields.string("id", required: true), title = fields.string("title", required: true)
        let because = fields.string("because", required: true)
        guard let whenNode = fields["when"] else {
            sink.error("\(label) needs `when` (the condition under which the advantage applies)", node.span)
            return nil
        }
        let when = expression(whenNode, "`when` of \(label)", expecting: .bool)
        guard let id, let title, let because, let when else { return nil }
        claimId(id, fields["id"]!.span)
        return Advantage(id: id, title: title, when: when, because: because, span: node.span)
    }

    func outcomeScale(_ name: String, _ fields: Fields, _ root: JSONNode) -> OutcomeScale {
        let key = name + "s"
        var levels: [OutcomeScale.Level] = []
        let nodes = fields.array(key, required: true)
        for (index, node) in nodes.enumerated() {
            let what = "\(name) \(index + 1)"
            guard let level = Fields(node, what, sink) else { continue }
            level.rejectUnknownKeys(["value", "min", "title", "because"])
            guard let value = level.string("value", required: true) else { continue }
            let minimum = level.number("min")
            if let minimum, let previous = levels.last?.minimum, minimum >= previous {
                sink.error(
                    "\(name) `\(value)` starts at \(NumberFormat.shortest(minimum)), not below the one before it (\(NumberFormat.shortest(previous)))",
                    level["min"]!.span, help: "list the \(key) from the highest `min` down")
            }
            if levels.contains(where: { $0.value == value }) {
                sink.error("the \(name) `\(value)` is listed twice", node.span)
            }
            if minimum == nil, index != nodes.count - 1 {
                sink.error("only the last \(name) may leave out `min`; `\(value)` would take every score", node.span)
            }
            if minimum != nil, index == nodes.count - 1 {
                sink.error("the last \(name) must leave out `min`, so that every score has a \(name)", level["min"]!.span,
                           help: "scores below \(NumberFormat.shortest(minimum!)) would have none")
            }
            levels.append(.init(value: value, minimum: minimum, title: level.string("title"), because: level.string("because")))
        }
        if nodes.isEmpty, fields[key] != nil {
            sink.error("`\(key)` needs at least one \(name)", fields[key]!.span, help: "for example [{ value: \"go\", min: 50 }, { value: \"stop\" }]")
        }
        return OutcomeScale(name: name, levels: levels)
    }

    func classification(_ member: JSONNode.Member) -> Classification? {
        let what = "classification `\(member.key)`"
        guard let nodes = member.value.array else {
            sink.error("\(what) must be a list of `{ value, when }` options", member.value.span)
            return nil
        }
        var options: [Classification.Option] = []
        for (index, node) in nodes.enumerated() {
            guard let option = Fields(node, "option \(index + 1) of \(what)", sink) else { continue }
            option.rejectUnknownKeys(["value", "when", "title", "advice"])
            guard let value = option.string("value", required: true) else { continue }
            var when: CompiledExpression?
            if let condition = option["when"] {
                when = expression(condition, "`when` of option \(index + 1) of \(what)", expecting: .bool)
                if when == nil { continue }
            } else if index != nodes.count - 1 {
                sink.warning("option \(index + 1) of \(what) has no `when`, so the options after it can never be chosen", node.span)
            }
            options.append(.init(value: value, when: when, title: option.string("title"), advice: option.string("advice")))
        }
        return Classification(name: member.key, options: options, span: member.keySpan)
    }

    func isDerived(_ name: String) -> Bool {
        // Derived values are declared after inputs and host names; tests set only those.
        guard let slot = declarations.variable(named: name)?.slot, let score = declarations.variable(named: PackLoader.scoreName)?.slot
        else { return false }
        return slot > score
    }
}

extension ExprType {
    var withArticleForMessages: String {
        switch self {
        case .number: "a number"
        case .string: "text"
        case .bool: "true or false"
        case .null: "null"
        case .list: "a list"
        case .dyn: "a value of any type"
        }
    }
}
