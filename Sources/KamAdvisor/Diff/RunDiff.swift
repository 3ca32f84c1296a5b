import KamCSV
import KamExpr
import KamRules
import KamSource

/// What changed between two scored runs of a customer list under one pack, and why: each
/// account that changed tier or class, with the factors whose points moved and the inputs
/// behind them; the accounts that appeared and disappeared; the risks that fired for the
/// first time or cleared; and the portfolio's own movement.
public struct RunDiff: Sendable {
    /// One factor whose points changed for an account.
    public struct FactorChange: Sendable {
        public let id: String
        public let title: String
        public let before: Double?
        public let after: Double?
        /// The inputs the factor reads whose cells changed: name, before, after.
        public let inputs: [(name: String, before: String?, after: String?)]
        /// No input it reads changed, but it reads the portfolio's figures (share, rank, the
        /// total): the account moved because other accounts did.
        public let portfolioOnly: Bool
    }

    /// A change of tier or of a classification.
    public struct Shift: Sendable {
        /// `tier` or the classification's name.
        public let name: String
        public let before: String
        public let after: String
    }

    public enum Direction: String, Sendable { case up, down, across }

    public struct Move: Sendable {
        public let id: String
        public let name: String
        public let sales: Double?
        public let direction: Direction
        public let shifts: [Shift]
        public let factors: [FactorChange]
        /// The inputs a changed classification reads, when no factor explains it.
        public let classInputs: [(name: String, before: String?, after: String?)]
        /// No input explains the move, and a changed classification reads the portfolio's
        /// figures (the ABC class reads the share of the larger accounts): the portfolio moved.
        public let portfolioOnly: Bool
        public let scoreBefore: Double
        public let scoreAfter: Double
    }

    public struct Account: Sendable {
        public let id: String
        public let name: String
        public let sales: Double?
        public let tier: String
    }

    public struct RiskChange: Sendable {
        public let id: String
        public let name: String
        public let risk: String
        public let title: String?
        public let fired: Bool
    }

    public let pack: RulePack
    public let old: BatchSummary
    public let new: BatchSummary
    public let oldPath: String
    public let newPath: String
    public let moves: [Move]
    public let appeared: [Account]
    public let disappeared: [Account]
    public let risks: [RiskChange]
    public let unchanged: Int
    /// Accounts in both runs by tier before and after (the pack's tier values), to draw the
    /// moves between tiers.
    public let tierFlows: [Flow]
    public struct Flow: Sendable, Equatable {
        public let from: String
        public let to: String
        public let count: Int
    }
    /// What made each run, from its `--summary`, when given.
    public var provenance: (old: RunProvenance, new: RunProvenance)?
    /// The runs whose numbers were read with a decimal comma (see `ScoredRun.scored`).
    public let decimalComma: [String]
    /// Rows of each run that could not be scored again (they are in neither side's accounts).
    public let oldRejected: [RowError]
    public let newRejected: [RowError]

    /// Compares the scored lists at `oldPath` and `newPath` under `pack`.
    public static func compare(old oldPath: String, new newPath: String, pack: RulePack, options: BatchOptions,
                               overrides: [(header: String, input: String?, span: SourceSpan?)] = [], overrideFile: SourceFile? = nil)
        throws(DiffFailure) -> RunDiff
    {
        try compare(ScoredRun.scored(oldPath, pack: pack, options: options, overrides: overrides, overrideFile: overrideFile),
                    ScoredRun.scored(newPath, pack: pack, options: options, overrides: overrides, overrideFile: overrideFile), pack: pack)
    }

    /// Compares a scored list from an earlier run with the customer list a report reads now
    /// (`mapping` and `options` as the report read it).
    public static func compare(previous oldPath: String, current newPath: String, mapping: ColumnMapping, pack: RulePack,
                               options: BatchOptions, overrides: [(header: String, input: String?, span: SourceSpan?)] = [],
                               overrideFile: SourceFile? = nil) throws(DiffFailure) -> RunDiff {
        try compare(ScoredRun.scored(oldPath, pack: pack, options: BatchOptions(jobs: options.jobs), overrides: overrides, overrideFile: overrideFile),
                    ScoredRun(path: newPath, pack: pack, mapping: mapping, options: options), pack: pack)
    }

    static func compare(_ old: ScoredRun, _ new: ScoredRun, pack: RulePack) throws(DiffFailure) -> RunDiff {
        let (oldPath, newPath) = (old.path, new.path)
        guard (pack.extras["portfolio"]?["id"]?.string).flatMap({ name in pack.inputs.firstIndex { $0.name == name } }) != nil else {
            throw .refused("the pack `\(pack.id)` names no id input (`portfolio.id`), so the two runs' accounts cannot be matched")
        }
        let fields = ReportFields.read(pack).0
        let at = { (name: String?) in name.flatMap { n in pack.inputs.firstIndex { $0.name == n } } }
        let idSlot = at(pack.extras["portfolio"]?["id"]?.string), nameSlot = at(fields.name), salesSlot = at(fields.sales)
        let reads = Reads(pack, stage: fields.stage)
        var moves: [Move] = [], appeared: [Account] = [], disappeared: [Account] = [], risks: [RiskChange] = []
        var unchanged = 0
        var flows: [String: Int] = [:]
        func account(_ s: AccountSnapshot) -> Account {
            Account(id: s.id(idSlot), name: nameSlot.flatMap { s.cells[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? s.id(idSlot),
                    sales: sales(s, salesSlot), tier: tierName(s.tier, pack))
        }
        for k in 0..<ScoredRun.partitionCount {
            let before = Dictionary(try old.snapshots(k).map { ($0.id(idSlot), $0) }, uniquingKeysWith: { a, _ in a })
            var seen = Set<String>()
            for after in try new.snapshots(k) {
                let id = after.id(idSlot)
                seen.insert(id)
                guard let b = before[id] else {
                    appeared.append(account(after))
                    continue
                }
                let name = nameSlot.flatMap { after.cells[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? id
                flows[tierName(b.tier, pack) + "\u{1}" + tierName(after.tier, pack), default: 0] += 1
                for (r, risk) in pack.risks.enumerated() where r < b.risks.count && r < after.risks.count && b.risks[r] != after.risks[r] {
                    risks.append(RiskChange(id: id, name: name, risk: risk.id, title: risk.title, fired: after.risks[r]))
                }
                if let move = Self.move(b, after, pack: pack, reads: reads, id: id, name: name, sales: sales(after, salesSlot)) {
                    moves.append(move)
                } else {
                    unchanged += 1
                }
            }
            for (id, b) in before where !seen.contains(id) { disappeared.append(account(b)) }
        }
        let bySales = { (a: Double?, b: Double?, x: String, y: String) -> Bool in (a ?? -1) != (b ?? -1) ? (a ?? -1) > (b ?? -1) : x < y }
        let rank: [Direction: Int] = [.down: 0, .up: 1, .across: 2]
        moves.sort { $0.direction != $1.direction ? rank[$0.direction]! < rank[$1.direction]! : bySales($0.sales, $1.sales, $0.id, $1.id) }
        appeared.sort { bySales($0.sales, $1.sales, $0.id, $1.id) }
        disappeared.sort { bySales($0.sales, $1.sales, $0.id, $1.id) }
        risks.sort { $0.fired != $1.fired ? $0.fired : $0.id != $1.id ? $0.id < $1.id : $0.risk < $1.risk }
        let order = pack.outcome.levels.map(\.value) + pack.gates.map(\.outcome)
        let tierFlows = flows.map { key, count -> Flow in
            let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            return Flow(from: parts[0], to: parts[1], count: count)
        }.sorted { (order.firstIndex(of: $0.from) ?? 99, order.firstIndex(of: $0.to) ?? 99) < (order.firstIndex(of: $1.from) ?? 99, order.firstIndex(of: $1.to) ?? 99) }
        return RunDiff(pack: pack, old: old.summary, new: new.summary, oldPath: oldPath, newPath: newPath, moves: moves,
                       appeared: appeared, disappeared: disappeared, risks: risks, unchanged: unchanged, tierFlows: tierFlows,
                       decimalComma: [old, new].filter(\.decimalComma).map(\.path), oldRejected: old.rowErrors, newRejected: new.rowErrors)
    }

    static func sales(_ s: AccountSnapshot, _ slot: Int?) -> Double? {
        slot.flatMap { s.cells[$0] }.flatMap { CSVNumber.parse($0) }
    }

    static func tierName(_ tier: Int, _ pack: RulePack) -> String {
        tier >= 0 ? pack.outcome.levels[tier].value : pack.gates[-2 - tier].outcome
    }

    /// The move of one account, or nil when neither its tier nor any class changed.
    static func move(_ b: AccountSnapshot, _ a: AccountSnapshot, pack: RulePack, reads: Reads, id: String, name: String, sales: Double?) -> Move? {
        var shifts: [Shift] = []
        var classInputs: Set<String> = []
        var classPortfolio = false
        let (tierBefore, tierAfter) = (tierName(b.tier, pack), tierName(a.tier, pack))
        if tierBefore != tierAfter {
            shifts.append(Shift(name: pack.outcome.name, before: tierBefore, after: tierAfter))
            if b.tier < 0 || a.tier < 0 { classInputs.formUnion(reads.gates) }
        }
        for (c, classification) in pack.classifications.enumerated() where c < b.classes.count && c < a.classes.count && b.classes[c] != a.classes[c] {
            func value(_ k: Int) -> String { k >= 0 ? classification.options[k].value : "–" }
            shifts.append(Shift(name: classification.name, before: value(b.classes[c]), after: value(a.classes[c])))
            classInputs.formUnion(reads.classification[c])
            classPortfolio = classPortfolio || reads.classificationPortfolio[c]
        }
        guard !shifts.isEmpty else { return nil }
        func changed(_ names: Set<String>) -> [(name: String, before: String?, after: String?)] {
            pack.inputs.enumerated().compactMap { i, input in
                guard names.contains(input.name), b.cells[i] != a.cells[i] else { return nil }
                return (input.name, b.cells[i], a.cells[i])
            }
        }
        var factors: [FactorChange] = []
        for (f, factor) in pack.factors.enumerated() where f < b.points.count && f < a.points.count {
            let x = b.points[f], y = a.points[f]
            guard !(x.isNaN && y.isNaN), x != y else { continue }
            let inputs = changed(reads.factor[f])
            factors.append(FactorChange(id: factor.id, title: factor.title, before: x.isNaN ? nil : x, after: y.isNaN ? nil : y,
                                        inputs: inputs, portfolioOnly: inputs.isEmpty && reads.factorPortfolio[f]))
        }
        let explained = Set(factors.flatMap { $0.inputs.map(\.name) })
        let direction = Self.direction(b, a, pack, stage: reads.stage)
        let unexplained = changed(classInputs).filter { !explained.contains($0.name) }
        return Move(id: id, name: name, sales: sales, direction: direction, shifts: shifts, factors: factors, classInputs: unexplained,
                    portfolioOnly: factors.allSatisfy { $0.inputs.isEmpty } && unexplained.isEmpty && changed(classInputs).isEmpty && classPortfolio,
                    scoreBefore: b.score, scoreAfter: a.score)
    }

    /// Up when the tier rose (an earlier, better level); else by the first classification
    /// that changed, in its options' order (earlier is better: class A, the strategic
    /// quadrant), except the relationship stage, whose later options are further along
    /// until the last (breaking down).
    static func direction(_ b: AccountSnapshot, _ a: AccountSnapshot, _ pack: RulePack, stage: String?) -> Direction {
        if b.tier >= 0, a.tier >= 0, b.tier != a.tier { return a.tier < b.tier ? .up : .down }
        // A gate forces an outcome whatever the score; into or out of one is neither up nor down.
        if b.tier != a.tier && tierName(b.tier, pack) != tierName(a.tier, pack) { return .across }
        for (c, classification) in pack.classifications.enumerated() where b.classes[c] != a.classes[c] {
            let x = b.classes[c], y = a.classes[c]
            guard x >= 0, y >= 0 else { continue }
            if classification.name == stage {
                let last = classification.options.count - 1
                if y == last { return .down }
                if x == last { return .up }
                return y > x ? .up : .down
            }
            return y < x ? .up : .down
        }
        return .across
    }
}

/// Which inputs each factor and classification of a pack reads, through the derived values
/// it uses, and whether it reads the portfolio's figures.
struct Reads {
    let factor: [Set<String>]
    let factorPortfolio: [Bool]
    let classification: [Set<String>]
    let classificationPortfolio: [Bool]
    /// The classification that is the relationship stage (`report.stage`), whose later
    /// options are further along.
    let stage: String?

    /// The inputs the gates read: a gate that closes or opens moves the tier without a factor.
    let gates: Set<String>

    init(_ pack: RulePack, stage: String?) {
        self.stage = stage
        // A portfolio figure (share, rank, ABC) is the account's own sales against everyone's:
        // whatever reads one reads the sales input too, so a change of the account's own
        // sales is named as such, and "the portfolio moved" only when its sales did not.
        let measure = pack.extras["portfolio"]?["measure"]?.string
        let inputs = Set(pack.inputs.map(\.name))
        let context = Set(pack.context.map(\.name))
        var derived: [String: Set<String>] = [:]
        for d in pack.derived { derived[d.name] = Set(d.expression.tree.identifiers) }
        func expand(_ names: [String]) -> (inputs: Set<String>, portfolio: Bool) {
            var out = Set<String>(), portfolio = false, seen = Set<String>()
            var todo = names
            while let n = todo.popLast() {
                guard seen.insert(n).inserted else { continue }
                if inputs.contains(n) { out.insert(n) }
                if context.contains(n) {
                    portfolio = true
                    if let measure, inputs.contains(measure) { out.insert(measure) }
                }
                if let more = derived[n] { todo += more }
            }
            return (out, portfolio)
        }
        var f: [Set<String>] = [], p: [Bool] = []
        for factor in pack.factors {
            var names: [String] = []
            for band in factor.bands {
                if let when = band.when { names += when.tree.identifiers }
                if case .expression(let e) = band.points { names += e.tree.identifiers }
            }
            let (i, portfolio) = expand(names)
            f.append(i)
            p.append(portfolio)
        }
        factor = f
        factorPortfolio = p
        gates = expand(pack.gates.flatMap { $0.when.tree.identifiers }).inputs
        let classes = pack.classifications.map { c in expand(c.options.flatMap { $0.when?.tree.identifiers ?? [] }) }
        classification = classes.map(\.inputs)
        classificationPortfolio = classes.map(\.portfolio)
    }
}
