import CSQLite
import RegistryCore

/// A failed SQLite call, kept whole as GRDB's `DatabaseError` keeps it: the extended result code, SQLite's
/// message and the statement.
struct SQLiteError: Error, CustomStringConvertible {
    /// The extended result code (`sqlite3_extended_result_codes` is on), e.g. `SQLITE_IOERR_WRITE`.
    let resultCode: Int32
    let message: String
    let sql: String?

    init(resultCode: Int32, message: String, sql: String? = nil) {
        self.resultCode = resultCode
        self.message = message
        self.sql = sql
    }

    /// A stored value this build cannot read: damage, or a writer that is not this registry.
    static func corrupt(_ message: String) -> SQLiteError { SQLiteError(resultCode: SQLITE_CORRUPT, message: message) }

    /// The primary result code, which names the class of failure.
    var primaryCode: Int32 { resultCode & 0xFF }

    /// `SQLITE_FULL (13)`; extended codes show their number after the primary name, e.g. `SQLITE_IOERR (4874)`.
    var codeName: String { "\(Self.primaryNames[primaryCode] ?? "SQLITE_ERROR") (\(resultCode))" }

    var description: String { sql.map { "\(message) [\(codeName)] in `\($0)`" } ?? "\(message) [\(codeName)]" }

    /// The failure as the registry sees it; `doing` says what the store was at, e.g. "writing to /data/registry.db".
    func storageFailure(_ doing: String) -> StorageFailure {
        StorageFailure(kind: kind, backend: "SQLite", code: codeName, message: "\(doing) failed: \(message)", statement: sql)
    }

    private var kind: StorageFailure.Kind {
        switch primaryCode {
        case SQLITE_BUSY, SQLITE_LOCKED: .busy
        case SQLITE_FULL: .full
        case SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH: .readOnly
        case SQLITE_CORRUPT, SQLITE_NOTADB: .corrupt
        case SQLITE_CANTOPEN: .unavailable
        case SQLITE_CONSTRAINT: .constraint
        // A write past RLIMIT_FSIZE or a quota fails in the VFS as an I/O error; treat it as no room, which is what
        // an operator must mend, rather than as damage.
        case SQLITE_IOERR: resultCode == Self.ioErrWrite || resultCode == Self.ioErrFsync ? .full : .other
        default: .other
        }
    }

    // SQLITE_IOERR_WRITE and SQLITE_IOERR_FSYNC: macros with shifts, which Swift does not import.
    private static let ioErrWrite = SQLITE_IOERR | (3 << 8)
    private static let ioErrFsync = SQLITE_IOERR | (4 << 8)

    private static let primaryNames: [Int32: String] = [
        SQLITE_ERROR: "SQLITE_ERROR", SQLITE_INTERNAL: "SQLITE_INTERNAL", SQLITE_PERM: "SQLITE_PERM",
        SQLITE_ABORT: "SQLITE_ABORT", SQLITE_BUSY: "SQLITE_BUSY", SQLITE_LOCKED: "SQLITE_LOCKED",
        SQLITE_NOMEM: "SQLITE_NOMEM", SQLITE_READONLY: "SQLITE_READONLY", SQLITE_INTERRUPT: "SQLITE_INTERRUPT",
        SQLITE_IOERR: "SQLITE_IOERR", SQLITE_CORRUPT: "SQLITE_CORRUPT", SQLITE_NOTFOUND: "SQLITE_NOTFOUND",
        SQLITE_FULL: "SQLITE_FULL", SQLITE_CANTOPEN: "SQLITE_CANTOPEN", SQLITE_PROTOCOL: "SQLITE_PROTOCOL",
        SQLITE_SCHEMA: "SQLITE_SCHEMA", SQLITE_TOOBIG: "SQLITE_TOOBIG", SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT",
        SQLITE_MISMATCH: "SQLITE_MISMATCH", SQLITE_MISUSE: "SQLITE_MISUSE", SQLITE_NOLFS: "SQLITE_NOLFS",
        SQLITE_AUTH: "SQLITE_AUTH", SQLITE_RANGE: "SQLITE_RANGE", SQLITE_NOTADB: "SQLITE_NOTADB",
    ]
}
