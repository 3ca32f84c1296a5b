import KamExpr
import KamSource

/// Reading a pack's inputs: type, range, `default`, `empty`, `aggregate`, question and
/// aliases, each checked against the others.
extension Loader {
    func input(_ member: JSONNode.Member) -> Input? {
        let what = "input `\(member.key)`"
        guard let fields = Fields(member.value, what, sink) else { return nil }
        fields.rejectUnknownKeys(["type", "unit", "min", "max", "required", "default", "empty", "aggregate", "values", "question", "label",
                                  "aliases", "description"])
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
        if let node = fields["aggregate"] {
            result.aggregate = aggregate(node, kind: kind, what)
        } else if profile?.rowsCombine == true {
            sink.warning(
                "\(what) does not say how its values combine when several rows are grouped into one (invoice lines of one customer, say)",
                member.keySpan, help: "add `aggregate:` \(Aggregate.names.map { "`\($0)`" }.joined(separator: ", ")); without it, such rows are refused, not guessed at")
        }
        return result
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
