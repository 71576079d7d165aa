import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fresh directory under the system's temporary folder, for one test's fixtures.
public struct TemporaryDirectory: Sendable {
    public let path: String

    /// Creates the directory (mkdtemp: a unique, random name).
    public init(_ label: String = "gazette") throws {
        var base = NSTemporaryDirectory()
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        var template = Array("\(base)/\(label)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard created != nil else { throw CocoaError(.fileWriteUnknown) }
        // The name mkdtemp filled in, up to the NUL that ends it.
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The absolute path of `name` inside the directory.
    public func url(_ name: String) -> String { path + "/" + name }

    /// Writes `text` as UTF-8 to `name`, creating parent folders; returns the path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    /// Writes raw bytes to `name`, creating parent folders; returns the path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = url(name)
        let parent = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    public func makeDirectory(_ name: String) throws {
        try FileManager.default.createDirectory(atPath: url(name), withIntermediateDirectories: true)
    }

    /// Creates a symbolic link `name` whose target is `destination` (as written, relative or not).
    public func link(_ name: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: url(name), withDestinationPath: destination)
    }

    public func remove() {
        Self.restorePermissions(path)
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Makes every folder under `folder` listable and writable again, so that a
    /// chmod 000 fixture can be deleted. Symbolic links are not followed.
    private static func restorePermissions(_ folder: String) {
        chmod(folder, 0o755)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            let child = folder + "/" + name
            var info = stat()
            guard lstat(child, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                restorePermissions(child)
            } else if info.st_mode & S_IFMT == S_IFREG {
                chmod(child, 0o644)
            }
        }
    }
}

/// Runs `body` with a fresh temporary directory and deletes it afterwards.
public func withTemporaryDirectory<Result>(_ body: (TemporaryDirectory) throws -> Result) throws -> Result {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    return try body(directory)
}

/// Locations of the repository's own folders, found from this source file.
public enum Repository {
    /// The package root (the folder holding Package.swift).
    public static var root: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    public static var corpus: String { root + "/Corpus" }

    /// `../shared/corpora` beside the repository, if present (CI has it).
    public static var sharedCorpora: String? {
        let candidates = [
            ProcessInfo.processInfo.environment["GAZETTE_SHARED_CORPORA"],
            root + "/../shared/corpora",
        ].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}

/// Reads a whole file.
public func readBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Overwrites a file.
public func writeBytes(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// A tiny deterministic generator (SplitMix64) for test data and timings, so
/// that a failing run can be replayed from its seed.
public struct SplitMix: Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
