import Foundation
import TestSupport
import Testing

@Suite("Interoperability with Confluent's Python client")
struct InteropTests {
    @Test("confluent-kafka registers, looks up, checks, configures, serializes and deletes against the server")
    func confluentPythonClient() throws {
        let h = try Harness()
        let script = repositoryRoot.appendingPathComponent("scripts/interop/confluent_python_client.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, h.server.url.absoluteString]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "stdout:\n\(out)\nstderr:\n\(err)")
        #expect(out.contains("ok: deserialize round trip"))
        #expect(out.contains("interop: all steps passed"))
    }
}
