import CPostgres
import Foundation
import RegistryCore

/// One blocking libpq connection with its statements prepared once per session, keyed by SQL text.
/// Not thread-safe: the store serializes use.
///
/// A connection found broken (the server restarted, a network failure) is re-established by the next call,
/// so a registry recovers by itself when its database comes back.
final class PostgresConnection {
    let target: PostgresTarget
    private let handle: OpaquePointer
    /// Statement names by SQL text; a new session knows none of them.
    private var prepared: [String: String] = [:]

    init(_ target: PostgresTarget) throws(PostgresError) {
        self.target = target
        // Defaults first: with expand_dbname the URI's own settings override them.
        let settings = [
            ("connect_timeout", "10"), ("client_encoding", "UTF8"), ("application_name", "schema-registry"),
            // A peer that vanishes without closing the connection is noticed in about 25 s rather than TCP's hours.
            ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
            ("dbname", target.uri),
        ]
        let connection = CStrings(settings.map(\.0) + [nil]).withPointers { keywords in
            CStrings(settings.map(\.1) + [nil]).withPointers { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection else { throw PostgresError(sqlState: PostgresError.cannotConnect, message: "out of memory") }
        handle = connection
        // libpq prints notices ("relation already exists, skipping") to stderr by default.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        // A failed init still runs deinit, which closes the handle.
        guard PQstatus(handle) == CONNECTION_OK else { throw connectFailure() }
    }

    deinit { PQfinish(handle) }

    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    /// Opens a new session when the last call left the connection broken.
    func reconnectIfBroken() throws(PostgresError) {
        guard isBroken else { return }
        prepared.removeAll()
        PQreset(handle)
        if isBroken { throw connectFailure() }
    }

    /// Starts a transaction with `sql` (`BEGIN ...`). When the server closed the idle connection since the last
    /// call (a restart, a failover), the first statement is what finds out; nothing has been done in a transaction
    /// yet, so it is safe to start again on a new session.
    func begin(_ sql: String) throws(PostgresError) {
        try reconnectIfBroken()
        do {
            try execute(sql)
        } catch {
            guard isBroken else { throw error }
            try reconnectIfBroken()
            try execute(sql)
        }
    }

    /// Ends the transaction in progress, if the connection still stands; a failure here changes nothing stored.
    func rollback() {
        guard !isBroken else { return }
        try? execute("ROLLBACK")
    }

    /// Runs SQL without parameters: transaction control and schema changes (several statements are allowed).
    func execute(_ sql: String) throws(PostgresError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql)
    }

    /// Runs one statement with parameters (`$1`, `$2`... in text form; nil is NULL), calling `row` for each result row.
    func run(_ sql: String, _ parameters: [String?] = [], row: (Row) throws(PostgresError) -> Void = { _ in }) throws(PostgresError) {
        let name = try statementName(sql)
        let result = CStrings(parameters).withPointers { values in
            PQexecPrepared(handle, name, Int32(parameters.count), values, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, sql)
        guard let result else { return }
        for index in 0..<PQntuples(result) {
            try row(Row(result: result, index: index))
        }
    }

    /// Waits up to `timeout` for a notice on a channel this session listens to; true when one (or more) came.
    func awaitNotifications(timeout: Duration) throws(PostgresError) -> Bool {
        if drainNotifications() { return true }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: timeout.components.seconds * 1_000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&descriptor, 1, milliseconds)
        guard ready > 0 else { return false }
        guard PQconsumeInput(handle) == 1, !isBroken else {
            throw PostgresError(sqlState: PostgresError.connectionLost, message: "listening failed: \(lastMessage())")
        }
        return drainNotifications()
    }

    private func drainNotifications() -> Bool {
        var found = false
        while let notice = PQnotifies(handle) {
            PQfreemem(notice)
            found = true
        }
        return found
    }

    static func sleep(_ duration: Duration) {
        let components = duration.components
        var time = timespec(tv_sec: Int(components.seconds), tv_nsec: Int(components.attoseconds / 1_000_000_000))
        _ = nanosleep(&time, nil)
    }

    private func statementName(_ sql: String) throws(PostgresError) -> String {
        if let name = prepared[sql] { return name }
        let name = "registry_\(prepared.count + 1)"
        let result = PQprepare(handle, name, sql, 0, nil)
        defer { PQclear(result) }
        try check(result, sql)
        prepared[sql] = name
        return name
    }

    private func check(_ result: OpaquePointer?, _ sql: String) throws(PostgresError) {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK else { return }
        let field = { (code: Character) -> String? in
            result.flatMap { PQresultErrorField($0, Int32(code.asciiValue!)) }.map { String(cString: $0) }
        }
        let message =
            field("M").map { primary in field("D").map { "\(primary): \($0)" } ?? primary } ?? lastMessage()
        let sqlState = field("C") ?? (isBroken ? PostgresError.connectionLost : "XX000")
        throw PostgresError(sqlState: sqlState, message: message, statement: sql)
    }

    /// libpq keeps no SQLSTATE for a failed connection attempt, even when the server sent one (a wrong password is
    /// 28P01 on the server's side); the message says which it was.
    private func connectFailure() -> PostgresError {
        PostgresError(sqlState: PostgresError.cannotConnect, message: "cannot connect: \(lastMessage())")
    }

    private func lastMessage() -> String {
        let text = PQerrorMessage(handle).map { String(cString: $0) } ?? ""
        let trimmed = text.split(whereSeparator: \.isNewline).map { $0.trimmingPrefix("FATAL:  ").trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
        return trimmed.isEmpty ? "unknown libpq failure" : trimmed
    }

    struct Row: StoredRow {
        let result: OpaquePointer
        let index: Int32

        func isNull(_ column: Int32) -> Bool { PQgetisnull(result, index, column) != 0 }

        func text(_ column: Int32) -> String? {
            guard !isNull(column), let value = PQgetvalue(result, index, column) else { return nil }
            return String(cString: value)
        }

        func integer(_ column: Int32) -> Int { text(column).flatMap { Int($0) } ?? 0 }

        /// Booleans come as `t` and `f` in text form.
        func bool(_ column: Int32) -> Bool? { text(column).map { $0 == "t" } }
    }
}

/// C strings for the duration of a call: libpq takes arrays of `const char *`, nil standing for NULL or the end.
private struct CStrings {
    let strings: [String?]

    init(_ strings: [String?]) { self.strings = strings }

    /// `body` gets nil for an empty list, which libpq accepts when the count is 0.
    func withPointers<T>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
        let copies = strings.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        return copies.map { $0.map { UnsafePointer($0) } }.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
