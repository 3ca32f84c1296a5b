import KamRules
import KamSource
import Testing

/// A pack's texts in several languages: one chosen at load, the first standing in for a gap,
/// and every gap or stray language reported where it is.
struct PackLanguagesTests {
    let bilingual = """
    {
      kind: "plant-care", id: "watering", version: "1", languages: ["en", "ru"],
      title: { en: "How much to water", ru: "Сколько поливать" },
      inputs: { soil_moisture_pct: { type: "number", question: { en: "Soil moisture?", ru: "Влажность почвы?" } } },
      factors: [{ id: "dry", title: { en: "Dry soil", ru: "Сухая почва" }, bands: [
        { when: "soil_moisture_pct < 20", points: 10, because: { en: "the soil is dry", ru: "почва сухая" } },
        { points: 0, because: "the soil is moist" },
      ] }],
      risks: [{ id: "rot", when: "soil_moisture_pct > 90", severity: "high", because: { en: "wet", ru: "сыро" },
                mitigation: { en: "let it dry" } }],
      advices: [{ value: "water", min: 10 }, { value: "wait" }],
      report: { controls: [{ en: "check weekly", ru: "проверять раз в неделю" }], review: { high: { en: "monthly", ru: "ежемесячно" } } },
    }
    """

    func load(_ text: String, _ language: String) -> (RulePack?, [Diagnostic]) {
        let profile = PackProfile(kind: "plant-care", outcomeName: "advice", extraKeys: ["report"])
        return PackLoader.load(SourceFile(path: "plants.json5", text: text), profiles: [profile], language: language)
    }

    @Test func theAskedLanguageIsReadAndTheFirstStandsInForAGap() throws {
        let ru = try #require(load(bilingual, "ru").0)
        #expect(ru.title == "Сколько поливать")
        #expect(ru.input(named: "soil_moisture_pct")?.question == "Влажность почвы?")
        #expect(ru.factors[0].title == "Сухая почва")
        #expect(ru.factors[0].bands.map(\.because) == ["почва сухая", "the soil is moist"])
        #expect(ru.risks[0].mitigation == "let it dry")
        #expect(ru.language == "ru" && ru.languages == ["en", "ru"])
        // The host's own sections are resolved too, lists and all.
        #expect(ru.extras["report"]?["controls"]?.array?.first?.string == "проверять раз в неделю")
        #expect(ru.extras["report"]?["review"]?["high"]?.string == "ежемесячно")
        let en = try #require(load(bilingual, "en").0)
        #expect(en.title == "How much to water" && en.risks[0].because == "wet")
        // A language the pack does not have reads the first; the file and its hash are one.
        let de = try #require(load(bilingual, "de").0)
        #expect(de.title == "How much to water" && de.language == "en")
        #expect(de.hash == ru.hash)
    }

    @Test func everyGapIsAWarningAtItsLineWithTheTextBeside() throws {
        let (pack, diagnostics) = load(bilingual, "en")
        #expect(pack != nil)
        let warnings = diagnostics.filter { $0.severity == .warning }
        #expect(warnings.count == 2, "\(DiagnosticRenderer.render(diagnostics))")
        let oneLanguage = try #require(warnings.first { $0.message.contains("one language only") })
        #expect(DiagnosticRenderer.render([oneLanguage]).contains("plants.json5:7:"))
        #expect(oneLanguage.notes == ["the text: the soil is moist"])
        let noRussian = try #require(warnings.first { $0.message.contains("has no `ru`") })
        #expect(DiagnosticRenderer.render([noRussian]).contains("plants.json5:10:"))
        #expect(noRussian.notes == ["the en text: let it dry"])
    }

    @Test func aLanguageThePackDoesNotDeclareIsAnError() {
        let stray = bilingual.replacingOccurrences(of: "ru: \"Сухая почва\"", with: "de: \"Trockener Boden\"")
        let (pack, diagnostics) = load(stray, "en")
        #expect(pack == nil)
        #expect(diagnostics.contains { $0.severity == .error && $0.message.contains("`de` is not among the pack's languages (en, ru)") })
        let badList = bilingual.replacingOccurrences(of: "languages: [\"en\", \"ru\"]", with: "languages: [\"English\"]")
        #expect(load(badList, "en").1.contains { $0.message.contains("`languages` must be a list of language codes") })
    }

    @Test func aPackWithoutLanguagesReadsAsBefore() throws {
        let plain = """
        { kind: "plant-care", id: "w", version: "1", title: "Water", inputs: { m: { type: "number" } },
          factors: [{ id: "dry", title: "Dry", bands: [{ points: 0, because: "x" }] }], advices: [{ value: "wait" }],
          report: { names: { en: "not a text here", ru: "и здесь" } } }
        """
        let (pack, diagnostics) = load(plain, "ru")
        #expect(diagnostics.isEmpty)
        let p = try #require(pack)
        #expect(p.languages == ["en"] && p.language == "en")
        // Without declared languages an object of language-looking keys is left alone.
        #expect(p.extras["report"]?["names"]?["ru"]?.string == "и здесь")
    }
}
