import Foundation

/// What a finished child process printed, and how it ended.
public struct CLIResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// The `schema-registry` executable next to the test bundle in the build folder.
public let schemaRegistryBinary: URL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("schema-registry")

/// The repository root, for example schemas under `schemas/`.
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs the CLI with `arguments`, feeding `stdin`, and waits for it (at most `timeout` seconds).
public func runCLI(_ arguments: [String], stdin: String = "", timeout: TimeInterval = 60) throws -> CLIResult {
    try runProcess(schemaRegistryBinary, arguments, stdin: stdin, timeout: timeout)
}

/// Runs `python3` with `arguments` (for example `["-c", script, ...]`), feeding `stdin`.
public func python3(_ arguments: [String], stdin: String = "", timeout: TimeInterval = 120) throws -> CLIResult {
    try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, stdin: stdin, timeout: timeout)
}

/// Runs a program to completion, feeding `stdin` and collecting its output; a child still running after
/// `timeout` seconds is terminated.
public func runProcess(
    _ executable: URL, _ arguments: [String], stdin: String = "", environment: [String: String]? = nil,
    timeout: TimeInterval = 60
) throws -> CLIResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Drain both pipes on threads of their own while feeding stdin, so a chatty child cannot block on a full
    // pipe, and so blocking reads never occupy Dispatch's few global worker threads.
    let out = PipeDrain(output.fileHandleForReading), err = PipeDrain(error.fileHandleForReading)
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    if !out.wait(timeout: timeout) || !err.wait(timeout: 5) {
        process.terminate()
    }
    process.waitUntilExit()
    _ = out.wait(timeout: 5)
    _ = err.wait(timeout: 5)
    return CLIResult(status: process.terminationStatus, stdout: out.text, stderr: err.text)
}

/// Reads a pipe to its end on a dedicated thread.
private final class PipeDrain: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            let all = handle.readDataToEndOfFile()
            lock.withLock { data = all }
            done.signal()
        }
    }

    /// True when the pipe reached its end within `timeout` seconds.
    func wait(timeout: TimeInterval) -> Bool {
        if done.wait(timeout: .now() + timeout) == .success {
            done.signal()
            return true
        }
        return false
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
