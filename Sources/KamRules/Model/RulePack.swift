import KamExpr
import KamSource

/// A loaded, checked and compiled rule pack: a declarative scorecard.
///
/// The engine knows nothing of what the scorecard is about. The host (the Advisor) says which
/// kinds of pack exist and which extra names it provides to their expressions
/// (`PackProfile`); everything a person reads (titles, reasons, mitigations, questions) comes
/// from the pack's file.
public struct RulePack: Sendable {
    public let file: SourceFile
    /// SHA-256 of the file's bytes, carried into every result so a decision can be traced to
    /// the exact rules that made it.
    public let hash: String
    public let kind: String
    public let id: String
    public let version: String
    public let title: String
    public let description: String?
    public let inputs: [Input]
    /// Names the host provides (portfolio figures, say), in slot order after the inputs.
    public let context: [PackProfile.ContextName]
    public let derived: [Derived]
    public let factors: [Factor]
    public let gates: [Gate]
    public let risks: [Risk]
    public let advantages: [Advantage]
    public let outcome: OutcomeScale
    public let classifications: [Classification]
    public let tests: [TestCase]
    public let declarations: Declarations
    /// The languages the pack's texts are written in (the first stands in for a missing
    /// text), and the one they were read in.
    public let languages: [String]
    public let language: String
    /// Top-level sections the host reads itself (`PackProfile.extraKeys`), with positions so
    /// the host's own errors point into the file too.
    public let extras: [String: JSONNode]

    public func input(named name: String) -> Input? { inputs.first { $0.name == name } }

    /// The slot of any declared name (input, context name or derived value).
    public func slot(of name: String) -> Int? { declarations.variable(named: name)?.slot }

    /// Every name some expression of the pack reads, so a host can skip converting values
    /// nothing will read.
    public var namesRead: Set<String> {
        var names = Set<String>()
        func note(_ e: CompiledExpression?) { e.map { names.formUnion($0.tree.identifiers) } }
        for d in derived { note(d.expression) }
        for f in factors {
            for b in f.bands {
                note(b.when)
                if case .expression(let e) = b.points { note(e) }
            }
        }
        for g in gates { note(g.when) }
        for r in risks { note(r.when) }
        for a in advantages { note(a.when) }
        for c in classifications { c.options.forEach { note($0.when) } }
        return names
    }

    /// The most points the factors can give.
    public var maximumScore: Double { factors.reduce(0) { $0 + $1.maximum } }
}

/// What a host tells the engine about one kind of pack.
public struct PackProfile: Sendable {
    public struct ContextName: Sendable {
        public let name: String
        public let type: ExprType
        public let meaning: String

        public init(_ name: String, _ type: ExprType, _ meaning: String) {
            self.name = name
            self.type = type
            self.meaning = meaning
        }
    }

    public let kind: String
    /// The name of the outcome this kind of pack must produce ("verdict", "tier").
    public let outcomeName: String
    public let context: [ContextName]
    /// Inputs a pack of this kind must declare, because the host fills them.
    public let requiredInputs: [String]
    /// Top-level keys the host reads itself; the engine keeps them in `RulePack.extras`.
    public let extraKeys: [String]
    /// Whether the host may combine several rows into one record (invoice lines into an
    /// account), so that every input should say how it combines: `rules check` warns
    /// about one that does not.
    public let rowsCombine: Bool

    public init(
        kind: String, outcomeName: String, context: [ContextName] = [], requiredInputs: [String] = [], extraKeys: [String] = [],
        rowsCombine: Bool = false
    ) {
        self.rowsCombine = rowsCombine
        self.kind = kind
        self.outcomeName = outcomeName
        self.context = context
        self.requiredInputs = requiredInputs
        self.extraKeys = extraKeys
    }
}

/// How an input's values from several rows of the same record combine into one.
public enum Aggregate: Sendable, Equatable {
    case sum, max, min, first, last, mean
    /// The mean weighted by another number input (a margin % by the sales it was earned on).
    case weightedMean(by: String)

    /// The spelling in a pack: `sum`, `weighted_mean:revenue`, ….
    public var name: String {
        switch self {
        case .sum: "sum"
        case .max: "max"
        case .min: "min"
        case .first: "first"
        case .last: "last"
        case .mean: "mean"
        case .weightedMean(let by): "weighted_mean:" + by
        }
    }

    public init?(name: String) {
        switch name {
        case "sum": self = .sum
        case "max": self = .max
        case "min": self = .min
        case "first": self = .first
        case "last": self = .last
        case "mean": self = .mean
        default:
            guard name.hasPrefix("weighted_mean:"), name.count > 14 else { return nil }
            self = .weightedMean(by: String(name.dropFirst(14)))
        }
    }

    public static let names = ["sum", "max", "min", "first", "last", "mean", "weighted_mean:INPUT"]
}

public struct Input: Sendable {
    public enum Kind: Sendable, Equatable {
        case number, bool, string
        /// A string from a fixed list.
        case choice([String])
    }

    public let name: String
    public let kind: Kind
    public let unit: String?
    public let minimum: Double?
    public let maximum: Double?
    public let required: Bool
    /// Used when the answer or cell is absent; an optional input without one is missing.
    public let defaultValue: Value?
    /// The question a person answers.
    public let question: String?
    /// A short noun phrase for sentences ("the share of sales from the largest 20% of
    /// customers"); the name is used when there is none.
    public let label: String?
    /// Other headers the input goes by in spreadsheets and CRM exports.
    public let aliases: [String]
    public let span: SourceSpan
    /// The value of a blank cell in a column that exists (`empty: 0`: a CRM leaves an amount
    /// blank when it is nothing). Unlike `defaultValue`, never used when the column is absent.
    public var emptyValue: Value? = nil
    /// How the values of several rows of one record combine (invoice lines into an account).
    public var aggregate: Aggregate? = nil
    /// Other names of a choice's values (another vocabulary, another language), by their
    /// folded form.
    public var valueAliases: [String: String] = [:]

    /// The choice `text` stands for: itself when it is one of the values, else the value it
    /// matches ignoring case, spaces, hyphens, underscores and ё/е, or one of its aliases;
    /// unchanged when none (and then refused as not among the choices).
    public func canonical(_ text: String) -> String {
        guard case .choice(let values) = kind, !values.contains(text) else { return text }
        let key = Self.fold(text)
        return valueAliases[key] ?? values.first { Self.fold($0) == key } ?? text
    }

    /// Lower case without spaces, hyphens, underscores or dots, with ё as е: `Pre-KAM`,
    /// `pre kam` and `PRE_KAM` are one name.
    public static func fold(_ text: String) -> String {
        String(text.lowercased().compactMap { c -> Character? in " -_.\u{A0}".contains(c) ? nil : c == "ё" ? "е" : c })
    }

    public var type: ExprType {
        switch kind {
        case .number: .number
        case .bool: .bool
        case .string, .choice: .string
        }
    }

    /// Why `value` is not acceptable for this input, or nil if it is.
    public func problem(with value: Value) -> String? {
        switch (kind, value) {
        case (.number, .number(let x)):
            if !x.isFinite { return "`\(name)` must be a finite number" }
            if let minimum, x < minimum {
                return "`\(name)` is \(NumberFormat.shortest(x)); the lowest accepted is \(NumberFormat.shortest(minimum))"
            }
            if let maximum, x > maximum {
                return "`\(name)` is \(NumberFormat.shortest(x)); the highest accepted is \(NumberFormat.shortest(maximum))"
            }
            return nil
        case (.bool, .bool), (.string, .string):
            return nil
        case (.choice(let values), .string(let s)):
            if values.contains(s) { return nil }
            let hint = Suggestion.nearest(to: s, among: values).map { "; did you mean `\($0)`?" } ?? ""
            let others = valueAliases.isEmpty ? "" : " (or another name the pack's `value_aliases` give them)"
            return "`\(name)` is \(JSONString.quote(s)); expected one of \(values.map { "`\($0)`" }.joined(separator: ", "))\(others)\(hint)"
        default:
            return "`\(name)` must be \(typeDescription), found \(value.type == .null ? "null" : value.type.rawValue)"
        }
    }

    public var typeDescription: String {
        switch kind {
        case .number: "a number"
        case .bool: "true or false"
        case .string: "text"
        case .choice(let values): "one of " + values.map { "`\($0)`" }.joined(separator: ", ")
        }
    }
}

public struct Derived: Sendable {
    public let name: String
    public let expression: CompiledExpression
    public let slot: Int
}

public struct Band: Sendable {
    public enum Points: Sendable {
        case constant(Double)
        case expression(CompiledExpression)
    }

    /// Nil for the fallback band, which holds when no band before it does.
    public let when: CompiledExpression?
    public let points: Points
    public let because: String
    public let span: SourceSpan
}

public struct Factor: Sendable {
    public let id: String
    public let title: String
    public let bands: [Band]
    /// The most points the factor gives; declared, or the largest constant band.
    public let maximum: Double
    public let span: SourceSpan
}

public struct Gate: Sendable {
    public let id: String
    public let when: CompiledExpression
    /// The outcome the gate imposes, whatever the score.
    public let outcome: String
    public let because: String
    public let span: SourceSpan
}

public struct Risk: Sendable {
    public enum Severity: String, Sendable, CaseIterable, Comparable {
        /// `critical`: what the result is about is itself at stake; a host puts such a risk
        /// before everything else.
        case low, medium, high, critical

        public static func < (a: Severity, b: Severity) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public let id: String
    public let title: String?
    public let when: CompiledExpression
    public let severity: Severity
    public let because: String
    public let mitigation: String
    public let span: SourceSpan
}

/// What speaks for the outcome when `when` holds: the other side of a risk. It changes
/// neither the score nor the outcome; a host shows the advantages that apply.
public struct Advantage: Sendable {
    public let id: String
    public let title: String
    public let when: CompiledExpression
    public let because: String
    public let span: SourceSpan
}

/// The verdict or tier: bands over the score, highest threshold first.
public struct OutcomeScale: Sendable {
    public struct Level: Sendable {
        public let value: String
        /// The least score for this level; nil for the last level, which takes the rest.
        public let minimum: Double?
        public let title: String?
        public let because: String?
    }

    public let name: String
    public let levels: [Level]

    /// The level for a score: the first whose minimum the score reaches.
    public func level(for score: Double) -> Int {
        levels.firstIndex { $0.minimum.map { score >= $0 } ?? true } ?? levels.count - 1
    }
}

/// A named label given by the first option whose condition holds.
public struct Classification: Sendable {
    public struct Option: Sendable {
        public let value: String
        public let when: CompiledExpression?
        /// The class's name for people, and what to do about an account in it: texts a
        /// report shows, so they live in the pack.
        public let title: String?
        public let advice: String?
    }

    public let name: String
    public let options: [Option]
    public let span: SourceSpan
}
