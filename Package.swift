// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SwiftRL",
    products: [
        // MARK: - Public API
        .library(name: "Environments", targets: ["Environments"]),
        .library(name: "Agents", targets: ["Agents"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .executable(name: "rlrun", targets: ["rlrun"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - Libraries
        .target(name: "Environments", path: "Environments"),
        .target(name: "Agents", dependencies: ["Environments"], path: "Agents"),
        .target(name: "Experiments", dependencies: ["Environments", "Agents"], path: "Experiments"),

        // MARK: - Command-line tool
        .executableTarget(
            name: "rlrun",
            dependencies: [
                "Experiments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Unit test bundles
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments"]),
        .testTarget(name: "AgentsTests", dependencies: ["Agents"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments"]),
    ],
    swiftLanguageModes: [.v6]
)
