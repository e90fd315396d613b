import Avro
import JSON
import Foundation
import Testing

/// One reader/writer pair of `Tests/Fixtures/compat-corpus.jsonl` (a copy of `shared/compat-corpus/cases.jsonl`)
/// or of `Tests/Fixtures/compat-corpus-java-parity.jsonl` (cases where Java's parser departs from the
/// specification, labelled by `scripts/label-compat-cases.py`), with the verdicts of Apache Avro 1.12.1.
public struct CorpusCase: Sendable, CustomTestStringConvertible {
    /// The reference's verdict for one orientation.
    public struct Verdict: Sendable {
        /// `COMPATIBLE`, `INCOMPATIBLE`, `INVALID` or `ERROR` (an exception, reported as incompatible).
        public let result: String
        public let incompatibilities: [Expected]
        /// For `INVALID`: which schemas ("reader", "writer") the reference rejected.
        public let invalidSchemas: Set<String>

        public var isCompatible: Bool { result == "COMPATIBLE" }
    }

    public struct Expected: Sendable, Hashable, CustomStringConvertible {
        public let type: String
        public let location: String
        public let message: String

        public init(type: String, location: String, message: String) {
            self.type = type
            self.location = location
            self.message = message
        }

        public var description: String { "\(type) at \(location): \(message)" }
    }

    public let id: String
    public let feature: String
    public let readerText: String
    public let writerText: String
    public let oracle: Verdict
    public let oracleReverse: Verdict
    /// The schemas the reference rejected ("reader", "writer"), for `INVALID` cases.
    public var invalidSchemas: Set<String> { oracle.invalidSchemas }
    /// Level name to verdict, with old = writer and new = reader.
    public let levels: [String: String]

    public var testDescription: String { "\(id) (\(feature))" }
    public var isInvalid: Bool { oracle.result == "INVALID" }
    /// A case of the second fixture: what Java accepts or rejects against the specification.
    public var isJavaParity: Bool { id.hasPrefix("java-parity-") }

    public func schemas() throws -> (reader: AvroSchema, writer: AvroSchema) {
        (try AvroSchema(parsing: readerText), try AvroSchema(parsing: writerText))
    }

    public static let all: [CorpusCase] = {
        let text = fixtureFiles.map { file in
            try! String(contentsOf: repositoryRoot.appendingPathComponent("Tests/Fixtures/\(file)"), encoding: .utf8)
        }.joined(separator: "\n")
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
                    },
                    invalidSchemas: Set((value["invalid"]?.arrayValue ?? []).compactMap { $0["schema"]?.stringValue }))
            }
            var levels: [String: String] = [:]
            for member in json["levels"]!.objectValue! { levels[member.key] = member.value.stringValue! }
            return CorpusCase(
                id: json["id"]!.stringValue!, feature: json["feature"]!.stringValue!,
                readerText: schemaText("reader"), writerText: schemaText("writer"),
                oracle: verdict(json["oracle"]!), oracleReverse: verdict(json["oracle_reverse"]!), levels: levels)
        }
    }()

    static let fixtureFiles = ["compat-corpus.jsonl", "compat-corpus-java-parity.jsonl"]

    public static let valid: [CorpusCase] = all.filter { !$0.isInvalid }
}
