import Foundation
import KamCLI
import KamTestSupport
import Testing

/// The sample report opened in headless Chromium (Debian's `chromium`; `.ci/run` installs it
/// when missing): it loads, every section and chart is in the page the browser built, and
/// nothing is fetched from elsewhere.
struct ReportBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: chromium != nil, "needs chromium (apt-get install chromium)"))
    func theSampleReportLoadsInABrowserWithItsCharts() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kam-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appending(path: "report.html")
        let r = kam("report", "--questionnaire", TestPaths.fixtures.appending(path: "sample/questionnaire.json5").path,
                    "--customers", TestPaths.fixtures.appending(path: "sample/customers.csv").path, "-o", page.path, "--quiet")
        #expect(r.code == 0, "\(r.err)")
        let html = try String(contentsOf: page, encoding: .utf8)
        // Self-contained: no script, and the only URL is the SVG namespace, which is not fetched.
        #expect(!html.contains("<script"))
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "https?://", options: .regularExpression) == nil)

        let browser = try runChild(URL(fileURLWithPath: Self.chromium!),
                                   ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(folder.appending(path: "profile").path)",
                                    "--dump-dom", page.absoluteString])
        let dom = browser.text
        #expect(browser.code == 0)
        // The DOM the browser built, not the file: the parser accepted the whole page.
        #expect(dom.contains("</main>"))
        for id in ["summary", "factors", "risks", "concentration", "accounts", "left-out", "rescue", "economics", "skills", "relationships", "plans", "audit"] {
            #expect(dom.contains("<section id=\"\(id)\">"), "section \(id)")
        }
        #expect(dom.components(separatedBy: "<svg").count - 1 == 5, "the five charts")
        #expect(dom.contains("<polyline"), "the Pareto curve")
    }
}
