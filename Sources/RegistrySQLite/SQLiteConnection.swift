import CSQLite
import RegistryCore

/// One SQLite connection with prepared statements cached by SQL text. Not thread-safe: the store serializes use.
final class SQLiteConnection {
    private let db: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    init(path: String) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            let code = handle.map { sqlite3_extended_errcode($0) } ?? rc
            sqlite3_close_v2(handle)
            throw SQLiteError(resultCode: code, message: "cannot open \(path): \(message)")
        }
        db = handle
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5_000)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(db)
    }

    /// The connection's last error, with the statement it came from.
    private func lastError(_ sql: String) -> SQLiteError {
        SQLiteError(resultCode: sqlite3_extended_errcode(db), message: String(cString: sqlite3_errmsg(db)), sql: sql)
    }

    /// Runs SQL without parameters (schema changes, pragmas, transaction control).
    func execute(_ sql: String) throws(SQLiteError) {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &error) == SQLITE_OK else {
            var failure = lastError(sql)
            if let error { failure = SQLiteError(resultCode: failure.resultCode, message: String(cString: error), sql: sql) }
            sqlite3_free(error)
            throw failure
        }
    }

    /// Runs one statement with bound parameters, calling `row` for each result row.
    func run(_ sql: String, _ parameters: [SQLiteValue] = [], row: (Row) throws(SQLiteError) -> Void = { _ in }) throws(SQLiteError) {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, parameter) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32 =
                switch parameter {
                case .null: sqlite3_bind_null(statement, index)
                case .integer(let value): sqlite3_bind_int64(statement, index, Int64(value))
                case .text(let value): sqlite3_bind_text(statement, index, value, Int32(value.utf8.count), csqlite_transient())
                }
            guard rc == SQLITE_OK else { throw lastError(sql) }
        }
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw lastError(sql) }
            try row(Row(statement: statement))
        }
    }

    /// Copies the whole database into the file at `path` with SQLite's online backup API: a consistent snapshot,
    /// taken while other connections (a running server) keep reading and writing.
    func backup(to path: String) throws(SQLiteError) {
        let target = try SQLiteConnection(path: path)
        guard let backup = sqlite3_backup_init(target.db, "main", db, "main") else { throw target.lastError("backup") }
        let stepped = sqlite3_backup_step(backup, -1)
        let finished = sqlite3_backup_finish(backup)
        guard stepped == SQLITE_DONE, finished == SQLITE_OK else { throw target.lastError("backup") }
    }

    /// The single integer a query returns.
    func integer(_ sql: String) throws(SQLiteError) -> Int {
        var value = 0
        try run(sql) { row in value = row.integer(0) }
        return value
    }

    private func prepared(_ sql: String) throws(SQLiteError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement
        else { throw lastError(sql) }
        statements[sql] = statement
        return statement
    }

    struct Row: StoredRow {
        let statement: OpaquePointer

        func integer(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }

        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

        func text(_ column: Int32) -> String? {
            guard let bytes = sqlite3_column_text(statement, column) else { return nil }
            let count = Int(sqlite3_column_bytes(statement, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }
    }
}

/// A bound parameter.
enum SQLiteValue {
    case null
    case integer(Int)
    case text(String)
}
