import Avro
import Logging
import RegistryCore

/// Confluent's Schema Registry REST API over a `Registry`.
public final class RegistryAPI: HTTPResponder {
    private let registry: Registry
    private let logger: Logger
    /// Answers about schema ids and guids: immutable until a hard delete removes the schema.
    private let schemaAnswers = ResponseCache<SchemaAnswerKey>(capacityBytes: 64 << 20)
    /// Answers about subject versions: valid until the next write of any kind.
    private let versionAnswers = ResponseCache<VersionAnswerKey>(capacityBytes: 16 << 20)

    public init(registry: Registry, logger: Logger = Logger(label: "schema-registry.http")) {
        self.registry = registry
        self.logger = logger
    }

    public func payloadTooLarge(limit: Int) -> HTTPResponse {
        .error(code: 413, message: "Request body larger than \(limit) bytes", status: 413)
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        guard let route = Route(request.pathSegments) else { return .httpError(404) }
        let method = request.method == "HEAD" ? "GET" : request.method
        guard route.allows(method) else { return .httpError(405) }
        if method == "POST" || method == "PUT", let type = request.contentType, !acceptedRequestMediaTypes.contains(type) {
            return .httpError(415)
        }
        let response: HTTPResponse
        do {
            response = try answer(route, method: method, request: request)
        } catch let error as RegistryError {
            if error.httpStatus >= 500 { logger.error("\(method) \(request.pathSegments): \(error)") }
            response = .error(error)
        } catch let error as BodyError {
            response = error.response
        } catch is NotFound {
            response = .httpError(404)
        } catch {
            logger.error("\(method) \(request.pathSegments): \(error)")
            response = .error(code: 500, message: "Internal server error", status: 500)
        }
        if route.writes(with: method) {
            versionAnswers.invalidate()
            if route.removesSchemas(with: method) { schemaAnswers.invalidate() }
        }
        return response
    }

    private func answer(_ route: Route, method: String, request: HTTPRequest) throws -> HTTPResponse {
        let query = Query(request.query)
        switch (route, method) {
        case (.root, _):
            return .json([:])
        case (.schemaTypes, _):
            return .json(["AVRO"])
        case (.schemas, _):
            let versions = registry.schemas(
                subjectPrefix: query.string("subjectPrefix") ?? "", includeDeleted: query.flag("deleted"),
                latestOnly: query.flag("latestOnly"), offset: max(0, query.int("offset") ?? 0),
                limit: Self.schemaSearchLimit(query.int("limit")))
            return .json(.array(versions.map(Entities.subjectVersion)))

        case (.schemaById(let idText), _):
            let id = try schemaId(idText)
            if query.string("subject") == nil && !query.flag("fetchMaxId") {
                return try cached(schemaAnswers, .byId(id)) { .json(Entities.schemaString(try registry.schema(id: id))) }
            }
            let schema = try registry.schema(id: id)
            var placement: SubjectVersionRef?
            if let subject = query.string("subject") {
                placement = try registry.subjectVersions(forSchemaId: id, includeDeleted: true).last { $0.subject == subject }
            }
            let maxId = query.flag("fetchMaxId") ? registry.maxSchemaId : nil
            return .json(Entities.schemaString(schema, subjectVersion: placement, maxId: maxId))
        case (.schemaTextById(let idText), _):
            let id = try schemaId(idText)
            return try cached(schemaAnswers, .textById(id)) { rawSchema(try registry.schema(id: id)) }
        case (.subjectsBySchemaId(let idText), _):
            let refs = try registry.subjectVersions(forSchemaId: try schemaId(idText), includeDeleted: query.flag("deleted"))
            var seen = Set<String>()
            return .json(Entities.strings(refs.map(\.subject).filter { seen.insert($0).inserted }))
        case (.versionsBySchemaId(let idText), _):
            let refs = try registry.subjectVersions(forSchemaId: try schemaId(idText), includeDeleted: query.flag("deleted"))
            return .json(.array(refs.map { ["subject": .string($0.subject), "version": .number(JSONNumber($0.version))] }))
        case (.schemaByGuid(let guid), _):
            return try cached(schemaAnswers, .byGuid(guid)) { .json(Entities.schemaString(try registry.schema(guid: guid))) }
        case (.idsByGuid(let guid), _):
            let schema = try registry.schema(guid: guid)
            return .json([["context": ".", "id": .number(JSONNumber(schema.id))]])

        case (.subjects, _):
            var prefix = query.string("subjectPrefix")
            if prefix == ":*:" { prefix = nil }
            return .json(Entities.strings(registry.subjects(
                prefix: prefix, includeDeleted: query.flag("deleted"), deletedOnly: query.flag("deletedOnly"))))
        case (.subject(let subject), "POST"):
            let found = try registry.lookUp(
                subject: subject, try RequestBodies.schemaRequest(request.body), normalize: query.flag("normalize"),
                includeDeleted: query.flag("deleted"))
            return .json(Entities.subjectVersion(found))
        case (.subject(let subject), _):
            return .json(Entities.integers(try registry.deleteSubject(subject, permanent: query.flag("permanent"))))

        case (.versions(let subject), "POST"):
            let registered = try registry.register(
                subject: subject, try RequestBodies.schemaRequest(request.body), normalize: query.flag("normalize"))
            return .json(Entities.registered(registered))
        case (.versions(let subject), _):
            return .json(Entities.integers(try registry.versions(
                subject: subject, includeDeleted: query.flag("deleted"), deletedOnly: query.flag("deletedOnly"))))
        case (.version(let subject, let versionText), "GET"):
            let deleted = query.flag("deleted")
            return try cached(versionAnswers, VersionAnswerKey(subject: subject, version: versionText, deleted: deleted)) {
                .json(Entities.subjectVersion(try registry.version(
                    subject: subject, try VersionSelector(parsing: versionText), includeDeleted: deleted)))
            }
        case (.version(let subject, let versionText), _):
            let deleted = try registry.deleteVersion(
                subject: subject, try VersionSelector(parsing: versionText), permanent: query.flag("permanent"))
            return .json(.number(JSONNumber(deleted)))
        case (.versionSchemaText(let subject, let versionText), _):
            let version = try registry.version(
                subject: subject, try VersionSelector(parsing: versionText), includeDeleted: query.flag("deleted"))
            return rawSchema(version.schema)
        case (.referencedBy(let subject, let versionText), _):
            return .json(Entities.integers(try registry.referencedBy(subject: subject, try VersionSelector(parsing: versionText))))

        case (.compatibility(let subject, let versionText), _):
            let selector = try versionText.map { text throws(RegistryError) in try VersionSelector(parsing: text) }
            let verbose = query.flag("verbose")
            let verdict = try registry.checkCompatibility(
                subject: subject, version: selector, try RequestBodies.schemaRequest(request.body),
                normalize: query.flag("normalize"), verbose: verbose)
            return .json(Entities.verdict(verdict, verbose: verbose))

        case (.config(let subject), "GET"):
            return .json(Entities.config(try registry.config(subject: subject, defaultToGlobal: query.flag("defaultToGlobal"))))
        case (.config(let subject), "PUT"):
            let update = try RequestBodies.configUpdate(request.body)
            return .json(Entities.configUpdate(try registry.setConfig(subject: subject, update)))
        case (.config(let subject), _):
            return .json(Entities.config(try registry.deleteConfig(subject: subject)))

        case (.mode(let subject), "GET"):
            return .json(Entities.mode(try registry.mode(subject: subject, defaultToGlobal: query.flag("defaultToGlobal"))))
        case (.mode(let subject), "PUT"):
            let mode = try RequestBodies.mode(request.body)
            return .json(Entities.mode(try registry.setMode(subject: subject, mode, force: query.flag("force"))))
        case (.mode(let subject), _):
            return .json(Entities.mode(try registry.deleteMode(subject: subject)))
        }
    }

    /// Confluent's `schema.search.default.limit` and `schema.search.max.limit`: at most 1000 rows per page.
    private static func schemaSearchLimit(_ requested: Int?) -> Int {
        guard let requested, requested > 0, requested <= 1000 else { return 1000 }
        return requested
    }

    /// `{id}` is an int path parameter in JAX-RS: anything else matches no resource.
    private func schemaId(_ text: String) throws -> Int {
        guard let id = Int32(text) else { throw NotFound() }
        return Int(id)
    }

    private func rawSchema(_ schema: StoredSchema) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: schemaRegistryMediaType, body: Array(schema.schema.utf8))
    }

    /// Serves a successful answer from `cache`, computing and preparing it once.
    private func cached<Key>(_ cache: ResponseCache<Key>, _ key: Key, _ compute: () throws -> HTTPResponse) throws -> HTTPResponse {
        let (hit, generation) = cache.lookUp(key)
        if let hit { return HTTPResponse(hit) }
        let response = try compute()
        let prepared = PreparedResponse(status: response.status, contentType: response.contentType, body: response.body)
        cache.store(prepared, for: key, computedAt: generation)
        return HTTPResponse(prepared)
    }
}

private struct NotFound: Error {}

private enum SchemaAnswerKey: Hashable, Sendable {
    case byId(Int)
    case textById(Int)
    case byGuid(String)
}

private struct VersionAnswerKey: Hashable, Sendable {
    let subject: String
    let version: String
    let deleted: Bool
}

/// Query parameters read the way JAX-RS converts them.
private struct Query {
    let parameters: [String: String]

    init(_ parameters: [String: String]) { self.parameters = parameters }

    func string(_ name: String) -> String? { parameters[name] }

    /// `Boolean.valueOf`: true only for "true" in any case (Python clients send "True").
    func flag(_ name: String) -> Bool { parameters[name]?.lowercased() == "true" }

    func int(_ name: String) -> Int? { parameters[name].flatMap { Int32($0) }.map(Int.init) }
}
