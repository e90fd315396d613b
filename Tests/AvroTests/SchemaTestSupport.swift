import Foundation
import TestSupport
import Testing
@testable import Avro
import JSON

#if canImport(Glibc)
import Glibc
#endif

/// The error a schema text is rejected with, or nil when it parses.
func schemaError(_ text: String, references: [AvroSchema] = [], options: ParseOptions = .init()) -> AvroSchemaError? {
    do {
        _ = try AvroSchema(parsing: text, references: references, options: options)
        return nil
    } catch {
        return error
    }
}

/// The repository checkout the tests run from.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Every `*.avsc` file under `schemas/`, by file name.
func repositorySchemaFiles() throws -> [(name: String, text: String)] {
    let folder = repositoryRoot.appendingPathComponent("schemas")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".avsc") }.sorted()
    return try names.map { ($0, try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) }
}


/// What the Python `fastavro` package computes for a schema: an independent implementation
/// of the Parsing Canonical Form and its fingerprints.
struct FastavroVerdict: Equatable, CustomStringConvertible {
    var canonicalForm: String
    /// CRC-64-AVRO as fastavro prints it: the eight bytes little-endian, in hex.
    var rabin: String
    var md5: String
    var sha256: String

    var description: String { "\(canonicalForm) rabin=\(rabin) md5=\(md5) sha256=\(sha256)" }

    init(canonicalForm: String, rabin: String, md5: String, sha256: String) {
        self.canonicalForm = canonicalForm
        self.rabin = rabin
        self.md5 = md5
        self.sha256 = sha256
    }

    /// Ours, in the same shape.
    init(_ schema: AvroSchema) {
        let rabinBytes = withUnsafeBytes(of: schema.rabinFingerprint.littleEndian) { Array($0) }
        self.init(
            canonicalForm: schema.canonicalForm, rabin: rabinBytes.hexString, md5: schema.md5Fingerprint.hexString,
            sha256: schema.sha256Fingerprint.hexString)
    }

    /// Runs one `python3` process over all `schemas` (JSON texts) and returns fastavro's verdict for each,
    /// or the message of the error fastavro raised for the schema.
    static func compute(_ schemas: [String]) throws -> [Result<FastavroVerdict, PythonFailure>] {
        let script = """
            import json, sys
            from fastavro.schema import to_parsing_canonical_form, fingerprint
            out = []
            for text in json.load(sys.stdin):
                try:
                    form = to_parsing_canonical_form(json.loads(text))
                    out.append([form] + [fingerprint(form, a) for a in ("CRC-64-AVRO", "MD5", "SHA-256")])
                except Exception as error:
                    out.append(str(error))
            json.dump(out, sys.stdout)
            """
        let input = JSONWriter.write(.array(schemas.map { .string($0) }))
        let output = try runPython(script, input: input)
        guard let rows = try JSONParser.parse(output).arrayValue else { throw PythonFailure(message: "no array in \(output)") }
        return rows.map { row in
            guard let cells = row.arrayValue?.compactMap(\.stringValue), cells.count == 4 else {
                return .failure(PythonFailure(message: row.stringValue ?? "\(row)"))
            }
            return .success(FastavroVerdict(canonicalForm: cells[0], rabin: cells[1], md5: cells[2], sha256: cells[3]))
        }
    }
}

struct PythonFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Runs a Python script with `input` on its standard input and returns its standard output.
func runPython(_ script: String, input: String) throws -> String {
    let result = try python3(["-c", script], stdin: input)
    guard result.status == 0 else {
        throw PythonFailure(message: "python3 exited with \(result.status): \(result.stderr)")
    }
    return result.stdout
}
