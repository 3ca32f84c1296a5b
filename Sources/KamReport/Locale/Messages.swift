import KamAdvisor
import KamSource

/// The sentences kam's reports print that are not a pack's, in one language, from the
/// catalogues in `rules/messages/` (editable without Swift, embedded like the packs). A
/// message may hold `{name}` placeholders, and a message that counts something gives one
/// form per plural category of its language (`one`, `few`, `many`, `other`).
public struct Messages: Sendable {
    public let language: String
    private let texts: [String: Message]

    enum Message: Sendable {
        case text(String)
        case plural([String: String])
    }

    /// The messages of the run; English unless the command set another.
    @TaskLocal public static var current = Messages.bundled("en")!

    /// The bundled catalogue of `language`; nil when there is none.
    public static func bundled(_ language: String) -> Messages? {
        BundledMessages.files.first { $0.path.hasSuffix("/\(language).json5") }.flatMap { try? read($0) }
    }

    /// The languages there are bundled catalogues for.
    public static var languages: [String] {
        BundledMessages.files.map { String($0.path.split(separator: "/").last!.dropLast(".json5".count)) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads a catalogue: `{ language: "ru", messages: { key: "text" | { one: "…", other: "…" } } }`.
    public static func read(_ file: SourceFile) throws(Failure) -> Messages {
        let root: JSONNode
        switch JSON5Reader.read(file) {
        case .success(let node): root = node
        case .failure(let d): throw Failure(description: DiagnosticRenderer.render([d]))
        }
        guard let language = root["language"]?.string, let members = root["messages"]?.members else {
            throw Failure(description: "\(file.path): a catalogue is { language: \"…\", messages: { … } }")
        }
        var texts: [String: Message] = [:]
        for m in members {
            if let s = m.value.string {
                texts[m.key] = .text(s)
            } else if let forms = m.value.members, forms.allSatisfy({ Plural.categories.contains($0.key) && $0.value.string != nil }) {
                texts[m.key] = .plural(Dictionary(forms.map { ($0.key, $0.value.string!) }, uniquingKeysWith: { a, _ in a }))
            } else {
                throw Failure(description: "\(file.path): `\(m.key)` must be a text or { one: …, other: … }")
            }
        }
        return Messages(language: language, texts: texts)
    }

    /// The message `key` with its placeholders filled; the key itself when the catalogue
    /// lacks it (the catalogue tests make sure none is missing).
    public func callAsFunction(_ key: String, _ values: [String: String] = [:]) -> String {
        guard case .text(let text)? = texts[key] else { return key }
        return Self.fill(text, values)
    }

    /// The message `key` when the catalogue has it: for names a pack chooses (a cost
    /// category, a derived value's words), which a catalogue may translate and need not.
    public func ifAny(_ key: String) -> String? {
        guard case .text(let text)? = texts[key] else { return nil }
        return text
    }

    /// The form of `key` for `count`, with `{n}` set to the count as this language writes it.
    public func callAsFunction(_ key: String, count: Int, _ values: [String: String] = [:]) -> String {
        guard case .plural(let forms)? = texts[key] else { return key }
        let form = forms[Plural.category(of: count, in: language)] ?? forms["other"] ?? forms.values.first ?? key
        // The count as this catalogue's language writes it, whatever the run's language.
        let n = Messages.$current.withValue(self) { Figures.count(count) }
        return Self.fill(form, values.merging(["n": n]) { a, _ in a })
    }

    static func fill(_ text: String, _ values: [String: String]) -> String {
        guard text.contains("{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += values[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Every key with its placeholders and plural forms, for the catalogue tests.
    public var shape: [String: (placeholders: Set<String>, forms: Set<String>?)] {
        texts.mapValues { message in
            switch message {
            case .text(let s): (Self.placeholders(s), nil)
            case .plural(let forms): (forms.values.reduce(into: Set<String>()) { $0.formUnion(Self.placeholders($1)) }, Set(forms.keys))
            }
        }
    }

    static func placeholders(_ s: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(s)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}

/// CLDR's plural categories for whole numbers, for the languages kam speaks.
enum Plural {
    static let categories: Set<String> = ["zero", "one", "two", "few", "many", "other"]

    static func category(of n: Int, in language: String) -> String {
        let n = abs(n)
        switch language {
        case "ru", "uk", "be":
            let last = n % 10, lastTwo = n % 100
            if last == 1 && lastTwo != 11 { return "one" }
            if (2...4).contains(last) && !(12...14).contains(lastTwo) { return "few" }
            return "many"
        default:
            return n == 1 ? "one" : "other"
        }
    }
}
