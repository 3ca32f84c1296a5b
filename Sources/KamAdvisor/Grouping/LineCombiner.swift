import Foundation
import KamCSV
import KamRules

/// One cell of a line as the grouping reads it: its value where one is computed with, or just
/// that text is there (its bytes stay in the partition and are compared as bytes).
enum GroupCell: Equatable {
    case blank
    case number(Double)
    case bool(Bool)
    case text
}

/// One input's values over the lines of one account, combined as its `aggregate` says. Blank
/// cells take no part; an input blank on every line stays blank. What is written back is the
/// text of a line where a line's value is kept (`first`, `last`, `max`, `min`), so the
/// account shows what the file said, and a number in the file's own decimal mark where one is
/// computed (`sum`, `mean`, `weighted_mean`). Texts are ranges of the partition's bytes.
struct LineCombiner {
    /// The aggregate without its weight's name: a combiner is copied with its group, and a
    /// string in it would be counted at every copy.
    enum Kind: UInt8 { case sum, mean, weighted, max, min, first, last, none }

    let kind: Kind
    /// The file's decimal mark, for counting an amount's decimals.
    let decimalMark: UInt8
    private var sum = 0.0, count = 0
    /// The most decimals a line's amount was written with: a sum keeps as many and no more,
    /// so 0.1 + 0.2 is written 0.3, as a person adding the lines would write it.
    private var decimals = 0
    private var weighted = 0.0, weights = 0.0
    /// The smallest and largest values: a mean lies between them, though rounding in
    /// `Σ x·w / Σ w` may put it a hair outside (100.00000000000001 for lines all at 100).
    private var lowest = Double.infinity, highest = -Double.infinity
    private var kept: GroupCell = .blank
    /// Where the kept line's cell is in the partition's bytes.
    private(set) var keptText: Range<Int>?
    /// A `first` input whose lines say different things (two spellings of a name, say).
    private(set) var conflict = false

    init(_ aggregate: Aggregate?, decimalMark: UInt8) {
        switch aggregate {
        case .sum?: kind = .sum
        case .mean?: kind = .mean
        case .weightedMean?: kind = .weighted
        case .max?: kind = .max
        case .min?: kind = .min
        case .first?: kind = .first
        case .last?: kind = .last
        case nil: kind = .none
        }
        self.decimalMark = decimalMark
    }

    /// One line's cell, its text at `range` of `bytes`, and the line's weight for a
    /// `weighted_mean`.
    mutating func add(_ cell: GroupCell, _ range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>, weight: Double?) {
        guard cell != .blank else { return }
        count += 1
        switch kind {
        case .sum, .mean:
            if case .number(let x) = cell {
                sum += x
                (lowest, highest) = (min(lowest, x), max(highest, x))
            }
            decimals = max(decimals, Self.decimals(UnsafeBufferPointer(rebasing: bytes[range]), mark: decimalMark))
        case .weighted:
            guard case .number(let x) = cell else { return }
            sum += x
            (lowest, highest) = (min(lowest, x), max(highest, x))
            if let weight {
                weighted += x * weight
                weights += weight
            }
        case .max, .min:
            if kept == .blank || Self.better(cell, than: kept, max: kind == .max) {
                (kept, keptText) = (cell, range)
            }
        case .last:
            (kept, keptText) = (cell, range)
        case .first, .none:
            guard let first = keptText else {
                (kept, keptText) = (cell, range)
                return
            }
            if !conflict { conflict = !Self.same(cell, range, kept, first, bytes) }
        }
    }

    /// The combined value's text, or nil for a blank cell.
    func text(decimal: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard count > 0 else { return nil }
        switch kind {
        case .sum: return Self.number(Self.rounded(sum, decimals), decimal: decimal)
        case .mean: return Self.number(between(sum / Double(count)), decimal: decimal)
        case .weighted:
            // Weights that add up to nothing (every line's sales zero) weigh nothing: the plain mean.
            return Self.number(between(weights != 0 ? weighted / weights : sum / Double(count)), decimal: decimal)
        default: return keptText.map { Array(bytes[$0]) }
        }
    }

    private func between(_ x: Double) -> Double { min(max(x, lowest), highest) }

    private static func better(_ a: GroupCell, than b: GroupCell, max: Bool) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return max ? x > y : x < y
        case (.bool(let x), .bool(let y)): return max ? (x && !y) : (!x && y)
        default: return false
        }
    }

    /// Whether two cells say the same: numbers and yes/no by value (`1 000` is `1000`), text
    /// by its bytes.
    private static func same(_ a: GroupCell, _ ra: Range<Int>, _ b: GroupCell, _ rb: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch (a, b) {
        case (.text, .text): return bytes[ra].elementsEqual(bytes[rb])
        default: return a == b
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

    /// A computed number as a reader of this file reads it: shortest digits, the file's
    /// decimal mark. Swift's own shortest form where it has no exponent (almost always for
    /// money and shares), `NumberFormat` else.
    static func number(_ x: Double, decimal: UInt8) -> [UInt8] {
        let x = x == 0 ? 0 : x
        var text: [UInt8]
        if x == x.rounded(.towardZero), abs(x) < 1e15 {
            text = Array(String(Int64(x)).utf8)
        } else {
            text = Array(x.description.utf8)
            if text.contains(UInt8(ascii: "e")) { text = Array(NumberFormat.shortest(x).utf8) }
        }
        return decimal == UInt8(ascii: ".") ? text : text.map { $0 == UInt8(ascii: ".") ? decimal : $0 }
    }
}
