import ArgumentParser
import Foundation
import Logging
import RegistryCore
import RegistryServer
import RegistrySQLite

/// `schema-registry serve`: the Confluent-compatible REST API over a SQLite file.
public struct ServeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Confluent Schema Registry REST API.",
        discussion: """
            Every option can also be set in the environment: SCHEMA_REGISTRY_LISTEN, SCHEMA_REGISTRY_DB, \
            SCHEMA_REGISTRY_THREADS, SCHEMA_REGISTRY_MAX_BODY_BYTES and SCHEMA_REGISTRY_IDLE_TIMEOUT. \
            An option on the command line wins over the environment. \
            When ready the server prints `schema-registry listening on http://HOST:PORT`; \
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

    @Option(name: .customLong("idle-timeout"), help: "Seconds before an idle keep-alive connection is closed. (default: 60)")
    var idleTimeout: Int?

    public init() {}

    public func run() throws {
        let settings = try ServeSettings(
            listen: listen, db: db, threads: threads, maxBodyBytes: maxBodyBytes, idleTimeout: idleTimeout,
            environment: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "schema-registry")
        let stopRequested = StopSignal.install()

        let folder = URL(fileURLWithPath: settings.databasePath).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            let registry = try Registry(store: try SQLiteRegistryStore(path: settings.databasePath))
            let server = try RegistryServer(registry: registry, configuration: settings.http, logger: logger)
            print("schema-registry listening on http://\(settings.displayHost):\(server.port)")
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

    init(listen: String?, db: String?, threads: Int?, maxBodyBytes: Int?, idleTimeout: Int?,
         environment: [String: String]) throws {
        http.threads = max(2, ProcessInfo.processInfo.activeProcessorCount)
        if let listen = listen ?? environment["SCHEMA_REGISTRY_LISTEN"] {
            let (host, port) = try Self.hostAndPort(listen)
            http.host = host
            http.port = port
            displayHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        }
        if let path = db ?? environment["SCHEMA_REGISTRY_DB"], !path.isEmpty { databasePath = path }
        if let count = try threads ?? Self.integer(environment, "SCHEMA_REGISTRY_THREADS") {
            guard count >= 1 else { throw ValidationError("--threads must be at least 1") }
            http.threads = count
        }
        if let limit = try maxBodyBytes ?? Self.integer(environment, "SCHEMA_REGISTRY_MAX_BODY_BYTES") {
            guard limit >= 0 else { throw ValidationError("--max-body-bytes must not be negative") }
            http.maxBodyBytes = limit
        }
        if let seconds = try idleTimeout ?? Self.integer(environment, "SCHEMA_REGISTRY_IDLE_TIMEOUT") {
            guard seconds >= 1 else { throw ValidationError("--idle-timeout must be at least 1") }
            http.idleTimeoutSeconds = seconds
        }
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
