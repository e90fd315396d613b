/// A failure talking to a schema registry.
///
/// Server errors carry the registry's `error_code` and `message` (for example 40403, "Schema 7 not found") and
/// the HTTP status; failures below HTTP (no server reachable, timeout) and unreadable responses have their own kinds.
public struct SchemaRegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The registry answered with an error body (`{"error_code": …, "message": …}`) or an error status.
        case server
        /// No configured URL could be reached (connection refused, DNS failure, TLS failure).
        case transport
        /// The request took longer than the configured timeout.
        case timeout
        /// The registry answered with a body that is not what the API promises (`errorCode` 50005, as in the Java client).
        case invalidResponse
        /// The configuration or an argument cannot be used (no URL, a malformed property value).
        case invalidConfiguration
        /// A registered schema cannot be used here: not Avro, not valid, or its references nest too deeply.
        case unusableSchema
    }

    public let kind: Kind
    /// Confluent's error code: the body's `error_code` for server errors, 50005 for an unreadable response,
    /// and -1 for failures that never reached a registry.
    public let errorCode: Int
    public let message: String
    /// The HTTP status, when a response was received.
    public let httpStatus: Int?

    public init(kind: Kind, errorCode: Int, message: String, httpStatus: Int? = nil) {
        self.kind = kind
        self.errorCode = errorCode
        self.message = message
        self.httpStatus = httpStatus
    }

    public var description: String {
        switch kind {
        case .server: "schema registry error \(errorCode) (HTTP \(httpStatus ?? 0)): \(message)"
        case .transport: "schema registry unreachable: \(message)"
        case .timeout: "schema registry request timed out: \(message)"
        case .invalidResponse: "invalid schema registry response: \(message)"
        case .invalidConfiguration: "invalid schema registry configuration: \(message)"
        case .unusableSchema: "unusable schema: \(message)"
        }
    }

    /// True for the registry's "not found" answers (HTTP 404: unknown subject, version, schema or id).
    public var isNotFound: Bool { kind == .server && httpStatus == 404 }
}

extension SchemaRegistryError {
    /// Confluent error codes a caller commonly branches on (see the Confluent `Errors` class).
    public enum Code {
        public static let subjectNotFound = 40401
        public static let versionNotFound = 40402
        public static let schemaNotFound = 40403
        public static let subjectSoftDeleted = 40404
        public static let subjectNotSoftDeleted = 40405
        public static let subjectCompatibilityNotConfigured = 40408
        /// Current servers answer 40901; servers before 8.0.4 answer 409.
        public static let incompatibleSchema = 40901
        public static let invalidSchema = 42201
        public static let invalidVersion = 42202
        public static let invalidCompatibilityLevel = 42203
        public static let operationNotPermitted = 42205
        public static let referenceExists = 42206
        public static let invalidSubject = 42208
        /// Client-side only: the response could not be parsed.
        public static let invalidResponse = 50005
        /// Client-side only: no registry was reached.
        public static let noResponse = -1
    }

    static func configuration(_ message: String) -> SchemaRegistryError {
        SchemaRegistryError(kind: .invalidConfiguration, errorCode: Code.noResponse, message: message)
    }

    static func unusableSchema(_ message: String) -> SchemaRegistryError {
        SchemaRegistryError(kind: .unusableSchema, errorCode: Code.invalidSchema, message: message)
    }

    static func invalidResponse(_ message: String, status: Int?) -> SchemaRegistryError {
        SchemaRegistryError(kind: .invalidResponse, errorCode: Code.invalidResponse, message: message, httpStatus: status)
    }
}
