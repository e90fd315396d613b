import Avro
import Foundation
import Testing

/// Replays the fuzzers' seed corpora and every saved crash input (`fuzz/corpus/<target>`,
/// `fuzz/regressions/<target>`) through the same checks as `fuzz/Sources/fuzz-schema` and
/// `fuzz/Sources/fuzz-compat`, so an input that once crashed stays fixed.
@Suite("Fuzz regressions: schema parser and compatibility")
struct FuzzRegressionTests {
    @Test("schema inputs parse or fail cleanly, and an accepted schema's canonical form parses again")
    func schemaInputs() throws {
        let inputs = try FuzzInputs.load("fuzz-schema")
        #expect(inputs.count > 100)
        var accepted = 0
        for (name, bytes) in inputs {
            guard let schema = try? AvroSchema(parsing: bytes) else { continue }
            accepted += 1
            #expect((try? AvroSchema(parsing: schema.canonicalForm)) != nil, "\(name): \(schema.canonicalForm)")
        }
        // The corpus holds the valid schemas of the compatibility corpus; most must parse.
        #expect(accepted > inputs.count / 2)
    }

    @Test("schema pairs check cleanly both ways and FULL_TRANSITIVE agrees with the pairwise checks")
    func compatibilityInputs() throws {
        let inputs = try FuzzInputs.load("fuzz-compat")
        #expect(inputs.count > 100)
        var checked = 0
        for (name, bytes) in inputs {
            guard let separator = bytes.firstIndex(of: 0),
                  let first = try? AvroSchema(parsing: bytes[..<separator]),
                  let second = try? AvroSchema(parsing: bytes[(separator + 1)...])
            else { continue }
            checked += 1
            let backward = SchemaCompatibility.incompatibilities(reader: first, writer: second)
            let forward = SchemaCompatibility.incompatibilities(reader: second, writer: first)
            let failures = CompatibilityLevel.fullTransitive.check(first, against: [second, first])
            #expect(failures.isEmpty == (backward.isEmpty && forward.isEmpty), "\(name)")
            #expect(SchemaCompatibility.incompatibilities(reader: first, writer: first).isEmpty, "\(name)")
        }
        #expect(checked > inputs.count / 2)
    }
}

/// Inputs of one fuzz target: its seed corpus and its saved regressions, by file name.
enum FuzzInputs {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fuzz")

    static func load(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        var inputs: [(name: String, bytes: [UInt8])] = []
        for kind in ["corpus", "regressions"] {
            let folder = fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                inputs.append(("\(kind)/\(target)/\(name)", [UInt8](data)))
            }
        }
        return inputs
    }
}
