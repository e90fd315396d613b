import RegistryCore

/// A failed PostgreSQL call, kept whole as `SQLiteError` keeps SQLite's: the SQLSTATE, the server's (or libpq's)
/// message and the statement.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The five-character SQLSTATE, e.g. `40001`. libpq's own failures (a refused or lost connection) carry none;
    /// they get the standard connection codes `08001` (cannot connect) and `08006` (connection lost).
    public let sqlState: String
    public let message: String
    public let statement: String?

    public init(sqlState: String, message: String, statement: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.statement = statement
    }

    static let cannotConnect = "08001"
    static let connectionLost = "08006"

    /// A stored value this build cannot read: damage, or a writer that is not this registry.
    static func corrupt(_ message: String) -> PostgresError { PostgresError(sqlState: "XX001", message: message) }

    public var description: String { statement.map { "\(message) [\(sqlState)] in `\($0)`" } ?? "\(message) [\(sqlState)]" }

    /// The failure as the registry sees it; `doing` says what the store was at, e.g. "writing to postgresql://...".
    public func storageFailure(_ doing: String) -> StorageFailure {
        StorageFailure(kind: kind, backend: "PostgreSQL", code: sqlState, message: "\(doing) failed: \(message)", statement: statement)
    }

    /// What the SQLSTATE means for the registry (the classes of PostgreSQL's Appendix A, "Error Codes").
    public var kind: StorageFailure.Kind {
        switch sqlState {
        // serialization_failure, deadlock_detected, lock_not_available: another transaction won; a retry may not.
        case "40001", "40P01", "55P03": .busy
        // admin_shutdown, crash_shutdown, cannot_connect_now (starting up or recovering); too_many_connections.
        case "57P01", "57P02", "57P03", "53300": .unavailable
        // disk_full; insufficient_resources and out_of_memory pass by themselves less often than they need an operator.
        case "53100": .full
        // read_only_sql_transaction: a hot standby, or default_transaction_read_only.
        case "25006": .readOnly
        // data_corrupted, index_corrupted.
        case "XX001", "XX002": .corrupt
        default:
            switch sqlState.prefix(2) {
            case "08": .unavailable  // connection exceptions
            case "23": .constraint  // integrity constraint violations
            default: .other
            }
        }
    }
}
