import ArgumentParser
import Dispatch
import Hummingbird
import IndexFormat
import NewsCore
import Search
import Synchronization

/// `gazette serve`: the JSON API over HTTP (Hummingbird 2), bound to
/// loopback unless told otherwise.
///
/// - `GET /api/search?q=&actor=&limit=&offset=`: `gazette search --json`'s object.
/// - `GET /api/actors?q=&actor=&with=&limit=`: `gazette actors --json`'s.
/// - `GET /api/documents/PATH`: `gazette extract --json`'s object for the
///   indexed article from PATH (the id results and exports give).
///
/// Requests are served concurrently from one open index; each request
/// checks the index's commit number and, when an indexer has committed
/// since, opens the new commit (readers of the old one finish on it).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the index over HTTP: a JSON API (search, actors, documents).",
        discussion: """
            Binds to 127.0.0.1 by default: give --host 0.0.0.0 to serve other machines too \
            (there is no authentication). A new commit (gazette index in another process) is \
            picked up without a restart.
            """)

    @OptionGroup var location: IndexLocation

    @Option(help: ArgumentHelp("Address to listen on.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on (0: any free port, printed at start).", valueName: "port"))
    var port = 8080

    func validate() throws {
        if port < 0 || port > 65535 { throw ValidationError("--port must be 0 to 65535") }
    }

    /// Runs the server on Swift's task executor while the main thread
    /// waits: the root command stays synchronous, so the other commands
    /// start no executor threads (with an async root, strace showed every
    /// `gazette search` starting them).
    func run() throws {
        let index = OpenIndex(path: location.path)
        do {
            _ = try index.searcher()
        } catch {
            throw Terminal.fail(error, index: location.path)
        }
        let router = Router()
        router.get("/api/search") { request, _ -> Response in
            try API.search(request, index)
        }
        router.get("/api/actors") { request, _ -> Response in
            try API.actors(request, index)
        }
        router.get("/api/documents/**") { request, context -> Response in
            try API.document(context.parameters.getCatchAll().joined(separator: "/"), index)
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "gazette"),
            onServerRunning: { channel in
                let address =
                    channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
                Terminal.note("serving \(location.path) on http://\(address) (Ctrl-C stops)")
            })
        let failure = Mutex<(any Error)?>(nil)
        let stopped = DispatchSemaphore(value: 0)
        Task {
            do {
                try await app.runService()
            } catch {
                failure.withLock { $0 = error }
            }
            stopped.signal()
        }
        stopped.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

/// The index a server answers from: one `Searcher`, replaced when a new
/// commit lands.
///
/// A commit renames a new `MANIFEST` into place, so each request only
/// stats the manifest (one system call): the index is opened again when
/// the file's identity (inode, size, modification time) has changed, not
/// read and checksummed on every request.
final class OpenIndex: Sendable {
    let path: String
    private let manifestPath: String
    private let state = Mutex<(manifest: SystemFiles.Status, searcher: Searcher)?>(nil)

    init(path: String) {
        self.path = path
        manifestPath = (path.hasSuffix("/") ? path : path + "/") + Manifest.fileName
    }

    /// The searcher of the newest commit.
    func searcher() throws -> Searcher {
        let manifest = try? SystemFiles.status(manifestPath).get()
        if let manifest, let current = state.withLock({ $0 }), current.manifest == manifest { return current.searcher }
        let searcher = Searcher(reader: try IndexReader(directory: path))
        if let manifest { state.withLock { $0 = (manifest, searcher) } }
        return searcher
    }
}

/// The API's handlers: the CLI's JSON, from query parameters.
enum API {
    /// A query parameter that is not what the API takes.
    struct BadParameter: Error { var message: String }

    static func search(_ request: Request, _ index: OpenIndex) throws -> Response {
        do {
            return try searchResults(request, index)
        } catch let bad as BadParameter {
            return error(.badRequest, bad.message)
        }
    }

    private static func searchResults(_ request: Request, _ index: OpenIndex) throws -> Response {
        let parameters = request.uri.queryParameters
        let text = parameters["q"].map(String.init) ?? ""
        let actors = parameters.getAll("actor").map { String($0) }
        let limit = try number(parameters["limit"].map(String.init), default: 10, range: 0...1000, name: "limit")
        let offset = try number(parameters["offset"].map(String.init), default: 0, range: 0...100_000, name: "offset")
        guard text.utf8.count <= 4096 else { return error(.badRequest, "the query is longer than 4096 bytes") }
        let searcher = try index.searcher()
        let started = ContinuousClock.now
        do {
            let results = try searcher.search(
                text, SearchOptions(limit: limit, actors: actors, offset: offset))
            return json(JSONOutput.render(results, took: ContinuousClock.now - started))
        } catch let failure as SearchError {
            return error(.badRequest, failure.description)
        }
    }

    static func actors(_ request: Request, _ index: OpenIndex) throws -> Response {
        let parameters = request.uri.queryParameters
        let limit: Int
        do {
            limit = try number(parameters["limit"].map(String.init), default: 20, range: 1...1000, name: "limit")
        } catch let bad as BadParameter {
            return error(.badRequest, bad.message)
        }
        let searcher = try index.searcher()
        do {
            if let with = parameters["with"].map(String.init) {
                return json(ActorsJSON.render(try searcher.coMentions(with: with, limit: limit)))
            }
            let options = SearchOptions(limit: 0, actors: parameters.getAll("actor").map { String($0) })
            let text = parameters["q"].map(String.init) ?? ""
            return json(ActorsJSON.render(try searcher.actorFacets(text, options, limit: limit)))
        } catch let failure as SearchError {
            return error(.badRequest, failure.description)
        }
    }

    static func document(_ path: String, _ index: OpenIndex) throws -> Response {
        let reader = try index.searcher().reader
        guard let document = try reader.document(path: path) else {
            return error(.notFound, "no indexed article from \(path)")
        }
        var articles = reader.articleCursor()
        return json(ExtractCommand.json(try articles.article(document)))
    }

    private static func number(_ text: String?, default value: Int, range: ClosedRange<Int>, name: String) throws -> Int
    {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw BadParameter(
                message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    private static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var out: [UInt8] = Array("{\"error\": ".utf8)
        JSONOutput.append(message, to: &out)
        out.append(UInt8(ascii: "}"))
        return json(String(decoding: out, as: UTF8.self), status: status)
    }
}
