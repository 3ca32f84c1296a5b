import Testing

@testable import KamSource

@Suite struct SourceFileTests {
    @Test func locatesOffsetsOnLFCRLFAndCRLines() {
        let file = SourceFile(path: "f", text: "ab\ncd\r\nef\rgh")
        #expect(file.lineCount == 4)
        #expect(file.location(of: 0) == SourceLocation(line: 1, column: 1))
        #expect(file.location(of: 4) == SourceLocation(line: 2, column: 2))
        #expect(file.location(of: 7) == SourceLocation(line: 3, column: 1))
        #expect(file.location(of: 10) == SourceLocation(line: 4, column: 1))
        #expect(file.lineText(2) == "cd")
        #expect(file.lineText(4) == "gh")
    }

    @Test func columnsCountScalarsNotBytes() {
        let file = SourceFile(path: "f", text: "é€😀x")
        #expect(file.location(of: 9).column == 4)  // 2 + 3 + 4 bytes before `x`
    }
}

@Suite struct DiagnosticRendererTests {
    @Test func rendersFileLineColumnCaretAndHelp() {
        let file = SourceFile(path: "rules/p.json5", text: "{\n\twhen: \"anual_revenue >= 1\",\n}")
        let start = Array(file.bytes).firstIndex(of: UInt8(ascii: "a"))!
        let diagnostic = Diagnostic.error(
            "unknown name `anual_revenue`", file: file, span: SourceSpan(start: start, end: start + 13),
            help: "did you mean `annual_revenue`?")
        #expect(
            DiagnosticRenderer.render(diagnostic) == """
                rules/p.json5:2:9: error: unknown name `anual_revenue`
                 2 | \twhen: "anual_revenue >= 1",
                   | \t       ^~~~~~~~~~~~~
                   = help: did you mean `annual_revenue`?

                """)
    }

    @Test func aLongLineShowsOnlyThePartAroundTheProblem() {
        let text = String(repeating: "a", count: 5000) + "XY" + String(repeating: "b", count: 5000)
        let file = SourceFile(path: "min.json5", text: text)
        let rendered = DiagnosticRenderer.render(.error("bad", file: file, span: SourceSpan(start: 5000, end: 5002)))
        let lines = rendered.split(separator: "\n")
        #expect(lines[0] == "min.json5:1:5001: error: bad")
        #expect(lines[1] == " 1 | …" + String(repeating: "a", count: 60) + "XY" + String(repeating: "b", count: 58) + "…")
        // The caret still points at X.
        let source = Array(lines[1].unicodeScalars), caret = Array(lines[2].unicodeScalars)
        let at = caret.firstIndex(of: "^")!
        #expect(source[at] == "X")
        #expect(caret[at + 1] == "~")
        #expect(lines[1].count < 200)
    }

    @Test func rendersDiagnosticsWithoutAFile() {
        #expect(DiagnosticRenderer.render(.error("no rule packs found in `x`")) == "error: no rule packs found in `x`\n")
    }

    @Test func sortsByFileThenPosition() {
        let a = SourceFile(path: "a", text: "xxxx")
        let b = SourceFile(path: "b", text: "xxxx")
        let sorted = [
            Diagnostic.error("3", file: b, span: SourceSpan(start: 0, end: 1)),
            Diagnostic.warning("2", file: a, span: SourceSpan(start: 2, end: 3)),
            Diagnostic.error("1", file: a, span: SourceSpan(start: 1, end: 2)),
        ].sortedByPosition()
        #expect(sorted.map(\.message) == ["1", "2", "3"])
    }
}

@Suite struct SuggestionTests {
    @Test func suggestsTheNearestNameForATypo() {
        let names = ["annual_revenue", "gross_margin", "growth_rate"]
        #expect(Suggestion.nearest(to: "anual_revenue", among: names) == "annual_revenue")
        #expect(Suggestion.nearest(to: "groth_rate", among: names) == "growth_rate")
        #expect(Suggestion.nearest(to: "gross_marign", among: names) == "gross_margin")  // swap
        #expect(Suggestion.nearest(to: "Gross_Margin", among: names) == "gross_margin")
        #expect(Suggestion.nearest(to: "colour", among: names) == nil)
    }
}

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func matchesTheFIPSVectors(input: String, digest: String) {
        #expect(SHA256.hex(Array(input.utf8)) == digest)
    }

    @Test func hashesAMillionAsInPiecesAndWhole() {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hex(million) == expected)
        var hasher = SHA256()
        var offset = 0
        for size in [1, 63, 64, 65, 1000, 4095] + Array(repeating: 99_999, count: 10) where offset < million.count {
            let end = min(million.count, offset + size)
            million[offset..<end].withUnsafeBytes { hasher.update($0) }
            offset = end
        }
        million[offset...].withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalizeHex() == expected)
    }
}
