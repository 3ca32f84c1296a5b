import Foundation
import KamAdvisor
import KamCSV
import KamReport
import KamRules
import KamWorkbook

/// `kam score -o scored.xlsx`: the scored rows are kept as CSV in a temporary file while the
/// scorer runs, then written as a workbook's sheet and handed to the output, which becomes
/// the file only when all of it is written; a list too long for a sheet is refused and the
/// file is never made.
final class WorkbookOutput {
    private let spool: TemporaryFile

    init() throws(CommandFailure) {
        guard let spool = TemporaryFile(named: "kam-scored") else {
            throw .failed("cannot keep the scored rows in \(TemporaryFile.folder): \(OutputFile.describe(errno))")
        }
        self.spool = spool
    }

    /// Keeps scored rows (CSV, as `CSVRowRenderer` writes them without formula guards).
    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputFile.Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(spool.fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputFile.Failure(message: "cannot keep the scored rows: \(OutputFile.describe(errno))")
            }
            offset += n
        }
    }

    /// The kept rows as a workbook, written to `output`. `textColumns` stay text.
    func finish(into output: Output, textColumns: Set<Int>, dialect: CSVDialect) throws(OutputFile.Failure) {
        guard let file = TemporaryFile(named: "kam-book") else {
            throw OutputFile.Failure(message: "cannot make the workbook in \(TemporaryFile.folder): \(OutputFile.describe(errno))")
        }
        let book = file.path
        do throws(WorkbookError) {
            var sheet = SheetWriter(fileDescriptor: file.fd, path: book, sheet: "kam score", textColumns: textColumns, dialect: dialect)
            var reader: CSVReader
            do throws(CSVError) { reader = try CSVReader(path: spool.path, dialect: CSVDialect(decimalSeparator: dialect.decimalSeparator), encoding: .utf8) } catch {
                throw WorkbookError(part: spool.path, message: "\(error)")
            }
            var record = CSVRecord()
            while true {
                let more: Bool
                do throws(CSVError) { more = try reader.next(into: &record) } catch { throw WorkbookError(part: spool.path, message: "\(error)") }
                guard more else { break }
                try sheet.append(record.strings)
            }
            try sheet.finish()
        } catch {
            throw OutputFile.Failure(message: error.part == book ? error.message : "\(error)")
        }
        let readFD = open(book, O_RDONLY | O_CLOEXEC)
        guard readFD >= 0 else { throw OutputFile.Failure(message: "cannot read the workbook back: \(OutputFile.describe(errno))") }
        defer { close(readFD) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(readFD, $0.baseAddress!, $0.count, off_t(offset)) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw OutputFile.Failure(message: "cannot read the workbook back: \(OutputFile.describe(errno))") }
            if n == 0 { break }
            try output.write(Array(buffer[0..<n]))
            offset += n
        }
    }
}
