import Foundation
import KamCSV
import KamWorkbook

/// A customer list as the CSV reader takes it. A text file is itself; an `.xlsx` workbook's
/// sheet is written to a temporary CSV first, removed when the source goes (or on an
/// interruption), so that every command reads workbooks wherever it reads CSV, with no
/// special case in the scorer; any other binary file (an old `.xls`, an `.ods`, a PDF) is
/// refused, saying what it is and how to save it. Keep the source while its path is read.
final class SheetSource {
    /// What the CSV reader reads.
    let path: String
    /// The sheet read, when the file was a workbook: positions name its cells.
    let positions: SheetPositions?
    private let temporary: Bool

    private init(path: String, positions: SheetPositions?, temporary: Bool) {
        self.path = path
        self.positions = positions
        self.temporary = temporary
    }

    deinit {
        if temporary {
            unlink(path)
            TemporaryFiles.unregister(path)
        }
    }

    /// The encoding and delimiter given for a CSV, or nil for a workbook's sheet, which is
    /// Unicode text kam wrote itself; said once when they were given.
    func csvOptions(encoding: CSVEncoding?, dialect: CSVDialect?, console: Console) -> (CSVEncoding?, CSVDialect?) {
        guard positions != nil else { return (encoding, dialect) }
        if encoding != nil || dialect != nil {
            console.err("note: --encoding and --delimiter are for CSV files; a workbook's cells are Unicode, so they were ignored\n")
        }
        return (nil, nil)
    }

    /// Nil after the reason was written to standard error.
    static func open(_ path: String, shownAs given: String, sheet: String?, quiet: Bool, console: Console) -> SheetSource? {
        switch FileKind.sniff(path) {
        case .text:
            if sheet != nil {
                console.err("error: --sheet \(sheet!) was given, but \(given) is not a workbook (.xlsx)\n")
                return nil
            }
            return SheetSource(path: path, positions: nil, temporary: false)
        case .refused(let what):
            console.err("error: \(given) is \(what)\n")
            return nil
        case .workbook:
            break
        }
        let folder = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        guard let (fd, name) = TemporaryFiles.create(in: folder, named: "kam-sheet") else {
            console.err("error: cannot write a workbook's sheet to \(folder): \(OutputFile.describe(errno))\n")
            return nil
        }
        func discard() {
            unlink(name)
            TemporaryFiles.unregister(name)
        }
        do throws(WorkbookError) {
            let book = try Workbook(path: path)
            var rows = try book.rows(of: sheet)
            let positions = try SheetCSV.write(&rows, to: fd, path: name)
            close(fd)
            if book.sheetNames.count > 1 && sheet == nil && !quiet {
                console.err("\(given): read sheet \"\(rows.sheet)\" (of \(book.sheetNames.map { "\"\($0)\"" }.joined(separator: ", ")); --sheet NAME reads another)\n")
            }
            return SheetSource(path: name, positions: positions, temporary: true)
        } catch {
            close(fd)
            discard()
            console.err("error: \(given): " + (error.part == path ? error.message : "\(error)") + "\n")
            return nil
        }
    }
}
