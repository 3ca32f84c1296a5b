import KamSource

/// Reads the members of one JSON5 object of a pack, remembering which keys were used, so
/// that every key the pack does not know is reported with the nearest known one.
struct Fields {
    let node: JSONNode
    /// How the object is called in messages: "factor `growth`", "the pack".
    let what: String
    private let members: [JSONNode.Member]
    private let sink: DiagnosticSink

    init?(_ node: JSONNode, _ what: String, _ sink: DiagnosticSink) {
        guard let members = node.members else {
            sink.error("\(what) must be an object, found \(node.kindName)", node.span)
            return nil
        }
        self.node = node
        self.what = what
        self.members = members
        self.sink = sink
        var seen: Set<String> = []
        for member in members where !seen.insert(member.key).inserted {
            sink.error("duplicate key `\(member.key)` in \(what)", member.keySpan, help: "remove one of them")
        }
    }

    subscript(key: String) -> JSONNode? { node[key] }

    /// Reports keys outside `known`; call once, with every key the object may have.
    func rejectUnknownKeys(_ known: [String]) {
        for member in members where !known.contains(member.key) {
            let help = Suggestion.didYouMean(member.key, among: known)
                ?? "\(what) takes \(known.map { "`\($0)`" }.joined(separator: ", "))"
            sink.error("unknown key `\(member.key)` in \(what)", member.keySpan, help: help)
        }
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = node[key] else {
            if required { missing(key, "text") }
            return nil
        }
        guard let text = value.string else {
            sink.error("`\(key)` in \(what) must be text, found \(value.kindName)", value.span)
            return nil
        }
        if required && text.trimmingSpaces.isEmpty {
            sink.error("`\(key)` in \(what) must not be empty", value.span)
        }
        return text
    }

    func number(_ key: String, required: Bool = false) -> Double? {
        guard let value = node[key] else {
            if required { missing(key, "a number") }
            return nil
        }
        guard let x = value.number, x.isFinite else {
            sink.error("`\(key)` in \(what) must be a finite number, found \(value.kindName)", value.span)
            return nil
        }
        return x
    }

    func bool(_ key: String) -> Bool? {
        guard let value = node[key] else { return nil }
        guard let b = value.bool else {
            sink.error("`\(key)` in \(what) must be true or false, found \(value.kindName)", value.span)
            return nil
        }
        return b
    }

    func strings(_ key: String) -> [String] {
        guard let value = node[key] else { return [] }
        guard let items = value.array else {
            sink.error("`\(key)` in \(what) must be a list of texts, found \(value.kindName)", value.span)
            return []
        }
        return items.compactMap { item in
            if let s = item.string { return s }
            sink.error("`\(key)` in \(what) must hold texts, found \(item.kindName)", item.span)
            return nil
        }
    }

    func array(_ key: String, required: Bool = false) -> [JSONNode] {
        guard let value = node[key] else {
            if required { missing(key, "a list") }
            return []
        }
        guard let items = value.array else {
            sink.error("`\(key)` in \(what) must be a list, found \(value.kindName)", value.span)
            return []
        }
        return items
    }

    func object(_ key: String, required: Bool = false) -> [JSONNode.Member] {
        guard let value = node[key] else {
            if required { missing(key, "an object") }
            return []
        }
        guard let members = value.members else {
            sink.error("`\(key)` in \(what) must be an object, found \(value.kindName)", value.span)
            return []
        }
        var seen: Set<String> = []
        return members.filter { member in
            if seen.insert(member.key).inserted { return true }
            sink.error("duplicate key `\(member.key)` in `\(key)` of \(what)", member.keySpan, help: "remove one of them")
            return false
        }
    }

    private func missing(_ key: String, _ kind: String) {
        sink.error("\(what) needs `\(key)` (\(kind))", node.span)
    }
}

/// Collects the diagnostics of one pack; shared by the loader's parts.
final class DiagnosticSink {
    let file: SourceFile
    private(set) var diagnostics: [Diagnostic] = []

    init(file: SourceFile) {
        self.file = file
    }

    func error(_ message: String, _ span: SourceSpan, help: String? = nil, notes: [String] = []) {
        diagnostics.append(Diagnostic(.error, message, file: file, span: span, help: help, notes: notes))
    }

    func warning(_ message: String, _ span: SourceSpan, help: String? = nil, notes: [String] = []) {
        diagnostics.append(Diagnostic(.warning, message, file: file, span: span, help: help, notes: notes))
    }

    func add(_ more: [Diagnostic], note: String? = nil) {
        diagnostics += more.map { d in
            var d = d
            if let note { d.notes.append(note) }
            return d
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return Substring(scalars[first...last])
    }
}
