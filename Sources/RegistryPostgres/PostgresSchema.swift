/// The registry's tables in PostgreSQL and their migrations, numbered in a `schema_version` table.
///
/// The tables hold what the SQLite store's do, with the same keys and the same JSON text columns, so that a copy
/// between the two moves rows unchanged. Several registry nodes may start at once against one database: each
/// migrates under one transaction-scoped advisory lock, so exactly one of them creates or upgrades the tables and
/// the others then find them current.
///
/// Migration 2 adds the change log that nodes sharing the database follow (`PostgresRegistryStore`): one entry per
/// commit, numbered in commit order, holding that commit's changes as JSON.
enum PostgresSchema {
    /// The version this build writes.
    static let version = migrations.count

    /// The advisory lock key of migrations: "SCHEMARG" in ASCII, unlikely to meet another application's key.
    static let migrationLock: Int64 = 0x5343_4845_4D41_5247

    /// Migration n (from 1) brings the tables from version n - 1 to n.
    static let migrations = [
        """
        CREATE TABLE schemas (
            context TEXT NOT NULL,
            id BIGINT NOT NULL,
            guid TEXT NOT NULL,
            schema_type TEXT NOT NULL,
            schema TEXT NOT NULL,
            refs TEXT NOT NULL,
            metadata TEXT,
            rule_set TEXT,
            PRIMARY KEY (context, id)
        );
        -- Not unique: an imported schema may hold the same content under several ids.
        CREATE INDEX schemas_by_guid ON schemas (context, guid);
        CREATE TABLE versions (
            subject TEXT NOT NULL,
            version INTEGER NOT NULL,
            schema_id BIGINT NOT NULL,
            deleted BOOLEAN NOT NULL,
            PRIMARY KEY (subject, version)
        );
        CREATE TABLE configs (scope TEXT PRIMARY KEY, compatibility TEXT, normalize BOOLEAN);
        CREATE TABLE modes (scope TEXT PRIMARY KEY, mode TEXT NOT NULL);
        -- The highest id ever issued per context, kept when its schema is deleted so that ids are never reused.
        CREATE TABLE contexts (context TEXT PRIMARY KEY, max_schema_id BIGINT NOT NULL);
        """,
        """
        CREATE TABLE changes (
            seq BIGINT PRIMARY KEY,
            token TEXT NOT NULL,
            entry TEXT NOT NULL,
            committed_at TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        """,
    ]

    /// Creates or upgrades the tables, in one transaction under the migration lock.
    static func migrate(_ connection: PostgresConnection) throws(PostgresError) {
        try connection.begin("BEGIN")
        do throws(PostgresError) {
            try connection.run("SELECT pg_advisory_xact_lock($1)", [String(migrationLock)])
            // Checked rather than `CREATE TABLE IF NOT EXISTS`, which a read-only database refuses even when the table is there.
            var exists = false
            try connection.run("SELECT to_regclass('schema_version') IS NOT NULL") { row in exists = row.bool(0) ?? false }
            if !exists { try connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)") }
            var current = 0
            try connection.run("SELECT coalesce(max(version), 0) FROM schema_version") { row in current = row.integer(0) }
            guard current <= version else {
                throw PostgresError(
                    sqlState: "22023",
                    message: "the database has schema version \(current); this build knows only up to \(version)")
            }
            if current < version {
                for migration in migrations[current...] { try connection.execute(migration) }
                try connection.execute("DELETE FROM schema_version")
                try connection.run("INSERT INTO schema_version (version) VALUES ($1)", [String(version)])
            }
            try connection.execute("COMMIT")
        } catch {
            connection.rollback()
            throw error
        }
    }
}
