import KamCSV
import KamRules
import KamSource

/// What changed between two scored runs of a customer list under one pack, and why: each
/// account that changed tier or class, with the factors whose points moved and the inputs
/// behind them; the accounts that appeared and disappeared; the risks that fired for the
/// first time or cleared; and the portfolio's own movement.
public struct RunDiff: Sendable {
    /// Why a factor's points changed.
    public enum Cause: String, Sendable {
        /// Inputs it reads changed (named in `inputs`).
        case inputs
        /// No input of its own changed, but it reads the portfolio's figures (share, rank,
        /// the total): the account moved because other accounts did.
        case portfolio
        /// The same inputs gave other points under the new rules (`--old-rules`).
        case rules
    }

    /// One factor whose points changed for an account.
    public struct FactorChange: Sendable {
        public let id: String
        public let title: String
        public let before: Double?
        public let after: Double?
        public let cause: Cause
        /// The inputs the factor reads whose cells changed: name, before, after.
        public let inputs: [(name: String, before: String?, after: String?)]
    }

    /// A change of tier or of a classification.
    public struct Shift: Sendable {
        /// `tier` or the classification's name.
        public let name: String
        public let before: String
        public let after: String
    }

    public enum Direction: String, Sendable { case up, down, across }

    /// What moved an account, when the old run is read with its own rules as well
    /// (`--old-rules`): the rules alone (its old inputs land elsewhere under the new pack),
    /// its data alone, or both. Without the old rules every move is the data's.
    public enum MovedBy: String, Sendable { case data, rules, both }

    /// A tier whose threshold differs between the old rules and the new.
    public struct Threshold: Sendable, Equatable {
        public let tier: String
        public let before: Double?
        public let after: Double?
    }

    public struct Move: Sendable {
        public let id: String
        public let name: String
        public let sales: Double?
        public let direction: Direction
        public let movedBy: MovedBy
        public let shifts: [Shift]
        public let factors: [FactorChange]
        /// The inputs a changed classification reads, when no factor explains it.
        public let classInputs: [(name: String, before: String?, after: String?)]
        /// No input explains the move, and a changed classification reads the portfolio's
        /// figures (the ABC class reads the share of the larger accounts): the portfolio moved.
        public let portfolioOnly: Bool
        /// The tiers' thresholds that changed, when the rules moved the account's tier.
        public let thresholds: [Threshold]
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

    /// The pack both runs are read with (the new run's rules).
    public let pack: RulePack
    /// The old run's own rules, when given (`--old-rules`): the old list is read with them
    /// too, so that a move the rules made is told from one the data made.
    public let oldPack: RulePack?
    /// The tiers whose thresholds differ between the old rules and the new.
    public let thresholds: [Threshold]
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
    /// The pack's inputs one list has a column for and the other lacks, in the pack's order:
    /// a factor that reads one is unanswered on one side, and its accounts may move for that
    /// alone.
    public let onlyOld: [String]
    public let onlyNew: [String]
    /// Rows of each run that could not be scored again (they are in neither side's accounts).
    public let oldRejected: [RowError]
    public let newRejected: [RowError]

    /// Compares the scored lists at `oldPath` and `newPath` under `pack`; with `oldPack`, the
    /// old list is also read with the rules it was scored with, and each move says whether
    /// the rules or the data made it.
    public static func compare(old oldPath: String, new newPath: String, pack: RulePack, oldPack: RulePack? = nil, options: BatchOptions,
                               overrides: [(header: String, input: String?, span: SourceSpan?)] = [], overrideFile: SourceFile? = nil)
        throws(DiffFailure) -> RunDiff
    {
        if let oldPack, oldPack.id != pack.id {
            throw .refused("--old-rules is the pack `\(oldPack.id)` \(oldPack.version), but the runs are read with `\(pack.id)` \(pack.version): "
                + "their tiers and classes do not mean the same; give the version of `\(pack.id)` the old run was scored with")
        }
        let writer = oldPack ?? pack
        let partitions = ScoredRun.partitionCount([oldPath, newPath])
        let old = try ScoredRun.scored(oldPath, pack: pack, writtenBy: writer, partitions: partitions, options: options, overrides: overrides, overrideFile: overrideFile)
        let oldOwn = oldPack == nil ? nil
            : try ScoredRun.scored(oldPath, pack: writer, writtenBy: writer, partitions: partitions, options: options, overrides: overrides, overrideFile: overrideFile)
        let new = try ScoredRun.scored(newPath, pack: pack, writtenBy: pack, partitions: partitions, options: options, overrides: overrides, overrideFile: overrideFile)
        return try compare(old, new, pack: pack, oldOwn: oldOwn.map { ($0, writer) })
    }

    /// Compares a scored list from an earlier run with the customer list a report reads now
    /// (`mapping` and `options` as the report read it).
    public static func compare(previous oldPath: String, current newPath: String, mapping: ColumnMapping, pack: RulePack,
                               options: BatchOptions, overrides: [(header: String, input: String?, span: SourceSpan?)] = [],
                               overrideFile: SourceFile? = nil) throws(DiffFailure) -> RunDiff {
        let partitions = ScoredRun.partitionCount([oldPath, newPath])
        return try compare(ScoredRun.scored(oldPath, pack: pack, writtenBy: pack, partitions: partitions, options: BatchOptions(jobs: options.jobs),
                                            overrides: overrides, overrideFile: overrideFile),
                           ScoredRun(path: newPath, pack: pack, mapping: mapping, partitions: partitions, options: options), pack: pack, oldOwn: nil)
    }

    /// `oldOwn` is the old list read with its own rules, beside `old` read with `pack`.
    static func compare(_ old: ScoredRun, _ new: ScoredRun, pack: RulePack, oldOwn: (run: ScoredRun, pack: RulePack)?) throws(DiffFailure) -> RunDiff {
        let (oldPath, newPath) = (old.path, new.path)
        let oldPack = oldOwn?.pack ?? pack
        guard let idSlot = Self.idSlot(pack), let oldIdSlot = Self.idSlot(oldPack) else {
            throw .refused("the pack `\(pack.id)` names no id input (`portfolio.id`), so the two runs' accounts cannot be matched")
        }
        let fields = ReportFields.read(pack).0
        let at = { (name: String?) in name.flatMap { n in pack.inputs.firstIndex { $0.name == n } } }
        let nameSlot = at(fields.name), salesSlot = at(fields.sales)
        let reads = Reads(pack, stage: fields.stage)
        let thresholds = Self.thresholds(oldPack, pack)
        var moves: [Move] = [], appeared: [Account] = [], disappeared: [Account] = [], risks: [RiskChange] = []
        var unchanged = 0
        var flows: [String: Int] = [:]
        func name(_ s: AccountSnapshot, _ id: String) -> String {
            nameSlot.flatMap { s.cells[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? id
        }
        for k in old.partitions.indices {
            let before = Dictionary(try old.snapshots(k).map { ($0.id(idSlot), $0) }, uniquingKeysWith: { a, _ in a })
            let beforeOwn = try oldOwn.map { own throws(DiffFailure) in
                Dictionary(try own.run.snapshots(k).map { ($0.id(oldIdSlot), $0) }, uniquingKeysWith: { a, _ in a })
            }
            var seen = Set<String>()
            try new.forEachSnapshot(k) { after in
                let id = after.id(idSlot)
                seen.insert(id)
                guard let b = before[id] else {
                    appeared.append(Account(id: id, name: name(after, id), sales: sales(after, salesSlot), tier: tierName(after.tier, pack)))
                    return
                }
                let b0 = beforeOwn?[id] ?? b
                let was = Labels(b0, oldPack, in: pack), reread = Labels(b, pack, in: pack), now = Labels(after, pack, in: pack)
                flows[was.tier + "\u{1}" + now.tier, default: 0] += 1
                risks += Self.risks(b0, oldPack, b, after, pack, id: id, name: name(after, id))
                let context = Pair(was: was, reread: reread, now: now, thresholds: thresholds)
                if let move = Self.move(b0, oldPack, b, after, pack: pack, labels: context, reads: reads, id: id, name: name(after, id),
                                        sales: sales(after, salesSlot)) {
                    moves.append(move)
                } else {
                    unchanged += 1
                }
            }
            for (id, b) in before where !seen.contains(id) {
                let b0 = beforeOwn?[id] ?? b
                disappeared.append(Account(id: id, name: name(b, id), sales: sales(b, salesSlot), tier: tierName(b0.tier, oldPack)))
            }
        }
        let bySales = { (a: Double?, b: Double?, x: String, y: String) -> Bool in (a ?? -1) != (b ?? -1) ? (a ?? -1) > (b ?? -1) : x < y }
        let rank: [Direction: Int] = [.down: 0, .up: 1, .across: 2]
        moves.sort { $0.direction != $1.direction ? rank[$0.direction]! < rank[$1.direction]! : bySales($0.sales, $1.sales, $0.id, $1.id) }
        appeared.sort { bySales($0.sales, $1.sales, $0.id, $1.id) }
        disappeared.sort { bySales($0.sales, $1.sales, $0.id, $1.id) }
        risks.sort { $0.fired != $1.fired ? $0.fired : $0.id != $1.id ? $0.id < $1.id : $0.risk < $1.risk }
        let order = oldPack.outcome.levels.map(\.value) + pack.outcome.levels.map(\.value) + oldPack.gates.map(\.outcome) + pack.gates.map(\.outcome)
        let tierFlows = flows.map { key, count -> Flow in
            let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            return Flow(from: parts[0], to: parts[1], count: count)
        }.sorted { (order.firstIndex(of: $0.from) ?? 99, order.firstIndex(of: $0.to) ?? 99) < (order.firstIndex(of: $1.from) ?? 99, order.firstIndex(of: $1.to) ?? 99) }
        return RunDiff(pack: pack, oldPack: oldOwn?.pack, thresholds: thresholds, old: (oldOwn?.run ?? old).summary, new: new.summary, oldPath: oldPath, newPath: newPath,
                       moves: moves, appeared: appeared, disappeared: disappeared, risks: risks, unchanged: unchanged, tierFlows: tierFlows,
                       decimalComma: [old, new].filter(\.decimalComma).map(\.path),
                       onlyOld: pack.inputs.map(\.name).filter { old.inputs.contains($0) && !new.inputs.contains($0) },
                       onlyNew: pack.inputs.map(\.name).filter { new.inputs.contains($0) && !old.inputs.contains($0) }, oldRejected: old.rowErrors, newRejected: new.rowErrors)
    }

    static func idSlot(_ pack: RulePack) -> Int? {
        (pack.extras["portfolio"]?["id"]?.string).flatMap { name in pack.inputs.firstIndex { $0.name == name } }
    }

    static func sales(_ s: AccountSnapshot, _ slot: Int?) -> Double? {
        slot.flatMap { s.cells[$0] }.flatMap { CSVNumber.parse($0) }
    }

    static func tierName(_ tier: Int, _ pack: RulePack) -> String {
        tier >= 0 ? pack.outcome.levels[tier].value : pack.gates[-2 - tier].outcome
    }

    /// The tiers whose threshold the new rules changed, added or dropped, by value.
    static func thresholds(_ old: RulePack, _ new: RulePack) -> [Threshold] {
        guard old.hash != new.hash else { return [] }
        let before = Dictionary(old.outcome.levels.map { ($0.value, $0.minimum) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(new.outcome.levels.map { ($0.value, $0.minimum) }, uniquingKeysWith: { a, _ in a })
        let names = new.outcome.levels.map(\.value) + old.outcome.levels.map(\.value).filter { after[$0] == nil }
        return names.compactMap { name in
            let (b, a) = (before[name] ?? nil, after[name] ?? nil)
            return b == a && before[name] != nil && after[name] != nil ? nil : Threshold(tier: name, before: b, after: a)
        }
    }

    /// Risks that fired or cleared, by id. A risk the old rules lacked is compared on the old
    /// data read with the new rules, so that adding a risk does not make it "fire for the
    /// first time" on every account it fits.
    static func risks(_ b0: AccountSnapshot, _ oldPack: RulePack, _ b: AccountSnapshot, _ a: AccountSnapshot, _ pack: RulePack,
                      id: String, name: String) -> [RiskChange] {
        pack.risks.enumerated().compactMap { r, risk in
            guard r < a.risks.count, r < b.risks.count else { return nil }
            let was = oldPack.risks.firstIndex { $0.id == risk.id }.flatMap { $0 < b0.risks.count ? b0.risks[$0] : nil } ?? b.risks[r]
            return was == a.risks[r] ? nil : RiskChange(id: id, name: name, risk: risk.id, title: risk.title, fired: a.risks[r])
        }
    }

    /// An account's tier and classes by value, so that runs read with two packs compare:
    /// classes follow the new pack's classifications, matched by name.
    struct Labels: Equatable {
        let tier: String
        let classes: [String?]

        init(_ s: AccountSnapshot, _ own: RulePack, in pack: RulePack) {
            tier = RunDiff.tierName(s.tier, own)
            classes = pack.classifications.map { target in
                guard let c = own.classifications.firstIndex(where: { $0.name == target.name }), c < s.classes.count, s.classes[c] >= 0 else { return nil }
                return own.classifications[c].options[s.classes[c]].value
            }
        }
    }

    /// An account's labels as the old run had them, the old data read with the new rules,
    /// and the new run's.
    struct Pair {
        let was: Labels
        let reread: Labels
        let now: Labels
        let thresholds: [Threshold]
    }

    /// The move of one account, or nil when neither its tier nor any class changed. `b0` is
    /// the old row under the old rules (`b` itself without them), `b` under the new rules.
    static func move(_ b0: AccountSnapshot, _ oldPack: RulePack, _ b: AccountSnapshot, _ a: AccountSnapshot, pack: RulePack, labels: Pair,
                     reads: Reads, id: String, name: String, sales: Double?) -> Move? {
        let (was, now) = (labels.was, labels.now)
        var shifts: [Shift] = []
        var classInputs: Set<String> = []
        var classPortfolio = false
        if was.tier != now.tier {
            shifts.append(Shift(name: pack.outcome.name, before: was.tier, after: now.tier))
            if b.tier < 0 || a.tier < 0 { classInputs.formUnion(reads.gates) }
        }
        for (c, classification) in pack.classifications.enumerated() where was.classes[c] != now.classes[c] {
            shifts.append(Shift(name: classification.name, before: was.classes[c] ?? "–", after: now.classes[c] ?? "–"))
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
        func points(_ x: Double) -> Double? { x.isNaN ? nil : x }
        var factors: [FactorChange] = []
        let rulesChanged = oldPack.hash != pack.hash
        for (f, factor) in pack.factors.enumerated() where f < b.points.count && f < a.points.count {
            if rulesChanged {
                let old = oldPack.factors.firstIndex { $0.id == factor.id }.flatMap { $0 < b0.points.count ? points(b0.points[$0]) : nil }
                if old != points(b.points[f]) {
                    factors.append(FactorChange(id: factor.id, title: factor.title, before: old, after: points(b.points[f]), cause: .rules, inputs: []))
                }
            }
            let x = b.points[f], y = a.points[f]
            guard !(x.isNaN && y.isNaN), x != y else { continue }
            let inputs = changed(reads.factor[f])
            factors.append(FactorChange(id: factor.id, title: factor.title, before: points(x), after: points(y),
                                        cause: inputs.isEmpty && reads.factorPortfolio[f] ? .portfolio : inputs.isEmpty ? .rules : .inputs,
                                        inputs: inputs))
        }
        if rulesChanged {
            for (f, factor) in oldPack.factors.enumerated() where f < b0.points.count && !pack.factors.contains(where: { $0.id == factor.id }) {
                guard let x = points(b0.points[f]) else { continue }
                factors.append(FactorChange(id: factor.id, title: factor.title, before: x, after: nil, cause: .rules, inputs: []))
            }
        }
        let explained = Set(factors.flatMap { $0.inputs.map(\.name) })
        let unexplained = changed(classInputs).filter { !explained.contains($0.name) }
        let byRules = labels.was != labels.reread, byData = labels.reread != now
        return Move(id: id, name: name, sales: sales, direction: direction(was, now, pack, stage: reads.stage),
                    movedBy: byRules && byData ? .both : byRules ? .rules : .data, shifts: shifts, factors: factors, classInputs: unexplained,
                    portfolioOnly: byData && factors.allSatisfy { $0.inputs.isEmpty } && changed(classInputs).isEmpty && classPortfolio,
                    thresholds: byRules && labels.was.tier != labels.reread.tier
                        ? labels.thresholds.filter { $0.tier == labels.was.tier || $0.tier == labels.reread.tier } : [],
                    scoreBefore: b0.score, scoreAfter: a.score)
    }

    /// Up when the tier rose (an earlier, better level); else by the first classification
    /// that changed, in its options' order (earlier is better: class A, the strategic
    /// quadrant), except the relationship stage, whose later options are further along
    /// until the last (breaking down).
    static func direction(_ b: Labels, _ a: Labels, _ pack: RulePack, stage: String?) -> Direction {
        let levels = pack.outcome.levels.map(\.value)
        if let x = levels.firstIndex(of: b.tier), let y = levels.firstIndex(of: a.tier), x != y { return y < x ? .up : .down }
        // A gate forces an outcome whatever the score; into or out of one is neither up nor down.
        if b.tier != a.tier { return .across }
        for (c, classification) in pack.classifications.enumerated() where b.classes[c] != a.classes[c] {
            let options = classification.options.map(\.value)
            guard let x = b.classes[c].flatMap({ options.firstIndex(of: $0) }), let y = a.classes[c].flatMap({ options.firstIndex(of: $0) }) else { continue }
            if classification.name == stage {
                let last = options.count - 1
                if y == last { return .down }
                if x == last { return .up }
                return y > x ? .up : .down
            }
            return y < x ? .up : .down
        }
        return .across
    }
}
