// swift-tools-version:6.0
// sensorctl: one binary for the sensor pipeline. No outside Swift packages: our code, the toolchain,
// and C libraries from Debian (libpq, libmongoc/libbson, librdkafka, libcurl) as system libraries.
import PackageDescription

let strict: [SwiftSetting] = [.unsafeFlags(["-warnings-as-errors"])]

let package = Package(
    name: "sensorctl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sensorctl", targets: ["sensorctl"])
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CMongoC", path: "Sources/CMongoC", pkgConfig: "libmongoc-1.0",
            providers: [.apt(["libmongoc-dev", "libbson-dev"])]),
        .systemLibrary(
            name: "CRdKafka", path: "Sources/CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "SensorCore", swiftSettings: strict),
        .target(
            name: "SensorAdapters",
            dependencies: ["SensorCore", "CLibPQ", "CMongoC", "CRdKafka", "CCurl"],
            swiftSettings: strict),
        .target(name: "SensorCLI", dependencies: ["SensorCore"], swiftSettings: strict),
        .executableTarget(
            name: "sensorctl", dependencies: ["SensorCore", "SensorAdapters", "SensorCLI"], swiftSettings: strict),
        .testTarget(name: "SensorCoreTests", dependencies: ["SensorCore"], swiftSettings: strict),
        .testTarget(name: "SensorCLITests", dependencies: ["SensorCLI", "SensorCore"], swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["SensorCore", "SensorAdapters", "CLibPQ", "CMongoC", "CRdKafka", "CCurl"],
            swiftSettings: strict),
        .testTarget(name: "CLITests", dependencies: ["SensorCore", "CLibPQ", "CMongoC"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
