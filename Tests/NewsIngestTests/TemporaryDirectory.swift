import Foundation
import NewsCore
import NewsIngest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fresh directory under the system's temporary folder, for one test's fixtures.
struct TemporaryDirectory {
    let path: String

    /// Creates the directory (mkdtemp: a unique, random name).
    init() throws {
        var base = NSTemporaryDirectory()
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        var template = Array("\(base)/gazette-ingest-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard created != nil else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: template)
    }

    /// The absolute path of `name` inside the directory.
    func url(_ name: String) -> String { path + "/" + name }

    /// Writes `text` as UTF-8 to `name`, creating parent folders; returns the path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    /// Writes raw bytes to `name`, creating parent folders; returns the path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = url(name)
        let parent = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func makeDirectory(_ name: String) throws {
        try FileManager.default.createDirectory(atPath: url(name), withIntermediateDirectories: true)
    }

    /// Creates a symbolic link `name` whose target is `destination` (as written, relative or not).
    func link(_ name: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: url(name), withDestinationPath: destination)
    }

    func remove() {
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
func withTemporaryDirectory<Result>(_ body: (TemporaryDirectory) throws -> Result) throws -> Result {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    return try body(directory)
}

/// Reads one file the way the corpus reader does (stat, then read).
func readArticle(_ path: String) throws -> ArticleReader.Outcome {
    let status = try SystemFiles.status(path).get()
    return ArticleReader().read(path: path, status: status)
}

extension ArticleReader.Outcome {
    var article: Article? {
        if case .article(let article, _) = self { article } else { nil }
    }

    var warnings: [IngestProblem] {
        if case .article(_, let warnings) = self { warnings } else { [] }
    }

    var skipped: IngestProblem? {
        if case .skipped(let problem) = self { problem } else { nil }
    }
}
