import Avro
import Foundation
import RegistryModel
import SchemaRegistryClient

/// What `compat --registry` asks a registry, through the same client the serializers use, with its errors
/// worded for the command line.
struct CompatRegistry {
    /// `--registry` as given, for the report.
    let url: String
    /// The registry's URLs without credentials, safe to show in messages.
    private let displayURL: String
    private let client: SchemaRegistryClient

    init(_ options: RegistryOptions) throws(CompatError) {
        let client: SchemaRegistryClient
        do {
            client = try options.client()
        } catch {
            throw CompatError("--registry: \(error.message)")
        }
        self.client = client
        url = options.registry ?? ""
        displayURL = client.configuration.urls.map(Self.withoutCredentials).joined(separator: ",")
    }

    /// The registry's own verdict at the subject's configured level; a subject it does not know has nothing to break.
    func check(schemaText: String, subject: String) async throws(CompatError) -> CompatibilityResult {
        do {
            return try await client.testCompatibility(subject: subject, schema: SchemaInfo(schema: schemaText), verbose: true)
        } catch where error.errorCode == SchemaRegistryError.Code.subjectNotFound {
            return CompatibilityResult(isCompatible: true)
        } catch {
            throw failure(error)
        }
    }

    /// The subject's live versions, newest first, parsed with their references.
    func versions(of subject: String) async throws(CompatError) -> [(name: String, schema: AvroSchema)] {
        do {
            let numbers: [Int]
            do {
                numbers = try await client.versions(subject: subject)
            } catch where error.errorCode == SchemaRegistryError.Code.subjectNotFound {
                return []
            }
            var schemas: [(name: String, schema: AvroSchema)] = []
            for number in numbers.sorted(by: >) {
                schemas.append(("\(subject) version \(number)", try await client.avroSchema(subject: subject, version: number)))
            }
            return schemas
        } catch {
            throw failure(error)
        }
    }

    private func failure(_ error: SchemaRegistryError) -> CompatError {
        switch error.kind {
        case .transport, .timeout: CompatError("registry: cannot reach \(displayURL): \(error.message)")
        default: CompatError("registry: \(error)")
        }
    }

    /// A URL as messages show it: without `user:password@`.
    static func withoutCredentials(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        components.user = nil
        components.password = nil
        return components.string ?? url.absoluteString
    }
}
