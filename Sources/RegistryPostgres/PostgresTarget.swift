import CPostgres

/// Where a PostgreSQL store lives: a `postgresql://` (or `postgres://`) URI as libpq reads it, and how to name it
/// in messages and logs without its password.
public struct PostgresTarget: Sendable, CustomStringConvertible {
    public let uri: String
    /// `postgresql://USER@HOST:PORT/DBNAME`, from the URI's own parts; what it leaves out comes from libpq's
    /// defaults and environment (`PGHOST`, `PGPASSWORD`...).
    public let description: String

    /// Whether `text` names a PostgreSQL database rather than a file.
    public static func isURI(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Reads the URI's parts; throws (SQLSTATE 22023, invalid parameter value) when libpq cannot parse it.
    public init(uri: String) throws(PostgresError) {
        self.uri = uri
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(uri, &error) else {
            let reason = error.map { String(cString: $0).trimmingSuffix(while: \.isNewline) } ?? "out of memory"
            PQfreemem(error)
            throw PostgresError(sqlState: "22023", message: "not a usable PostgreSQL URI: \(reason)")
        }
        defer { PQconninfoFree(options) }
        var parts: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { parts[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        let user = parts["user"].map { "\($0)@" } ?? ""
        let host = parts["host"] ?? parts["hostaddr"] ?? ""
        let port = parts["port"].map { ":\($0)" } ?? ""
        description = "postgresql://\(user)\(host)\(port)/\(parts["dbname"] ?? "")"
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = self
        while let last = text.last, predicate(last) { text.removeLast() }
        return text
    }
}
