import ArgumentParser
import Foundation
import Logging
import RegistryAuth
import RegistryCore
import RegistryServer

/// `schema-registry serve`: the Confluent-compatible REST API over a SQLite file or a PostgreSQL database.
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

    private static let defaults = HTTPServerConfiguration()

    // Each option is declared once, here, with its default; the environment reaches it through
    // `EnvironmentArguments`, and `httpConfiguration()` hands it to the server.

    @Option(help: "HOST:PORT to listen on; port 0 picks a free port.")
    var listen = "\(defaults.host):\(defaults.port)"

    @Option(help: "The SQLite database file, created with its folder if missing, or a PostgreSQL database: postgresql://USER:PASSWORD@HOST:PORT/DBNAME.")
    var db = "./data/registry.db"

    @Option(help: "Seconds to keep trying a database that cannot be reached at start; 0 gives up at once.")
    var dbWait = 0

    @Option(help: "Threads serving requests. (default: the number of CPUs, at least 2)")
    var threads: Int?

    @Option(help: "Larger request bodies get 413.")
    var maxBodyBytes = defaults.maxBodyBytes

    @Option(help: "Seconds before an idle connection, or one that stops sending mid-request, is closed.")
    var idleTimeout = defaults.idleTimeoutSeconds

    @Option(help: "Karapace-format users and permissions: turns on HTTP Basic authentication and per-subject ACLs; reloaded when it changes.")
    var authFile: String?

    @Option(help: "PEM certificate (chain) to serve HTTPS with; needs --tls-key.")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("tls-client-ca"), help: "PEM CA certificate: clients must present a certificate it signed (needs --tls-cert).")
    var tlsClientCA: String?

    @Option(help: "Connections open at once.")
    var connectionLimit = defaults.connectionLimit

    @Option(name: .customLong("per-ip-connection-limit"), help: "Connections open at once from one IP address; 0 means no limit.")
    var perIPConnectionLimit = defaults.perIPConnectionLimit

    @Option(help: "Memory per connection for the request line and headers; larger heads get 431.")
    var maxHeaderBytes = defaults.connectionMemoryBytes

    @Flag(help: "Serve /health and /metrics without credentials when --auth-file is on.")
    var publicMetrics = false

    @Option(help: "trace, debug (one line per request), info (one line per write), notice, warning, error or critical.")
    var logLevel = "info"

    @Option(help: "Whether modes may be set or removed (Confluent's mode.mutability); false makes both 42205.")
    var modeMutability = true

    public init() {}

    public func validate() throws {
        let bounds: [(option: String, value: Int, minimum: Int)] = [
            ("threads", threads ?? 1, 1), ("max-body-bytes", maxBodyBytes, 0), ("idle-timeout", idleTimeout, 1),
            ("connection-limit", connectionLimit, 1), ("per-ip-connection-limit", perIPConnectionLimit, 0),
            ("max-header-bytes", maxHeaderBytes, 4096), ("db-wait", dbWait, 0),
        ]
        for bound in bounds where bound.value < bound.minimum {
            throw ValidationError(
                bound.minimum == 0 ? "--\(bound.option) must not be negative" : "--\(bound.option) must be at least \(bound.minimum)")
        }
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    public func run() throws {
        let http = try httpConfiguration()
        // stdout carries only the ready line, which scripts and tests wait for.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "schema-registry")
        logger.logLevel = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        var authenticator: Authenticator?
        if let path = authFile {
            do {
                authenticator = try Authenticator(authFile: path, logger: logger)
            } catch {
                throw StartupFailure(message: error.description)
            }
        }
        let stopRequested = StopSignal.install()

        do {
            let store = try StoreOpening.open(db, waitSeconds: dbWait, logger: logger)
            let metrics = MetricsExport.prometheus()
            let registry = try Registry(store: MeasuredStore.wrapping(store, factory: metrics.factory), allowsModeChanges: modeMutability)
            let server = try RegistryServer(
                registry: registry, configuration: http, authenticator: authenticator,
                healthProbe: StoreHealthProbe(store: store), publicOperations: publicMetrics, metrics: metrics, logger: logger)
            let scheme = http.tls == nil ? "http" : "https"
            let host = http.host.contains(":") ? "[\(http.host)]" : http.host
            print("schema-registry listening on \(scheme)://\(host):\(server.port)")
            fflush(nil)

            stopRequested.wait()
            logger.info("stopping: finishing requests in progress")
            server.stop()
        }
        // Leaving the scope above released the server and the registry, which closes the database.
        logger.info("stopped")
    }
}

extension ServeCommand {
    /// The server's configuration from the options.
    func httpConfiguration() throws -> HTTPServerConfiguration {
        let (host, port) = try Self.hostAndPort(listen)
        return HTTPServerConfiguration(
            host: host, port: port, threads: threads ?? max(2, ProcessInfo.processInfo.activeProcessorCount),
            maxBodyBytes: maxBodyBytes, idleTimeoutSeconds: idleTimeout, connectionLimit: connectionLimit,
            perIPConnectionLimit: perIPConnectionLimit, connectionMemoryBytes: maxHeaderBytes,
            tls: try Self.tls(certificate: tlsCert, key: tlsKey, clientCA: tlsClientCA))
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
