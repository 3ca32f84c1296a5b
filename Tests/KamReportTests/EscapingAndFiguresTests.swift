import Testing
@testable import KamReport

/// The small pure pieces every report format leans on: escaping and number formats.
struct EscapingTests {
    @Test func htmlEscapesEveryCharacterThatCanStartMarkup() {
        #expect(HTML.escape("<script>alert('x')</script> & \"q\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        #expect(HTML.escape("Вектор «ООО»") == "Вектор «ООО»")
    }

    @Test func markdownLinesCannotBecomeHeadingsOrLists() {
        #expect(MarkdownWriter.leading("# title") == "\\# title")
        #expect(MarkdownWriter.leading("=HYPERLINK(\"x\")") == "\\=HYPERLINK(\"x\")")
        #expect(MarkdownWriter.leading("- item") == "\\- item")
        #expect(MarkdownWriter.leading("plain") == "plain")
        #expect(MarkdownWriter.inline([.text("a\nb"), .strong("*c*")]) == "a b**\\*c\\***")
    }

    @Test func sentencesWithBackquotesSplitIntoCode() {
        let parts = ReportBuilder.codeSpans("the verdict would be `not_ready`.")
        #expect(parts.count == 3)
        if case .code(let name) = parts[1] { #expect(name == "not_ready") } else { Issue.record("expected code") }
    }
}

struct FiguresTests {
    @Test func moneyGroupsThousandsAndRounds() {
        #expect(Figures.money(1234567.5) == "1,234,568")
        #expect(Figures.money(-1000) == "-1,000")
        #expect(Figures.money(999) == "999")
        #expect(Figures.money(nil) == "–")
        #expect(Figures.money(.nan) == "–")
        #expect(Figures.money(1e300) == "1e+300")
    }

    @Test func percentagesHaveOneDecimal() {
        #expect(Figures.percent(12.345) == "12.3%")
        #expect(Figures.share(0.5) == "50%")
        #expect(Figures.percent(.infinity) == "–")
    }

    @Test func chartsAreDeterministicAndEscapeLabels() {
        let chart = Chart.tiers([("<b>key</b>", 3), ("rest", 7)])
        let svg = SVGCharts.render(chart)
        #expect(svg == SVGCharts.render(chart))
        #expect(svg.contains("&lt;b&gt;key&lt;/b&gt;"))
        #expect(!svg.contains("<b>"))
        #expect(!svg.contains("nan"))
    }
}
