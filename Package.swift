// swift-tools-version: 6.0
import PackageDescription

/// The code the `tcpwave` executable runs is optimized in debug builds too: the CLI test suites run
/// the executable thousands of times over the fixtures and the shared corpus, and unoptimized it is
/// 10-30 times slower (CI must stay under 30 minutes). Test targets themselves stay unoptimized.
let optimizedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "tcpwave",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tcpwave", targets: ["tcpwave"]),
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "Flows", targets: ["Flows"]),
        .library(name: "Render", targets: ["Render"]),
        .library(name: "Capture", targets: ["Capture"]),
        .library(name: "PcapCraft", targets: ["PcapCraft"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // libpcap, wrapped once at the edge; only Capture imports it.
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"]), .brew(["libpcap"])]
        ),
        // Pure decoding of link / IPv4 / IPv6 / TCP headers over borrowed bytes.
        .target(name: "Wire", swiftSettings: optimizedEvenInDebug),
        // Connections, both endpoints' RFC 9293 state machines, timelines.
        .target(name: "Flows", dependencies: ["Wire"], swiftSettings: optimizedEvenInDebug),
        // Reading and writing captures through libpcap.
        .target(name: "Capture", dependencies: ["CPcap", "Wire"], swiftSettings: optimizedEvenInDebug),
        // Printed formats: tcpdump lines, annotations, timelines, summaries, JSON.
        .target(name: "Render", dependencies: ["Wire", "Flows"], swiftSettings: optimizedEvenInDebug),
        // Crafting frames and pcap files in pure Swift (fixtures, tests, benchmark).
        .target(name: "PcapCraft", dependencies: ["Wire"]),
        .executableTarget(
            name: "tcpwave",
            dependencies: [
                "Capture", "Render", "Flows", "Wire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimizedEvenInDebug
        ),
        .executableTarget(name: "tcpwave-craft", dependencies: ["PcapCraft", "Wire"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "PcapCraft"]),
        .testTarget(name: "FlowsTests", dependencies: ["Flows", "Wire", "PcapCraft"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Flows", "Wire", "PcapCraft"]),
        .testTarget(name: "CLITests", dependencies: ["tcpwave", "PcapCraft", "Wire"]),
    ],
    swiftLanguageModes: [.v6]
)
