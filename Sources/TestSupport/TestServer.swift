import Foundation

/// A `schema-registry serve` process on a free port with its own database, for integration tests.
///
/// `start()` launches the built binary with a fresh temporary database and returns once the server
/// has printed its ready line; `stop()` sends SIGTERM and waits for a clean exit.
public final class TestServer: @unchecked Sendable {
    public let url: URL
    public let port: Int
    public let dbPath: String
    private let process: Process
    private let stderrPipe: Pipe
    /// The folder holding the database when `start()` chose it; removed when this object goes away.
    private let temporaryFolder: URL?
    private let collectedStderr = CollectedOutput()

    public enum StartError: Error, CustomStringConvertible {
        case noReadyLine(stdout: String, stderr: String)

        public var description: String {
            switch self {
            case .noReadyLine(let out, let err): "the server did not report ready; stdout: \(out) stderr: \(err)"
            }
        }
    }

    /// Starts a server on `127.0.0.1:0`. `dbPath` nil means a new database in a fresh temporary folder;
    /// pass an earlier server's `dbPath` to restart on the same data. `arguments` are appended to `serve`.
    public static func start(dbPath: String? = nil, arguments: [String] = [], environment: [String: String] = [:],
                             timeout: TimeInterval = 20) throws -> TestServer {
        var folder: URL?
        if dbPath == nil {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("schema-registry-test-\(UUID().uuidString)")
        }
        let path = dbPath ?? folder!.appendingPathComponent("registry.db").path
        return try TestServer(dbPath: path, temporaryFolder: folder, arguments: arguments, environment: environment,
                              timeout: timeout)
    }

    private init(dbPath: String, temporaryFolder: URL?, arguments: [String], environment: [String: String],
                 timeout: TimeInterval) throws {
        self.dbPath = dbPath
        self.temporaryFolder = temporaryFolder
        process = Process()
        process.executableURL = schemaRegistryBinary
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--db", dbPath] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        stderrPipe = Pipe()
        process.standardOutput = output
        process.standardError = stderrPipe
        try process.run()

        let line = Self.readLine(output.fileHandleForReading, timeout: timeout)
        let prefix = "schema-registry listening on "
        let address = line.flatMap { $0.hasPrefix(prefix) ? URL(string: String($0.dropFirst(prefix.count))) : nil }
        guard let address, address.host == "127.0.0.1", let port = address.port else {
            process.terminate()
            process.waitUntilExit()
            let err = String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw StartError.noReadyLine(stdout: line ?? "", stderr: err)
        }
        self.port = port
        url = address
        // Keep draining both pipes so a chatty server can never block on a full pipe.
        output.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
        let collected = collectedStderr
        stderrPipe.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
    }

    /// Stops the server and removes the temporary folder `start()` made for its database (a server restarted
    /// on this `dbPath` must therefore be stopped before this one is released).
    deinit {
        stop()
        if let temporaryFolder { try? FileManager.default.removeItem(at: temporaryFolder) }
    }

    public var isRunning: Bool { process.isRunning }

    /// Sends SIGTERM without waiting, so a test can watch the shutdown.
    public func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// Sends SIGKILL, as a crash or an out-of-memory kill would end it, and waits for the process.
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Sends SIGTERM and waits for the process; returns its exit status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What the server wrote to stderr so far.
    public func standardError() -> String {
        collectedStderr.text
    }

    private static func readLine(_ handle: FileHandle, timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = Data()
        let descriptor = handle.fileDescriptor
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready <= 0 { continue }
            var byte: UInt8 = 0
            let count = read(descriptor, &byte, 1)
            if count <= 0 { break }
            if byte == UInt8(ascii: "\n") { return String(decoding: buffer, as: UTF8.self) }
            buffer.append(byte)
        }
        return buffer.isEmpty ? nil : String(decoding: buffer, as: UTF8.self)
    }
}

/// Output gathered from a pipe on a background queue.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ more: Data) { lock.withLock { data.append(more) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
