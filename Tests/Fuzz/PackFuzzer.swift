// libFuzzer target: the JSON5 rule-pack loader with all its validation (keys, types,
// expressions, bands, tests), then evaluation, tracing and the pack's own tests for every
// pack that loads. Built by scripts/fuzz.sh, not by SwiftPM.
import KamAdvisor
import KamRules
import KamSource

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPack(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = SourceFile(path: "fuzz.json5", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let (pack, diagnostics) = PackLoader.load(file, profiles: PackProfiles.all)
    for diagnostic in diagnostics { _ = DiagnosticRenderer.render(diagnostic) }
    guard let pack else { return 0 }
    // A pack that loads must evaluate without trapping, with nothing answered.
    let evaluator = Evaluator(pack)
    let evaluation = evaluator.evaluate()
    _ = Trace(pack, evaluation, evaluator.activation)
    _ = evaluation.topReasons(in: pack)
    _ = PackTester.run(pack)
    _ = ReportFields.read(pack)
    return 0
}
