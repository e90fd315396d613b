import Foundation
import Testing
import TestSupport

/// The short form of `scripts/crash-test.py`: five rounds of 16 concurrent writers, SIGKILL at a random
/// moment, restart on the same database; every acknowledged write must survive with its id and version.
@Suite("Crash safety")
struct CrashSafetyTests {
    @Test("acknowledged registrations survive SIGKILL (5 rounds of scripts/crash-test.py)")
    func acknowledgedWritesSurviveKill() throws {
        let script = repositoryRoot.appendingPathComponent("scripts/crash-test.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--rounds", "5", "--binary", schemaRegistryBinary.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0, "\(text)")
        let summary = text.split(separator: "\n").last.map(String.init) ?? ""
        let fields = Dictionary(summary.split(separator: " ").compactMap { pair -> (String, Int)? in
            let parts = pair.split(separator: "=")
            guard parts.count == 2, let value = Int(parts[1]) else { return nil }
            return (String(parts[0]), value)
        }, uniquingKeysWith: { first, _ in first })
        #expect(fields["rounds"] == 5, "\(text)")
        #expect(fields["lost"] == 0, "\(text)")
        // Writes must actually have been acknowledged before the kills for the check to mean anything.
        #expect((fields["acknowledged"] ?? 0) > 0, "\(text)")
        #expect(text.contains("reused=0 corrupt=0 refused=0"), "\(text)")
    }
}
