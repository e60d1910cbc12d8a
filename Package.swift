// swift-tools-version:6.0
import PackageDescription

// Data flows one way: bytes → packets → connections → findings → report.
// Only Capture imports CPcap and only Markup imports CLibXML2 (checked by `make test`).
let package = Package(
    name: "casebook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "casebook", targets: ["casebook"]),
        .library(name: "CasebookKit", targets: ["CasebookKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CPcap", pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .target(
            name: "Capture",
            dependencies: [
                "CPcap",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .target(name: "Packets", dependencies: ["Capture"]),
        .target(
            name: "Flows",
            dependencies: ["Capture", "Packets", .product(name: "HeapModule", package: "swift-collections")],
            // The per-packet state lives in classes; dynamic exclusivity checks cost ~9% of
            // `analyze` on the 1 M-packet benchmark. Debug builds keep them.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .target(name: "Correlation", dependencies: ["Capture", "Packets", "Flows"]),
        .target(name: "Diagnosis", dependencies: ["Capture", "Packets", "Flows", "Correlation", "Logs"]),
        .target(name: "Markup", dependencies: ["CLibXML2"]),
        .target(
            name: "Report",
            dependencies: ["Diagnosis", "Markup", .product(name: "Mustache", package: "swift-mustache")]),
        .target(name: "Logs", dependencies: ["Packets"]),
        .target(
            name: "CaseFile",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "CasebookKit",
            dependencies: ["Capture", "Packets", "Flows", "Correlation", "Diagnosis", "Logs", "CaseFile", "Markup", "Report"]),
        .executableTarget(
            name: "casebook",
            dependencies: [
                "CasebookKit", "Report",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "TestSupport"]),
        .testTarget(name: "PacketsTests", dependencies: ["Packets", "Capture", "TestSupport"]),
        .testTarget(name: "DiagnosisTests", dependencies: ["Diagnosis", "Correlation", "Logs", "CasebookKit", "TestSupport"]),
        .testTarget(name: "FlowsTests", dependencies: ["Flows", "Packets", "Capture", "TestSupport"]),
        .testTarget(name: "MarkupTests", dependencies: ["Markup"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Diagnosis", "Markup", "CasebookKit", "CaseFile", "TestSupport"]),
        .testTarget(name: "LogsTests", dependencies: ["Logs", "Packets", "TestSupport"]),
        .testTarget(name: "CaseFileTests", dependencies: ["CaseFile", "TestSupport"]),
        .testTarget(name: "CasebookKitTests", dependencies: ["CasebookKit", "CaseFile", "Capture", "Diagnosis", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["casebook", "TestSupport"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Capture", "Packets", "Flows", "Diagnosis", "CasebookKit"]),
    ]
)
