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
        // What the first file holds is what every file must hold: older summaries may lack a
        // count that newer ones have, and the outcome's counts are named after the pack's outcome.
        let shape = Shape(
            counts: (ScoreSummary.countFields.map(\.key) + ["score_sum"]).filter { key in first.contains { $0.key == key } },
            outcome: first.first { isOutcomeCounts($0.value) }?.key, classes: first.contains { $0.key == "classes" })
        var sum: BatchSummary?
        for (file, members) in roots {
            switch counts(members, file, shape) {
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
            } else if key == shape.outcome || key == "classes" {
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

    /// The members every summary of a merge must have.
    struct Shape {
        let counts: [String]
        let outcome: String?
        let classes: Bool
    }

    /// A summary file's counts as the run that wrote it had them.
    static func counts(_ members: [JSONNode.Member], _ file: SourceFile, _ shape: Shape) -> Result<BatchSummary, Diagnostic> {
        var s = BatchSummary()
        func node(_ key: String) -> Result<JSONNode, Diagnostic> {
            guard let node = members.first(where: { $0.key == key })?.value else {
                return .failure(.error("`\(key)` is missing; every summary must come from the same kind of run", file: file))
            }
            return .success(node)
        }
        func whole(_ node: JSONNode) -> Int? {
            guard let x = node.number, x == x.rounded(), abs(x) < 1e15 else { return nil }
            return Int(x)
        }
        /// Counts by name, `none` for rows no option held; nil unless every count is whole.
        func tally(_ node: JSONNode) -> [String: Int]? {
            guard let members = node.members else { return nil }
            var counts: [String: Int] = [:]
            for m in members {
                guard let x = whole(m.value) else { return nil }
                counts[m.key == "none" ? "" : m.key] = x
            }
            return counts
        }
        do throws(Diagnostic) {
            for key in shape.counts {
                let value = try node(key).get()
                if key == "score_sum" {
                    guard let x = value.number, abs(x) < 1e30 else {
                        throw .error("`score_sum` must be a number in every summary", file: file, span: value.span)
                    }
                    s.scoreMillionths = Int128((x * 1e6).rounded())
                    continue
                }
                guard let x = whole(value) else { throw .error("`\(key)` must be a whole number in every summary", file: file, span: value.span) }
                if let field = ScoreSummary.countFields.first(where: { $0.key == key })?.field { s[keyPath: field] = x }
            }
            if let key = shape.outcome {
                let value = try node(key).get()
                guard let counts = tally(value) else { throw .error("`\(key)` must hold whole counts in every summary", file: file, span: value.span) }
                s.outcomes = counts
            }
            if shape.classes {
                let value = try node("classes").get()
                guard let classes = value.members else { throw .error("`classes` must hold counts by class in every summary", file: file, span: value.span) }
                for c in classes {
                    guard let counts = tally(c.value) else {
                        throw .error("`classes` must hold counts by class in every summary", file: file, span: c.value.span)
                    }
                    s.classes[c.key] = counts
                }
            }
        } catch {
            return .failure(error)
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
