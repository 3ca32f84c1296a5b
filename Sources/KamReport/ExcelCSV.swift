import KamCSV

/// The CSV that Excel opens correctly in the user's locale (`kam score --excel`). Excel
/// takes a file without a byte-order mark for the system's ANSI code page, so UTF-8 Cyrillic
/// turns to mojibake; and it splits fields at the locale's list separator, which is `,` where
/// the decimal mark is a point but `;` where it is a comma (Russian, most of Europe), where
/// `64.15` would then be read as text or a date. Which locale the user has is judged from what
/// kam knows of them: an input in Windows-1251, an input with `;` and a decimal comma (what
/// such an Excel itself exports), or Russian asked for as the language.
public struct ExcelCSV: Sendable, Equatable {
    /// How the output is written: `;` with a decimal comma, or `,` with a decimal point.
    public let dialect: CSVDialect
    /// What decided it, for the line on standard error: which signs of such a locale held.
    public let because: String

    /// What Excel takes as "this file is UTF-8".
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The form for an input read in `encoding` with `input`'s dialect, in a run whose
    /// language is `language`.
    public static func form(input: CSVDialect, encoding: CSVEncoding?, language: String) -> ExcelCSV {
        let all = ["an input in Windows-1251", "an input with `;` and a decimal comma", "Russian as the language"]
        let held = [encoding == .windows1251,
                    input.delimiter == UInt8(ascii: ";") && input.decimalSeparator == UInt8(ascii: ","),
                    language == "ru"]
        let signs = zip(all, held).filter(\.1).map(\.0)
        guard signs.isEmpty else { return ExcelCSV(dialect: .semicolon, because: "chosen for " + signs.joined(separator: ", ")) }
        return ExcelCSV(dialect: .comma, because: "chosen as none of these holds: " + all.joined(separator: ", "))
    }

    /// The line on standard error that says which form was written and why.
    public var note: String {
        let form = dialect.delimiter == UInt8(ascii: ";")
            ? "`;` between fields and a decimal comma, as Excel with Russian or European regional settings reads it"
            : "`,` between fields and a decimal point, as Excel with English regional settings reads it"
        return "note: --excel: UTF-8 with a byte-order mark, \(form); \(because)"
    }
}
