import KamRules
import KamSource

/// Which of an account-scoring pack's values a report shows as an account's name, sales,
/// margin and so on, read from the pack's `report` section. The advisor needs these meanings
/// (an account plan is built from sales and contribution), but the names are the pack's, so
/// a pack with other columns still reports.
public struct ReportFields: Sendable {
    public var name: String?
    public var sales: String?
    public var grossMarginPct: String?
    public var costToServe: String?
    public var contribution: String?
    public var shareOfWalletPct: String?
    public var growthPct: String?
    /// The strength axis of the portfolio matrix (the score is the other).
    public var strength: String?
    /// Millman & Wilson's two axes of a relationship, as text values: its nature
    /// (transactional to collaborative) and the level of involvement (simple to complex).
    public var nature: String?
    public var involvement: String?
    /// Classifications: the matrix quadrant, the relationship stage and the ABC class (its
    /// values in order, `A` the largest accounts).
    public var quadrant: String?
    public var stage: String?
    public var abc: String?
    /// The tiers whose accounts may become key accounts, best first.
    public var candidateTiers: [String] = []
    public var controls: [String] = []
    /// A true/false value: the account's loss would badly hurt, so it is in the programme
    /// whatever its score.
    public var vital: String?
    /// A classification whose options are the reasons a vital account stays out.
    public var leftOut: String?
    /// A risk id: the large accounts to rescue.
    public var rescue: String?
    /// How many of the largest accounts by sales the report accounts for one by one.
    public var largest = 0
    /// Growth candidates come from at most this many times the capacity, best score first.
    public var poolMultiple: Int?
    /// The sales uplift the programme is planned to bring, in %, and where the figure comes from.
    public var expectedUpliftPct: (value: Double, source: String)?
    /// Below this confidence (0 to 1) an account is recommended only with a note.
    public var minConfidence: Double?
    /// What a quadrant's plan aims at in a year: sales growth, and the share-of-wallet points
    /// it may win to get there.
    public struct QuadrantPlan: Sendable, Equatable {
        public let salesGrowthPct: Double
        public let walletGainPoints: Double
        /// The relationship stage the plan aims for (a value of the `stage` classification);
        /// an account already beyond it holds where it is.
        public let stage: String?
    }
    /// By quadrant value.
    public var planTargets: [String: QuadrantPlan] = [:]
    /// A way of building the relationship and when it applies: `when` names a risk id or a
    /// true/false value of the pack.
    public struct Method: Sendable, Equatable {
        public let when: String
        public let method: String
        public let advice: String
    }
    /// In order of priority; the stage's advice stands in when none applies.
    public var relationshipMethods: [Method] = []
    /// Printed after amounts, unless the questionnaire names the supplier's own.
    public var currency: String?
    /// The cost to serve by category: label, and the input that holds it.
    public var costCategories: [(label: String, input: String)] = []
    /// What serving the account was budgeted to cost.
    public var costBudget: String?
    /// One theme of a sales call (Rackham's investigating, demonstrating capability and
    /// obtaining commitment), for accounts where `when` (a risk id or a true/false value) holds.
    public struct CallTheme: Sendable, Equatable {
        public let when: String
        public let problem: String
        public let implication: String
        public let needPayoff: String
        public let capability: String
        public let commitment: String
    }
    /// Rackham's big sale against the small one: a true/false value of the pack saying the
    /// account's sale is big, and how to approach each kind.
    public struct SaleSize: Sendable, Equatable {
        public let when: String
        public let big: String
        public let small: String
    }
    public var saleSize: SaleSize?
    /// Situation questions asked of every key account, then the themes in priority order.
    public var callSituation: [String] = []
    public var callThemes: [CallTheme] = []
    /// How often an account plan is reviewed, by the most severe risk that fired (`none`
    /// when none did).
    public var reviewCadence: [String: String] = [:]
    /// How a contacts file is read, and the inputs its facts fill; nil when the pack takes none.
    public var buyingCentre: BuyingCentreSpec?

    static let valueKeys = ["name", "sales", "gross_margin_pct", "cost_to_serve", "contribution", "share_of_wallet_pct",
                            "growth_pct", "strength", "nature", "involvement"]
    static let classKeys = ["quadrant", "stage", "abc"]
    static let selectionKeys = ["vital", "left_out", "rescue", "largest", "pool_multiple", "expected_uplift_pct", "min_confidence", "plan",
                                 "relationship_methods", "currency", "call_plan", "cost_categories", "cost_budget", "buying_centre"]

    /// The fields of `pack`, and a message for each name the pack does not have. Without a
    /// `report` section the candidate tiers are all but the last tier, and nothing else is shown.
    public static func read(_ pack: RulePack) -> (ReportFields, [Diagnostic]) {
        var fields = ReportFields()
        fields.candidateTiers = pack.outcome.levels.dropLast().map(\.value)
        guard let node = pack.extras["report"] else { return (fields, []) }
        var problems: [Diagnostic] = []
        guard let members = node.members else {
            problems.append(.error("`report` must be an object naming the values a report shows", file: pack.file, span: node.span))
            return (fields, problems)
        }
        let valueNames = pack.inputs.map(\.name) + pack.derived.map(\.name)
        let classNames = pack.classifications.map(\.name)
        for member in members {
            let key = member.key
            if valueKeys.contains(key) || classKeys.contains(key) {
                guard let name = member.value.string else {
                    problems.append(.error("`report.\(key)` must name a value", file: pack.file, span: member.value.span))
                    continue
                }
                let among = valueKeys.contains(key) ? valueNames : classNames
                guard among.contains(name) else {
                    let what = valueKeys.contains(key) ? "input or derived value" : "classification"
                    problems.append(.error("`report.\(key)` names `\(name)`, which is no \(what) of the pack", file: pack.file,
                                           span: member.value.span, help: Suggestion.didYouMean(name, among: among)))
                    continue
                }
                switch key {
                case "name": fields.name = name
                case "sales": fields.sales = name
                case "gross_margin_pct": fields.grossMarginPct = name
                case "cost_to_serve": fields.costToServe = name
                case "contribution": fields.contribution = name
                case "share_of_wallet_pct": fields.shareOfWalletPct = name
                case "growth_pct": fields.growthPct = name
                case "strength": fields.strength = name
                case "nature": fields.nature = name
                case "involvement": fields.involvement = name
                case "quadrant": fields.quadrant = name
                case "abc": fields.abc = name
                default: fields.stage = name
                }
            } else if key == "candidate_tiers" || key == "controls" {
                guard let list = member.value.array, list.allSatisfy({ $0.string != nil }) else {
                    problems.append(.error("`report.\(key)` must be a list of texts", file: pack.file, span: member.value.span))
                    continue
                }
                let texts = list.map { $0.string! }
                if key == "controls" {
                    fields.controls = texts
                } else {
                    let tiers = pack.outcome.levels.map(\.value)
                    for (text, item) in zip(texts, list) where !tiers.contains(text) {
                        problems.append(.error("`report.candidate_tiers` lists `\(text)`, which is no tier of the pack", file: pack.file,
                                               span: item.span, help: Suggestion.didYouMean(text, among: tiers)))
                    }
                    fields.candidateTiers = texts
                }
            } else if selectionKeys.contains(key) {
                if let problem = fields.readSelection(key, member.value, pack) {
                    problems.append(.error(problem, file: pack.file, span: member.value.span))
                }
            } else {
                problems.append(.error("unknown key `\(key)` in `report`", file: pack.file, span: member.keySpan,
                                       help: Suggestion.didYouMean(key, among: valueKeys + classKeys + ["candidate_tiers", "controls"] + selectionKeys)))
            }
        }
        return (fields, problems)
    }

    /// Reads one of the selection keys; the problem, if any.
    private mutating func readSelection(_ key: String, _ node: JSONNode, _ pack: RulePack) -> String? {
        func count(_ lowest: Int) -> Int? {
            guard let x = node.number, x == x.rounded(), x >= Double(lowest), x <= 1_000_000 else { return nil }
            return Int(x)
        }
        switch key {
        case "vital":
            guard let name = node.string, let slot = pack.declarations.variable(named: name), slot.type == .bool else {
                return "`report.vital` must name a true/false input or derived value of the pack"
            }
            vital = name
        case "left_out":
            guard let name = node.string, pack.classifications.contains(where: { $0.name == name }) else {
                return "`report.left_out` must name a classification of the pack (its options are the reasons a vital account stays out)"
            }
            leftOut = name
        case "rescue":
            guard let id = node.string, pack.risks.contains(where: { $0.id == id }) else {
                let ids = pack.risks.map(\.id).joined(separator: ", ")
                return "`report.rescue` must name a risk of the pack (\(ids))"
            }
            rescue = id
        case "largest":
            guard let n = count(0) else { return "`report.largest` must be a whole number, 0 or more" }
            largest = n
        case "pool_multiple":
            guard let n = count(1) else { return "`report.pool_multiple` must be a whole number, 1 or more" }
            poolMultiple = n
        case "expected_uplift_pct":
            guard let value = node["value"]?.number, value.isFinite, value >= 0, value <= 1000,
                  let source = node["source"]?.string, !source.isEmpty, node.members?.count == 2
            else { return "`report.expected_uplift_pct` must be `{ value: PERCENT, source: \"where it comes from\" }`" }
            expectedUpliftPct = (value, source)
        case "min_confidence":
            guard let x = node.number, x >= 0, x <= 1 else { return "`report.min_confidence` must be a number from 0 to 1" }
            minConfidence = x
        case "call_plan":
            return readCallPlan(node, pack)
        case "buying_centre":
            let (spec, problem) = BuyingCentreSpec.read(node, pack)
            buyingCentre = spec
            return problem
        case "cost_categories", "cost_budget":
            let numbers = pack.inputs.filter { $0.kind == .number }.map(\.name) + pack.derived.filter { $0.expression.type == .number }.map(\.name)
            if key == "cost_budget" {
                guard let name = node.string, numbers.contains(name) else { return "`report.cost_budget` must name a number input or derived value of the pack" }
                costBudget = name
            } else {
                guard let members = node.members else { return "`report.cost_categories` must be `{ label: \"input\", … }`" }
                for m in members {
                    guard let name = m.value.string, numbers.contains(name) else {
                        return "`report.cost_categories.\(m.key)` must name a number input or derived value of the pack"
                    }
                    costCategories.append((m.key, name))
                }
            }
        case "currency":
            guard let text = node.string, !text.isEmpty, text.count <= 8 else { return "`report.currency` must be a short text such as \"₽\" or \"EUR\"" }
            currency = text
        case "relationship_methods":
            let form = "`report.relationship_methods` must be a list of `{ when: RISK_OR_VALUE, method: \"…\", advice: \"…\" }`"
            guard let items = node.array else { return form }
            for item in items {
                guard let when = item["when"]?.string, let method = item["method"]?.string, let advice = item["advice"]?.string,
                      item.members?.count == 3 else { return form }
                guard Self.isSignal(when, in: pack) else {
                    return "`report.relationship_methods` names `\(when)`, which is neither a risk nor a true/false value of the pack"
                }
                relationshipMethods.append(Method(when: when, method: method, advice: advice))
            }
        default:
            return readPlan(node, pack)
        }
        return nil
    }

    /// A name a plan rule may hang on: a risk id, or a true/false value of the pack.
    static func isSignal(_ name: String, in pack: RulePack) -> Bool {
        pack.risks.contains { $0.id == name } || pack.declarations.variable(named: name)?.type == .bool
    }

    /// `call_plan: { sale_size: { when, big, small }, situation: [TEXT], themes: [{ when, problem, implication, need_payoff, capability, commitment }] }`.
    private mutating func readCallPlan(_ node: JSONNode, _ pack: RulePack) -> String? {
        let form = "`report.call_plan` must be `{ sale_size: { when, big, small }, situation: [\"…\"], themes: [{ when, problem, implication, need_payoff, capability, commitment }] }` (sale_size optional)"
        let size = node["sale_size"]
        guard let situation = node["situation"]?.array, situation.allSatisfy({ $0.string != nil }),
              let themes = node["themes"]?.array, node.members?.count == 2 + (size == nil ? 0 : 1) else { return form }
        if let size {
            guard let when = size["when"]?.string, let big = size["big"]?.string, let small = size["small"]?.string, size.members?.count == 3
            else { return form }
            guard pack.declarations.variable(named: when)?.type == .bool else {
                return "`report.call_plan.sale_size.when` names `\(when)`, which is no true/false value of the pack"
            }
            saleSize = SaleSize(when: when, big: big, small: small)
        }
        callSituation = situation.map { $0.string! }
        for theme in themes {
            let keys = ["when", "problem", "implication", "need_payoff", "capability", "commitment"]
            let texts = keys.map { theme[$0]?.string }
            guard theme.members?.count == keys.count, texts.allSatisfy({ $0 != nil }) else { return form }
            let when = texts[0]!
            guard Self.isSignal(when, in: pack) else {
                return "`report.call_plan` names `\(when)`, which is neither a risk nor a true/false value of the pack"
            }
            callThemes.append(CallTheme(when: when, problem: texts[1]!, implication: texts[2]!, needPayoff: texts[3]!,
                                        capability: texts[4]!, commitment: texts[5]!))
        }
        return nil
    }

    /// `plan: { targets: { QUADRANT: { sales_growth_pct, wallet_gain_points } }, review: { SEVERITY: "…", none: "…" } }`.
    private mutating func readPlan(_ node: JSONNode, _ pack: RulePack) -> String? {
        guard let members = node.members, members.allSatisfy({ ["targets", "review"].contains($0.key) }) else {
            return "`report.plan` must be `{ targets: { … }, review: { … } }`"
        }
        let quadrants = quadrant.flatMap { name in pack.classifications.first { $0.name == name } }?.options.map(\.value) ?? []
        for member in members where member.key == "targets" {
            for q in member.value.members ?? [] {
                guard quadrants.contains(q.key) else {
                    return "`report.plan.targets` names `\(q.key)`, which is no value of the `report.quadrant` classification (\(quadrants.joined(separator: ", ")))"
                }
                let stages = stage.flatMap { name in pack.classifications.first { $0.name == name } }?.options.map(\.value) ?? []
                let aim = q.value["stage"]?.string
                guard let growth = q.value["sales_growth_pct"]?.number, growth.isFinite, growth >= -100, growth <= 1000,
                      let gain = q.value["wallet_gain_points"]?.number, gain >= 0, gain <= 100,
                      q.value.members?.count == 2 + (aim == nil ? 0 : 1), aim.map(stages.contains) ?? true
                else {
                    return "`report.plan.targets.\(q.key)` must be `{ sales_growth_pct: PERCENT, wallet_gain_points: POINTS, stage: STAGE }` "
                        + "(the stage optional, one of \(stages.joined(separator: ", ")))"
                }
                planTargets[q.key] = QuadrantPlan(salesGrowthPct: growth, walletGainPoints: gain, stage: aim)
            }
        }
        let severities = Risk.Severity.allCases.map(\.rawValue) + ["none"]
        for member in members where member.key == "review" {
            for entry in member.value.members ?? [] {
                guard severities.contains(entry.key), let text = entry.value.string else {
                    return "`report.plan.review` maps a severity (\(severities.joined(separator: ", "))) to how often the plan is reviewed"
                }
                reviewCadence[entry.key] = text
            }
        }
        return nil
    }
}
