import Foundation
import NewsCore
import NewsIngest
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The listed paths relative to `root`.
private func relativePaths(_ listing: CorpusWalker.Listing, under root: String) -> [String] {
    listing.files.map { String($0.path.dropFirst(root.count + 1)) }
}

@Suite("CorpusWalker")
struct CorpusWalkerTests {
    @Test("files come in bytewise name order at every level, hidden entries left out")
    func stableOrder() throws {
        try withTemporaryDirectory { directory in
            for name in [
                "b.txt", "a.txt", "B.txt", "10.txt", "2.txt", "é.txt", "a/z.txt", "a/y/x.txt", "sub/deeper/x.html",
                ".hidden.txt", ".git/config.txt", "sub/.DS_Store", "report.pdf",
            ] {
                try directory.write(name, "Title\nBody")
            }
            let listing = try CorpusWalker(root: directory.path).walk()
            // "a" sorts before "a.txt", so the folder's files come first.
            #expect(
                relativePaths(listing, under: directory.path) == [
                    "10.txt", "2.txt", "B.txt", "a/y/x.txt", "a/z.txt", "a.txt", "b.txt", "report.pdf",
                    "sub/deeper/x.html", "é.txt",
                ])
            #expect(listing.problems.isEmpty)
        }
    }

    @Test("the walk's order is comparePaths order, which the index's sources are kept in; the walk can stop")
    func walkOrderIsComparePathsOrder() throws {
        try withTemporaryDirectory { directory in
            // "-" (0x2D) and "." (0x2E) sort below "/" (0x2F) bytewise, above it in a walk.
            for name in ["a/b.txt", "a-b.txt", "a.b/c.txt", "a.txt", "a0.txt", "ab/c/d.txt", "ab-c.txt", "ab/c.d.txt"] {
                try directory.write(name, "Title\nBody")
            }
            let paths = try CorpusWalker(root: directory.path).walk().files.map(\.path)
            #expect(paths.count == 8)
            let sorted = paths.sorted { comparePaths(Array($0.utf8).span, Array($1.utf8).span) < 0 }
            #expect(paths == sorted)
            #expect(paths != paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            var visited: [String] = []
            try CorpusWalker(root: directory.path).walk(problem: { _ in }) { path, _ in
                visited.append(path)
                return visited.count < 3
            }
            #expect(visited == Array(paths.prefix(3)))
        }
    }

    @Test("walking twice gives the same listing")
    func repeatable() throws {
        try withTemporaryDirectory { directory in
            for k in 0..<20 { try directory.write("d\(k % 3)/f\(k).txt", "T\nB") }
            let first = try CorpusWalker(root: directory.path).walk().files.map(\.path)
            let second = try CorpusWalker(root: directory.path).walk().files.map(\.path)
            #expect(first == second)
            #expect(first.count == 20)
        }
    }

    @Test("each file's status is its own")
    func statuses() throws {
        try withTemporaryDirectory { directory in
            try directory.write("short.txt", "T\nB")
            try directory.write("long.txt", "Title\nA longer body")
            let files = try CorpusWalker(root: directory.path).walk().files
            #expect(files.map(\.status.size) == [19, 3])
            #expect(files.allSatisfy { $0.status.kind == .file })
        }
    }

    @Test("a trailing slash on the root does not double the separator")
    func trailingSlash() throws {
        try withTemporaryDirectory { directory in
            try directory.write("a.txt", "T\nB")
            let listing = try CorpusWalker(root: directory.path + "/").walk()
            #expect(listing.files.map(\.path) == [directory.path + "/a.txt"])
        }
    }

    @Test("a root that is a file is listed alone")
    func fileRoot() throws {
        try withTemporaryDirectory { directory in
            let path = try directory.write("single.txt", "T\nB")
            let listing = try CorpusWalker(root: path).walk()
            #expect(listing.files.map(\.path) == [path])
            #expect(listing.problems.isEmpty)
        }
    }

    @Test("a symbolic link loop ends, and each file is listed once")
    func symlinkLoop() throws {
        try withTemporaryDirectory { directory in
            try directory.write("a.txt", "T\nB")
            try directory.write("dir/b.txt", "T\nB")
            try directory.link("dir/loop", to: "..")
            try directory.link("dir/self", to: ".")
            let listing = try CorpusWalker(root: directory.path).walk()
            #expect(relativePaths(listing, under: directory.path) == ["a.txt", "dir/b.txt"])
            #expect(listing.problems.isEmpty)
        }
    }

    @Test("a symbolic link to a folder outside the root is followed")
    func symlinkToFolder() throws {
        try withTemporaryDirectory { outside in
            try outside.write("shared/x.txt", "T\nB")
            try withTemporaryDirectory { directory in
                try directory.write("a.txt", "T\nB")
                try directory.link("linked", to: outside.url("shared"))
                let listing = try CorpusWalker(root: directory.path).walk()
                #expect(relativePaths(listing, under: directory.path) == ["a.txt", "linked/x.txt"])
            }
        }
    }

    @Test("a broken symbolic link is a problem, and the walk goes on")
    func brokenSymlink() throws {
        try withTemporaryDirectory { directory in
            try directory.write("a.txt", "T\nB")
            try directory.link("b-dangling.txt", to: "nowhere.txt")
            try directory.write("c.txt", "T\nB")
            let listing = try CorpusWalker(root: directory.path).walk()
            #expect(relativePaths(listing, under: directory.path) == ["a.txt", "c.txt"])
            #expect(
                listing.problems == [
                    IngestProblem(
                        path: directory.url("b-dangling.txt"), reason: "broken symbolic link", severity: .skipped)
                ])
        }
    }

    @Test("a FIFO is not a regular file")
    func fifo() throws {
        try withTemporaryDirectory { directory in
            try directory.write("a.txt", "T\nB")
            #expect(mkfifo(directory.url("pipe.txt"), 0o644) == 0)
            let listing = try CorpusWalker(root: directory.path).walk()
            #expect(relativePaths(listing, under: directory.path) == ["a.txt"])
            #expect(listing.problems.map(\.reason) == ["not a regular file"])
            #expect(listing.problems.map(\.path) == [directory.url("pipe.txt")])
        }
    }

    @Test("a missing root throws notFound")
    func missingRoot() throws {
        try withTemporaryDirectory { directory in
            let root = directory.url("no-such-folder")
            let error = #expect(throws: IngestError.self) { try CorpusWalker(root: root).walk() }
            #expect(error?.code == .notFound)
            #expect(error?.path == root)
        }
    }

    @Test("an unreadable subfolder is a problem", .enabled(if: getuid() != 0, "root can list a chmod 000 folder"))
    func unreadableFolder() throws {
        try withTemporaryDirectory { directory in
            try directory.write("a.txt", "T\nB")
            try directory.write("locked/b.txt", "T\nB")
            #expect(chmod(directory.url("locked"), 0) == 0)
            let listing = try CorpusWalker(root: directory.path).walk()
            #expect(relativePaths(listing, under: directory.path) == ["a.txt"])
            #expect(listing.problems.map(\.path) == [directory.url("locked")])
            #expect(listing.problems.first?.reason.contains("cannot list directory") == true)
        }
    }

    @Test("a file whose name is not UTF-8 is not mistaken for a broken link")
    func nonUTF8FileName() throws {
        try withTemporaryDirectory { directory in
            // "café.txt" in Latin-1: the name's bytes are not valid UTF-8.
            let name: [UInt8] = Array("\(directory.path)/caf".utf8) + [0xE9] + Array(".txt".utf8) + [0]
            let fd = name.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
            }
            try #require(fd >= 0)
            close(fd)
            let listing = try CorpusWalker(root: directory.path).walk()
            let reasons = listing.problems.map(\.reason)
            #expect(!reasons.contains("broken symbolic link"))
            #expect(listing.files.isEmpty)
            #expect(reasons == ["file name is not valid UTF-8; rename it to index it"])
        }
    }
}
