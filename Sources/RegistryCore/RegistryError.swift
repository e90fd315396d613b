import RegistryModel

/// A failed registry operation, carrying Confluent's error code and message.
///
/// `code` is what clients switch on (`40401`, `42201`, ...); the HTTP status is derived from it
/// the way Confluent's exception classes derive theirs.
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: Int
    public let message: String
    /// 404, 409, 422 or 500: a five-digit code starts with its status, except for a store that is busy or out
    /// of reach, which answers 503 so that clients and load balancers try again.
    public let httpStatus: Int
    /// Seconds after which the same request may succeed; set for failures that pass by themselves.
    public let retryAfterSeconds: Int?
    /// The storage failure behind a 5xx, kept whole for logs and for callers that act on its kind.
    public let storage: StorageFailure?

    public init(code: Int, message: String) {
        self.init(code: code, message: message, httpStatus: code >= 10_000 ? code / 100 : code)
    }

    init(code: Int, message: String, httpStatus: Int, retryAfterSeconds: Int? = nil, storage: StorageFailure? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfterSeconds = retryAfterSeconds
        self.storage = storage
    }

    public var description: String {
        storage.map { "\(code): \(message) [\($0)]" } ?? "\(code): \(message)"
    }
}

extension RegistryError {
    static func subjectNotFound(_ subject: String) -> RegistryError {
        RegistryError(code: 40401, message: "Subject '\(subject)' not found.")
    }

    static func versionNotFound(_ version: VersionSelector) -> RegistryError {
        let text = switch version {
        case .latest: "latest"
        case .number(let number): String(number)
        }
        return RegistryError(code: 40402, message: "Version \(text) not found.")
    }

    static let schemaNotFound = RegistryError(code: 40403, message: "Schema not found")

    static func schemaNotFound(_ key: String) -> RegistryError {
        RegistryError(code: 40403, message: "Schema \(key) not found")
    }

    static func subjectSoftDeleted(_ subject: String) -> RegistryError {
        RegistryError(code: 40404, message: "Subject '\(subject)' was soft deleted.Set permanent=true to delete permanently")
    }

    static func subjectNotSoftDeleted(_ subject: String) -> RegistryError {
        RegistryError(code: 40405, message: "Subject '\(subject)' was not deleted first before being permanently deleted")
    }

    static func versionSoftDeleted(_ subject: String, _ version: Int) -> RegistryError {
        RegistryError(
            code: 40406,
            message: "Subject '\(subject)' Version \(version) was soft deleted.Set permanent=true to delete permanently")
    }

    static func versionNotSoftDeleted(_ subject: String, _ version: Int) -> RegistryError {
        RegistryError(
            code: 40407,
            message: "Subject '\(subject)' Version \(version) was not deleted first before being permanently deleted")
    }

    static func subjectConfigNotFound(_ subject: String) -> RegistryError {
        RegistryError(code: 40408, message: "Subject '\(subject)' does not have subject-level compatibility configured")
    }

    static func subjectModeNotFound(_ subject: String) -> RegistryError {
        RegistryError(code: 40409, message: "Subject '\(subject)' does not have subject-level mode configured")
    }

    static func incompatible(_ subject: String, details: [String]) -> RegistryError {
        RegistryError(
            code: 40901,
            message: "Schema being registered is incompatible with an earlier schema for subject \"\(subject)\", details: ["
                + details.joined(separator: ", ") + "]")
    }

    static func invalidSchema(_ message: String) -> RegistryError {
        RegistryError(code: 42201, message: message)
    }

    static func invalidVersion(_ text: String) -> RegistryError {
        RegistryError(
            code: 42202,
            message: "The specified version '\(text)' is not a valid version id. "
                + "Allowed values are between [1, 2^31-1] and the string \"latest\"")
    }

    static let invalidCompatibilityLevel = RegistryError(
        code: 42203,
        message: "Invalid compatibility level. Valid values are none, backward, forward, full, "
            + "backward_transitive, forward_transitive, and full_transitive")

    static let invalidMode = RegistryError(
        code: 42204, message: "Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT.")

    static func operationNotPermitted(_ message: String) -> RegistryError {
        RegistryError(code: 42205, message: message)
    }

    static func referenceExists(_ subject: String, _ version: Int) -> RegistryError {
        RegistryError(
            code: 42206,
            message: "One or more references exist to the schema {subject=\(subject),version=\(version)}.")
    }

    static func invalidSubject(_ subject: String) -> RegistryError {
        RegistryError(code: 42208, message: "The specified subject '\(subject)' is not a valid.")
    }

    /// A storage failure: nothing of the request was applied. Confluent's codes: 50002 when the store timed out
    /// waiting (busy), 50001 for every other backend failure. Busy and unreachable stores answer 503 with a
    /// retry hint; a full, read-only or corrupt one 500, since waiting will not mend it.
    public static func storeFailure(_ failure: StorageFailure) -> RegistryError {
        switch failure.kind {
        case .busy:
            RegistryError(
                code: 50002, message: "Operation timed out - the backend data store is busy: \(failure.summary)",
                httpStatus: 503, retryAfterSeconds: 1, storage: failure)
        case .unavailable:
            RegistryError(
                code: 50001, message: "Error in the backend data store - \(failure.summary)", httpStatus: 503,
                retryAfterSeconds: 1, storage: failure)
        case .full, .readOnly, .corrupt, .constraint, .other:
            RegistryError(
                code: 50001, message: "Error in the backend data store - \(failure.summary)", httpStatus: 500,
                storage: failure)
        }
    }

    /// A failure of the registry's own bookkeeping around the store: nothing of the request was applied.
    public static func storeFailure(_ detail: String) -> RegistryError {
        RegistryError(code: 50001, message: "Error in the backend data store - \(detail)")
    }
}
