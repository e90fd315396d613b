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
    let result = try python3(["-c", script] + arguments, stdin: stdin)
    return (result.status, result.stdout, result.stderr)
}
