import KamRules

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
