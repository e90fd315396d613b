import Avro
import Foundation
import TestSupport
import Testing

/// The corpus driven through the command line, as its README suggests: exit 0 compatible, 1 incompatible
/// (the reference's errors included), 2 invalid schema. One case per feature and verdict keeps it quick;
/// the library's agreement with every case is tested in CompatibilityTests.
@Suite("schema-registry compat on the corpus")
struct CompatCorpusCLITests {
    struct Sample: Sendable, CustomTestStringConvertible {
        let id: String
        let reader: String
        let writer: String
        let result: String
        var testDescription: String { "\(id) \(result)" }
    }

    static let samples: [Sample] = {
        var seen: Set<String> = []
        return CorpusCase.all.compactMap { c in
            guard seen.insert("\(c.feature) \(c.oracle.result)").inserted else { return nil }
            return Sample(id: c.id, reader: c.readerText, writer: c.writerText, result: c.oracle.result)
        }
    }()

    @Test("exit status agrees with the reference", arguments: samples)
    func exitStatus(_ sample: Sample) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compat-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let reader = directory.appendingPathComponent("reader.avsc"), writer = directory.appendingPathComponent("writer.avsc")
        try sample.reader.write(to: reader, atomically: true, encoding: .utf8)
        try sample.writer.write(to: writer, atomically: true, encoding: .utf8)
        let result = try runCLI(["compat", "--reader", reader.path, "--writer", writer.path])
        let expected: Int32 = switch sample.result {
        case "COMPATIBLE": 0
        case "INVALID": 2
        default: 1
        }
        #expect(result.status == expected, "\(result.stdout)\(result.stderr)")
    }

    @Test("the sample covers every verdict")
    func coverage() {
        #expect(Set(Self.samples.map(\.result)) == ["COMPATIBLE", "INCOMPATIBLE", "INVALID", "ERROR"])
    }
}
