import KamExpr
import KamSource

/// Reading a pack's inputs: type, range, `default`, `empty`, `aggregate`, question and
/// aliases, each checked against the others.
extension Loader {
    func input(_ member: JSONNode.Member) -> Input? {
        let what = "input `\(member.key)`"
        guard let fields = Fields(member.value, what, sink) else { return nil }
        fields.rejectUnknownKeys(["type", "unit", "min", "max", "required", "default", "empty", "aggregate", "values", "question", "label",
                                  "aliases", "value_aliases", "description"])
        let type = fields.string("type", required: true)
        let values = fields.strings("values")
        var kind: Input.Kind
        switch type {
        case "number": kind = .number
        case "bool": kind = .bool
        case "string": kind = values.isEmpty ? .string : .choice(values)
        case nil: return nil
        case let other?:
            sink.error(
                "unknown input type `\(other)`", fields["type"]!.span,
                help: Suggestion.didYouMean(other, among: ["number", "bool", "string"]) ?? "the types are `number`, `bool` and `string`")
            return nil
        }
        if !values.isEmpty, type != "string" {
            sink.error("`values` lists the choices of a `string` input, but \(what) is a \(type!)", fields["values"]!.span)
        }
        let minimum = fields.number("min"), maximum = fields.number("max")
        if (minimum != nil || maximum != nil), kind != .number {
            sink.error("`min` and `max` apply to numbers, but \(what) is a \(type!)", fields["min"]?.span ?? fields["max"]!.span)
        }
        if let minimum, let maximum, minimum > maximum {
            sink.error("`min` (\(NumberFormat.shortest(minimum))) is above `max` (\(NumberFormat.shortest(maximum)))", fields["min"]!.span)
        }
        let hasDefault = fields["default"] != nil
        let required = fields.bool("required") ?? !hasDefault
        if required, hasDefault {
            sink.error("a required input has no use for a `default`", fields["default"]!.span, help: "write `required: false`, or remove the default")
        }
        guard declarable(member.key, member.keySpan, "input") else { return nil }
        declarations.declare(member.key, kind == .number ? .number : kind == .bool ? .bool : .string)
        let made = Input(
            name: member.key, kind: kind, unit: fields.string("unit"), minimum: minimum, maximum: maximum,
            required: required, defaultValue: nil, question: fields.string("question"), label: fields.string("label"),
            aliases: fields.strings("aliases"), span: member.keySpan)
        var result = made
        if let node = fields["default"] {
            let value = Value(node)
            if let problem = made.problem(with: value) {
                sink.error("the default does not fit: \(problem)", node.span)
            }
            result = Input(
                name: made.name, kind: made.kind, unit: made.unit, minimum: made.minimum, maximum: made.maximum,
                required: false, defaultValue: value, question: made.question, label: made.label, aliases: made.aliases,
                span: made.span)
        }
        if let node = fields["empty"] {
            let value = Value(node)
            if let problem = made.problem(with: value) {
                sink.error("the value of an empty cell does not fit: \(problem)", node.span)
            }
            result.emptyValue = value
        }
        if let node = fields["value_aliases"] {
            result.valueAliases = valueAliases(node, values: values, what)
        }
        if let node = fields["aggregate"] {
            result.aggregate = aggregate(node, kind: kind, what)
        } else if profile?.rowsCombine == true {
            sink.warning(
                "\(what) does not say how its values combine when several rows are grouped into one (invoice lines of one customer, say)",
                member.keySpan, help: "add `aggregate:` \(Aggregate.names.map { "`\($0)`" }.joined(separator: ", ")); without it, such rows are refused, not guessed at")
        }
        return result
    }

    /// `value_aliases: { "pre-KAM": "exploratory" }`: other names a choice goes by, each for one
    /// of the input's `values`, keyed by their folded form (`Input.fold`).
    func valueAliases(_ node: JSONNode, values: [String], _ what: String) -> [String: String] {
        guard !values.isEmpty else {
            sink.error("`value_aliases` name other words for the `values` of a `string` input, but \(what) has no `values`", node.span)
            return [:]
        }
        guard let members = node.members else {
            sink.error("`value_aliases` of \(what) must be an object: `{ \"other name\": \"value\" }`", node.span)
            return [:]
        }
        var aliases: [String: String] = [:]
        let folded = Dictionary(values.map { (Input.fold($0), $0) }, uniquingKeysWith: { a, _ in a })
        for member in members {
            guard let value = member.value.string, values.contains(value) else {
                sink.error("the alias `\(member.key)` of \(what) must name one of its values", member.value.span,
                           help: member.value.string.flatMap { Suggestion.didYouMean($0, among: values) } ?? values.map { "`\($0)`" }.joined(separator: ", "))
                continue
            }
            let key = Input.fold(member.key)
            if let other = aliases[key] ?? folded[key], other != value {
                sink.error("the alias `\(member.key)` of \(what) already stands for `\(other)`", member.keySpan)
                continue
            }
            aliases[key] = value
        }
        return aliases
    }

    /// An input's `aggregate`, checked against its type; a `weighted_mean:` weight is
    /// checked once every input is known.
    func aggregate(_ node: JSONNode, kind: Input.Kind, _ what: String) -> Aggregate? {
        guard let text = node.string else {
            sink.error("`aggregate` of \(what) must be a name in quotes", node.span)
            return nil
        }
        guard let aggregate = Aggregate(name: text) else {
            sink.error("unknown aggregate `\(text)` for \(what)", node.span,
                       help: Suggestion.didYouMean(text, among: Aggregate.names) ?? "use " + Aggregate.names.map { "`\($0)`" }.joined(separator: ", "))
            return nil
        }
        switch (aggregate, kind) {
        case (.sum, .number), (.mean, .number), (.weightedMean, .number), (.max, .number), (.min, .number), (.max, .bool), (.min, .bool),
             (.first, _), (.last, _):
            weights.append((aggregate, node.span))
            return aggregate
        default:
            sink.error("`\(text)` cannot combine \(what), which is not a number", node.span,
                       help: kind == .bool ? "use `max` (any row says yes), `min` (every row says yes), `first` or `last`" : "use `first` or `last`")
            return nil
        }
    }
}
