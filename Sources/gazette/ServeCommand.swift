import ArgumentParser
import GazetteCLI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `gazette serve`: replaces this process with `gazette-serve`, the program
/// beside this one that holds the HTTP server and the browser app.
///
/// The server is a program of its own so that Hummingbird, SwiftNIO and
/// Foundation load only when serving; the options are parsed here too, so
/// that `gazette serve --help` and the shell completions know them.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the index over HTTP: a search app for the browser and a JSON API.",
        discussion: """
            Open http://127.0.0.1:8080/ for the app. Binds to 127.0.0.1 by default: give \
            --host 0.0.0.0 to serve other machines too (there is no authentication). A new \
            commit (gazette index in another process) is picked up without a restart. Runs \
            the gazette-serve program installed beside gazette.
            """)

    @OptionGroup var options: ServeOptions

    func run() throws {
        let server = Self.serverPath()
        let arguments = [server] + options.arguments
        // SAFETY: the strdup'd strings live until execv replaces the
        // process; it returns only on failure, and then they are freed.
        let cArguments = unsafe arguments.map { unsafe strdup($0) } + [nil]
        _ = unsafe execv(server, cArguments)
        let reason = unsafe String(cString: strerror(errno))
        unsafe cArguments.forEach { unsafe free($0) }
        Terminal.error("cannot start \(server): \(reason)")
        Terminal.error("build it with: swift build -c release --product gazette-serve")
        throw ExitCode(Terminal.Exit.unavailable)
    }

    /// `gazette-serve` in this program's own directory (from /proc/self/exe,
    /// so a symlink to gazette on the PATH still finds it).
    static func serverPath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        // SAFETY: readlink writes at most count - 1 bytes into the buffer,
        // which stays alive and unmoved for the call; the result is terminated below.
        let length = unsafe buffer.withUnsafeMutableBufferPointer {
            unsafe readlink("/proc/self/exe", $0.baseAddress!, $0.count - 1)
        }
        var directory = "."
        if length > 0 {
            let path = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let slash = path.lastIndex(of: "/") { directory = String(path[..<slash]) }
        } else if let slash = CommandLine.arguments[0].lastIndex(of: "/") {
            directory = String(CommandLine.arguments[0][..<slash])
        }
        return directory + "/gazette-serve"
    }
}
