import JSON
import Logging
import RegistryAuth
import RegistryCore
import RegistryModel

/// Confluent's Schema Registry REST API over a `Registry`.
public final class RegistryAPI: HTTPResponder {
    /// This server's release, as `GET /v1/metadata/version` reports it.
    public static let version = "0.5.0"

    private let registry: Registry
    private let logger: Logger
    /// nil: authentication is off and every request may do everything.
    private let authenticator: Authenticator?
    private let healthProbe: StoreHealthProbe?
    /// Whether `/health` and `/metrics` answer without credentials when authentication is on.
    private let publicOperations: Bool
    /// nil: `/metrics` is 404 and nothing is measured.
    private let metrics: ServerMetrics?
    /// Answers about schema ids and guids: immutable until a hard delete removes the schema.
    private let schemaAnswers = ResponseCache<SchemaAnswerKey>(capacityBytes: 64 << 20)
    /// Answers about subject versions: valid until the next write of any kind.
    private let versionAnswers = ResponseCache<VersionAnswerKey>(capacityBytes: 16 << 20)

    /// `healthProbe` nil makes `/health` report the server only; `publicOperations` exempts `/health` and `/metrics`
    /// from authentication; `metrics` nil turns measuring and `/metrics` off.
    public init(registry: Registry, authenticator: Authenticator? = nil, healthProbe: StoreHealthProbe? = nil,
                publicOperations: Bool = false, metrics: MetricsExport? = nil, connections: ConnectionCount = ConnectionCount(),
                logger: Logger = Logger(label: "schema-registry.http")) {
        self.registry = registry
        self.authenticator = authenticator
        self.healthProbe = healthProbe
        self.publicOperations = publicOperations
        self.metrics = metrics.map { ServerMetrics(export: $0, connections: connections) }
        self.logger = logger
    }

    public func payloadTooLarge(limit: Int) -> HTTPResponse {
        .error(code: 413, message: "Request body larger than \(limit) bytes", status: 413)
    }

    public func clientCertificateRequired() -> HTTPResponse {
        .error(code: 401, message: "A client certificate signed by the trusted CA is required", status: 401)
    }

    /// Answers `request` with an `X-Request-ID` header, logging it at debug level (writes at info).
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let started = ContinuousClock.now
        let requestID = RequestID.accepting(request.requestID)
        var route: Route?
        var response: HTTPResponse
        do {
            // `/contexts/{context}/...` is the plain API in that context.
            let target = try ContextPath.rewrite(request.pathSegments, query: request.query)
            route = Route(target?.segments ?? request.pathSegments)
            var lists = request.queryLists
            for (name, value) in target?.query ?? [:] where request.query[name] != value { lists[name] = [value] }
            let query = Query(target?.query ?? request.query, lists: lists)
            response = answer(request, route: route, query: query)
        } catch {
            response = .error(code: 400, message: error.message, status: 400)
        }
        response.headers.append((name: "X-Request-ID", value: requestID))
        let elapsed = ContinuousClock.now - started
        if let metrics {
            metrics.request(route: route?.template ?? "unmatched", method: request.method, status: response.status, duration: elapsed)
            if route?.isRegistration(with: request.method) == true {
                if response.status == 200 { metrics.registered() } else if response.status == 409 { metrics.incompatible() }
            }
        }
        let writes = route?.writes(with: request.method) == true
        let level: Logger.Level = writes ? .info : .debug
        if logger.logLevel <= level {
            let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
            logger.log(level: level, "\(request.method) /\(request.pathSegments.joined(separator: "/")) \(response.status)", metadata: [
                "request_id": .string(requestID), "status": .stringConvertible(response.status),
                "duration_us": .stringConvertible(micros),
            ])
        }
        return response
    }

    private func answer(_ request: HTTPRequest, route: Route?, query: Query) -> HTTPResponse {
        guard let route else { return .httpError(404) }
        let method = request.method == "HEAD" ? "GET" : request.method
        guard route.allows(method) else { return .httpError(405) }
        // Before anything else, and in particular before any cached answer: those are shared between users.
        var access = RequestAccess.unrestricted
        if let authenticator, !(publicOperations && (route == .health || route == .metrics)) {
            guard let user = authenticator.authenticate(authorizationHeader: request.authorization) else { return .unauthorized }
            access = RequestAccess(user: user)
        }
        if method == "POST" || method == "PUT", let type = request.contentType, !acceptedRequestMediaTypes.contains(type) {
            return .httpError(415)
        }
        var request = request
        if let charset = request.charset, !request.body.isEmpty {
            guard let encoding = RequestCharset.encoding(named: charset) else {
                return .error(code: 415, message: "Unsupported charset '\(charset)' in the request's Content-Type", status: 415)
            }
            guard let utf8 = RequestCharset.utf8(request.body, from: encoding) else {
                return .error(code: 400, message: "The request body is not valid \(charset)", status: 400)
            }
            request = request.with(body: utf8)
        }
        guard let responseType = MediaTypeNegotiation.responseType(accept: request.accept) else {
            // Nothing the client accepts can be produced, so the error goes out in plain JSON.
            let refused = HTTPResponse.httpError(406)
            return HTTPResponse(status: 406, contentType: "application/json", body: refused.body, headers: refused.headers)
        }
        let response: HTTPResponse
        do {
            try access.check(route, method: method)
            response = try answer(route, method: method, request: request, query: query, access: access)
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
        // A refused write changed nothing (each write is one transaction), so the cached answers still hold.
        if route.writes(with: method), response.status < 400 {
            versionAnswers.invalidate()
            if route.removesSchemas(with: method) { schemaAnswers.invalidate() }
        }
        guard responseType != schemaRegistryMediaType, response.contentType == schemaRegistryMediaType else { return response }
        return HTTPResponse(status: response.status, contentType: responseType, body: response.body, headers: response.headers)
    }

    private func answer(_ route: Route, method: String, request: HTTPRequest, query: Query, access: RequestAccess) throws
        -> HTTPResponse
    {
        switch (route, method) {
        case (.root, _):
            return .json([:])
        case (.health, _):
            return health()
        case (.metrics, _):
            guard let metrics else { throw NotFound() }
            return metrics.render(registry: registry)
        case (.schemaTypes, _):
            return .json(["AVRO"])
        case (.schemas, _):
            let offset = max(0, query.int("offset") ?? 0), limit = Self.schemaSearchLimit(query.int("limit"))
            let prefix = query.string("subjectPrefix") ?? "", deleted = query.flag("deleted"), latestOnly = query.flag("latestOnly")
            var versions: [RegisteredVersion]
            if access.user == nil {
                versions = registry.schemas(subjectPrefix: prefix, includeDeleted: deleted, latestOnly: latestOnly, offset: offset, limit: limit)
            } else {
                // Paging applies to what the user may see, so it is done here after filtering.
                versions = registry.schemas(subjectPrefix: prefix, includeDeleted: deleted, latestOnly: latestOnly, offset: 0, limit: -1)
                    .filter { access.mayRead($0.subject) }
                versions = Array(versions.dropFirst(offset).prefix(limit))
            }
            return .json(.array(versions.map(Entities.subjectVersion)))

        case (.schemaById(let idText), _):
            let id = try schemaId(idText)
            let subject = query.string("subject")
            if subject == nil && !query.flag("fetchMaxId") && query.string("format") == nil && query.string("referenceFormat") == nil {
                try access.requireReadable(schema: ContextId(id: id), in: registry, notFoundKey: String(id))
                return try cached(schemaAnswers, .byId(id)) { .json(Entities.schemaString(try registry.schema(id: id))) }
            }
            let (key, holder) = try registry.locateSchema(id: id, subject: subject)
            try access.requireReadable(schema: key, in: registry, notFoundKey: String(id))
            let schema = try formatted(try registry.schema(id: id, context: key.context), query)
            // Confluent places the schema in a subject version whenever `subject` is given, even empty.
            let placement = subject != nil && holder.map({ access.mayRead($0.subject) }) == true ? holder : nil
            let maxId = query.flag("fetchMaxId") ? registry.maxSchemaId(in: key.context) : nil
            return .json(Entities.schemaString(schema, subjectVersion: placement, maxId: maxId))
        case (.schemaTextById(let idText), _):
            let id = try schemaId(idText)
            let key = try registry.locateSchema(id: id, subject: query.string("subject")).key
            try access.requireReadable(schema: key, in: registry, notFoundKey: String(id))
            if key.context != QualifiedSubject.defaultContext || query.string("format") != nil {
                return rawSchema(try formatted(try registry.schema(id: id, context: key.context), query))
            }
            return try cached(schemaAnswers, .textById(id)) { rawSchema(try registry.schema(id: id)) }
        case (.subjectsBySchemaId(let idText), _):
            let id = try schemaId(idText)
            let key = try registry.locateSchema(id: id, subject: query.string("subject")).key
            try access.requireReadable(schema: key, in: registry, notFoundKey: String(id))
            let refs = try registry.subjectVersions(forSchema: key, includeDeleted: query.flag("deleted"))
                .filter { access.mayRead($0.subject) }
            var seen = Set<String>()
            return .json(Entities.strings(query.page(refs.map(\.subject).filter { seen.insert($0).inserted })))
        case (.versionsBySchemaId(let idText), _):
            let id = try schemaId(idText)
            let key = try registry.locateSchema(id: id, subject: query.string("subject")).key
            try access.requireReadable(schema: key, in: registry, notFoundKey: String(id))
            let refs = try registry.subjectVersions(forSchema: key, includeDeleted: query.flag("deleted"))
                .filter { access.mayRead($0.subject) }
            return .json(.array(query.page(refs).map { ["subject": .string($0.subject), "version": .number(JSONNumber($0.version))] }))
        case (.schemaByGuid(let guid), _):
            if access.user != nil {
                try access.requireReadable(schema: try registry.schema(guid: guid).key, in: registry, notFoundKey: guid)
            }
            if query.string("format") != nil { return .json(Entities.schemaString(try formatted(try registry.schema(guid: guid), query))) }
            return try cached(schemaAnswers, .byGuid(guid)) { .json(Entities.schemaString(try registry.schema(guid: guid))) }
        case (.idsByGuid(let guid), _):
            var keys: [ContextId] = []
            for key in registry.ids(ofGuid: guid) {
                do { try access.requireReadable(schema: key, in: registry, notFoundKey: guid) } catch { continue }
                keys.append(key)
            }
            return .json(.array(keys.map { ["context": .string($0.context), "id": .number(JSONNumber($0.id))] }))

        case (.contexts, _):
            let prefix = query.string("contextPrefix") ?? ""
            return .json(Entities.strings(query.page(registry.contexts().filter { $0.hasPrefix(prefix) })))
        case (.context(let name), _):
            try registry.deleteContext(name)
            return HTTPResponse(status: 204, contentType: schemaRegistryMediaType, body: [])
        case (.serverMetadata(let name), _):
            return .json(name == "id" ? Entities.clusterId : Entities.serverVersion)
        case (.subjectMetadata(let subject), _):
            var found = try registry.latestVersion(
                subject: subject, matchingMetadata: Self.metadataFilter(query), includeDeleted: query.flag("deleted"))
            found.schema = try formatted(found.schema, query)
            return .json(Entities.subjectVersion(found))

        case (.subjects, _):
            // Unlike `/schemas`, the listing of subjects covers every context unless told otherwise.
            let prefix = query.string("subjectPrefix") ?? QualifiedSubject.wildcard
            let subjects = registry.subjects(prefix: prefix, includeDeleted: query.flag("deleted"), deletedOnly: query.flag("deletedOnly"))
            return .json(Entities.strings(query.page(access.user == nil ? subjects : subjects.filter(access.mayRead))))
        case (.subject(let subject), "POST"):
            var found = try registry.lookUp(
                subject: subject, try RequestBodies.schemaRequest(request.body), normalize: query.flag("normalize"),
                includeDeleted: query.flag("deleted"))
            found.schema = try formatted(found.schema, query)
            return .json(Entities.subjectVersion(found))
        case (.subject(let subject), _):
            return .json(Entities.integers(try registry.deleteSubject(subject, permanent: query.flag("permanent"))))

        case (.versions(let subject), "POST"):
            var registered = try registry.register(
                subject: subject, try RequestBodies.schemaRequest(request.body), normalize: query.flag("normalize"))
            registered.schema = try formatted(registered.schema, query)
            return .json(Entities.registered(registered))
        case (.versions(let subject), _):
            // `deletedAsNegative`: soft-deleted versions listed too, as their negated numbers.
            if query.flag("deletedAsNegative") {
                let live = Set(try registry.versions(subject: subject, includeDeleted: false, deletedOnly: false))
                let all = try registry.versions(subject: subject, includeDeleted: true, deletedOnly: false)
                return .json(Entities.integers(query.page(all.map { live.contains($0) ? $0 : -$0 })))
            }
            return .json(Entities.integers(query.page(try registry.versions(
                subject: subject, includeDeleted: query.flag("deleted"), deletedOnly: query.flag("deletedOnly")))))
        case (.version(let subject, let versionText), "GET"):
            let deleted = query.flag("deleted")
            if query.string("format") != nil || query.string("referenceFormat") != nil {
                var found = try registry.version(subject: subject, try VersionSelector(parsing: versionText), includeDeleted: deleted)
                found.schema = try formatted(found.schema, query)
                return .json(Entities.subjectVersion(found))
            }
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
            return rawSchema(try formatted(version.schema, query))
        case (.referencedBy(let subject, let versionText), _):
            return .json(Entities.integers(query.page(try registry.referencedBy(subject: subject, try VersionSelector(parsing: versionText)))))

        case (.compatibility(let subject, let versionText), _):
            let selector = try versionText.map { text throws(RegistryError) in try VersionSelector(parsing: text) }
            let verbose = query.flag("verbose")
            let verdict = try registry.checkCompatibility(
                subject: subject, version: selector, try RequestBodies.schemaRequest(request.body),
                normalize: query.flag("normalize"), verbose: verbose)
            if !verdict.isCompatible { metrics?.incompatible() }
            return .json(verdict.json(verbose: verbose))

        case (.config(let subject), "GET"):
            return .json(try registry.config(subject: subject, defaultToGlobal: query.flag("defaultToGlobal")).json(.read))
        case (.config(let subject), "PUT"):
            let update = try RequestBodies.configUpdate(request.body)
            return .json(try registry.setConfig(subject: subject, update).json(.update))
        case (.config(let subject), _):
            return .json(try registry.deleteConfig(subject: subject).json(.read))

        case (.mode(let subject), "GET"):
            return .json(Entities.mode(try registry.mode(subject: subject, defaultToGlobal: query.flag("defaultToGlobal"))))
        case (.mode(let subject), "PUT"):
            let mode = try RequestBodies.mode(request.body)
            return .json(Entities.mode(try registry.setMode(subject: subject, mode, force: query.flag("force"))))
        case (.mode(let subject), _):
            return .json(Entities.mode(try registry.deleteMode(subject: subject)))
        }
    }

    private func health() -> HTTPResponse {
        do throws(RegistryError) {
            try healthProbe?.check()
            return .json(["status": "UP", "database": "ok"])
        } catch {
            logger.error("health check failed: \(error)")
            return .json(["status": "DOWN", "database": .string(error.message)], status: 503)
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

    /// The schema in the `format` asked for: `resolved` inlines what its references define; any other value is the
    /// schema as stored, as Confluent ignores formats it does not know.
    /// `referenceFormat=qualified` writes the references of a schema of a named context with their context.
    private func formatted(_ schema: StoredSchema, _ query: Query) throws(RegistryError) -> StoredSchema {
        var result = schema
        if query.string("format")?.lowercased() == "resolved" { result.schema = try registry.resolvedText(of: schema) }
        if query.string("referenceFormat") == "qualified" {
            result.references = schema.references.map { reference in
                var qualified = reference
                qualified.subject = StoredSchema.qualify(reference.subject, in: schema.context)
                return qualified
            }
        }
        return result
    }

    private func rawSchema(_ schema: StoredSchema) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: schemaRegistryMediaType, body: Array(schema.schema.utf8))
    }

    /// Serves a successful answer from `cache`, computing it once.
    private func cached<Key>(_ cache: ResponseCache<Key>, _ key: Key, _ compute: () throws -> HTTPResponse) throws -> HTTPResponse {
        let (hit, generation) = cache.lookUp(key)
        if let hit { return hit }
        let response = try compute().sharingBody()
        cache.store(response, for: key, computedAt: generation)
        return response
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
extension RegistryAPI {
    /// `key` and `value` of `GET /subjects/{subject}/metadata`, paired in order (extra ones of either are ignored).
    fileprivate static func metadataFilter(_ query: Query) -> [String: String] {
        let keys = query.lists["key"] ?? [], values = query.lists["value"] ?? []
        return Dictionary(zip(keys, values), uniquingKeysWith: { _, last in last })
    }
}

private struct Query {
    let parameters: [String: String]
    let lists: [String: [String]]

    init(_ parameters: [String: String], lists: [String: [String]]) {
        self.parameters = parameters
        self.lists = lists
    }

    func string(_ name: String) -> String? { parameters[name] }

    /// `Boolean.valueOf`: true only for "true" in any case (Python clients send "True").
    func flag(_ name: String) -> Bool { parameters[name]?.lowercased() == "true" }

    func int(_ name: String) -> Int? { parameters[name].flatMap { Int32($0) }.map(Int.init) }

    /// `offset` and `limit` (-1, the default, is no limit), applied to a listing.
    func page<Item>(_ items: [Item]) -> [Item] {
        let start = min(max(int("offset") ?? 0, 0), items.count)
        let limit = int("limit") ?? -1
        return Array(limit < 0 ? items[start...] : items[start..<min(items.count, start + limit)])
    }
}
