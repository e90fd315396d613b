import Foundation

/// A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, `pg_ctl start` on a free port
/// with password (SCRAM) authentication over TCP on 127.0.0.1 and the unix socket in the same folder.
///
/// PostgreSQL refuses to run as root, which tests and CI do: then the folder goes to the `postgres` user
/// (created by Debian's `postgresql` package) and the server programs run through `runuser`.
/// Each test takes a database of its own (`createDatabase()`) so tests share one cluster in parallel; a test that
/// stops or restarts the server starts a cluster of its own (`start()`).
public final class TestPostgres: @unchecked Sendable {
    public let port: Int
    public let user = "registry"
    public let password: String
    /// Holds `data/`, the server's log, its socket and the password file.
    public let folder: URL
    private let binaries: URL
    private let durable: Bool

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The cluster every test of this process shares, started on first use and removed when the process exits.
    public static func shared() throws(Failure) -> TestPostgres {
        try sharedCluster.get()
    }

    private static let sharedCluster: Result<TestPostgres, Failure> = {
        let started = Result { () throws(Failure) in try TestPostgres.start() }
        atexit { if case .success(let cluster) = TestPostgres.sharedCluster { cluster.remove() } }
        return started
    }()

    /// Starts a cluster of this test's own; `remove()` (or releasing it) stops it and deletes its folder.
    /// `durable` keeps PostgreSQL's default durability (fsync, synchronous commit), for tests that crash the server
    /// and count what survived; the others run without, for speed.
    public static func start(durable: Bool = false) throws(Failure) -> TestPostgres {
        let binaries = try findBinaries()
        removeAbandonedClusters(binaries)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(folderPrefix)\(getpid())-\(UUID().uuidString.prefix(8))")
        let cluster = try TestPostgres(folder: folder, binaries: binaries, durable: durable)
        do {
            try cluster.initialize()
            try cluster.startServer()
        } catch {
            cluster.remove()
            throw error
        }
        return cluster
    }

    private init(folder: URL, binaries: URL, durable: Bool = false) throws(Failure) {
        self.folder = folder
        self.durable = durable
        self.binaries = binaries
        password = UUID().uuidString
        port = try Self.freePort()
    }

    deinit { remove() }

    /// A URI for `database` as `user` with `password` (the right one unless given).
    public func uri(database: String = "postgres", password: String? = nil) -> String {
        "postgresql://\(user):\(password ?? self.password)@127.0.0.1:\(port)/\(database)"
    }

    /// Creates an empty database and returns its URI.
    public func createDatabase() throws(Failure) -> String {
        let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql("CREATE DATABASE \(name)")
        return uri(database: name)
    }

    /// Runs SQL through `psql` and returns its unaligned output (rows of `|`-separated columns).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws(Failure) -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        let result = try run(
            binaries.appendingPathComponent("psql"),
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database,
             "-c", sql],
            environment: environment)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server; the data stays. A fast shutdown tells sessions to end; an immediate one ends every process at
    /// once, as a crash would, and the next start recovers from the write-ahead log.
    public func stopServer(immediately: Bool = false) throws(Failure) {
        try runAsOwner(
            binaries.appendingPathComponent("pg_ctl"), ["stop", "-D", dataFolder, "-m", immediately ? "immediate" : "fast", "-w", "-t", "60"])
    }

    /// `pg_ctl restart`: a fast shutdown, then a start with the same options.
    public func restartServer() throws(Failure) {
        try runAsOwner(
            binaries.appendingPathComponent("pg_ctl"), ["restart", "-D", dataFolder, "-m", "fast", "-w", "-t", "60", "-l", logFile])
    }

    /// Starts the server on the cluster's port; returns once it accepts connections.
    public func startServer() throws(Failure) {
        var options = ["-p \(port)", "-k '\(folder.path)'", "-c listen_addresses=127.0.0.1"]
        // Where durability is not under test, speed is welcome.
        if !durable { options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"] }
        do {
            try runAsOwner(
                binaries.appendingPathComponent("pg_ctl"),
                ["start", "-D", dataFolder, "-l", logFile, "-w", "-t", "60", "-o", options.joined(separator: " ")])
        } catch {
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            throw Failure(description: "\(error.description)\nserver log:\n\(log.suffix(2000))")
        }
    }

    /// Stops the server at once and deletes the folder.
    public func remove() {
        guard FileManager.default.fileExists(atPath: folder.path) else { return }
        Self.stopImmediately(dataFolder: dataFolder, binaries: binaries)
        try? FileManager.default.removeItem(at: folder)
    }

    private var dataFolder: String { folder.appendingPathComponent("data").path }
    private var logFile: String { folder.appendingPathComponent("server.log").path }

    private func initialize() throws(Failure) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let passwordFile = folder.appendingPathComponent("password")
            try Data(password.utf8).write(to: passwordFile)
            if Self.runsAsRoot { try Self.giveToPostgres(folder) }
            try runAsOwner(
                binaries.appendingPathComponent("initdb"),
                ["-D", dataFolder, "-U", user, "--pwfile", passwordFile.path, "--auth", "scram-sha-256", "--encoding", "UTF8",
                 "--locale", "C", "--no-sync"])
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(description: "cannot prepare \(folder.path): \(error)")
        }
    }

    // MARK: Processes

    private static var runsAsRoot: Bool { getuid() == 0 }

    private func runAsOwner(_ program: URL, _ arguments: [String]) throws(Failure) {
        try Self.run(Self.bash, Self.asOwner(program, arguments))
    }

    private static let bash = URL(fileURLWithPath: "/bin/bash")

    /// Arguments for bash that run `program` as the cluster's owner with no descriptor but 0, 1 and 2 open.
    ///
    /// The test process opens pipes to its children without close-on-exec, so a child spawned at the same moment
    /// as another test's would inherit that test's pipes; a server keeping them open would leave that test waiting
    /// for an end of file that never comes. So the server's ancestors close everything first.
    private static func asOwner(_ program: URL, _ arguments: [String]) -> [String] {
        let closeInherited = #"for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2>/dev/null; exec "$@""#
        let command = runsAsRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", program.path] : [program.path]
        return ["-c", closeInherited, "bash"] + command + arguments
    }

    @discardableResult
    private func run(_ program: URL, _ arguments: [String], environment: [String: String]? = nil) throws(Failure) -> CLIResult {
        try Self.run(program, arguments, environment: environment)
    }

    @discardableResult
    private static func run(_ program: URL, _ arguments: [String], environment: [String: String]? = nil) throws(Failure) -> CLIResult {
        let result: CLIResult
        do {
            result = try runProcess(program, arguments, environment: environment, timeout: 120)
        } catch {
            throw Failure(description: "cannot run \(program.path): \(error)")
        }
        guard result.status == 0 else {
            throw Failure(
                description: "\(program.lastPathComponent) \(arguments.joined(separator: " ")) exited with \(result.status): "
                    + result.stderr + result.stdout)
        }
        return result
    }

    private static func giveToPostgres(_ folder: URL) throws {
        guard let owner = getpwnam("postgres") else {
            throw Failure(description: "tests run as root but there is no `postgres` user: run scripts/setup.sh (installs postgresql)")
        }
        guard chown(folder.path, owner.pointee.pw_uid, owner.pointee.pw_gid) == 0, chmod(folder.path, 0o700) == 0 else {
            throw Failure(description: "cannot give \(folder.path) to the postgres user: \(String(cString: strerror(errno)))")
        }
    }

    /// Debian's server programs (`/usr/lib/postgresql/VERSION/bin`, newest version first); `TEST_POSTGRES_BIN`
    /// names another folder.
    private static func findBinaries() throws(Failure) -> URL {
        if let folder = ProcessInfo.processInfo.environment["TEST_POSTGRES_BIN"] { return URL(fileURLWithPath: folder) }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions {
            let folder = URL(fileURLWithPath: "\(root)/\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("initdb").path) { return folder }
        }
        throw Failure(description: "no PostgreSQL server programs in \(root)/*/bin: run scripts/setup.sh (installs postgresql)")
    }

    private static let folderPrefix = "registry-test-postgres-"

    /// Clusters left by test processes that died without their exit handler (a crash, a kill): each folder name
    /// carries its process id.
    private static func removeAbandonedClusters(_ binaries: URL) {
        let temporary = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix(folderPrefix) {
            guard let pid = Int32(name.dropFirst(folderPrefix.count).prefix { $0 != "-" }), kill(pid, 0) != 0, errno == ESRCH else {
                continue
            }
            let folder = temporary.appendingPathComponent(name)
            stopImmediately(dataFolder: folder.appendingPathComponent("data").path, binaries: binaries)
            try? FileManager.default.removeItem(at: folder)
        }
    }

    private static func stopImmediately(dataFolder: String, binaries: URL) {
        guard FileManager.default.fileExists(atPath: dataFolder + "/postmaster.pid") else { return }
        let pgCtl = binaries.appendingPathComponent("pg_ctl")
        _ = try? run(bash, asOwner(pgCtl, ["stop", "-D", dataFolder, "-m", "immediate", "-w", "-t", "30"]))
    }

    /// A port nothing listens on right now.
    public static func freePort() throws(Failure) -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
