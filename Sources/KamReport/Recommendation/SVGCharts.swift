import KamExpr

/// The report's charts as inline SVG: plain shapes and text, coordinates printed with at
/// most one decimal so the same data always gives the same bytes.
enum SVGCharts {
    static func render(_ chart: Chart) -> String {
        switch chart {
        case .pareto(let points, let cuts): pareto(points, cuts)
        case .factors(let rows):
            bars(rows.map { ($0.title, $0.points ?? 0, $0.maximum, $0.points == nil) },
                 title: Messages.current("chart.factors"), color: "#1f6fb2", ofMaximum: true)
        case .tiers(let rows):
            bars(rows.map { ($0.name, Double($0.count), Double(rows.map(\.count).max() ?? 1), false) },
                 title: Messages.current("chart.tiers"), color: "#2f8f6b", ofMaximum: false)
        case .matrix(let accounts, let quadrants): matrix(accounts, quadrants)
        case .economics(let steps, let paying, let vital): economics(steps, paying, vital)
        case .flows(let tiers, let flows): self.flows(tiers, flows)
        }
    }

    static func n(_ x: Double) -> String { NumberFormat.shortest(rounded(x, 1)) }

    static func open(_ width: Int, _ height: Int, _ title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" font-size=\"13\">"
            + "<title>\(HTML.escape(title))</title>\n"
    }

    static func text(_ x: Double, _ y: Double, _ s: String, anchor: String = "start", fill: String = "#1d2733", extra: String = "") -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\"\(extra)>\(HTML.escape(s))</text>\n"
    }

    /// The Pareto curve: share of sales held by the largest accounts, with the diagonal of an
    /// even spread and the ABC boundaries.
    static func pareto(_ points: [(accounts: Double, share: Double)], _ cuts: [Double]) -> String {
        let (w, h, left, top, size) = (560.0, 330.0, 60.0, 20.0, 260.0)
        var out = open(Int(w), Int(h), Messages.current("chart.pareto"))
        func x(_ v: Double) -> Double { left + v * size * 1.7 }
        func y(_ v: Double) -> Double { top + (1 - v) * size }
        out += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(size * 1.7))\" height=\"\(n(size))\" fill=\"#f7f9fb\" stroke=\"#d5dbe2\"/>\n"
        for k in 0...4 {
            let v = Double(k) / 4
            out += "<line x1=\"\(n(left))\" x2=\"\(n(x(1)))\" y1=\"\(n(y(v)))\" y2=\"\(n(y(v)))\" stroke=\"#e3e8ee\"/>\n"
            out += text(left - 6, y(v) + 4, Figures.percent(Double(k * 25)), anchor: "end", fill: "#5b6775")
            out += text(x(v), y(0) + 16, Figures.percent(Double(k * 25)), anchor: "middle", fill: "#5b6775")
        }
        let letters = ["A", "B", "C", "D", "E"]
        var from = 0.0
        for (i, cut) in (cuts + [1]).enumerated() where i < letters.count {
            if cut < 1 {
                out += "<line x1=\"\(n(x(cut)))\" x2=\"\(n(x(cut)))\" y1=\"\(n(y(0)))\" y2=\"\(n(y(1)))\" stroke=\"#c4622d\" stroke-dasharray=\"4 3\"/>\n"
            }
            out += text((x(from) + x(cut)) / 2, y(0) - 8, letters[i], anchor: "middle", fill: "#c4622d", extra: " font-weight=\"bold\"")
            from = cut
        }
        out += "<line x1=\"\(n(x(0)))\" y1=\"\(n(y(0)))\" x2=\"\(n(x(1)))\" y2=\"\(n(y(1)))\" stroke=\"#9aa5b1\" stroke-dasharray=\"2 3\"/>\n"
        let path = points.map { "\(n(x($0.accounts))),\(n(y($0.share)))" }.joined(separator: " ")
        out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#1f6fb2\" stroke-width=\"2.5\"/>\n"
        out += text(x(0.5), h - 6, Messages.current("chart.pareto.x"), anchor: "middle", fill: "#5b6775")
        out += text(14, y(0.5), Messages.current("chart.pareto.y"), anchor: "middle", fill: "#5b6775", extra: " transform=\"rotate(-90 14 \(n(y(0.5))))\"")
        return out + "</svg>\n"
    }

    /// Horizontal bars, one per row, each under its label, so the chart stays narrow enough
    /// to read on a phone: value against a maximum; a row without a value says so.
    static func bars(
        _ rows: [(label: String, value: Double, maximum: Double, unknown: Bool)], title: String, color: String, ofMaximum: Bool
    ) -> String {
        let (left, barWidth, rowHeight, top) = (4.0, 300.0, 38.0, 4.0)
        let scale = max(rows.map(\.maximum).max() ?? 1, 1)
        var out = open(Int(left + barWidth + 70), Int(top * 2 + rowHeight * Double(rows.count)), title)
        for (i, row) in rows.enumerated() {
            let y = top + Double(i) * rowHeight
            let label = row.label.count > 60 ? String(row.label.prefix(59)) + "…" : row.label
            out += text(left, y + 13, label)
            out += "<rect x=\"\(n(left))\" y=\"\(n(y + 18))\" width=\"\(n(barWidth * row.maximum / scale))\" height=\"14\" fill=\"#eef2f6\"/>\n"
            if row.unknown {
                out += text(left + 6, y + 29, Messages.current("factor.unanswered"), fill: "#5b6775")
                continue
            }
            out += "<rect x=\"\(n(left))\" y=\"\(n(y + 18))\" width=\"\(n(barWidth * max(0, row.value) / scale))\" height=\"14\" fill=\"\(color)\"/>\n"
            let value = ofMaximum ? "\(n(row.value))/\(n(row.maximum))" : n(row.value)
            out += text(left + barWidth * max(0, row.value) / scale + 6, y + 30, value, fill: "#1d2733")
        }
        return out + "</svg>\n"
    }

    /// The KAM portfolio matrix: each candidate by its strength against the best competitor
    /// (1–5) and its attractiveness score (0–100), coloured by the quadrant its pack gave it.
    /// The frame is split at the middle of each axis.
    static func matrix(_ accounts: [(label: String, strength: Double, score: Double)], _ quadrants: [String]) -> String {
        let (left, top, size) = (60.0, 20.0, 300.0)
        let palette = ["#1f6fb2", "#c4622d", "#2f8f6b", "#8a5cb8", "#5b6775"]
        let titles = quadrants.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var out = open(Int(left + size + 170), Int(top + size + 46), Messages.current("chart.matrix"))
        func x(_ s: Double) -> Double { left + (min(max(s, 1), 5) - 1) / 4 * size }
        func y(_ v: Double) -> Double { top + (1 - min(max(v, 0), 100) / 100) * size }
        out += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(size))\" height=\"\(n(size))\" fill=\"#f7f9fb\" stroke=\"#d5dbe2\"/>\n"
        out += "<line x1=\"\(n(x(3)))\" x2=\"\(n(x(3)))\" y1=\"\(n(top))\" y2=\"\(n(top + size))\" stroke=\"#9aa5b1\"/>\n"
        out += "<line x1=\"\(n(left))\" x2=\"\(n(left + size))\" y1=\"\(n(y(50)))\" y2=\"\(n(y(50)))\" stroke=\"#9aa5b1\"/>\n"
        for v in [0, 50, 100] { out += text(left - 6, y(Double(v)) + 4, "\(v)", anchor: "end", fill: "#5b6775") }
        for s in 1...5 { out += text(x(Double(s)), top + size + 16, "\(s)", anchor: "middle", fill: "#5b6775") }
        out += text(left + size / 2, top + size + 36, Messages.current("chart.matrix.x"), anchor: "middle", fill: "#5b6775")
        out += text(16, y(50), Messages.current("chart.matrix.y"), anchor: "middle", fill: "#5b6775", extra: " transform=\"rotate(-90 16 \(n(y(50))))\"")
        // Strength is often a whole number and scores bunch together, so candidates that
        // would sit on top of each other (same strength, score within 3 points, same
        // quadrant) share one dot, labelled with all their numbers.
        var dots: [(strength: Double, score: Double, quadrant: String, labels: [String])] = []
        for (i, a) in accounts.enumerated() {
            let quadrant = i < quadrants.count ? quadrants[i] : ""
            if let k = dots.firstIndex(where: { $0.strength == a.strength && $0.quadrant == quadrant && abs($0.score - a.score) < 3 }) {
                dots[k].labels.append(a.label)
            } else {
                dots.append((a.strength, a.score, quadrant, [a.label]))
            }
        }
        for dot in dots {
            let colour = palette[(titles.firstIndex(of: dot.quadrant) ?? 0) % palette.count]
            out += "<circle cx=\"\(n(x(dot.strength)))\" cy=\"\(n(y(dot.score)))\" r=\"7\" fill=\"\(colour)\" fill-opacity=\"0.85\"/>\n"
            out += text(x(dot.strength) + 10, y(dot.score) - 6, dot.labels.joined(separator: ","), fill: colour, extra: " font-size=\"11\"")
        }
        for (k, title) in titles.enumerated() {
            let ly = top + 10 + Double(k) * 20
            out += "<circle cx=\"\(n(left + size + 20))\" cy=\"\(n(ly))\" r=\"6\" fill=\"\(palette[k % palette.count])\"/>\n"
            out += text(left + size + 32, ly + 4, title.isEmpty ? Messages.current("chart.matrix.no_quadrant") : title)
        }
        return out + "</svg>\n"
    }

    /// The programme's net a year as accounts join it, vital accounts first and then those
    /// that add most: where the line crosses zero is the largest programme that pays.
    static func economics(_ steps: [(label: String, net: Double)], _ paying: Int?, _ vital: Int) -> String {
        let (w, left, top, width, height) = (560.0, 90.0, 20.0, 440.0, 220.0)
        var out = open(Int(w), Int(top + height + 50), Messages.current("chart.economics"))
        guard !steps.isEmpty else { return out + "</svg>\n" }
        let low = min(0, steps.map(\.net).min()!), high = max(0, steps.map(\.net).max()!)
        let span = max(high - low, 1)
        func x(_ k: Int) -> Double { left + (steps.count == 1 ? width / 2 : Double(k) / Double(steps.count - 1) * width) }
        func y(_ v: Double) -> Double { top + (high - v) / span * height }
        out += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#f7f9fb\" stroke=\"#d5dbe2\"/>\n"
        if vital > 0 && vital < steps.count {
            let edge = (x(vital - 1) + x(vital)) / 2
            out += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(edge - left))\" height=\"\(n(height))\" fill=\"#eef2f6\"/>\n"
            out += text(left + 4, top + height - 6, Messages.current("role.vital.short"), fill: "#5b6775")
        }
        out += "<line x1=\"\(n(left))\" x2=\"\(n(left + width))\" y1=\"\(n(y(0)))\" y2=\"\(n(y(0)))\" stroke=\"#9aa5b1\"/>\n"
        out += text(left - 6, y(0) + 4, "0", anchor: "end", fill: "#5b6775")
        for v in [low, high] where v != 0 { out += text(left - 6, y(v) + 4, Figures.money(v), anchor: "end", fill: "#5b6775") }
        let path = steps.indices.map { "\(n(x($0))),\(n(y(steps[$0].net)))" }.joined(separator: " ")
        out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#1f6fb2\" stroke-width=\"2.5\"/>\n"
        for (k, step) in steps.enumerated() {
            let colour = step.net >= 0 ? "#2f8f6b" : "#c4622d"
            out += "<circle cx=\"\(n(x(k)))\" cy=\"\(n(y(step.net)))\" r=\"4\" fill=\"\(colour)\"/>\n"
        }
        if let paying, paying > 0, paying <= steps.count {
            out += "<line x1=\"\(n(x(paying - 1)))\" x2=\"\(n(x(paying - 1)))\" y1=\"\(n(top))\" y2=\"\(n(top + height))\" stroke=\"#2f8f6b\" stroke-dasharray=\"4 3\"/>\n"
            out += text(x(paying - 1) + 4, top + height - 6, Messages.current("chart.economics.paying", ["n": Figures.count(paying)]), fill: "#2f8f6b")
        }
        out += text(left + width / 2, top + height + 20, Messages.current("chart.economics.x", ["n": Figures.count(steps.count)]), anchor: "middle", fill: "#5b6775")
        out += text(left + width / 2, top + height + 38, Messages.current("chart.economics.y"), anchor: "middle", fill: "#5b6775")
        return out + "</svg>\n"
    }

    /// Tiers before and after as two columns, a line between them for each pair of tiers that
    /// accounts took, its width growing with the square root of their number (so one mover
    /// stays visible beside thousands that stayed); green up, orange down, grey unchanged.
    static func flows(_ tiers: [String], _ flows: [(from: String, to: String, count: Int)]) -> String {
        let t = Messages.current
        let (left, right, top, step) = (150.0, 410.0, 40.0, 44.0)
        let height = top + step * Double(max(tiers.count, 1)) + 10
        var out = open(Int(right + 150), Int(height), t("chart.flows"))
        func y(_ tier: String) -> Double { top + step * Double(tiers.firstIndex(of: tier) ?? 0) + 10 }
        out += text(left, 18, t("chart.flows.before"), anchor: "end", fill: "#5b6775")
        out += text(right, 18, t("chart.flows.after"), anchor: "start", fill: "#5b6775")
        let largest = Double(flows.map(\.count).max() ?? 1)
        for flow in flows.sorted(by: { $0.count > $1.count }) {
            let rank = { (x: String) in tiers.firstIndex(of: x) ?? 0 }
            let colour = flow.from == flow.to ? "#c9d1da" : rank(flow.to) < rank(flow.from) ? "#2f8f6b" : "#c4622d"
            let width = 1.5 + 14 * (Double(flow.count) / largest).squareRoot()
            out += "<line x1=\"\(n(left + 8))\" y1=\"\(n(y(flow.from)))\" x2=\"\(n(right - 8))\" y2=\"\(n(y(flow.to)))\" stroke=\"\(colour)\" stroke-width=\"\(n(width))\" stroke-linecap=\"round\" stroke-opacity=\"0.8\"/>\n"
            if flow.from != flow.to {
                out += text((left + right) / 2, (y(flow.from) + y(flow.to)) / 2 - 4, Figures.count(flow.count), anchor: "middle", fill: colour)
            }
        }
        for tier in tiers {
            let before = flows.filter { $0.from == tier }.reduce(0) { $0 + $1.count }
            let after = flows.filter { $0.to == tier }.reduce(0) { $0 + $1.count }
            out += text(left - 6, y(tier) + 4, "\(tier) \(Figures.count(before))", anchor: "end")
            out += text(right + 6, y(tier) + 4, "\(tier) \(Figures.count(after))")
        }
        return out + "</svg>\n"
    }
}
