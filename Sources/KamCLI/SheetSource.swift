import Foundation
import KamCSV
import KamWorkbook

/// A customer list as the CSV reader takes it. A text file is itself; an `.xlsx` workbook's
/// sheet is written to a temporary CSV first (removed at exit), so that every command reads
/// workbooks wherever it reads CSV, with no special case in the scorer; any other binary
/// file (an old `.xls`, an `.ods`, a PDF) is refused, saying what it is and how to save it.
struct SheetSource {
    /// What the CSV reader reads.
    let path: String
    /// The sheet read, when the file was a workbook: positions name its cells.
    let positions: SheetPositions?

    /// Nil after the reason was written to standard error.
    static func open(_ path: String, shownAs given: String, sheet: String?, quiet: Bool, console: Console) -> SheetSource? {
        switch FileKind.sniff(path) {
        case .text:
            if sheet != nil {
                console.err("error: --sheet \(sheet!) was given, but \(given) is not a workbook (.xlsx)\n")
                return nil
            }
            return SheetSource(path: path, positions: nil)
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
        do throws(WorkbookError) {
            let book = try Workbook(path: path)
            var rows = try book.rows(of: sheet)
            let positions = try SheetCSV.write(&rows, to: fd, path: name)
            close(fd)
            if book.sheetNames.count > 1 && sheet == nil && !quiet {
                console.err("\(given): read sheet \"\(rows.sheet)\" (of \(book.sheetNames.map { "\"\($0)\"" }.joined(separator: ", ")); --sheet NAME reads another)\n")
            }
            return SheetSource(path: name, positions: positions)
        } catch {
            close(fd)
            console.err("error: \(given): " + (error.part == path ? error.message : "\(error)") + "\n")
            return nil
        }
    }
}
