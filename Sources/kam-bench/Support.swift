import Foundation

/// A small, seedable generator so that every run measures the same rows.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

enum Stopwatch {
    /// Wall-clock seconds taken by `work`.
    static func measure(_ work: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        work()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

enum Format {
    static func rate(_ perSecond: Double) -> String {
        perSecond >= 1e6 ? String(format: "%7.2fM", perSecond / 1e6) : String(format: "%7.0fk", perSecond / 1e3)
    }

    static func nanos(_ seconds: Double) -> String { String(format: "%.0f ns", seconds * 1e9) }
}
