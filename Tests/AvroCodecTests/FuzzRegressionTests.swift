import Avro
import AvroCodec
import Foundation
import Testing

/// Replays the deserializer fuzzer's seed corpus and saved crash inputs (`fuzz/corpus/fuzz-deserializer`,
/// `fuzz/regressions/fuzz-deserializer`) exactly as `fuzz/Sources/fuzz-deserializer` runs them: the first
/// byte picks a writer/reader pair, the rest is decoded, projected and rendered as JSON. Malformed bytes
/// must give a thrown error, never a crash.
@Suite("Fuzz regressions: message deserializer")
struct DeserializerFuzzRegressionTests {
    /// The pairs of `fuzz/Sources/fuzz-deserializer/FuzzDeserializer.swift`, in the same order.
    static let schemaPairs: [(writer: String, reader: String)] = [
        ("example-every-type", "example-every-type"),
        ("example-recursive", "example-recursive"),
        ("example-namespaces", "example-namespaces"),
        ("order-v1", "order-v3"),
        ("order-v3", "order-v1"),
        ("order-v2", "order-v2"),
    ]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func schema(_ name: String) throws -> AvroSchema {
        let text = try String(contentsOf: root.appendingPathComponent("schemas/\(name).avsc"), encoding: .utf8)
        return try AvroSchema(parsing: text)
    }

    static func inputs() throws -> [(name: String, bytes: [UInt8])] {
        var inputs: [(name: String, bytes: [UInt8])] = []
        for kind in ["corpus", "regressions"] {
            let folder = root.appendingPathComponent("fuzz/\(kind)/fuzz-deserializer")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                inputs.append(("\(kind)/\(name)", [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))))
            }
        }
        return inputs
    }

    @Test("seed messages decode and project; truncated and corrupted ones fail cleanly")
    func replay() throws {
        let decoders = try Self.schemaPairs.map { pair in
            let writer = try Self.schema(pair.writer), reader = try Self.schema(pair.reader)
            return (writer: try AvroCodec(schema: writer), reader: try AvroCodec(schema: reader),
                    resolution: try AvroResolution(writer: writer, reader: reader))
        }
        let inputs = try Self.inputs()
        #expect(inputs.count >= Self.schemaPairs.count)
        for (name, bytes) in inputs {
            guard let selector = bytes.first else { continue }
            let decoder = decoders[Int(selector) % decoders.count]
            let body = Array(bytes.dropFirst())
            if name.hasPrefix("corpus/") {
                // Seeds are well-formed messages written by fuzz/make-corpus.py: they must decode.
                let value = try decoder.writer.decode(body)
                let projected = try decoder.resolution.project(value)
                _ = try decoder.reader.json(from: projected)
                // Every proper prefix is a truncated message and must be refused, not crash.
                for length in stride(from: 0, to: body.count, by: max(1, body.count / 16)) {
                    #expect(throws: AvroCodecError.self, "\(name) cut at \(length)") {
                        try decoder.writer.decode(Array(body.prefix(length)))
                    }
                }
            } else if let value = try? decoder.writer.decode(body), let projected = try? decoder.resolution.project(value) {
                _ = try? decoder.reader.json(from: projected)
            }
        }
    }
}
