// swift-tools-version: 6.0
// libFuzzer harnesses for tcpwave. Built apart from the main package because a fuzz target
// has no main of its own (libFuzzer supplies it). Fuzz/run.sh builds and runs them.
import PackageDescription

let package = Package(
    name: "tcpwave-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "FuzzDecoder", dependencies: [
            .product(name: "Wire", package: "main"), .product(name: "Render", package: "main"),
        ]),
        .executableTarget(name: "FuzzPipeline", dependencies: [
            .product(name: "Wire", package: "main"), .product(name: "Flows", package: "main"),
            .product(name: "Render", package: "main"),
        ]),
        .executableTarget(name: "FuzzCapture", dependencies: [
            .product(name: "Wire", package: "main"), .product(name: "Flows", package: "main"),
            .product(name: "Render", package: "main"), .product(name: "Capture", package: "main"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
