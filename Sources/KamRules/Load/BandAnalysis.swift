import KamExpr
import KamSource

/// Warns about bands that can never hold, bands that overlap in a way that hides a mistake,
/// and values for which no band holds.
///
/// It understands the conditions rule authors write for bands: comparisons of one name with
/// numbers, joined by `&&` (`x >= 10 && x < 30`). A factor whose bands say anything else
/// is not analysed, rather than analysed wrongly. Bands written from the top down
/// (`x >= 30`, then `x >= 10`) overlap on purpose, since the first band that holds wins; only
/// a later band that neither contains an earlier one nor stays clear of it is reported.
struct BandAnalysis {
    let sink: DiagnosticSink

    struct Interval: Equatable {
        var low = -Double.infinity, lowClosed = false
        var high = Double.infinity, highClosed = false

        var isEmpty: Bool { low > high || (low == high && !(lowClosed && highClosed)) }

        func intersection(_ o: Interval) -> Interval {
            var r = self
            if o.low > r.low || (o.low == r.low && !o.lowClosed) { r.low = o.low; r.lowClosed = o.lowClosed }
            if o.high < r.high || (o.high == r.high && !o.highClosed) { r.high = o.high; r.highClosed = o.highClosed }
            return r
        }

        func contains(_ o: Interval) -> Bool {
            let lowOK = low < o.low || (low == o.low && (lowClosed || !o.lowClosed))
            let highOK = high > o.high || (high == o.high && (highClosed || !o.highClosed))
            return lowOK && highOK
        }

        var text: String {
            func n(_ x: Double) -> String { NumberFormat.shortest(x) }
            if low == high { return "= \(n(low))" }
            if low == -.infinity { return "\(highClosed ? "<=" : "<") \(n(high))" }
            if high == .infinity { return "\(lowClosed ? ">=" : ">") \(n(low))" }
            return "between \(n(low)) and \(n(high))"
        }
    }

    /// `domains` gives the accepted range of inputs declared with `min` or `max`; values
    /// outside it need no band.
    func check(_ factors: [Factor], domains: [String: Interval]) {
        for factor in factors { check(factor, domains) }
    }

    private func check(_ factor: Factor, _ domains: [String: Interval]) {
        var variable: String?
        var intervals: [Interval] = []
        for band in factor.bands {
            guard let when = band.when else {
                intervals.append(Interval())
                continue
            }
            guard let (name, interval) = BandAnalysis.interval(when.tree, when.tree.root), variable == nil || variable == name else {
                return
            }
            variable = name
            intervals.append(interval)
        }
        guard let variable else { return }
        for (index, interval) in intervals.enumerated() {
            let band = factor.bands[index]
            if interval.isEmpty {
                sink.warning("band \(index + 1) of factor `\(factor.id)` can never hold: no value of `\(variable)` meets its condition", band.span)
                continue
            }
            let earlier = Array(intervals[..<index])
            if BandAnalysis.covers(earlier, interval) {
                sink.warning(
                    "band \(index + 1) of factor `\(factor.id)` can never hold: the bands before it already take every `\(variable)` it covers",
                    band.span, help: "the first band that holds wins; reorder the bands or fix their limits")
                continue
            }
            for (j, other) in earlier.enumerated() where !other.isEmpty {
                let common = other.intersection(interval)
                if !common.isEmpty && !interval.contains(other) {
                    sink.warning(
                        "bands \(j + 1) and \(index + 1) of factor `\(factor.id)` both hold when `\(variable)` is \(common.text); band \(j + 1) wins",
                        band.span, help: "make the limits meet without overlapping, e.g. `>= 30` and `< 30`")
                    break
                }
            }
        }
        if let gap = BandAnalysis.gap(intervals, within: domains[variable] ?? Interval()) {
            sink.warning(
                "no band of factor `\(factor.id)` holds when `\(variable)` is \(gap.text); such inputs make the factor fail",
                factor.span, help: "add a last band without `when` as the fallback")
        }
    }

    /// The single-name interval a band condition describes, if it is that simple.
    static func interval(_ tree: SyntaxTree, _ id: NodeID) -> (String, Interval)? {
        switch tree[id] {
        case .binary(.and, let l, let r):
            guard let (a, x) = interval(tree, l), let (b, y) = interval(tree, r), a == b else { return nil }
            return (a, x.intersection(y))
        case .binary(let op, let l, let r):
            if case .identifier(let name) = tree[l], case .number(let k) = tree[r] { return bound(name, op, k) }
            if case .number(let k) = tree[l], case .identifier(let name) = tree[r], let flipped = flip(op) {
                return bound(name, flipped, k)
            }
            return nil
        default:
            return nil
        }
    }

    private static func flip(_ op: BinaryOperator) -> BinaryOperator? {
        switch op {
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        case .equal: .equal
        default: nil
        }
    }

    private static func bound(_ name: String, _ op: BinaryOperator, _ k: Double) -> (String, Interval)? {
        var i = Interval()
        switch op {
        case .less: i.high = k
        case .lessOrEqual: (i.high, i.highClosed) = (k, true)
        case .greater: i.low = k
        case .greaterOrEqual: (i.low, i.lowClosed) = (k, true)
        case .equal: i = Interval(low: k, lowClosed: true, high: k, highClosed: true)
        default: return nil
        }
        return (name, i)
    }

    /// The union of `intervals` as disjoint pieces in ascending order.
    static func merged(_ intervals: [Interval]) -> [Interval] {
        let sorted = intervals.filter { !$0.isEmpty }.sorted { $0.low < $1.low || ($0.low == $1.low && $0.lowClosed && !$1.lowClosed) }
        var out: [Interval] = []
        for i in sorted {
            if var last = out.last, last.high > i.low || (last.high == i.low && (last.highClosed || i.lowClosed)) {
                if i.high > last.high || (i.high == last.high && i.highClosed) {
                    last.high = i.high
                    last.highClosed = i.highClosed
                }
                out[out.count - 1] = last
            } else {
                out.append(i)
            }
        }
        return out
    }

    static func covers(_ intervals: [Interval], _ target: Interval) -> Bool {
        merged(intervals).contains { $0.contains(target) }
    }

    /// The first stretch of `domain` no interval covers.
    static func gap(_ intervals: [Interval], within domain: Interval) -> Interval? {
        var low = domain.low, lowClosed = domain.lowClosed
        for piece in merged(intervals.map { $0.intersection(domain) }) {
            let candidate = Interval(low: low, lowClosed: lowClosed, high: piece.low, highClosed: !piece.lowClosed)
            if !candidate.isEmpty { return candidate }
            (low, lowClosed) = (piece.high, !piece.highClosed)
        }
        let tail = Interval(low: low, lowClosed: lowClosed, high: domain.high, highClosed: domain.highClosed)
        return tail.isEmpty ? nil : tail
    }
}
