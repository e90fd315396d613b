import ArgumentParser
import Foundation
import Logging
import RegistryAuth
import RegistryCore
import RegistryServer
import RegistrySQLite

/// `schema-registry serve`: the Confluent-compatible REST API over a SQLite file.
public struct ServeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Confluent Schema Registry REST API.",
        discussion: """
            Every option but --public-metrics can also be set in the environment: SCHEMA_REGISTRY_ followed by the \
            option's name in capitals with underscores (SCHEMA_REGISTRY_LISTEN, SCHEMA_REGISTRY_AUTH_FILE, \
            SCHEMA_REGISTRY_TLS_CLIENT_CA, SCHEMA_REGISTRY_PER_IP_CONNECTION_LIMIT...). \
            An option on the command line wins over the environment. \
            Besides Confluent's API the server answers GET /health and GET /metrics (Prometheus text format). \
            When ready the server prints `schema-registry listening on http://HOST:PORT` (https with --tls-cert); \
            SIGINT or SIGTERM stop it after the requests in progress finish.
            """)

    @Option(name: .long, help: "HOST:PORT to listen on; port 0 picks a free port. (default: 127.0.0.1:8081)")
    var listen: String?

    @Option(name: .long, help: "The SQLite database file, created with its folder if missing. (default: ./data/registry.db)")
    var db: String?

    @Option(name: .long, help: "Threads serving requests. (default: the number of CPUs, at least 2)")
    var threads: Int?

    @Option(name: .customLong("max-body-bytes"), help: "Larger request bodies get 413. (default: 16777216)")
    var maxBodyBytes: Int?

    @Option(name: .customLong("idle-timeout"), help: "Seconds before an idle connection, or one that stops sending mid-request, is closed. (default: 60)")
    var idleTimeout: Int?

    @Option(name: .customLong("auth-file"),
            help: "Karapace-format users and permissions: turns on HTTP Basic authentication and per-subject ACLs; reloaded when it changes.")
    var authFile: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate (chain) to serve HTTPS with; needs --tls-key.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("tls-client-ca"),
            help: "PEM CA certificate: clients must present a certificate it signed (needs --tls-cert).")
    var tlsClientCA: String?

    @Option(name: .customLong("connection-limit"), help: "Connections open at once. (default: 1000)")
    var connectionLimit: Int?

    @Option(name: .customLong("per-ip-connection-limit"),
            help: "Connections open at once from one IP address; 0 means no limit. (default: 256)")
    var perIPConnectionLimit: Int?

    @Option(name: .customLong("max-header-bytes"),
            help: "Memory per connection for the request line and headers; larger heads get 431. (default: 32768)")
    var maxHeaderBytes: Int?

    @Flag(name: .customLong("public-metrics"), help: "Serve /health and /metrics without credentials when --auth-file is on.")
    var publicMetrics = false

    @Option(name: .customLong("log-level"),
            help: "trace, debug (one line per request), info (one line per write), notice, warning, error or critical. (default: info)")
    var logLevel: String?

    public init() {}

    public func run() throws {
        let settings = try ServeSettings(
            listen: listen, db: db, threads: threads, maxBodyBytes: maxBodyBytes, idleTimeout: idleTimeout,
            authFile: authFile, tlsCert: tlsCert, tlsKey: tlsKey, tlsClientCA: tlsClientCA, connectionLimit: connectionLimit,
            perIPConnectionLimit: perIPConnectionLimit, maxHeaderBytes: maxHeaderBytes,
            environment: ProcessInfo.processInfo.environment)
        // stdout carries only the ready line, which scripts and tests wait for.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "schema-registry")
        let levelName = logLevel ?? ProcessInfo.processInfo.environment["SCHEMA_REGISTRY_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName.lowercased()) else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        logger.logLevel = level
        var authenticator: Authenticator?
        if let path = settings.authFilePath {
            do {
                authenticator = try Authenticator(authFile: path, logger: logger)
            } catch {
                throw StartupFailure(message: error.description)
            }
        }
        let stopRequested = StopSignal.install()

        let folder = URL(fileURLWithPath: settings.databasePath).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            let store = try SQLiteRegistryStore(path: settings.databasePath)
            let metrics = MetricsExport.prometheus()
            let registry = try Registry(store: MeasuredStore(base: store, factory: metrics.factory))
            let server = try RegistryServer(
                registry: registry, configuration: settings.http, authenticator: authenticator,
                healthProbe: StoreHealthProbe(store: store), publicOperations: publicMetrics, metrics: metrics, logger: logger)
            let scheme = settings.http.tls == nil ? "http" : "https"
            print("schema-registry listening on \(scheme)://\(settings.displayHost):\(server.port)")
            fflush(nil)

            stopRequested.wait()
            logger.info("stopping: finishing requests in progress")
            server.stop()
        }
        // Leaving the scope above released the server and the registry, which closes the database.
        logger.info("stopped")
    }
}

/// The resolved options: command line first, then the environment, then the defaults.
struct ServeSettings {
    var http = HTTPServerConfiguration()
    var databasePath = "./data/registry.db"
    var displayHost = "127.0.0.1"
    var authFilePath: String?

    init(listen: String?, db: String?, threads: Int?, maxBodyBytes: Int?, idleTimeout: Int?, authFile: String?,
         tlsCert: String? = nil, tlsKey: String? = nil, tlsClientCA: String? = nil, connectionLimit: Int? = nil,
         perIPConnectionLimit: Int? = nil, maxHeaderBytes: Int? = nil, environment: [String: String]) throws {
        http.threads = max(2, ProcessInfo.processInfo.activeProcessorCount)
        if let listen = listen ?? environment["SCHEMA_REGISTRY_LISTEN"] {
            let (host, port) = try Self.hostAndPort(listen)
            http.host = host
            http.port = port
            displayHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
        if let path = db ?? environment["SCHEMA_REGISTRY_DB"], !path.isEmpty { databasePath = path }
        if let path = authFile ?? environment["SCHEMA_REGISTRY_AUTH_FILE"], !path.isEmpty { authFilePath = path }
        if let count = try Self.integer(threads, environment, "SCHEMA_REGISTRY_THREADS", option: "threads", minimum: 1) {
            http.threads = count
        }
        if let limit = try Self.integer(maxBodyBytes, environment, "SCHEMA_REGISTRY_MAX_BODY_BYTES", option: "max-body-bytes", minimum: 0) {
            http.maxBodyBytes = limit
        }
        if let seconds = try Self.integer(idleTimeout, environment, "SCHEMA_REGISTRY_IDLE_TIMEOUT", option: "idle-timeout", minimum: 1) {
            http.idleTimeoutSeconds = seconds
        }
        if let count = try Self.integer(connectionLimit, environment, "SCHEMA_REGISTRY_CONNECTION_LIMIT", option: "connection-limit", minimum: 1) {
            http.connectionLimit = count
        }
        if let count = try Self.integer(
            perIPConnectionLimit, environment, "SCHEMA_REGISTRY_PER_IP_CONNECTION_LIMIT", option: "per-ip-connection-limit", minimum: 0)
        {
            http.perIPConnectionLimit = count
        }
        if let bytes = try Self.integer(maxHeaderBytes, environment, "SCHEMA_REGISTRY_MAX_HEADER_BYTES", option: "max-header-bytes", minimum: 4096) {
            http.connectionMemoryBytes = bytes
        }
        http.tls = try Self.tls(
            certificate: tlsCert ?? Self.nonEmpty(environment["SCHEMA_REGISTRY_TLS_CERT"]),
            key: tlsKey ?? Self.nonEmpty(environment["SCHEMA_REGISTRY_TLS_KEY"]),
            clientCA: tlsClientCA ?? Self.nonEmpty(environment["SCHEMA_REGISTRY_TLS_CLIENT_CA"]))
    }

    /// The flag's value, else the environment variable's, checked against `minimum`.
    static func integer(_ flag: Int?, _ environment: [String: String], _ variable: String, option: String, minimum: Int) throws -> Int? {
        guard let value = try flag ?? integer(environment, variable) else { return nil }
        guard value >= minimum else {
            throw ValidationError(minimum == 0 ? "--\(option) must not be negative" : "--\(option) must be at least \(minimum)")
        }
        return value
    }

    /// `127.0.0.1:8081`, `[::1]:8081`, `:8081` (all interfaces) or `localhost:0`.
    static func hostAndPort(_ text: String) throws -> (String, UInt16) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw ValidationError("--listen must be HOST:PORT with a port from 0 to 65535, not '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        text?.isEmpty == false ? text : nil
    }

    /// Reads the PEM files; whether they hold a matching key and certificate is checked when the server starts.
    private static func tls(certificate: String?, key: String?, clientCA: String?) throws -> TLSConfiguration? {
        guard let certificate, let key else {
            if certificate != nil || key != nil { throw ValidationError("--tls-cert and --tls-key must be given together") }
            if clientCA != nil { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
            return nil
        }
        return TLSConfiguration(
            certificatePEM: try pem(certificate, option: "--tls-cert"), keyPEM: try pem(key, option: "--tls-key"),
            clientCAPEM: try clientCA.map { path throws in try pem(path, option: "--tls-client-ca") })
    }

    private static func pem(_ path: String, option: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StartupFailure(message: "\(option): cannot read '\(path)' (missing or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8), text.contains("-----BEGIN ") else {
            throw StartupFailure(message: "\(option): '\(path)' is not a PEM file")
        }
        return text
    }

    private static func integer(_ environment: [String: String], _ name: String) throws -> Int? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(name) must be an integer, not '\(text)'") }
        return value
    }
}

/// SIGINT and SIGTERM, turned into a wake-up of the waiting main thread through a pipe.
///
/// A handler may only do async-signal-safe work, so it writes one byte; the pipe also works whichever
/// thread the kernel picks to run the handler on.
enum StopSignal {
    nonisolated(unsafe) private static var writeEnd: Int32 = -1

    struct Waiter {
        let readEnd: Int32

        func wait() {
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) < 0 && errno == EINTR {}
        }
    }

    static func install() -> Waiter {
        var ends: [Int32] = [0, 0]
        pipe(&ends)
        writeEnd = ends[1]
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 1
            _ = write(StopSignal.writeEnd, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        return Waiter(readEnd: ends[0])
    }
}

/// A reason `serve` cannot start (bad auth file, TLS files...), printed as is.
struct StartupFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
