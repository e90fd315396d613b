import RegistryAuth
import RegistryCore
import RegistryModel

/// What the caller of one request may see and change; `user` nil means authentication is off and everything is allowed.
///
/// A subject the user may not read answers exactly as a missing one (40401), and a schema id none of whose
/// subjects is readable answers as an unknown id (40403), so that nothing about hidden data leaks.
struct RequestAccess {
    let user: AuthenticatedUser?

    static let unrestricted = RequestAccess(user: nil)

    func mayRead(_ subject: String) -> Bool { user?.may(.read, .subject(subject)) ?? true }

    /// The checks a route needs before it is answered (listings are filtered while answering instead).
    func check(_ route: Route, method: String) throws(RegistryError) {
        guard user != nil else { return }
        switch route {
        case .root, .schemaTypes, .schemas, .subjects, .schemaById, .schemaTextById, .subjectsBySchemaId,
            .versionsBySchemaId, .schemaByGuid, .idsByGuid, .contexts, .serverMetadata, .health, .metrics:
            return
        case .context:
            try require(.write, .config)
        case .subjectMetadata(let subject):
            try requireRead(subject)
        case .subject(let subject):
            try method == "POST" ? requireRead(subject) : requireWrite(subject)
        case .versions(let subject):
            try method == "POST" ? requireWrite(subject) : requireRead(subject)
        case .version(let subject, _):
            try method == "DELETE" ? requireWrite(subject) : requireRead(subject)
        case .versionSchemaText(let subject, _), .referencedBy(let subject, _), .compatibility(let subject, _):
            try requireRead(subject)
        case .config(let subject), .mode(let subject):
            let writes = method != "GET"
            if let subject {
                try writes ? requireWrite(subject) : requireRead(subject)
            } else {
                try require(writes ? .write : .read, .config)
            }
        }
    }

    /// Throws 40403, as for an unknown id, unless some subject holding the schema (deleted ones included) is readable.
    func requireReadable(schema key: ContextId, in registry: Registry, notFoundKey: String) throws(RegistryError) {
        guard let user else { return }
        let holders = try registry.subjectVersions(forSchema: key, includeDeleted: true)
        guard holders.contains(where: { user.may(.read, .subject($0.subject)) }) else {
            throw RegistryError(code: 40403, message: "Schema \(notFoundKey) not found")
        }
    }

    private func requireRead(_ subject: String) throws(RegistryError) {
        guard mayRead(subject) else { throw RegistryError(code: 40401, message: "Subject '\(subject)' not found.") }
    }

    private func requireWrite(_ subject: String) throws(RegistryError) {
        try require(.write, .subject(subject))
    }

    private func require(_ operation: AccessOperation, _ resource: AccessResource) throws(RegistryError) {
        guard let user, !user.may(operation, resource) else { return }
        let verb = operation == .write ? "Write" : "Read"
        let target = switch resource {
        case .subject(let name): "Subject: \(name)"
        case .config: "Config:"
        }
        throw RegistryError(code: 40301, message: "User is denied operation \(verb) on \(target)")
    }
}

extension HTTPResponse {
    /// Confluent's answer to a request without valid credentials.
    static let unauthorized = HTTPResponse(
        status: 401, contentType: schemaRegistryMediaType,
        body: Array(#"{"error_code":401,"message":"Unauthorized"}"#.utf8),
        headers: [(name: "WWW-Authenticate", value: #"Basic realm="schema-registry""#)])
}
