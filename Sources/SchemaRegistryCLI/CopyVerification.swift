import Avro
import JSON
import RegistryCore
import RegistryModel
import SchemaRegistryClient

/// The check at the end of a copy: every id copied answers at the target the schema it has at the source (the same
/// canonical form, references, metadata and rule set), and every subject lists the same versions, live and deleted.
struct CopyVerification {
    let source: RegistrySnapshot
    let target: any RegistryEndpoint
    let width: Int

    /// What differs, one line each; empty when the target agrees.
    func differences(copied: Set<SubjectVersion>, prefix: String?) async throws -> [String] {
        let versions = source.versions.filter { copied.contains($0.key) }
        let byId = Dictionary(versions.map { (ContextId(context: $0.context, id: $0.id), $0) }, uniquingKeysWith: { first, _ in first })
        let schemas = Dictionary(source.versions.map { ($0.key, $0.schema) }, uniquingKeysWith: { first, _ in first })
        let target = self.target
        let idDifferences = try await Parallel.map(byId.keys.sorted(), width: width) { key async throws -> String? in
            let expected = byId[key]!
            let name = key.context == QualifiedSubject.defaultContext ? "id \(key.id)" : "id \(key.id) in context \(key.context)"
            let found: SchemaInfo
            do throws(SchemaRegistryError) { found = try await target.schema(id: key.id, context: key.context) } catch {
                return "\(name): \(error.message)"
            }
            if found.references != expected.schema.references { return "\(name): other references" }
            if found.metadata != expected.schema.metadata { return "\(name): other metadata" }
            if found.ruleSet != expected.schema.ruleSet { return "\(name): other rule set" }
            // The same text is the same schema; other texts may still be (another registry's formatting).
            if found.schema == expected.schema.schema && found.schemaType == expected.schema.schemaType { return nil }
            let want = Self.canonicalForm(expected.schema, context: key.context, schemas: schemas)
            let got = Self.canonicalForm(found, context: key.context, schemas: schemas)
            return want == got ? nil : "\(name): another schema (\(got.prefix(120)))"
        }
        let subjects = Array(Set(versions.map(\.subject))).sorted()
        let bySubject = Dictionary(grouping: source.versions, by: \.subject)
        let listingDifferences = try await Parallel.map(subjects, width: width) { subject async throws -> String? in
            let all = bySubject[subject]?.map(\.version).sorted() ?? []
            let live = bySubject[subject]?.filter { !$0.deleted }.map(\.version).sorted() ?? []
            let targetAll = try await target.unlessNotFound { () async throws(SchemaRegistryError) in
                try await target.versions(subject: subject, includeDeleted: true)
            } ?? []
            let targetLive = try await target.unlessNotFound { () async throws(SchemaRegistryError) in
                try await target.versions(subject: subject, includeDeleted: false)
            } ?? []
            if targetAll.sorted() != all { return "\(subject): versions \(targetAll.sorted()) at the target, \(all) at the source" }
            if targetLive.sorted() != live {
                return "\(subject): live versions \(targetLive.sorted()) at the target, \(live) at the source"
            }
            return nil
        }
        return idDifferences.compactMap { $0 } + listingDifferences.compactMap { $0 }
    }

    /// The schema's Parsing Canonical Form, its references read from the source's versions; the text itself when it
    /// does not parse (then only the same text is the same schema).
    static func canonicalForm(_ schema: SchemaInfo, context: String, schemas: [SubjectVersion: SchemaInfo]) -> String {
        parse(schema, context: context, schemas: schemas, depth: 0)?.canonicalForm ?? schema.schema
    }

    private static func parse(_ schema: SchemaInfo, context: String, schemas: [SubjectVersion: SchemaInfo], depth: Int) -> AvroSchema? {
        guard schema.schemaType == .avro, depth < SchemaRegistryClient.maxReferenceDepth else { return nil }
        var referenced: [AvroSchema] = []
        for reference in schema.references {
            let key = SubjectVersion(subject: StoredSchema.qualify(reference.subject, in: context), version: reference.version)
            guard let info = schemas[key], let parsed = parse(info, context: QualifiedSubject.context(of: key.subject), schemas: schemas, depth: depth + 1)
            else { return nil }
            referenced.append(parsed)
        }
        return try? AvroSchema(parsing: schema.schema, references: referenced, options: .lenient)
    }
}
