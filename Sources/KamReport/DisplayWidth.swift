/// How many terminal cells text takes. Bytes and `unicodeScalars.count` both overcount
/// (`Вега` is 8 UTF-8 bytes, `é` may be two scalars), which is what skews a table whose names
/// are Cyrillic; a terminal draws one grapheme cluster in one cell, or in two for East Asian
/// wide and fullwidth characters and emoji, and a combining mark on no cell of its own.
enum DisplayWidth {
    static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if isZeroWidth(first) { return 0 }
        // U+FE0F asks for the emoji form of a symbol that is text otherwise (`❤️`).
        if isWide(first) || scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return 1
    }

    /// `text` cut to at most `width` cells, ending in `…` when cut.
    static func truncated(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        guard width > 0 else { return "" }
        var out = "", used = 0
        for character in text {
            let w = of(character)
            if used + w > width - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// `text` with spaces added on the left (`right`) or the right up to `width` cells.
    static func padded(_ text: String, to width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - of(text)))
        return right ? fill + text : text + fill
    }

    /// Combining marks, format characters (zero-width joiner, soft hyphen) and a lone
    /// variation selector take no cell.
    private static func isZeroWidth(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: true
        default: (0xFE00...0xFE0F).contains(s.value)
        }
    }

    /// East Asian Wide (W) and Fullwidth (F) ranges of Unicode's EastAsianWidth.txt, in the
    /// blocks where they fall, and the characters shown as emoji by default.
    private static func isWide(_ s: Unicode.Scalar) -> Bool {
        if s.properties.isEmojiPresentation { return true }
        switch s.value {
        case 0x1100...0x115F,  // Hangul Jamo initial consonants
             0x231A...0x231B, 0x2329...0x232A,
             0x2E80...0x303E,  // CJK radicals, Kangxi, CJK symbols and punctuation
             0x3041...0x33FF,  // Hiragana, Katakana, Bopomofo, Hangul compatibility, CJK compatibility
             0x3400...0x4DBF,  // CJK extension A
             0x4E00...0x9FFF,  // CJK unified ideographs
             0xA000...0xA4CF,  // Yi
             0xA960...0xA97F,  // Hangul Jamo extended A
             0xAC00...0xD7A3,  // Hangul syllables
             0xF900...0xFAFF,  // CJK compatibility ideographs
             0xFE10...0xFE19, 0xFE30...0xFE6F,  // vertical forms, CJK compatibility forms, small forms
             0xFF00...0xFF60, 0xFFE0...0xFFE6,  // fullwidth forms
             0x1B000...0x1B2FF,  // Kana supplement and extensions
             0x20000...0x2FFFD, 0x30000...0x3FFFD:  // CJK extensions B and beyond
            return true
        default:
            return false
        }
    }
}
