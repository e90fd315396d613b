import RegistryModel

/// The endpoints of Confluent's REST API, matched on decoded path segments.
enum Route: Equatable {
    case root
    case schemas
    case schemaTypes
    case schemaById(String)
    case schemaTextById(String)
    case subjectsBySchemaId(String)
    case versionsBySchemaId(String)
    case schemaByGuid(String)
    case idsByGuid(String)
    case subjects
    case subject(String)
    case versions(subject: String)
    case version(subject: String, version: String)
    case versionSchemaText(subject: String, version: String)
    case referencedBy(subject: String, version: String)
    case compatibility(subject: String, version: String?)
    case subjectMetadata(subject: String)
    case config(subject: String?)
    case mode(subject: String?)
    case contexts
    case context(String)
    /// `/v1/metadata/id` and `/v1/metadata/version`.
    case serverMetadata(String)
    /// Not Confluent's: whether the server and its database work.
    case health
    /// Not Confluent's: measurements in Prometheus' text format.
    case metrics

    init?(_ segments: [String]) {
        // An empty segment (`/subjects//versions`) names nothing, as in JAX-RS where `{subject}` needs a character.
        guard !segments.contains("") else { return nil }
        guard let route = Self.matching(segments) else { return nil }
        self = route.normalizingSubjects
    }

    /// `:.:name` is `name`: the default context written out names the same subject.
    private var normalizingSubjects: Route {
        func normal(_ subject: String) -> String {
            subject.hasPrefix(":.:") && subject.count > 3 ? QualifiedSubject(parsing: subject).qualified : subject
        }
        return switch self {
        case .subject(let subject): .subject(normal(subject))
        case .versions(let subject): .versions(subject: normal(subject))
        case .version(let subject, let version): .version(subject: normal(subject), version: version)
        case .versionSchemaText(let subject, let version): .versionSchemaText(subject: normal(subject), version: version)
        case .referencedBy(let subject, let version): .referencedBy(subject: normal(subject), version: version)
        case .compatibility(let subject, let version): .compatibility(subject: normal(subject), version: version)
        case .subjectMetadata(let subject): .subjectMetadata(subject: normal(subject))
        case .config(let subject?): .config(subject: normal(subject))
        case .mode(let subject?): .mode(subject: normal(subject))
        default: self
        }
    }

    private static func matching(_ segments: [String]) -> Route? {
        switch segments.count {
        case 0: return .root
        case 1:
            switch segments[0] {
            case "schemas": return .schemas
            case "subjects": return .subjects
            case "config": return .config(subject: nil)
            case "mode": return .mode(subject: nil)
            case "contexts": return .contexts
            case "health": return .health
            case "metrics": return .metrics
            default: return nil
            }
        case 2:
            switch segments[0] {
            case "schemas" where segments[1] == "types": return .schemaTypes
            case "subjects": return .subject(segments[1])
            case "config": return .config(subject: segments[1])
            case "mode": return .mode(subject: segments[1])
            case "contexts": return .context(segments[1])
            default: return nil
            }
        case 3:
            switch (segments[0], segments[1], segments[2]) {
            case ("schemas", "ids", let id): return .schemaById(id)
            case ("schemas", "guids", let guid): return .schemaByGuid(guid)
            case ("subjects", let subject, "versions"): return .versions(subject: subject)
            case ("subjects", let subject, "metadata"): return .subjectMetadata(subject: subject)
            case ("v1", "metadata", let name) where name == "id" || name == "version": return .serverMetadata(name)
            default: return nil
            }
        case 4:
            switch (segments[0], segments[1], segments[2], segments[3]) {
            case ("schemas", "ids", let id, "schema"): return .schemaTextById(id)
            case ("schemas", "ids", let id, "subjects"): return .subjectsBySchemaId(id)
            case ("schemas", "ids", let id, "versions"): return .versionsBySchemaId(id)
            case ("schemas", "guids", let guid, "ids"): return .idsByGuid(guid)
            case ("subjects", let subject, "versions", let version): return .version(subject: subject, version: version)
            case ("compatibility", "subjects", let subject, "versions"): return .compatibility(subject: subject, version: nil)
            default: return nil
            }
        case 5:
            switch (segments[0], segments[1], segments[2], segments[3], segments[4]) {
            case ("subjects", let subject, "versions", let version, "schema"):
                return .versionSchemaText(subject: subject, version: version)
            case ("subjects", let subject, "versions", let version, "referencedby"):
                return .referencedBy(subject: subject, version: version)
            case ("compatibility", "subjects", let subject, "versions", let version):
                return .compatibility(subject: subject, version: version)
            default: return nil
            }
        default: return nil
        }
    }

    /// Whether the endpoint answers `method`; any other is 405. HEAD is served as GET.
    func allows(_ method: String) -> Bool {
        switch self {
        case .root: method == "GET" || method == "POST"
        case .subject: method == "POST" || method == "DELETE"
        case .versions: method == "GET" || method == "POST"
        case .version: method == "GET" || method == "DELETE"
        case .compatibility: method == "POST"
        case .config, .mode: method == "GET" || method == "PUT" || method == "DELETE"
        case .context: method == "DELETE"
        case .schemas, .schemaTypes, .schemaById, .schemaTextById, .subjectsBySchemaId, .versionsBySchemaId, .schemaByGuid,
            .idsByGuid, .subjects, .versionSchemaText, .referencedBy, .subjectMetadata, .contexts, .serverMetadata, .health,
            .metrics:
            method == "GET"
        }
    }

    /// The path with its parameters named, for metrics labels.
    var template: String {
        switch self {
        case .root: "/"
        case .schemas: "/schemas"
        case .schemaTypes: "/schemas/types"
        case .schemaById: "/schemas/ids/{id}"
        case .schemaTextById: "/schemas/ids/{id}/schema"
        case .subjectsBySchemaId: "/schemas/ids/{id}/subjects"
        case .versionsBySchemaId: "/schemas/ids/{id}/versions"
        case .schemaByGuid: "/schemas/guids/{guid}"
        case .idsByGuid: "/schemas/guids/{guid}/ids"
        case .subjects: "/subjects"
        case .subject: "/subjects/{subject}"
        case .versions: "/subjects/{subject}/versions"
        case .version: "/subjects/{subject}/versions/{version}"
        case .versionSchemaText: "/subjects/{subject}/versions/{version}/schema"
        case .referencedBy: "/subjects/{subject}/versions/{version}/referencedby"
        case .compatibility(_, nil): "/compatibility/subjects/{subject}/versions"
        case .compatibility: "/compatibility/subjects/{subject}/versions/{version}"
        case .config(nil): "/config"
        case .config: "/config/{subject}"
        case .mode(nil): "/mode"
        case .mode: "/mode/{subject}"
        case .subjectMetadata: "/subjects/{subject}/metadata"
        case .contexts: "/contexts"
        case .context: "/contexts/{context}"
        case .serverMetadata(let name): "/v1/metadata/\(name)"
        case .health: "/health"
        case .metrics: "/metrics"
        }
    }

    func isRegistration(with method: String) -> Bool {
        if case .versions = self { method == "POST" } else { false }
    }

    /// Whether `method` on this endpoint can change what reads answer.
    func writes(with method: String) -> Bool {
        switch self {
        case .versions: method == "POST"
        case .subject, .version: method == "DELETE"
        case .config, .mode: method == "PUT" || method == "DELETE"
        case .context: method == "DELETE"
        default: false
        }
    }

    /// Whether `method` on this endpoint can remove a schema id (hard deletes; IMPORT with force clears soft-deleted ones).
    func removesSchemas(with method: String) -> Bool {
        switch self {
        case .subject, .version: method == "DELETE"
        case .mode: method == "PUT" || method == "DELETE"
        default: false
        }
    }
}
