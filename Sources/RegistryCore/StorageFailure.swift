/// Why a store could not do what was asked, kept with the backend's own code, statement and message so that
/// a full disk, a busy database and a corrupt file stay apart in code, in answers and in logs.
///
/// Stores decide only the `kind` of their backend's codes; what each kind means for a client is the registry's
/// rule (`RegistryError.storeFailure(_:)`).
public struct StorageFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Another writer holds a lock past the wait, or a transaction lost a serialization race: worth a retry.
        case busy
        /// The database cannot be reached or opened right now (connection refused or lost, server shutting down).
        case unavailable
        /// No room left: a full disk, a file-size limit, a quota.
        case full
        /// The database or its files refuse writes.
        case readOnly
        /// The database file or its data is damaged.
        case corrupt
        /// A stored row broke a constraint: a concurrent writer outside this registry, or a bug.
        case constraint
        case other
    }

    public let kind: Kind
    /// `SQLite` or `PostgreSQL`.
    public let backend: String
    /// The backend's code: SQLite's extended result code name and number, or PostgreSQL's SQLSTATE.
    public let code: String
    /// The backend's message.
    public let message: String
    /// The statement that failed, when there was one.
    public let statement: String?

    public init(kind: Kind, backend: String, code: String, message: String, statement: String? = nil) {
        self.kind = kind
        self.backend = backend
        self.code = code
        self.message = message
        self.statement = statement
    }

    /// What clients read: the backend's message, with its code.
    public var summary: String { "\(message) (\(backend) \(code))" }

    /// What logs read: the summary and the statement.
    public var description: String {
        statement.map { "\(summary) in `\($0)`" } ?? summary
    }
}
