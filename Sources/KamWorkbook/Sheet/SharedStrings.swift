/// The workbook's table of shared strings (`xl/sharedStrings.xml`), which text cells point
/// into by index. It is read whole before the sheet, so memory holds it and one chunk of
/// rows, not the sheet; its size is bounded by the entry limits of the archive.
enum SharedStrings {
    /// Each `<si>` item's text: its `<t>`, or its rich-text runs' `<t>`s joined; phonetic
    /// guides (`<rPh>`, Japanese readings) are not part of the text.
    static func read(_ scanner: inout XMLScanner) throws(WorkbookError) -> [String] {
        var strings: [String] = []
        while let event = try scanner.next() {
            guard case .start("si", _, let empty) = event else { continue }
            strings.append(empty ? "" : XStringEscapes.decode(try scanner.richText(of: "si")))
        }
        return strings
    }
}
