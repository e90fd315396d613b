import Foundation

/// The result of running the built `schema-registry` binary.
public struct CLIResult {
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
    let process = Process()
    process.executableURL = schemaRegistryBinary
    process.arguments = arguments
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    // Read both pipes before waiting so a chatty child cannot block on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var out = Data(), err = Data()
    group.enter()
    DispatchQueue.global().async { out = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { err = error.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if group.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
    }
    process.waitUntilExit()
    return CLIResult(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
}
