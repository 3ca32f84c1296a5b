import KamSource

/// Merges the `--summary` files of partitions scored against one portfolio file
/// (`kam score PART --portfolio ALL --summary S`) into the summary one run over the whole
/// list writes: the counts and the score sum add up; the portfolio's figures, the rules and
/// the columns must be the same in every file, or the partitions were not scored alike.
public enum SummaryMerge {
    static let additive: Set<String> = ["rows_read", "scored", "rejected", "skipped_totals", "footer_lines", "accounts", "grouped_lines",
                                        "conflicting_values", "score_sum"]
    static let additiveObjects: Set<String> = ["tiers", "classes"]

    public static func merge(_ files: [SourceFile]) -> (String?, [Diagnostic]) {
        var roots: [(SourceFile, [JSONNode.Member])] = []
        var diagnostics: [Diagnostic] = []
        for file in files {
            switch JSON5Reader.read(file) {
            case .failure(let d): diagnostics.append(d)
            case .success(let node):
                guard let members = node.members, members.contains(where: { $0.key == "rows_read" }) else {
                    diagnostics.append(.error("not a summary written by `kam score --summary`", file: file, span: node.span))
                    continue
                }
                roots.append((file, members))
            }
        }
        guard diagnostics.isEmpty, let (firstFile, first) = roots.first else { return (nil, diagnostics) }
        var merged: [(String, JSON)] = []
        for member in first {
            let key = member.key
            let values = roots.map { file, members in (file, members.first { $0.key == key }) }
            if let (file, _) = values.first(where: { $0.1 == nil }) {
                diagnostics.append(.error("`\(key)` is missing; every summary must come from the same kind of run", file: file))
                continue
            }
            let nodes = values.map { ($0.0, $0.1!.value) }
            if additive.contains(key) {
                guard let sum = add(nodes.map(\.1)) else {
                    diagnostics.append(.error("`\(key)` must be a number in every summary", file: firstFile, span: member.value.span))
                    continue
                }
                merged.append((key, .number(sum)))
            } else if additiveObjects.contains(key) {
                guard let sum = addObjects(nodes.map(\.1)) else {
                    diagnostics.append(.error("`\(key)` must hold the same names in every summary", file: firstFile, span: member.value.span))
                    continue
                }
                merged.append((key, sum))
            } else {
                let expected = JSON(member.value).compact
                for (file, node) in nodes.dropFirst() where JSON(node).compact != expected {
                    diagnostics.append(.error(
                        "`\(key)` differs from \(firstFile.path)'s: the partitions were not scored against the same portfolio and rules",
                        file: file, span: node.span))
                }
                merged.append((key, JSON(member.value)))
            }
        }
        return diagnostics.hasErrors ? (nil, diagnostics) : (JSON.object(merged).pretty, diagnostics)
    }

    /// Numbers added as whole millionths: exact for counts and for `score_sum` (printed to
    /// millionths), so the merge gives the whole run's sum to the last digit.
    static func add(_ nodes: [JSONNode]) -> Double? {
        var sum: Int128 = 0
        for node in nodes {
            guard let x = node.number, abs(x) < 1e30 else { return nil }
            sum += Int128((x * 1e6).rounded())
        }
        return Double(sum) / 1e6
    }

    /// Counts by name, added name by name. A name may be absent where its count was 0
    /// (`none`, a gate's outcome); the union is written in the order `kam score` writes
    /// names: counts sorted, `none` (no option held) first; classifications as they come.
    static func addObjects(_ nodes: [JSONNode]) -> JSON? {
        var keys: [String] = []
        for node in nodes {
            guard let members = node.members else { return nil }
            for m in members where !keys.contains(m.key) { keys.append(m.key) }
        }
        // Classifications stay in the pack's order; counts are sorted as `kam score` sorts them.
        let nested = nodes.contains { $0.members?.contains { $0.value.members != nil } ?? false }
        if !nested { keys.sort { ($0 == "none" ? "" : $0) < ($1 == "none" ? "" : $1) } }
        var out: [(String, JSON)] = []
        for key in keys {
            let present = nodes.compactMap { $0.members?.first { $0.key == key }?.value }
            if present.contains(where: { $0.members != nil }) {
                guard present.allSatisfy({ $0.members != nil }), let inner = addObjects(present) else { return nil }
                out.append((key, inner))
            } else {
                guard let sum = add(present) else { return nil }
                out.append((key, .number(sum)))
            }
        }
        return .object(out)
    }
}

extension JSON {
    /// A JSON5 node as JSON, members in their order.
    init(_ node: JSONNode) {
        switch node.value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let x): self = .number(x)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(JSON.init))
        case .object(let members): self = .object(members.map { ($0.key, JSON($0.value)) })
        }
    }
}
