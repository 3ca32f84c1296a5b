/// Column names are typed by hand in many styles; comparing them by a normalized key lets
/// `Account Name`, `account_name` and `ACCOUNT-NAME` all find the same column.
public enum HeaderKey {
    /// Lower case, letters and digits only (spaces, `_`, `-`, punctuation and symbols go);
    /// `ё` becomes `е` because Russian writers use the two interchangeably.
    public static func normalize(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.lowercased().unicodeScalars {
            let properties = scalar.properties
            if scalar == "ё" {
                out.append("е")
            } else if properties.isAlphabetic || properties.numericType != nil {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
