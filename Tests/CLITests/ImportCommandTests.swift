import Foundation
import Testing
import TestSupport

/// `import`, `export --from URL` and `restore --to URL` between real servers over HTTP, and into databases.
@Suite struct ImportCommandTests {
    /// A running server holding every kind of state a copy must carry: a reference, metadata and a rule set, a
    /// soft-deleted version, a schema registered again after its version was soft-deleted (same id, new version),
    /// a hard-deleted id below and one above every id still held, two contexts, configs and modes at every level.
    static func populatedServer() throws -> TestServer {
        let server = try TestServer.start()
        func call(_ method: String, _ path: String, _ body: String? = nil) throws {
            let answer = try runCurl(method, server.url.absoluteString + path, body: body)
            try #require(!answer.contains("error_code"), "\(method) \(path): \(answer)")
        }
        let address = #"{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}"#
        let address2 = #"{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"city\",\"type\":\"string\"},{\"name\":\"zip\",\"type\":\"string\",\"default\":\"\"}]}"#
        let person = #"{\"type\":\"record\",\"name\":\"Person\",\"fields\":[{\"name\":\"home\",\"type\":\"Address\"}]}"#
        try call("POST", "/subjects/address/versions", #"{"schema":"\#(address)"}"#)
        try call("POST", "/subjects/person/versions", #"""
            {"schema":"\#(person)","references":[{"name":"Address","subject":"address","version":1}],
             "metadata":{"properties":{"owner":"me"}},
             "ruleSet":{"domainRules":[{"name":"check","kind":"CONDITION","type":"CEL","mode":"WRITE","expr":"true"}]}}
            """#)
        try call("POST", "/subjects/gone/versions", #"{"schema":"\"int\""}"#)
        try call("DELETE", "/subjects/gone")
        try call("DELETE", "/subjects/gone?permanent=true")
        try call("POST", "/subjects/soft/versions", #"{"schema":"\"long\""}"#)
        try call("DELETE", "/subjects/soft/versions/1")
        try call("POST", "/subjects/again/versions", #"{"schema":"\"bytes\""}"#)
        try call("DELETE", "/subjects/again/versions/1")
        try call("POST", "/subjects/again/versions", #"{"schema":"\"bytes\""}"#)
        try call("POST", "/subjects/address/versions", #"{"schema":"\#(address2)"}"#)
        try call("POST", "/subjects/:.team:orders/versions", #"{"schema":"\"string\""}"#)
        try call("POST", "/subjects/:.team:refunds/versions", #"{"schema":"\"double\""}"#)
        try call("POST", "/subjects/top/versions", #"{"schema":"\"float\""}"#)
        try call("DELETE", "/subjects/top")
        try call("DELETE", "/subjects/top?permanent=true")
        try call("PUT", "/config", #"{"compatibility":"FULL"}"#)
        try call("PUT", "/config/person", #"{"compatibility":"NONE","normalize":true}"#)
        try call("PUT", "/config/:.team:", #"{"compatibility":"BACKWARD_TRANSITIVE"}"#)
        try call("PUT", "/mode/again", #"{"mode":"READONLY"}"#)
        try call("PUT", "/mode/:.team:", #"{"mode":"READONLY"}"#)
        return server
    }

    /// Everything a registry database holds, as `export` writes it.
    static func dump(_ location: String) throws -> String {
        let result = try runCLI(["export", "--from", location, "--to", "-"])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func importIntoAServerAndIntoADatabaseCopiesEverything() throws {
        let source = try Self.populatedServer()
        let original = try Self.dump(source.dbPath)
        #expect(original.contains(#""kind":"version","subject":"again","version":1,"id":5,"deleted":true"#))
        #expect(original.contains(#""kind":"context","context":".","maxId":7"#))
        let target = try TestServer.start()
        let empty = try Self.dump(target.dbPath)

        let dryRun = try runCLI(["import", "--from", source.url.absoluteString, "--to", target.url.absoluteString, "--dry-run"])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("would register person version 1 id 2"))
        #expect(dryRun.stdout.contains("would soft-delete soft version 1"))
        #expect(try Self.dump(target.dbPath) == empty)

        let imported = try runCLI(["import", "--from", source.url.absoluteString, "--to", target.url.absoluteString])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        #expect(imported.stdout.contains("registered:           8"))
        #expect(imported.stdout.contains("id counters raised:   . to 7"))
        #expect(imported.stdout.contains("every copied id answers the same schema"))
        #expect(try Self.dump(target.dbPath) == original)

        // The imported registry goes on above the source's highest id, a hard-deleted one.
        #expect(try runCurl("POST", target.url.absoluteString + "/subjects/new/versions", body: #"{"schema":"\"boolean\""}"#)
            .contains(#""id":8"#))

        // Into a database no server uses: the same copy, in this process.
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("imported.db").path
        let intoDatabase = try runCLI(["import", "--from", source.url.absoluteString, "--to", database])
        #expect(intoDatabase.status == 0, "\(intoDatabase.stdout)\(intoDatabase.stderr)")
        #expect(try Self.dump(database) == original)

        // Again: everything is there already, nothing changes.
        let again = try runCLI(["import", "--from", source.url.absoluteString, "--to", database])
        #expect(again.status == 0 && again.stdout.contains("already there:        8"), "\(again.stdout)\(again.stderr)")
        #expect(try Self.dump(database) == original)
    }

    @Test func importIntoPostgreSQLThenFromItIntoAServer() throws {
        let source = try Self.populatedServer()
        let original = try Self.dump(source.dbPath)
        let uri = try TestPostgres.shared().createDatabase()
        let intoPostgres = try runCLI(["import", "--from", source.url.absoluteString, "--to", uri])
        #expect(intoPostgres.status == 0, "\(intoPostgres.stdout)\(intoPostgres.stderr)")
        #expect(try Self.dump(uri) == original)
        // A database can be the source too.
        let target = try TestServer.start()
        let fromPostgres = try runCLI(["import", "--from", uri, "--to", target.url.absoluteString])
        #expect(fromPostgres.status == 0, "\(fromPostgres.stdout)\(fromPostgres.stderr)")
        #expect(try Self.dump(target.dbPath) == original)
    }

    @Test func aSubjectPrefixLimitsTheCopy() throws {
        let source = try Self.populatedServer()
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("team.db").path
        let result = try runCLI(["import", "--from", source.url.absoluteString, "--to", database, "--subject-prefix", ":.team:"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let copied = try Self.dump(database)
        #expect(copied.contains(#""kind":"version","subject":":.team:orders","version":1,"id":1,"deleted":false"#))
        #expect(copied.contains(#""kind":"version","subject":":.team:refunds","version":1,"id":2,"deleted":false"#))
        #expect(copied.contains(#""kind":"config","subject":":.team:","compatibilityLevel":"BACKWARD_TRANSITIVE""#))
        #expect(copied.contains(#""kind":"mode","subject":":.team:","mode":"READONLY""#))
        #expect(!copied.contains(#""subject":"address""#) && !copied.contains(#""subject":null"#))
    }

    @Test func anInterruptedImportContinuesWhereItStopped() throws {
        let source = try Self.populatedServer()
        let original = try Self.dump(source.dbPath)
        let target = try TestServer.start()
        var environment = ProcessInfo.processInfo.environment
        environment["SCHEMA_REGISTRY_IMPORT_STOP_AFTER"] = "3"
        let stopped = try runProcess(
            schemaRegistryBinary, ["import", "--from", source.url.absoluteString, "--to", target.url.absoluteString, "--parallel", "1"],
            environment: environment)
        #expect(stopped.status == 3, "\(stopped.stderr)")
        #expect(try Self.dump(target.dbPath) != original)

        let resumed = try runCLI(["import", "--from", source.url.absoluteString, "--to", target.url.absoluteString])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("already there:        3"))
        #expect(resumed.stdout.contains("registered:           5"))
        #expect(try Self.dump(target.dbPath) == original)
    }

    @Test func exportFromAServerAndRestoreIntoAServer() throws {
        let source = try Self.populatedServer()
        let original = try Self.dump(source.dbPath)
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }

        let file = folder.appendingPathComponent("registry.export").path
        let exported = try runCLI(["export", "--from", source.url.absoluteString, "--to", file])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == original)

        let target = try TestServer.start()
        let restored = try runCLI(["restore", "--from", file, "--to", target.url.absoluteString])
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        #expect(try Self.dump(target.dbPath) == original)

        // Only into an empty registry.
        let refused = try runCLI(["restore", "--from", file, "--to", target.url.absoluteString])
        #expect(refused.status == 2 && refused.stderr.contains("already holds subjects"), "\(refused.stderr)")
        #expect(try Self.dump(target.dbPath) == original)
    }

    @Test func aSourceBehindBasicAuthIsReadWithTheCredentialsGiven() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let user = try runCLI(["passwd", "--user", "admin", "--algorithm", "sha1"], stdin: "secret\n")
        try #require(user.status == 0, "\(user.stderr)")
        let authFile = folder.appendingPathComponent("auth.json").path
        try #"{"users": [\#(user.stdout)], "permissions": [{"username": "admin", "operation": "Write", "resource": ".*"}]}"#
            .write(toFile: authFile, atomically: true, encoding: .utf8)
        let source = try TestServer.start(arguments: ["--auth-file", authFile])
        let registered = try runProcess(URL(fileURLWithPath: "/usr/bin/curl"), [
            "-s", "-u", "admin:secret", "-X", "POST", "-H", "Content-Type: application/vnd.schemaregistry.v1+json",
            "--data", #"{"schema":"\"int\""}"#, source.url.absoluteString + "/subjects/locked/versions",
        ])
        try #require(registered.stdout.contains(#""id":1"#), "\(registered.stdout)")

        let database = folder.appendingPathComponent("copy.db").path
        let refused = try runCLI(["import", "--from", source.url.absoluteString, "--to", database])
        #expect(refused.status == 2 && refused.stderr.contains("401"), "\(refused.stderr)")
        let imported = try runCLI(["import", "--from", source.url.absoluteString, "--from-basic-auth", "admin:secret", "--to", database])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        #expect(try Self.dump(database).contains(#""kind":"version","subject":"locked","version":1,"id":1,"deleted":false"#))
        let wrongSide = try runCLI(["import", "--from", source.url.absoluteString, "--to", database, "--to-basic-auth", "admin:secret"])
        #expect(wrongSide.status == 2 && wrongSide.stderr.contains("apply to a registry URL"), "\(wrongSide.stderr)")
    }

    @Test func aConflictAtTheTargetIsReportedAndNotOverwritten() throws {
        let source = try Self.populatedServer()
        let target = try TestServer.start()
        // The target's `soft` version 1 holds another schema under id 1.
        _ = try runCurl("POST", target.url.absoluteString + "/subjects/soft/versions", body: #"{"schema":"\"string\""}"#)
        let result = try runCLI(["import", "--from", source.url.absoluteString, "--to", target.url.absoluteString])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("soft version 1: the target holds id 1 there, the source id 4"))
        // The id the target gave its own schema is refused to the source's `address` (another schema with id 1).
        #expect(result.stdout.contains("address version 1 (id 1): Overwrite new schema with id 1"))
        #expect(try runCurl("GET", target.url.absoluteString + "/schemas/ids/1") .contains(#"\"string\""#))

        let unreachable = try runCLI(["import", "--from", "http://127.0.0.1:1", "--to", target.url.absoluteString])
        #expect(unreachable.status == 2 && unreachable.stderr.contains("error:"), "\(unreachable.stderr)")
    }
}
