/// The workbook's table of shared strings (`xl/sharedStrings.xml`), which text cells point
/// into by index. It is read whole before the sheet, so memory holds it and one chunk of
/// rows, not the sheet; its size is bounded by the entry limits of the archive.
enum SharedStrings {
    /// Each `<si>` item's text: its `<t>`, or its rich-text runs' `<t>`s joined; phonetic
    /// guides (`<rPh>`, Japanese readings) are not part of the text.
    static func read(_ scanner: inout XMLScanner) throws(WorkbookError) -> [String] {
        var strings: [String] = []
        var current: String?
        var phonetic = 0
        while let event = try scanner.next() {
            switch event {
            case .start("si", _, let empty):
                if empty { strings.append("") } else { current = "" }
            case .end("si"):
                strings.append(XStringEscapes.decode(current ?? ""))
                current = nil
            case .start("rPh", _, let empty):
                if !empty { phonetic += 1 }
            case .end("rPh"):
                phonetic -= 1
            case .start("t", _, let empty) where !empty:
                let text = try scanner.text(of: "t")
                if phonetic == 0, current != nil { current! += text }
            default:
                break
            }
        }
        return strings
    }
}
