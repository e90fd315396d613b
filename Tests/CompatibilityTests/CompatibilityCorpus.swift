import Avro
import Foundation
import Testing

/// One reader/writer pair of `Tests/Fixtures/compat-corpus.jsonl` with the verdicts of Apache Avro 1.12.1.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    /// The reference's verdict for one orientation.
    struct Verdict: Sendable {
        /// `COMPATIBLE`, `INCOMPATIBLE`, `INVALID` or `ERROR` (an exception, reported as incompatible).
        let result: String
        let incompatibilities: [Expected]

        var isCompatible: Bool { result == "COMPATIBLE" }
    }

    struct Expected: Sendable, Hashable, CustomStringConvertible {
        let type: String
        let location: String
        let message: String

        var description: String { "\(type) at \(location): \(message)" }
    }

    let id: String
    let feature: String
    let readerText: String
    let writerText: String
    let oracle: Verdict
    let oracleReverse: Verdict
    /// Level name to verdict, with old = writer and new = reader.
    let levels: [String: String]

    var testDescription: String { "\(id) (\(feature))" }
    var isInvalid: Bool { oracle.result == "INVALID" }

    func schemas() throws -> (reader: AvroSchema, writer: AvroSchema) {
        (try AvroSchema(parsing: readerText), try AvroSchema(parsing: writerText))
    }

    static let all: [CorpusCase] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/compat-corpus.jsonl")
        let text = try! String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let json = try! JSONParser.parse(String(line))
            func schemaText(_ key: String) -> String {
                json["\(key)_text"]?.stringValue ?? JSONWriter.write(json[key]!)
            }
            func verdict(_ value: JSONValue) -> Verdict {
                Verdict(
                    result: value["result"]!.stringValue!,
                    incompatibilities: (value["incompatibilities"]?.arrayValue ?? []).map {
                        Expected(type: $0["type"]!.stringValue!, location: $0["location"]!.stringValue!,
                                 message: $0["message"]!.stringValue!)
                    })
            }
            var levels: [String: String] = [:]
            for member in json["levels"]!.objectValue! { levels[member.key] = member.value.stringValue! }
            return CorpusCase(
                id: json["id"]!.stringValue!, feature: json["feature"]!.stringValue!,
                readerText: schemaText("reader"), writerText: schemaText("writer"),
                oracle: verdict(json["oracle"]!), oracleReverse: verdict(json["oracle_reverse"]!), levels: levels)
        }
    }()

    static let valid: [CorpusCase] = all.filter { !$0.isInvalid }
}
