// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SwiftRL",
    products: [
        // MARK: - Public API
        .library(name: "Environments", targets: ["Environments"]),
        .library(name: "Agents", targets: ["Agents"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .library(name: "Neural", targets: ["Neural"]),
        .executable(name: "rlrun", targets: ["rlrun"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // MARK: - Libraries
        .target(name: "Environments", path: "Environments"),
        .target(name: "Neural", dependencies: ["CBLAS"]),
        .target(name: "Agents", dependencies: ["Environments", "Neural"], path: "Agents"),
        .target(
            name: "Experiments",
            dependencies: ["Environments", "Agents", "Neural", .product(name: "Yams", package: "Yams")],
            path: "Experiments",
            resources: [.copy("Presets")]
        ),

        // MARK: - System library shims
        .systemLibrary(
            name: "CBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),

        // MARK: - Command-line tool
        .executableTarget(
            name: "rlrun",
            dependencies: [
                "Experiments",
                "Agents",
                "Environments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Unit test bundles
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments"]),
        .testTarget(name: "NeuralTests", dependencies: ["Neural"]),
        .testTarget(name: "AgentsTests", dependencies: ["Agents"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments"]),
    ],
    swiftLanguageModes: [.v6]
)
