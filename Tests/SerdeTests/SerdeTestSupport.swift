import Foundation
import SchemaRegistryClient
import TestSupport

/// One registry per test: a real server over real HTTP on its own SQLite file.
struct LiveRegistry {
    let server: TestServer
    let client: SchemaRegistryClient

    init() throws {
        server = try TestServer.start()
        client = try SchemaRegistryClient(SchemaRegistryConfiguration(url: server.url.absoluteString))
    }
}

func bytes(fromHex hex: String) -> [UInt8] {
    let digits = Array(hex.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
    return stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) }
}

/// Runs a Python snippet with arguments and standard input.
func runPython(_ script: String, _ arguments: [String], stdin: String = "") throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let group = DispatchGroup()
    nonisolated(unsafe) var out = Data(), err = Data()
    group.enter()
    DispatchQueue.global().async { out = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { err = error.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if group.wait(timeout: .now() + 60) == .timedOut { process.terminate() }
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}
