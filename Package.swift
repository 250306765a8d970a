// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "refgraph",
    products: [
        .library(name: "RefGraph", targets: ["RefGraph"]),
        .executable(name: "refgraph", targets: ["refgraph-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `refgraph serve`'s sockets: FlyingFox's socket layer, FlyingSocks
        // (FoundationEssentials only; see docs/DECISIONS.md, "serve").
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
    ],
    targets: [
        // Graphviz's layout and rendering libraries, used in-process (never a `dot` subprocess).
        .systemLibrary(
            name: "CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]
        ),
        // zlib, for reading `.gz` dumps transparently; mapguard.h, the SIGBUS
        // guard for a mapped dump that shrinks while it is read.
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "RefGraph",
            dependencies: ["CGraphviz", "CZlib"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "refgraph-cli",
            dependencies: [
                "RefGraph",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ]
        ),
        .testTarget(
            name: "RefGraphTests",
            dependencies: ["RefGraph"],
            exclude: []
        ),
    ],
    swiftLanguageModes: [.v6]
)
