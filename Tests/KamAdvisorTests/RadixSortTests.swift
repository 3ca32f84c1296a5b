@testable import KamAdvisor
import KamTestSupport
import Testing

/// The radix sort against the library's sort, on the shapes that stress it: keys that share
/// their top bytes (as the bit patterns of sales figures do), few distinct keys, all equal,
/// already in order either way, full 64-bit noise, and keys that differ only in a few low
/// bits; small and large, one and two threads.
struct RadixSortTests {
    static let shapes: [(String, @Sendable (inout SplitMix64, Int) -> UInt64)] = [
        ("noise", { r, _ in r.next() }),
        ("sales", { r, _ in (Double(r.next() % 10_000_000) / 100 + 1_000).bitPattern }),
        ("few", { r, _ in r.next() % 7 }),
        ("equal", { _, _ in 42 }),
        ("ascending", { _, i in UInt64(i) }),
        ("descending", { _, i in UInt64.max - UInt64(i) }),
        ("low byte only", { r, _ in 0xABCD_0000_0000_0000 | (r.next() & 0xFF) }),
        // The first byte ends at the highest bit where keys differ, not on a byte boundary:
        // the last byte then overlaps the one before, and must still order the lowest bits.
        ("eleven low bits", { r, _ in 0xF000 | (r.next() & 0x7FF) }),
        ("bit 20 and three low bits", { r, _ in (r.next() % 2) << 20 | (r.next() & 0x7) }),
    ]

    @Test(arguments: [0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 65, 1_000, 300_000])
    func sortsLikeTheLibrary(_ shape: Int, _ count: Int) {
        var random = SplitMix64(seed: UInt64(shape * 1_000 + count))
        var keys = (0..<count).map { Self.shapes[shape].1(&random, $0) }
        let expected = keys.sorted(by: >)
        for jobs in [1, 2] {
            var copy = keys
            copy.withUnsafeMutableBufferPointer { RadixSort.descending($0, jobs: jobs) }
            #expect(copy == expected, "\(Self.shapes[shape].0), \(count) keys, \(jobs) jobs")
        }
        keys.removeAll()
    }
}
