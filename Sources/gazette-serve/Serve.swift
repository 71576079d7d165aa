import ArgumentParser
import Dispatch
import GazetteCLI
import Hummingbird
import HummingbirdCore
import IndexFormat
import NewsCore
import Search

/// `gazette-serve` (started by `gazette serve`): the browser app and the
/// JSON API over HTTP (Hummingbird 2), bound to loopback unless told otherwise.
///
/// - `GET /api/search?q=&actor=&limit=&offset=`: `gazette search --json`'s object.
/// - `GET /api/actors?q=&actor=&with=&limit=`: `gazette actors --json`'s.
/// - `GET /api/documents/PATH`: `gazette extract --json`'s object for the
///   indexed article from PATH (the id results and exports give).
/// - `GET /api/timeline?q=&actor=`: the matching articles by month.
///
/// A bad parameter or query gets 400, a search past `--timeout` 503, each
/// with `{"error": reason}`.
///
/// Requests are served concurrently from one open index; each request
/// checks the index's commit number and, when an indexer has committed
/// since, opens the new commit (readers of the old one finish on it).
@main
struct GazetteServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gazette-serve",
        abstract: "Serve a Gazette index over HTTP: a search app for the browser and a JSON API.",
        discussion: """
            Started by `gazette serve`, which takes the same options. Binds to 127.0.0.1 by \
            default: give --host 0.0.0.0 to serve other machines too (there is no authentication).
            """,
        version: "0.1.0")

    @OptionGroup var options: ServeOptions

    /// Runs the server on Swift's task executor while the main thread
    /// waits (the root command is synchronous, as gazette's is).
    func run() throws {
        let path = options.location.path
        let (host, port) = (options.host, options.port)
        let index = OpenIndex(path: path)
        do {
            _ = try index.searcher()
        } catch {
            throw Terminal.fail(error, index: path)
        }
        let router = Router()
        if LoopbackHosts<BasicRequestContext>.isLoopback(host) { router.add(middleware: LoopbackHosts()) }
        API.route(router, index, timeLimit: options.requestTimeLimit)
        WebApp.route(router)
        // A connection idle for 30 s is closed (a client that opens many and
        // sends nothing holds none for long), and request heads are capped
        // (16 KB a field, 64 KB in all, 100 fields): a query is 4 KB at most.
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: .seconds(30),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 64 * 1024, maxHeaderFieldCount: 100))
        let app = Application(
            router: router,
            server: .http1(configuration: http1),
            configuration: .init(address: .hostname(host, port: port), serverName: "gazette"),
            onServerRunning: { channel in
                let address =
                    channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
                Terminal.note("serving \(path) on http://\(address) (Ctrl-C stops)")
            })
        let failure = Locked<(any Error)?>(nil)
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
    private let state = Locked<(manifest: SystemFiles.Status, searcher: Searcher)?>(nil)

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

    /// `timeLimit`: how long a request may search (``Deadline``); past it,
    /// 503 with the reason.
    static func route(_ router: Router<BasicRequestContext>, _ index: OpenIndex, timeLimit: Duration?) {
        let searches: [(RouterPath, @Sendable (Parameters, OpenIndex, Deadline?) throws -> Response)] = [
            ("/api/search", search), ("/api/actors", actors), ("/api/timeline", timeline),
        ]
        for (path, handler) in searches {
            router.get(path) { request, _ -> Response in
                // The clock starts with the request.
                let deadline = timeLimit.map { Deadline(after: $0) }
                return try answer { try handler(Parameters(request), index, deadline) }
            }
        }
        router.get("/api/documents/**") { request, context -> Response in
            // The path, percent-encoded: "%2F" keeps an absolute path's first
            // "/" and a "../" from the client's URL normalisation.
            let encoded = context.parameters.getCatchAll().joined(separator: "/")
            guard let path = percentDecoded(encoded) else {
                return error(.badRequest, "the document path \(encoded) is not valid percent-encoded UTF-8")
            }
            return try document(path, index)
        }
    }

    /// `body`'s answer, or the refusal of what it could not answer: 400 for
    /// a bad parameter or query, 503 for a search that ran out of time (the
    /// server could not answer in time; a narrower query may be). A damaged
    /// index or another failure goes on to Hummingbird (500).
    private static func answer(_ body: () throws -> Response) throws -> Response {
        do {
            return try body()
        } catch let bad as BadParameter {
            return error(.badRequest, bad.message)
        } catch let failure as SearchError {
            return error(failure.code == .timedOut ? .serviceUnavailable : .badRequest, failure.description)
        }
    }

    /// A request's query parameters, decoded as browsers encode forms
    /// (`application/x-www-form-urlencoded`): "+" is a space and "%2B" a
    /// plus. Hummingbird's `queryParameters` keeps "+", so that
    /// `q=militias+proxy` was one word and found nothing, and it passes a
    /// bad escape through as it stands; here that is a 400.
    struct Parameters {
        private var pairs: [(name: String, value: String)] = []

        init(_ request: Request) throws(BadParameter) {
            for pair in (request.uri.query ?? "").split(separator: "&") {
                let equals = pair.firstIndex(of: "=") ?? pair.endIndex
                let value = equals == pair.endIndex ? "" : pair[pair.index(after: equals)...]
                func decoded(_ text: Substring) -> String? {
                    percentDecoded(String(text).replacing("+", with: " "))
                }
                guard let name = decoded(pair[..<equals]), let value = decoded(value) else {
                    throw BadParameter(message: "the parameter \(pair) is not valid percent-encoded UTF-8")
                }
                pairs.append((name, value))
            }
        }

        /// The first value of `name`.
        subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

        /// Every value of `name` (`actor` may repeat).
        func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

        /// A query (`q`, `with`): what a person types is far shorter than
        /// 4 KB; a longer one is a script's, or an attack's.
        func query(_ name: String) throws(BadParameter) -> String? {
            guard let text = self[name] else { return nil }
            guard text.utf8.count <= 4096 else { throw BadParameter(message: "the query is longer than 4096 bytes") }
            return text
        }

        /// A whole number in `range`, or `value` when not given.
        func number(_ name: String, default value: Int, range: ClosedRange<Int>) throws(BadParameter) -> Int {
            guard let text = self[name] else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw BadParameter(
                    message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
    }

    static func search(_ parameters: Parameters, _ index: OpenIndex, deadline: Deadline?) throws -> Response {
        let text = try parameters.query("q") ?? ""
        let options = SearchOptions(
            limit: try parameters.number("limit", default: 10, range: 0...1000), actors: parameters.all("actor"),
            offset: try parameters.number("offset", default: 0, range: 0...100_000), deadline: deadline)
        let searcher = try index.searcher()
        let started = ContinuousClock.now
        return json(JSONOutput.render(try searcher.search(text, options), took: ContinuousClock.now - started))
    }

    static func actors(_ parameters: Parameters, _ index: OpenIndex, deadline: Deadline?) throws -> Response {
        let limit = try parameters.number("limit", default: 20, range: 1...1000)
        let text = try parameters.query("q") ?? ""
        let searcher = try index.searcher()
        if let with = try parameters.query("with") {
            return json(ActorsJSON.render(try searcher.coMentions(with: with, limit: limit, deadline: deadline)))
        }
        let options = SearchOptions(limit: 0, actors: parameters.all("actor"), deadline: deadline)
        return json(ActorsJSON.render(try searcher.actorFacets(text, options, limit: limit)))
    }

    /// `extract --json`'s object for the article indexed from `path`, with
    /// its actor mentions (`mentions`), as the index recognised them.
    static func document(_ path: String, _ index: OpenIndex) throws -> Response {
        let searcher = try index.searcher()  // one commit for the whole answer
        guard let document = try searcher.reader.document(path: path) else {
            return error(.notFound, "no indexed article from \(path)")
        }
        var articles = searcher.reader.articleCursor()
        let article = try articles.article(document)
        let mentions =
            searcher.reader.analysis.recognisesActors
            ? try searcher.actorMentions(title: article.title, body: article.body) : []
        return json(ArticleJSON.json(article, mentions: mentions))
    }

    static func timeline(_ parameters: Parameters, _ index: OpenIndex, deadline: Deadline?) throws -> Response {
        let text = try parameters.query("q") ?? ""
        let options = SearchOptions(limit: 0, actors: parameters.all("actor"), deadline: deadline)
        return json(TimelineJSON.render(try index.searcher().timeline(text, options)))
    }

    /// `text` with its %XX escapes decoded; nil for a bad escape or bytes
    /// that are not UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        func hex(_ byte: UInt8?) -> UInt8? {
            switch byte {
            case .some(let b) where b >= 0x30 && b <= 0x39: b - 0x30
            case .some(let b) where b >= 0x41 && b <= 0x46: b - 0x41 + 10
            case .some(let b) where b >= 0x61 && b <= 0x66: b - 0x61 + 10
            default: nil
            }
        }
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = hex(utf8.next()), let low = hex(utf8.next()) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    /// `{"error": message}` with `status`: every refusal the server gives.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var out: [UInt8] = Array("{\"error\": ".utf8)
        JSONOutput.append(message, to: &out)
        out.append(UInt8(ascii: "}"))
        return json(String(decoding: out, as: UTF8.self), status: status)
    }
}

/// The browser app: three files compiled into the program (SwiftPM's
/// `embedInCode`), served from this fixed table. A request names a file of
/// the table or gets 404: no path reaches the file system.
enum WebApp {
    /// Only the app's own files run; no framing (clickjacking), no <base>,
    /// forms post only here.
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    static let files: [String: (type: String, bytes: [UInt8])] = [
        "/": ("text/html; charset=utf-8", PackageResources.index_html),
        "/app.js": ("text/javascript; charset=utf-8", PackageResources.app_js),
        "/app.css": ("text/css; charset=utf-8", PackageResources.app_css),
    ]

    static func route(_ router: Router<BasicRequestContext>) {
        for (path, file) in files {
            let body = ByteBuffer(bytes: file.bytes)
            router.get(RouterPath(path)) { _, _ -> Response in
                Response(
                    status: .ok,
                    headers: [
                        .contentType: file.type, .cacheControl: "no-cache",
                        .init("X-Content-Type-Options")!: "nosniff",
                        .contentSecurityPolicy: WebApp.contentSecurityPolicy,
                    ],
                    body: ResponseBody(byteBuffer: body))
            }
        }
    }
}

/// Refuses requests whose Host is not a loopback name, when the server
/// listens on loopback: a web page the user visits could otherwise point a
/// name of its own at 127.0.0.1 (DNS rebinding) and read the archive.
struct LoopbackHosts<Context: RequestContext>: RouterMiddleware {
    static func isLoopback(_ host: String) -> Bool {
        ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let authority = request.head.authority ?? ""
        // The name without its port: "[::1]:8080" → "[::1]", "localhost:8080" → "localhost".
        let name =
            authority.hasPrefix("[")
            ? String(authority.prefix { $0 != "]" }) + "]" : String(authority.prefix { $0 != ":" })
        guard Self.isLoopback(name) else {
            return API.error(
                .forbidden,
                "this server answers requests to 127.0.0.1 or localhost only, not to \(authority.isEmpty ? "no host" : authority)"
            )
        }
        return try await next(request, context)
    }
}
