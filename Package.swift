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
        .library(name: "Viewer", targets: ["Viewer"]),
        .executable(name: "rlrun", targets: ["rlrun"]),
    ],
    traits: [
        // The SDL window. Without it (`swift build --disable-default-traits`) everything
        // builds and runs without libsdl2-dev; the viewer then only exports images.
        .default(enabledTraits: ["SDL"]),
        .trait(name: "SDL", description: "Show frames in an SDL2 window (needs libsdl2-dev)."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // MARK: - Libraries
        .target(name: "Environments", path: "Environments"),
        .target(name: "Neural", dependencies: ["CBLAS", "NeuralKernels"]),
        // Neural's elementwise hot loops, in C so each is compiled for AVX-512, AVX2
        // and baseline x86-64 and picked at load time (one binary runs anywhere).
        .target(name: "NeuralKernels"),
        .target(name: "Agents", dependencies: ["Environments", "Neural"], path: "Agents"),
        .target(
            name: "Experiments",
            dependencies: ["Environments", "Agents", "Neural", .product(name: "Yams", package: "Yams")],
            path: "Experiments",
            resources: [.copy("Presets")]
        ),
        .target(
            name: "Viewer",
            dependencies: [
                "Environments", "CPNG", "CGIF",
                .target(name: "CSDL2", condition: .when(traits: ["SDL"])),
            ]
        ),

        // MARK: - System library shims
        .systemLibrary(
            name: "CBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Headers are included directly, not through pkg-config: `pkg-config sdl2`
        // adds -D_REENTRANT, which SwiftPM warns about on every build.
        .systemLibrary(
            name: "CSDL2",
            providers: [.apt(["libsdl2-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CGIF",
            providers: [.apt(["libgif-dev"])]
        ),

        // MARK: - Command-line tool
        .executableTarget(
            name: "rlrun",
            dependencies: [
                "Experiments",
                "Agents",
                "Environments",
                "Viewer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Unit test bundles
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments"]),
        .testTarget(name: "NeuralTests", dependencies: ["Neural", "NeuralKernels"]),
        .testTarget(name: "AgentsTests", dependencies: ["Agents"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments"]),
        .testTarget(
            name: "ViewerTests",
            dependencies: [
                "Viewer", "Environments", "CPNG", "CGIF",
                .target(name: "CSDL2", condition: .when(traits: ["SDL"])),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
