import Dispatch
import Foundation
import Synchronization

/// Work spread over threads: `count` items, `jobs` at a time, results in item order.
enum Parallel {
    /// `body` gets the item and the worker (0..<jobs) running it; a worker runs its items one
    /// after another, so per-worker state needs no lock.
    static func map<R, E: Error>(_ count: Int, jobs: Int, _ body: @escaping @Sendable (Int, Int) throws(E) -> R) -> [Result<R, E>] {
        let slots = UnsafeMutableBufferPointer<Result<R, E>?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer {
            // The results were copied out; release the slots' own references before freeing.
            _ = slots.deinitialize()
            slots.deallocate()
        }
        let next = Atomic<Int>(0)
        let threads = min(jobs, count)
        let box = SlotBox(slots)
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < count else { break }
                do throws(E) {
                    box.slots[i] = .success(try body(i, worker))
                } catch {
                    box.slots[i] = .failure(error)
                }
            }
        }
        return (0..<count).map { slots[$0]! }
    }

    /// Each slot is written by exactly one thread and read after all have finished.
    private final class SlotBox<T>: @unchecked Sendable {
        let slots: UnsafeMutableBufferPointer<T?>
        init(_ slots: UnsafeMutableBufferPointer<T?>) { self.slots = slots }
    }
}

enum System {
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// User and system time of every thread of the process so far.
    static var cpuSeconds: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// VmHWM from /proc/self/status: the peak resident set so far.
    static var peakMegabytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}
