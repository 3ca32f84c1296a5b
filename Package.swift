// swift-tools-version:6.0
//
// kam: a key-account management advisor. The parts lean one way only:
//   kam -> KamCLI -> KamReport -> KamAdvisor -> KamRules -> KamExpr -> KamSource
//            |                              \-> KamCSV
//            \-> KamWorkbook (.xlsx: ZIP, DEFLATE, sheet XML) -> KamCSV
// No third-party packages: the Swift toolchain alone.
import PackageDescription

let package = Package(
    name: "kam",
    products: [
        .executable(name: "kam", targets: ["kam"]),
        .executable(name: "kam-bench", targets: ["kam-bench"]),
    ],
    targets: [
        // The parts, bottom up.
        .target(name: "KamSource"),
        .target(name: "KamExpr", dependencies: ["KamSource"]),
        .target(name: "KamRules", dependencies: ["KamSource", "KamExpr"]),
        .target(name: "KamCSV"),
        .target(name: "KamWorkbook", dependencies: ["KamCSV"]),
        .target(
            name: "KamAdvisor",
            // Not KamExpr: the advisor sets and reads values through KamRules' evaluators.
            dependencies: ["KamSource", "KamRules", "KamCSV"],
            plugins: ["EmbedRulesPlugin"]
        ),
        .target(name: "KamReport", dependencies: ["KamSource", "KamExpr", "KamRules", "KamCSV", "KamAdvisor"]),
        .target(name: "KamCLI", dependencies: ["KamSource", "KamExpr", "KamRules", "KamCSV", "KamWorkbook", "KamAdvisor", "KamReport"]),

        // Executables: thin mains over the libraries.
        .executableTarget(name: "kam", dependencies: ["KamCLI"]),
        .executableTarget(name: "kam-bench", dependencies: ["KamSource", "KamExpr", "KamRules", "KamCSV", "KamAdvisor"]),

        // Build-time embedding of rules/ into the binary, so kam works from any folder
        // and the bundled packs cannot drift from the files people edit.
        .executableTarget(name: "kam-embed-rules", path: "Sources/kam-embed-rules"),
        .plugin(
            name: "EmbedRulesPlugin",
            capability: .buildTool(),
            dependencies: ["kam-embed-rules"],
            path: "Sources/EmbedRulesPlugin"
        ),

        // Tests.
        .target(name: "KamTestSupport", dependencies: ["KamSource"]),
        .testTarget(name: "KamSourceTests", dependencies: ["KamSource", "KamTestSupport"]),
        .testTarget(name: "KamExprTests", dependencies: ["KamExpr", "KamTestSupport"]),
        .testTarget(name: "KamRulesTests", dependencies: ["KamRules", "KamTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "KamCSVTests", dependencies: ["KamCSV", "KamTestSupport"]),
        .testTarget(name: "KamWorkbookTests", dependencies: ["KamWorkbook", "KamTestSupport", "KamSource"]),
        .testTarget(name: "KamAdvisorTests", dependencies: ["KamAdvisor", "KamTestSupport"]),
        .testTarget(name: "KamReportTests", dependencies: ["KamReport", "KamTestSupport"]),
        .testTarget(name: "KamCLITests", dependencies: ["KamCLI", "kam", "KamTestSupport", "KamWorkbook"], exclude: ["Golden"]),
    ]
)
