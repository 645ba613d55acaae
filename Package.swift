// swift-tools-version: 6.0
import PackageDescription

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
        .target(name: "Wire"),
        // Connections, both endpoints' RFC 9293 state machines, timelines.
        .target(name: "Flows", dependencies: ["Wire"]),
        // Reading and writing captures through libpcap.
        .target(name: "Capture", dependencies: ["CPcap", "Wire"]),
        // Printed formats: tcpdump lines, annotations, timelines, summaries, JSON.
        .target(name: "Render", dependencies: ["Wire", "Flows"]),
        // Crafting frames and pcap files in pure Swift (fixtures, tests, benchmark).
        .target(name: "PcapCraft", dependencies: ["Wire"]),
        .executableTarget(
            name: "tcpwave",
            dependencies: [
                "Capture", "Render", "Flows", "Wire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "tcpwave-craft", dependencies: ["PcapCraft", "Wire"]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "PcapCraft"]),
        .testTarget(name: "FlowsTests", dependencies: ["Flows", "Wire", "PcapCraft"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Flows", "Wire", "PcapCraft"]),
        .testTarget(name: "CLITests", dependencies: ["tcpwave", "PcapCraft", "Wire"]),
    ],
    swiftLanguageModes: [.v6]
)
