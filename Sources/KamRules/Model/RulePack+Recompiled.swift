import KamExpr

extension RulePack {
    /// The same pack with every expression compiled again, for another worker thread.
    ///
    /// Compiled closures called from several threads make their reference counts bounce
    /// between cores (the batch scorer used to reload the whole file per worker to avoid it);
    /// recompiling from the checked trees gives each worker closures of its own without
    /// reading or checking the file again.
    func recompiled() -> RulePack {
        func again(_ e: CompiledExpression) -> CompiledExpression { e.recompiled() }
        let factors = factors.map { factor in
            Factor(
                id: factor.id, title: factor.title,
                bands: factor.bands.map { band in
                    let points: Band.Points
                    switch band.points {
                    case .constant(let x): points = .constant(x)
                    case .expression(let e): points = .expression(again(e))
                    }
                    return Band(when: band.when.map(again), points: points, because: band.because, span: band.span)
                },
                maximum: factor.maximum, span: factor.span)
        }
        let classifications = classifications.map { c in
            Classification(
                name: c.name,
                options: c.options.map { .init(value: $0.value, when: $0.when.map(again), title: $0.title, advice: $0.advice) },
                span: c.span)
        }
        return RulePack(
            file: file, hash: hash, kind: kind, id: id, version: version, title: title, description: description, inputs: inputs,
            context: context, derived: derived.map { Derived(name: $0.name, expression: again($0.expression), slot: $0.slot) },
            factors: factors,
            gates: gates.map { Gate(id: $0.id, when: again($0.when), outcome: $0.outcome, because: $0.because, span: $0.span) },
            risks: risks.map {
                Risk(id: $0.id, title: $0.title, when: again($0.when), severity: $0.severity, because: $0.because,
                     mitigation: $0.mitigation, span: $0.span)
            },
            advantages: advantages.map { Advantage(id: $0.id, title: $0.title, when: again($0.when), because: $0.because, span: $0.span) },
            outcome: outcome, classifications: classifications, tests: tests, declarations: declarations, languages: languages,
            language: language, extras: extras)
    }
}
