import Foundation
@testable import Avro

/// One reader/writer pair of the shared compatibility corpus (`Tests/Fixtures/compat-corpus.jsonl`,
/// a copy of `shared/compat-corpus/cases.jsonl`), with the verdicts of Apache Avro 1.12.1.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    let id: String
    let feature: String
    let readerText: String
    let writerText: String
    let oracle: JSONValue
    let oracleReverse: JSONValue
    let levels: JSONValue

    var testDescription: String { id }

    var invalidSchemas: Set<String> {
        guard oracle["result"]?.stringValue == "INVALID" else { return [] }
        return Set((oracle["invalid"]?.arrayValue ?? []).compactMap { $0["schema"]?.stringValue })
    }

    static let all: [CorpusCase] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/compat-corpus.jsonl")
        let text = try! String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let json = try! JSONParser.parse(String(line))
            func schemaText(_ key: String) -> String {
                if let text = json["\(key)_text"]?.stringValue { return text }
                return JSONWriter.write(json[key]!)
            }
            return CorpusCase(
                id: json["id"]!.stringValue!, feature: json["feature"]!.stringValue!,
                readerText: schemaText("reader"), writerText: schemaText("writer"),
                oracle: json["oracle"]!, oracleReverse: json["oracle_reverse"]!, levels: json["levels"]!)
        }
    }()
}

import Testing
