import Dispatch
import Foundation
import KamCSV
import Synchronization

/// Reads the next block on a background thread while the current one is processed, so the
/// serial step of a pass (reading and cutting at record ends) overlaps the parallel one.
final class Prefetcher: @unchecked Sendable {
    private var reader: CSVBlockReader
    private var pending: Result<CSVBlock?, CSVError>?
    private let ready = DispatchSemaphore(value: 0)
    private var inFlight = false
    private var ended = false
    /// Bytes read up to the block last taken.
    private(set) var bytesRead = 0
    private var bytesAhead = 0

    init(_ reader: CSVBlockReader) {
        self.reader = reader
    }

    /// Starts reading the next block, unless the input has ended, into the bytes of a block
    /// done with, if given.
    func request(recycling spare: consuming [UInt8]? = nil) {
        guard !ended, !inFlight else { return }
        inFlight = true
        if let spare { reader.spare = spare }
        Thread.detachNewThread { [self] in
            do throws(CSVError) {
                pending = .success(try reader.next())
            } catch {
                pending = .failure(error)
            }
            bytesAhead = reader.bytesRead
            ready.signal()
        }
    }

    /// The block asked for with `request`, waiting for it if need be.
    func take() -> Result<CSVBlock?, CSVError> {
        guard inFlight else { return .success(nil) }
        ready.wait()
        inFlight = false
        let result = pending!
        pending = nil
        bytesRead = bytesAhead
        switch result {
        case .success(nil), .failure: ended = true
        default: break
        }
        return result
    }

    func close() {
        if inFlight {
            ready.wait()
            inFlight = false
        }
        reader.close()
    }
}
