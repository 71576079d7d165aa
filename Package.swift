// swift-tools-version: 6.2
//
// Gazette: a search engine for news archives.
// The module graph follows ../shared/STYLE.md: `Indexing` and `Search` meet only
// in the on-disk format (`IndexFormat`), and only `NewsIngest` sees libxml2.

import PackageDescription

let strict: [SwiftSetting] = [.strictMemorySafety()]

let package = Package(
    name: "Gazette",
    products: [
        .executable(name: "gazette", targets: ["gazette"]),
        .executable(name: "gazette-serve", targets: ["gazette-serve"]),
        .library(name: "Search", targets: ["Search"]),
        .library(name: "Indexing", targets: ["Indexing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // glibc's malloc.h (malloc_trim), which the Glibc module leaves out.
        .systemLibrary(name: "CMalloc"),
        .target(name: "NewsCore", dependencies: ["CMalloc"], swiftSettings: strict),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "NewsIngest", dependencies: ["NewsCore", "CLibXML2"], swiftSettings: strict),
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .target(
            name: "TextAnalysis", dependencies: ["NewsCore", "CStemmer"],
            exclude: ["Gazetteer/actors.txt"], swiftSettings: strict
        ),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "IndexFormat", dependencies: ["NewsCore", "CZstd"], swiftSettings: strict),
        .target(
            name: "Indexing",
            dependencies: ["NewsCore", "TextAnalysis", "IndexFormat"],
            swiftSettings: strict
        ),
        .target(
            name: "Search",
            dependencies: [
                "NewsCore", "TextAnalysis", "IndexFormat",
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        // What the CLI's commands and the server share: JSON writers, error
        // messages and exit codes, where the index is.
        .target(
            name: "GazetteCLI",
            dependencies: [
                "NewsCore", "NewsIngest", "TextAnalysis", "IndexFormat", "Search",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Rainbow", package: "Rainbow"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "gazette",
            dependencies: [
                "NewsCore", "NewsIngest", "TextAnalysis", "Indexing", "Search", "GazetteCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // Not "gazette-serve": SwiftPM links the modules of an executable
                // a target depends on, which would bring the HTTP stack back in.
            ],
            swiftSettings: strict
        ),
        // The HTTP server and the browser app, a program of its own so that
        // Hummingbird, SwiftNIO and Foundation are loaded only by `gazette
        // serve`: linked into gazette, they made every command start slower
        // (11.0 to 14.7 ms for a search; swift_conformsToProtocol scans over
        // their metadata were 15% of a short run).
        .executableTarget(
            name: "gazette-serve",
            dependencies: [
                "NewsCore", "IndexFormat", "Search", "GazetteCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            // The browser app: compiled into the program as byte arrays (no bundle
            // folder to install beside it, and no file the server could be asked
            // for by a path).
            resources: [
                .embedInCode("Web/index.html"), .embedInCode("Web/app.js"), .embedInCode("Web/app.css"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "IndexBenchmarks",
            dependencies: ["NewsCore", "NewsIngest", "TextAnalysis", "Indexing", "Search"],
            swiftSettings: strict
        ),
        .target(name: "TestSupport", dependencies: ["NewsCore"], path: "Tests/TestSupport"),
        .testTarget(name: "NewsIngestTests", dependencies: ["NewsIngest", "TestSupport"]),
        .testTarget(name: "TextAnalysisTests", dependencies: ["TextAnalysis", "TestSupport"]),
        .testTarget(
            name: "IndexFormatTests", dependencies: ["IndexFormat", "Indexing", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SearchTests", dependencies: ["Search", "Indexing", "NewsIngest", "TextAnalysis", "TestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            // "gazette" and "gazette-serve" so that `swift test` builds the
            // programs the CLI and server tests run.
            dependencies: ["NewsIngest", "Indexing", "Search", "TestSupport", "gazette", "gazette-serve"],
            resources: [.copy("Golden")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer harnesses (tools/fuzzing/*/Harness.swift), declared only when
// tools/fuzz builds them (GAZETTE_FUZZ=1, with -sanitize=fuzzer,address):
// their main is libFuzzer's, so a plain `swift build` could not link them.
if Context.environment["GAZETTE_FUZZ"] != nil {
    let harness: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]
    package.targets += [
        .systemLibrary(name: "CFuzzer", path: "tools/fuzzing/CFuzzer"),
        .executableTarget(
            name: "fuzz-html", dependencies: ["CFuzzer", "NewsCore", "NewsIngest"], path: "tools/fuzzing/html", swiftSettings: harness),
        .executableTarget(
            name: "fuzz-query", dependencies: ["CFuzzer", "NewsCore", "Indexing", "Search"], path: "tools/fuzzing/query",
            swiftSettings: harness),
        .executableTarget(
            name: "fuzz-index", dependencies: ["CFuzzer", "NewsCore", "IndexFormat", "Indexing", "Search"],
            path: "tools/fuzzing/index", swiftSettings: harness),
    ]
}
