import Foundation
import KamCSV
import KamExpr
import KamRules

/// One input's values over the lines of one account, combined as its `aggregate` says. Blank
/// cells take no part; an input blank on every line stays blank. What is written back is the
/// text of a line where a line's value is kept (`first`, `last`, `max`, `min`), so the
/// account shows what the file said, and a number in the file's own decimal mark where one is
/// computed (`sum`, `mean`, `weighted_mean`).
struct LineCombiner {
    let aggregate: Aggregate?
    private var sum = 0.0, count = 0
    /// The most decimals a line's amount was written with: a sum keeps as many and no more,
    /// so 0.1 + 0.2 is written 0.3, as a person adding the lines would write it.
    private var decimals = 0
    private var weighted = 0.0, weights = 0.0
    /// The smallest and largest values: a mean lies between them, though rounding in
    /// `Σ x·w / Σ w` may put it a hair outside (100.00000000000001 for lines all at 100).
    private var lowest = Double.infinity, highest = -Double.infinity
    private var kept: Value?
    private(set) var keptText: [UInt8]?
    /// A `first` input whose lines say different things (two spellings of a name, say).
    private(set) var conflict = false

    /// The file's decimal mark, for counting an amount's decimals.
    let decimalMark: UInt8

    init(_ aggregate: Aggregate?, decimalMark: UInt8) {
        self.aggregate = aggregate
        self.decimalMark = decimalMark
    }

    /// One line's value (nil: blank) with its cell's text, and the line's weight for a
    /// `weighted_mean`.
    mutating func add(_ value: Value?, text: UnsafeBufferPointer<UInt8>, weight: Double?) {
        guard let value else { return }
        count += 1
        switch aggregate {
        case .sum?, .mean?:
            if case .number(let x) = value {
                sum += x
                (lowest, highest) = (min(lowest, x), max(highest, x))
            }
            decimals = max(decimals, Self.decimals(text, mark: decimalMark))
        case .weightedMean?:
            guard case .number(let x) = value else { return }
            sum += x
            (lowest, highest) = (min(lowest, x), max(highest, x))
            if let weight {
                weighted += x * weight
                weights += weight
            }
        case .max?, .min?:
            if kept == nil || Self.better(value, than: kept!, max: aggregate == .max) {
                kept = value
                keptText = Array(text)
            }
        case .last?:
            kept = value
            keptText = Array(text)
        case .first?, nil:
            if let kept, !kept.celEquals(value) { conflict = true }
            if kept == nil {
                kept = value
                keptText = Array(text)
            }
        }
    }

    /// The combined value's text, or nil for a blank cell.
    func text(decimal: UInt8) -> [UInt8]? {
        guard count > 0 else { return nil }
        switch aggregate {
        case .sum?: return Self.number(Self.rounded(sum, decimals), decimal: decimal)
        case .mean?: return Self.number(between(sum / Double(count)), decimal: decimal)
        case .weightedMean?:
            // Weights that add up to nothing (every line's sales zero) weigh nothing: the plain mean.
            return Self.number(between(weights != 0 ? weighted / weights : sum / Double(count)), decimal: decimal)
        default: return keptText
        }
    }

    private func between(_ x: Double) -> Double { min(max(x, lowest), highest) }

    private static func better(_ a: Value, than b: Value, max: Bool) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return max ? x > y : x < y
        case (.bool(let x), .bool(let y)): return max ? (x && !y) : (!x && y)
        default: return false
        }
    }

    /// Digits after the decimal mark in an amount's text (`1 234,56 ₽` has two).
    static func decimals(_ text: UnsafeBufferPointer<UInt8>, mark: UInt8) -> Int {
        guard let at = text.lastIndex(of: mark) else { return 0 }
        var n = 0
        for b in text[(at + 1)...] {
            guard b >= 48 && b <= 57 else { break }
            n += 1
        }
        return n
    }

    /// `x` to `decimals` places: the float error of adding many amounts taken off again.
    static func rounded(_ x: Double, _ decimals: Int) -> Double {
        guard decimals <= 9 else { return x }
        let scale = pow(10, Double(decimals))
        let r = (x * scale).rounded() / scale
        return abs(r - x) <= 1e-6 * max(1, abs(x)) ? r : x
    }

    /// A computed number as a reader of this file reads it: shortest digits, the file's decimal mark.
    static func number(_ x: Double, decimal: UInt8) -> [UInt8] {
        let text = Array(NumberFormat.shortest(x == 0 ? 0 : x).utf8)
        return decimal == UInt8(ascii: ".") ? text : text.map { $0 == UInt8(ascii: ".") ? decimal : $0 }
    }
}
