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
        let compared = previous.prefix(comparedCount(of: previous.count, level: level))
        let new = schema.schema, versions = previous.map(\.schema)
        // Versions are checked on every core, in chunks; failures keep the order of the versions.
        let failures = CompatParallel.mapChunks(count: compared.count, chunkSize: 64) { range in
            check(new, against: versions[range], from: range.lowerBound, level: level)
        }
        return check(schema.name, against: previous.map(\.name), level: level, failures: Array(failures.joined()))
    }

    /// How many of `count` previous versions (newest first) the level compares.
    static func comparedCount(of count: Int, level: CompatibilityLevel) -> Int {
        level == .none ? 0 : level.isTransitive ? count : min(1, count)
    }

    /// The failures of `new` against a run of the compared versions that starts at index `start`.
    static func check(
        _ new: AvroSchema, against versions: ArraySlice<AvroSchema>, from start: Int, level: CompatibilityLevel
    ) -> [CompatibilityFailure] {
        shifted(level.check(new, against: Array(versions)), by: start)
    }

    /// The same over prepared versions, which skips identical root fields.
    static func check(
        _ new: PreparedForCompatibility, against versions: ArraySlice<PreparedForCompatibility>, from start: Int,
        level: CompatibilityLevel
    ) -> [CompatibilityFailure] {
        shifted(level.check(new, against: Array(versions)), by: start)
    }

    private static func shifted(_ failures: [CompatibilityFailure], by start: Int) -> [CompatibilityFailure] {
        failures.map {
            CompatibilityFailure(previousIndex: $0.previousIndex + start, direction: $0.direction, incompatibilities: $0.incompatibilities)
        }
    }

    /// The check of `schemaName` against the versions named `previous` (newest first), given its failures.
    static func check(_ schemaName: String, against previous: [String], level: CompatibilityLevel, failures: [CompatibilityFailure]) -> Check {
        let found = failures.map { failure in
            let old = previous[failure.previousIndex]
            let (reader, writer) = failure.direction == .backward ? (schemaName, old) : (old, schemaName)
            return Failure(
                version: old, direction: failure.direction.rawValue, reader: reader, writer: writer,
                incompatibilities: failure.incompatibilities.map(Finding.init))
        }
        let compared = previous.prefix(comparedCount(of: previous.count, level: level))
        return Check(schema: schemaName, against: Array(compared), compatible: found.isEmpty, failures: found)
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
