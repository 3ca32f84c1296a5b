// libFuzzer target: the questionnaire loader against the bundled assessment pack, then the
// whole assessment (scores, risks, the what-if search) of every questionnaire that loads.
// Built by scripts/fuzz.sh and run from the package root, where it reads the pack.
import Foundation
import KamAdvisor
import KamRules
import KamSource

private let pack: RulePack = {
    guard let data = FileManager.default.contents(atPath: "rules/suitability.json5"),
          let pack = PackLoader.load(SourceFile(path: "rules/suitability.json5", bytes: Array(data)), profiles: PackProfiles.all).0
    else { fatalError("run from the package root: rules/suitability.json5 must load") }
    return pack
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuestionnaire(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = SourceFile(path: "fuzz.json5", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    // Both ways a command reads it: every question required, or some left to the data.
    let (_, partial) = Questionnaire.load(file, pack: pack, requireAll: false)
    for diagnostic in partial { _ = DiagnosticRenderer.render(diagnostic) }
    let (questionnaire, diagnostics) = Questionnaire.load(file, pack: pack)
    for diagnostic in diagnostics { _ = DiagnosticRenderer.render(diagnostic) }
    guard let questionnaire else { return 0 }
    let assessment = Assessor.assess(questionnaire, pack: pack)
    if !assessment.score.isFinite { fatalError("a score of \(assessment.score)") }
    return 0
}
