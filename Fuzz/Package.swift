// swift-tools-version: 6.0
// libFuzzer harnesses for tcpwave. Built apart from the main package because a fuzz target
// has no main of its own (libFuzzer supplies it). Fuzz/run.sh builds and runs them.
import Foundation
import PackageDescription

// A local package's identity is its folder's name, which differs between clones.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "tcpwave-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzDecoder", dependencies: [
            "FuzzSupport",
            .product(name: "Wire", package: root), .product(name: "Render", package: root),
        ]),
        .executableTarget(name: "FuzzPipeline", dependencies: [
            "FuzzSupport",
            .product(name: "Wire", package: root), .product(name: "Flows", package: root),
            .product(name: "Render", package: root),
        ]),
        .executableTarget(name: "FuzzCapture", dependencies: [
            "FuzzSupport",
            .product(name: "Wire", package: root), .product(name: "Flows", package: root),
            .product(name: "Render", package: root), .product(name: "Capture", package: root),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
