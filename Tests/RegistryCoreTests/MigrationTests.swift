import Foundation
import RegistryCore
import RegistryModel
@testable import RegistrySQLite
import Testing

/// A database written by an earlier release opens, migrates and keeps everything.
@Suite struct MigrationTests {
    @Test func aVersion1DatabaseMovesToPerContextIds() throws {
        let database = TempDatabase()
        defer { database.remove() }
        do {
            // The schema release 1 wrote, with a registration and a hard-deleted id 2.
            try FileManager.default.createDirectory(
                atPath: (database.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let connection = try SQLiteConnection(path: database.path)
            try connection.execute(
                """
                CREATE TABLE schemas (id INTEGER PRIMARY KEY, guid TEXT NOT NULL UNIQUE, schema_type TEXT NOT NULL,
                    schema TEXT NOT NULL, refs TEXT NOT NULL, metadata TEXT, rule_set TEXT);
                CREATE TABLE versions (subject TEXT NOT NULL, version INTEGER NOT NULL, schema_id INTEGER NOT NULL,
                    deleted INTEGER NOT NULL, PRIMARY KEY (subject, version)) WITHOUT ROWID;
                CREATE TABLE configs (scope TEXT PRIMARY KEY, compatibility TEXT, normalize INTEGER) WITHOUT ROWID;
                CREATE TABLE modes (scope TEXT PRIMARY KEY, mode TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO counters (name, value) VALUES ('max_schema_id', 2);
                INSERT INTO schemas VALUES (1, 'guid-1', 'AVRO', '"string"', '[]', NULL, NULL);
                INSERT INTO versions VALUES ('s', 1, 1, 0);
                PRAGMA user_version = 1;
                """)
        }
        let contents = try SQLiteRegistryStore(path: database.path).loadAll()
        #expect(contents.schemas == [StoredSchema(id: 1, context: ".", guid: "guid-1", schema: #""string""#)])
        #expect(contents.versions == [StoredVersion(subject: "s", version: 1, schemaId: 1, deleted: false)])
        #expect(contents.maxSchemaIds == [".": 2])
        let registry = try database.open()
        // Id 2 was issued before the migration: the next schema gets 3.
        #expect(try registry.register(subject: "t", request(#""int""#), normalize: false).schema.id == 3)
    }
}
