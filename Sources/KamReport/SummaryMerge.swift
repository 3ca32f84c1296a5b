import KamAdvisor
import KamSource

/// Merges the `--summary` files of partitions scored against one portfolio file
/// (`kam score PART --portfolio ALL --summary S`) into the summary one run over the whole
/// list writes: the counts and the score sum add up; the portfolio's figures, the rules and
/// the columns must be the same in every file, or the partitions were not scored alike.
public enum SummaryMerge {
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
        // The counts of each partition read back into a summary, and added up as runs add.
        var sum: BatchSummary?
        for (file, members) in roots {
            switch counts(members, file) {
            case .failure(let d): diagnostics.append(d)
            case .success(let s): sum = sum.map { $0 + s } ?? s
            }
        }
        guard diagnostics.isEmpty, let sum else { return (nil, diagnostics) }
        // Everything else describes the whole list, the rules and the columns: the same in
        // every partition scored alike, and kept in the first file's order.
        var merged: [(String, JSON)] = []
        for member in first {
            let key = member.key
            if let value = ScoreSummary.count(key, of: sum) {
                merged.append((key, value))
            } else if isOutcomeCounts(member.value) || key == "classes" {
                merged.append((key, key == "classes" ? classes(sum, order: member.value) : ScoreSummary.counts(sum.outcomes)))
            } else {
                let expected = JSON(member.value).compact
                for (file, members) in roots.dropFirst() {
                    guard let node = members.first(where: { $0.key == key })?.value else {
                        diagnostics.append(.error("`\(key)` is missing; every summary must come from the same kind of run", file: file))
                        continue
                    }
                    if JSON(node).compact != expected {
                        diagnostics.append(.error(
                            "`\(key)` differs from \(firstFile.path)'s: the partitions were not scored against the same portfolio and rules",
                            file: file, span: node.span))
                    }
                }
                merged.append((key, JSON(member.value)))
            }
        }
        return diagnostics.hasErrors ? (nil, diagnostics) : (JSON.object(merged).pretty, diagnostics)
    }

    /// A summary file's counts as the run that wrote it had them.
    static func counts(_ members: [JSONNode.Member], _ file: SourceFile) -> Result<BatchSummary, Diagnostic> {
        var s = BatchSummary()
        var problem: Diagnostic?
        func whole(_ key: String) -> Int {
            guard let node = members.first(where: { $0.key == key })?.value else {
                problem = problem ?? .error("`\(key)` is missing; every summary must come from the same kind of run", file: file)
                return 0
            }
            guard let x = node.number, x == x.rounded(), abs(x) < 1e15 else {
                problem = problem ?? .error("`\(key)` must be a whole number in every summary", file: file, span: node.span)
                return 0
            }
            return Int(x)
        }
        func tally(_ node: JSONNode) -> [String: Int]? {
            guard let members = node.members else { return nil }
            var counts: [String: Int] = [:]
            for m in members {
                guard let x = m.value.number, x == x.rounded(), abs(x) < 1e15 else { return nil }
                counts[m.key == "none" ? "" : m.key] = Int(x)
            }
            return counts
        }
        (s.rowsRead, s.scored, s.rejected, s.skippedTotals) = (whole("rows_read"), whole("scored"), whole("rejected"), whole("skipped_totals"))
        (s.footerLines, s.accounts, s.groupedLines) = (whole("footer_lines"), whole("accounts"), whole("grouped_lines"))
        s.conflictingValues = whole("conflicting_values")
        if let problem { return .failure(problem) }
        guard let sum = members.first(where: { $0.key == "score_sum" })?.value, let x = sum.number, abs(x) < 1e30 else {
            return .failure(.error("`score_sum` must be a number in every summary", file: file))
        }
        s.scoreMillionths = Int128((x * 1e6).rounded())
        for m in members where isOutcomeCounts(m.value) { s.outcomes = tally(m.value) ?? [:] }
        if let classes = members.first(where: { $0.key == "classes" })?.value {
            for c in classes.members ?? [] {
                guard let counts = tally(c.value) else {
                    return .failure(.error("`classes` must hold counts by class in every summary", file: file, span: c.value.span))
                }
                s.classes[c.key] = counts
            }
        }
        return .success(s)
    }

    /// The outcome's counts (`tiers` with the bundled pack): the one object of numbers only.
    static func isOutcomeCounts(_ node: JSONNode) -> Bool {
        guard let members = node.members, !members.isEmpty else { return false }
        return members.allSatisfy { $0.value.number != nil }
    }

    /// Classifications in the first file's order, each's counts as `kam score` writes them.
    static func classes(_ s: BatchSummary, order: JSONNode) -> JSON {
        .object((order.members ?? []).map { ($0.key, ScoreSummary.counts(s.classes[$0.key] ?? [:])) })
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
