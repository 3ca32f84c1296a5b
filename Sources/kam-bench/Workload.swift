import Foundation

/// The reference workload's customer list (kam-bench-v1, described in docs/benchmarks.md), generated
/// deterministically: the same N always gives the same bytes, so every peer scores the same
/// file.
enum Workload {
    static let industries = ["machinery", "chemicals", "food", "retail", "construction", "energy", "automotive",
                             "pharma", "logistics", "textiles", "electronics", "agriculture"]
    static let regions = ["north", "south", "east", "west", "central", "volga", "urals", "siberia"]
    static let stages = ["exploratory", "basic", "cooperative", "interdependent", "integrated", "disintegrating"]
    static let names = ["Acme", "Северсталь", "Nordic \"Steel\"", "Kama, Seals", "Uralmash", "Baltic Chem", "Volga Pack",
                        "Orion", "Helios", "Ромашка"]

    /// `linesPerAccount` above 1 writes an invoice-line list instead: the same rows, each
    /// account's lines scattered through the file (ids from a permutation of the rows), for
    /// measuring the grouping pass.
    static func write(rows: Int, to path: String, linesPerAccount: Int = 1) throws {
        guard let handle = FileHandle(forWritingAtPath: path) ?? {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { throw CocoaError(.fileWriteUnknown) }
        try handle.truncate(atOffset: 0)
        var random = SplitMix64(seed: 20_261_129)
        var out = "account_id,name,industry,region,annual_revenue,gross_margin,cost_to_serve,growth_rate,wallet_size,centralised_purchasing,buying_sites,decision_makers,relationship_years,strategic_fit,relationship_stage\n"
        out.reserveCapacity(1 << 22)
        func cents(_ x: Double) -> String { String(format: "%.2f", x) }
        for i in 1...max(rows, 1) where rows > 0 {
            // Pareto (alpha 1.16, the 80/20 law) from 20,000 upward: a heavy tail.
            let revenue = 20_000 * pow(1 - random.unit(), -1 / 1.16)
            let margin = 0.05 + 0.55 * random.unit()
            let cost = revenue * 0.25 * random.unit()
            let growth = -0.5 + 1.5 * random.unit()
            let wallet = revenue * (1 + 3 * random.unit())
            var name = names[Int(random.unit() * Double(names.count))] + " \(i)"
            if name.contains(",") || name.contains("\"") { name = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            let fields: [String] = [
                String(format: "A%07d", linesPerAccount > 1 ? (i &* 7919 % rows) / linesPerAccount + 1 : i), name, industries[Int(random.unit() * 12)], regions[Int(random.unit() * 8)],
                cents(revenue), String(format: "%.3f", margin), cents(cost), String(format: "%.3f", growth), cents(wallet),
                random.unit() < 0.3 ? "true" : "false", "\(1 + Int(random.unit() * 200))", "\(1 + Int(random.unit() * 30))",
                String(format: "%.1f", 40 * random.unit()), "\(1 + Int(random.unit() * 5))", stages[Int(random.unit() * 6)],
            ]
            out += fields.joined(separator: ",")
            out += "\n"
            if out.utf8.count > 1 << 22 {
                handle.write(Data(out.utf8))
                out.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(out.utf8))
        try handle.close()
    }
}
