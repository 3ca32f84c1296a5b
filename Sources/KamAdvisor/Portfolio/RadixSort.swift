import Dispatch
import Synchronization

/// Sorts elements by a 64-bit key in descending order, in place, on every core: an MSD radix
/// sort, one byte at a time from the top, where each pass moves every element straight into
/// its bucket. Elements with equal keys end in no particular order.
///
/// The measures of ten million accounts are sorted once per run. The library's sort, a merge
/// sort, needed a buffer of half the keys per thread (40 MB at ten million) and compared its
/// way through; here there is no buffer, and a byte all keys share (the exponent of sales
/// figures, mostly) costs one counting pass.
enum RadixSort {
    static func descending<Element: RadixSortable>(_ keys: UnsafeMutableBufferPointer<Element>, jobs: Int) {
        // Split serially until the pieces are small enough to share out; sort those in parallel,
        // largest first, so that no thread is left with the one big piece at the end.
        var pieces: [(UnsafeMutableBufferPointer<Element>, shift: Int)] = []
        // The first byte looked at ends at the highest bit where keys differ, so that the first
        // (serial) pass spreads the keys over all 256 buckets: sales figures share their top
        // bits, and a byte at a fixed place split them into two or three buckets.
        guard let first = keys.first?.radixKey else { return }
        var differ: UInt64 = 0
        for key in keys { differ |= key.radixKey ^ first }
        guard differ != 0 else { return }
        var split = [(keys, shift: max(0, 56 - differ.leadingZeroBitCount))]
        let small = max(1 << 16, keys.count / (8 * max(1, jobs)))
        while let (piece, shift) = split.popLast() {
            if piece.count <= small || shift < 0 {
                pieces.append((piece, shift))
                continue
            }
            let (buckets, next) = partition(piece, shift: shift)
            for bucket in buckets { split.append((bucket, next)) }
        }
        pieces.sort { $0.0.count > $1.0.count }
        let box = Box(pieces)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, pieces.count))) { _ in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < box.pieces.count else { break }
                sort(box.pieces[i].0, shift: box.pieces[i].shift)
            }
        }
    }

    private static func sort<Element: RadixSortable>(_ keys: UnsafeMutableBufferPointer<Element>, shift: Int) {
        if keys.count <= 64 || shift < 0 {
            insertionSort(keys)
            return
        }
        let (buckets, next) = partition(keys, shift: shift)
        for bucket in buckets where bucket.count > 1 { sort(bucket, shift: next) }
    }

    /// Moves the keys into 256 buckets by the byte at `shift` (its largest value first), after
    /// skipping the bytes every key shares. Returns the non-empty buckets and the shift of the
    /// byte that orders within them (negative once no byte is left).
    private static func partition<Element: RadixSortable>(
        _ keys: UnsafeMutableBufferPointer<Element>, shift start: Int
    ) -> (buckets: [UnsafeMutableBufferPointer<Element>], next: Int) {
        var shift = start
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * 256) { table in
            let counts = UnsafeMutableBufferPointer(rebasing: table[0..<256])
            let heads = UnsafeMutableBufferPointer(rebasing: table[256..<512])
            let ends = UnsafeMutableBufferPointer(rebasing: table[512..<768])
            // Bucket b holds byte 255 - b, so that bucket order is descending.
            func bucket(_ key: Element) -> Int { 255 - Int(truncatingIfNeeded: (key.radixKey >> UInt64(shift)) & 0xFF) }
            while true {
                counts.update(repeating: 0)
                for key in keys { counts[bucket(key)] += 1 }
                if shift == 0 || counts.contains(keys.count) == false { break }
                shift = max(0, shift - 8)  // every key has the same byte here
            }
            var sum = 0
            for b in 0..<256 {
                heads[b] = sum
                sum += counts[b]
                ends[b] = sum
            }
            // Each key is swapped straight into the next free place of its bucket.
            for b in 0..<256 {
                while heads[b] < ends[b] {
                    var key = keys[heads[b]]
                    var target = bucket(key)
                    while target != b {
                        swap(&key, &keys[heads[target]])
                        heads[target] += 1
                        target = bucket(key)
                    }
                    keys[heads[b]] = key
                    heads[b] += 1
                }
            }
            var buckets: [UnsafeMutableBufferPointer<Element>] = []
            var from = 0
            for b in 0..<256 where counts[b] > 0 {
                buckets.append(UnsafeMutableBufferPointer(rebasing: keys[from..<from + counts[b]]))
                from += counts[b]
            }
            // The last byte may overlap the one before, whose bits are equal within a bucket.
            return (buckets, shift == 0 ? -1 : max(0, shift - 8))
        }
    }

    private static func insertionSort<Element: RadixSortable>(_ keys: UnsafeMutableBufferPointer<Element>) {
        guard keys.count > 1 else { return }
        for i in 1..<keys.count {
            let key = keys[i]
            var j = i
            while j > 0 && keys[j - 1].radixKey < key.radixKey {
                keys[j] = keys[j - 1]
                j -= 1
            }
            keys[j] = key
        }
    }

    /// The pieces, read by every thread, each sorting pieces no other thread touches.
    private final class Box<Element>: @unchecked Sendable {
        let pieces: [(UnsafeMutableBufferPointer<Element>, shift: Int)]
        init(_ pieces: [(UnsafeMutableBufferPointer<Element>, shift: Int)]) { self.pieces = pieces }
    }
}

/// What `RadixSort` orders by.
protocol RadixSortable: Sendable {
    var radixKey: UInt64 { get }
}

extension UInt64: RadixSortable {
    var radixKey: UInt64 { self }
}
