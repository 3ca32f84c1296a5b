import Synchronization

/// A chunk's results done with, kept for the chunks of later blocks, so that their arrays
/// grow once and are reused: new ones for every chunk were fresh pages, a fault each 4 KB for
/// the kernel to zero, and copies as they grew.
///
/// Clear a value when it is taken, not when it is put back: the pass may still hold the
/// chunk's result when it is put back, and clearing a shared array would copy it. By the time
/// it is taken, for a later block, the spares hold the only reference.
final class Spares<Value: Sendable>: Sendable {
    private let free = Mutex<[Value]>([])
    /// More than a block's chunks, so a block never waits for new ones.
    private static var limit: Int { 64 }

    func take() -> Value? { free.withLock { $0.popLast() } }

    func put(_ value: consuming Value) {
        let value = consume value
        free.withLock { if $0.count < Self.limit { $0.append(value) } }
    }
}
