import Avro
import Foundation

/// The outcome of `schema-registry compat`, printed as a short report or (with `--json`) as JSON.
struct CompatReport: Encodable {
    /// One schema checked against the versions before it.
    struct Check: Encodable {
        let schema: String
        /// The previous versions the level compared, newest first.
        let against: [String]
        let compatible: Bool
        let failures: [Failure]
    }

    /// A previous version the schema is not compatible with, in one direction.
    struct Failure: Encodable {
        let version: String
        let direction: String
        let reader: String
        let writer: String
        let incompatibilities: [Finding]
    }

    struct Finding: Encodable {
        let type: String
        let location: String
        let message: String
        let detail: String?

        init(_ incompatibility: Incompatibility) {
            type = incompatibility.type.rawValue
            location = incompatibility.location
            message = incompatibility.message
            detail = incompatibility.detail
        }
    }

    var compatible: Bool
    var level: String?
    var registry: String?
    var subject: String?
    /// Set by `--reader`/`--writer`.
    var reader: String?
    var writer: String?
    var incompatibilities: [Finding]?
    /// Set when checking versions.
    var checks: [Check]?
    /// Set when the registry itself judged: its verbose messages as given.
    var schema: String?
    var messages: [String]?

    /// A check of `schema` against `previous` (newest first) under `level`.
    static func check(
        _ schema: (name: String, schema: AvroSchema), against previous: [(name: String, schema: AvroSchema)],
        level: CompatibilityLevel
    ) -> Check {
        let compared = level == .none ? [] : level.isTransitive ? previous : Array(previous.prefix(1))
        let new = schema.schema, versions = previous.map(\.schema)
        // Versions are checked on every core, in chunks; failures keep the order of the versions.
        let failures = CompatParallel.mapChunks(count: compared.count, chunkSize: 64) { range in
            level.check(new, against: Array(versions[range])).map {
                CompatibilityFailure(previousIndex: $0.previousIndex + range.lowerBound, direction: $0.direction,
                                     incompatibilities: $0.incompatibilities)
            }
        }.joined().map { failure in
            let old = previous[failure.previousIndex].name
            let (reader, writer) = failure.direction == .backward ? (schema.name, old) : (old, schema.name)
            return Failure(
                version: old, direction: failure.direction.rawValue, reader: reader, writer: writer,
                incompatibilities: failure.incompatibilities.map(Finding.init))
        }
        return Check(schema: schema.name, against: compared.map(\.name), compatible: failures.isEmpty, failures: failures)
    }

    // MARK: - Output

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    var text: String {
        var lines: [String] = []
        if let reader, let writer {
            let findings = incompatibilities ?? []
            lines.append(
                findings.isEmpty
                    ? "compatible: \(reader) can read data written with \(writer)"
                    : "INCOMPATIBLE: \(reader) cannot read data written with \(writer)")
            lines += findings.map(Self.line)
        }
        for check in checks ?? [] {
            let level = level ?? ""
            if level == CompatibilityLevel.none.rawValue {
                lines.append("\(check.schema): not checked under NONE")
            } else if check.against.isEmpty {
                lines.append("\(check.schema): first version, nothing to check against")
            } else if check.compatible {
                lines.append("\(check.schema): compatible with \(check.against.joined(separator: ", ")) under \(level)")
            } else {
                lines.append("\(check.schema): INCOMPATIBLE under \(level)")
                for failure in check.failures {
                    lines.append("  \(failure.reader) cannot read data written with \(failure.writer) (\(failure.direction)):")
                    lines += failure.incompatibilities.map { "  " + Self.line($0) }
                }
            }
        }
        if let messages, let schema, let subject {
            lines.append(
                compatible
                    ? "\(schema): compatible with subject \(subject) (the registry's level)"
                    : "\(schema): INCOMPATIBLE with subject \(subject) (the registry's level)")
            lines += messages.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    private static func line(_ finding: Finding) -> String {
        "  at \(finding.location): \(reason(finding)) [\(finding.type)]"
    }

    /// The reference's message, completed where it is terse.
    private static func reason(_ finding: Finding) -> String {
        switch IncompatibilityType(rawValue: finding.type) {
        case .readerFieldMissingDefaultValue: "reader field '\(finding.message)' is missing from the writer and has no default"
        case .nameMismatch: "name mismatch, \(finding.message)"
        case .fixedSizeMismatch: "fixed size mismatch, \(finding.message)"
        case .missingEnumSymbols: "reader enum lacks writer symbols \(finding.message)"
        case .typeMismatch, .missingUnionBranch, nil: finding.message
        }
    }
}
