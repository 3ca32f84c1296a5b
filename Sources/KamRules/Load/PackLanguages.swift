import KamSource

/// A pack's texts in several languages. A pack that declares `languages: ["en", "ru"]` may
/// give any text as `{ en: "…", ru: "…" }`; the loader picks one language before it reads
/// the pack, so the rest of the engine and every host see plain strings, and a pack without
/// `languages` is read exactly as before. The first declared language stands in where a text
/// lacks the one asked for; `kam rules check` warns of each such gap, with the text beside it.
enum PackLanguages {
    /// Keys whose string values (or lists of strings) a person reads. Ids, names,
    /// expressions and values are never texts.
    static let textKeys: Set<String> = [
        "title", "label", "unit", "description", "because", "mitigation", "advice", "question", "help", "guidance", "method",
        "problem", "implication", "need_payoff", "capability", "commitment", "big", "small", "situation", "controls",
        "source", "critical", "high", "medium", "low", "none",
    ]

    /// The pack's declared languages (the first is the fallback); `["en"]` when it declares none.
    static func declared(_ root: JSONNode, _ sink: DiagnosticSink) -> [String] {
        guard let node = root["languages"] else { return ["en"] }
        guard let list = node.array, !list.isEmpty, list.allSatisfy({ $0.string.map(isCode) ?? false }) else {
            sink.error("`languages` must be a list of language codes such as [\"en\", \"ru\"]", node.span)
            return ["en"]
        }
        let codes = list.map { $0.string! }
        if Set(codes).count != codes.count { sink.error("`languages` lists a language twice", node.span) }
        return codes
    }

    static func isCode(_ s: String) -> Bool { (2...3).contains(s.count) && s.allSatisfy { $0.isASCII && $0.isLowercase } }

    /// `node` with every text object replaced by its text in `language` (else the first
    /// declared language); a gap is a warning, a language the pack does not declare an error.
    static func resolve(_ node: JSONNode, key: String? = nil, language: String, languages: [String], _ sink: DiagnosticSink) -> JSONNode {
        let isText = key.map(textKeys.contains) ?? false
        switch node.value {
        case .object(let members) where isText || isTextObject(members, languages):
            return pick(members, node, language: language, languages: languages, sink)
        case .string(let english) where isText && languages.count > 1 && english.contains(where: \.isLetter):
            sink.warning("this text is in one language only; the pack declares \(languages.joined(separator: ", "))", node.span,
                         help: "write it as { \(languages.map { "\($0): \"…\"" }.joined(separator: ", ")) }", notes: ["the text: \(english)"])
            return node
        case .array(let items):
            // A list under a text key (`controls`, `situation`) is a list of texts.
            return JSONNode(.array(items.map { resolve($0, key: isText ? key : nil, language: language, languages: languages, sink) }), span: node.span)
        case .object(let members):
            return JSONNode(.object(members.map { m in
                JSONNode.Member(key: m.key, keySpan: m.keySpan, value: resolve(m.value, key: m.key, language: language, languages: languages, sink))
            }), span: node.span)
        default:
            return node
        }
    }

    /// An object whose keys are all declared languages and whose values are all strings: a
    /// text wherever it stands (a `report` section's own keys included).
    private static func isTextObject(_ members: [JSONNode.Member], _ languages: [String]) -> Bool {
        languages.count > 1 && !members.isEmpty && members.allSatisfy { languages.contains($0.key) && $0.value.string != nil }
    }

    private static func pick(_ members: [JSONNode.Member], _ node: JSONNode, language: String, languages: [String], _ sink: DiagnosticSink) -> JSONNode {
        for m in members where !languages.contains(m.key) || m.value.string == nil {
            sink.error(languages.contains(m.key) ? "the `\(m.key)` text must be a string" : "`\(m.key)` is not among the pack's languages (\(languages.joined(separator: ", ")))",
                       m.keySpan, help: languages.contains(m.key) ? nil : "add it to `languages`, or correct the code")
        }
        let texts = Dictionary(members.compactMap { m in m.value.string.map { (m.key, $0) } }, uniquingKeysWith: { first, _ in first })
        let fallback = languages[0]
        for code in languages where texts[code] == nil {
            sink.warning("this text has no `\(code)`", node.span, notes: texts[fallback].map { ["the \(fallback) text: \($0)"] } ?? [])
        }
        guard let text = texts[language] ?? texts[fallback] ?? texts.values.first else { return node }
        return JSONNode(.string(text), span: node.span)
    }
}
