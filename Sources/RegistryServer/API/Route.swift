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
    case config(subject: String?)
    case mode(subject: String?)
    /// Not Confluent's: whether the server and its database work.
    case health
    /// Not Confluent's: measurements in Prometheus' text format.
    case metrics

    init?(_ segments: [String]) {
        // An empty segment (`/subjects//versions`) names nothing, as in JAX-RS where `{subject}` needs a character.
        guard !segments.contains("") else { return nil }
        switch segments.count {
        case 0: self = .root
        case 1:
            switch segments[0] {
            case "schemas": self = .schemas
            case "subjects": self = .subjects
            case "config": self = .config(subject: nil)
            case "mode": self = .mode(subject: nil)
            case "health": self = .health
            case "metrics": self = .metrics
            default: return nil
            }
        case 2:
            switch segments[0] {
            case "schemas" where segments[1] == "types": self = .schemaTypes
            case "subjects": self = .subject(segments[1])
            case "config": self = .config(subject: segments[1])
            case "mode": self = .mode(subject: segments[1])
            default: return nil
            }
        case 3:
            switch (segments[0], segments[1], segments[2]) {
            case ("schemas", "ids", let id): self = .schemaById(id)
            case ("schemas", "guids", let guid): self = .schemaByGuid(guid)
            case ("subjects", let subject, "versions"): self = .versions(subject: subject)
            default: return nil
            }
        case 4:
            switch (segments[0], segments[1], segments[2], segments[3]) {
            case ("schemas", "ids", let id, "schema"): self = .schemaTextById(id)
            case ("schemas", "ids", let id, "subjects"): self = .subjectsBySchemaId(id)
            case ("schemas", "ids", let id, "versions"): self = .versionsBySchemaId(id)
            case ("schemas", "guids", let guid, "ids"): self = .idsByGuid(guid)
            case ("subjects", let subject, "versions", let version): self = .version(subject: subject, version: version)
            case ("compatibility", "subjects", let subject, "versions"): self = .compatibility(subject: subject, version: nil)
            default: return nil
            }
        case 5:
            switch (segments[0], segments[1], segments[2], segments[3], segments[4]) {
            case ("subjects", let subject, "versions", let version, "schema"):
                self = .versionSchemaText(subject: subject, version: version)
            case ("subjects", let subject, "versions", let version, "referencedby"):
                self = .referencedBy(subject: subject, version: version)
            case ("compatibility", "subjects", let subject, "versions", let version):
                self = .compatibility(subject: subject, version: version)
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
        case .schemas, .schemaTypes, .schemaById, .schemaTextById, .subjectsBySchemaId, .versionsBySchemaId, .schemaByGuid,
            .idsByGuid, .subjects, .versionSchemaText, .referencedBy, .health, .metrics:
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
