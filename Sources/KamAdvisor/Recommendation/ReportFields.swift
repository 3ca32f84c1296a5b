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
    /// Classifications: the matrix quadrant, the relationship stage and the ABC class (its
    /// values in order, `A` the largest accounts).
    public var quadrant: String?
    public var stage: String?
    public var abc: String?
    /// The tiers whose accounts may become key accounts, best first.
    public var candidateTiers: [String] = []
    public var controls: [String] = []

    static let valueKeys = ["name", "sales", "gross_margin_pct", "cost_to_serve", "contribution", "share_of_wallet_pct",
                            "growth_pct", "strength"]
    static let classKeys = ["quadrant", "stage", "abc"]

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
            } else {
                problems.append(.error("unknown key `\(key)` in `report`", file: pack.file, span: member.keySpan,
                                       help: Suggestion.didYouMean(key, among: valueKeys + classKeys + ["candidate_tiers", "controls"])))
            }
        }
        return (fields, problems)
    }
}
