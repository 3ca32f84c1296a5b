import KamAdvisor

/// `kam report`'s three formats. Pure functions of the recommendation and the audit data:
/// the same inputs give the same bytes.
public enum RecommendationReport {
    public static func html(_ r: Recommendation, audit: ReportAudit) -> String {
        HTMLWriter.write(ReportBuilder.build(r, audit: audit))
    }

    public static func markdown(_ r: Recommendation, audit: ReportAudit) -> String {
        MarkdownWriter.write(ReportBuilder.build(r, audit: audit))
    }

    public static func json(_ r: Recommendation, audit: ReportAudit) -> String {
        RecommendationJSON.render(r, audit: audit)
    }
}
