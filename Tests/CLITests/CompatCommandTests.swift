import Foundation
import TestSupport
import Testing

/// `schema-registry compat` run as a user would run it: the built binary, real files.
@Suite("schema-registry compat")
struct CompatCommandTests {
    private func example(_ name: String) -> String { repositoryRoot.appendingPathComponent("schemas/\(name)").path }

    private func jsonObject(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A fresh folder holding the given files.
    private func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("compat-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    @Test("a compatible new version exits 0 and says what it was checked against")
    func compatible() throws {
        let result = try runCLI(["compat", example("order-v3.avsc"), example("order-v2.avsc"), example("order-v1.avsc"),
                                 "--level", "FULL_TRANSITIVE"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("compatible with"))
        #expect(result.stdout.contains("order-v1.avsc"))
        #expect(result.stdout.contains("FULL_TRANSITIVE"))
    }

    @Test("an incompatible new version exits 1 and lists every incompatibility with its location")
    func incompatible() throws {
        let result = try runCLI(["compat", example("order-breaking.avsc"), example("order-v3.avsc")])
        #expect(result.status == 1)
        #expect(result.stdout.contains("INCOMPATIBLE under BACKWARD"))
        for expected in ["at /fields/2/type: reader type: STRING not compatible with writer type: DOUBLE",
                         "at /fields/3/type/symbols: reader enum lacks writer symbols [SHIPPED]",
                         "at /fields/7: reader field 'priority' is missing from the writer"] {
            #expect(result.stdout.contains(expected), "\(expected)")
        }
        #expect(result.stderr.isEmpty)
    }

    @Test("--json prints the level, the versions compared and each failure with its incompatibilities")
    func json() throws {
        let result = try runCLI(["compat", example("order-breaking.avsc"), example("order-v3.avsc"), example("order-v2.avsc"),
                                 "--level", "full", "--json"])
        #expect(result.status == 1)
        let object = try jsonObject(result.stdout)
        #expect(object["compatible"] as? Bool == false)
        #expect(object["level"] as? String == "FULL")
        let check = try #require((object["checks"] as? [[String: Any]])?.first)
        #expect(check["against"] as? [String] == [example("order-v3.avsc")])
        let failures = try #require(check["failures"] as? [[String: Any]])
        #expect(failures.map { $0["direction"] as? String } == ["forward", "backward"])
        let backward = try #require(failures.last?["incompatibilities"] as? [[String: Any]])
        #expect(Set(backward.compactMap { $0["type"] as? String })
            == ["TYPE_MISMATCH", "MISSING_ENUM_SYMBOLS", "READER_FIELD_MISSING_DEFAULT_VALUE"])
        let missing = try #require(backward.first { $0["type"] as? String == "READER_FIELD_MISSING_DEFAULT_VALUE" })
        #expect(missing["location"] as? String == "/fields/7")
        #expect(missing["detail"] as? String == "priority")
    }

    @Test("--reader and --writer check one raw pair")
    func readerWriter() throws {
        let reader = example("order-v1.avsc"), writer = example("order-v3.avsc")
        let compatible = try runCLI(["compat", "--reader", reader, "--writer", writer, "--json"])
        #expect(compatible.status == 0)
        #expect(try jsonObject(compatible.stdout)["compatible"] as? Bool == true)
        let incompatible = try runCLI(["compat", "--reader", example("order-breaking.avsc"), "--writer", writer])
        #expect(incompatible.status == 1)
        #expect(incompatible.stdout.contains("cannot read data written with"))
    }

    @Test("a directory is a history in name order, numbers by value; each version is checked against the ones before it")
    func history() throws {
        func version(_ fields: String) -> String { #"{"type":"record","name":"R","fields":[\#(fields)]}"# }
        let directory = try folder([
            "v1.avsc": version(#"{"name":"a","type":"int"}"#),
            "v2.avsc": version(#"{"name":"a","type":"int"},{"name":"b","type":"int","default":0}"#),
            // v10 sorts after v2 only by value; it breaks against v2 alone (b changed type).
            "v10.avsc": version(#"{"name":"a","type":"int"},{"name":"b","type":"string","default":""}"#),
            "notes.txt": "not a schema",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runCLI(["compat", directory.path, "--json"])
        #expect(result.status == 1)
        let checks = try #require(try jsonObject(result.stdout)["checks"] as? [[String: Any]])
        #expect(checks.compactMap { ($0["schema"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } }
            == ["v1.avsc", "v2.avsc", "v10.avsc"])
        #expect(checks.map { $0["compatible"] as? Bool } == [true, true, false])
        #expect(checks.map { ($0["against"] as? [String])?.count } == [0, 1, 1])

        let glob = try runCLI(["compat", directory.path + "/v?.avsc"])
        #expect(glob.status == 0, "\(glob.stdout)\(glob.stderr)")
    }

    @Test("a directory or glob of previous versions counts newest first")
    func previousVersionsFromGlob() throws {
        let result = try runCLI(["compat", example("order-v3.avsc"), repositoryRoot.path + "/schemas/order-v[12].avsc", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let check = try #require((try jsonObject(result.stdout)["checks"] as? [[String: Any]])?.first)
        #expect(check["against"] as? [String] == [example("order-v2.avsc")])
    }

    @Test("--previous takes a directory, a glob or a file; previous versions count newest first, after positional ones")
    func previousOption() throws {
        let directory = try folder([:])
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["order-v1.avsc", "order-v2.avsc"] {
            try FileManager.default.copyItem(atPath: example(name), toPath: directory.appendingPathComponent(name).path)
        }
        let result = try runCLI(["compat", example("order-v3.avsc"), "--previous", directory.path, "--level", "FULL_TRANSITIVE", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let check = try #require((try jsonObject(result.stdout)["checks"] as? [[String: Any]])?.first)
        #expect(check["against"] as? [String] == ["order-v2.avsc", "order-v1.avsc"].map { directory.appendingPathComponent($0).path })
        let mixed = try runCLI(["compat", example("order-breaking.avsc"), example("order-v3.avsc"), "--previous", example("order-v1.avsc"),
                                "--level", "BACKWARD_TRANSITIVE", "--json"])
        #expect(mixed.status == 1)
        let mixedCheck = try #require((try jsonObject(mixed.stdout)["checks"] as? [[String: Any]])?.first)
        #expect(mixedCheck["against"] as? [String] == [example("order-v3.avsc"), example("order-v1.avsc")])
    }

    @Test("@list.txt stands for the paths it lists, in order, as if given on the command line")
    func fileList() throws {
        let directory = try folder(["list.txt": [example("order-v3.avsc"), "# previous versions, newest first", "",
                                                 example("order-v2.avsc"), "  " + example("order-v1.avsc") + "  "].joined(separator: "\n")])
        defer { try? FileManager.default.removeItem(at: directory) }
        let list = "@" + directory.appendingPathComponent("list.txt").path
        let result = try runCLI(["compat", list, "--level", "FULL_TRANSITIVE", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let check = try #require((try jsonObject(result.stdout)["checks"] as? [[String: Any]])?.first)
        #expect(check["schema"] as? String == example("order-v3.avsc"))
        #expect(check["against"] as? [String] == [example("order-v2.avsc"), example("order-v1.avsc")])
        let asPrevious = try runCLI(["compat", example("order-breaking.avsc"), "--previous", list])
        #expect(asPrevious.status == 1)
        let missing = try runCLI(["compat", example("order-v3.avsc"), "@" + directory.appendingPathComponent("absent.txt").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("absent.txt: cannot read the file list"))
    }

    @Test("many versions are read in parallel; the first bad file in order is the one reported")
    func manyVersions() throws {
        func version(_ number: Int) -> String {
            #"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"f\#(number)","type":["null","int"],"default":null}]}"#
        }
        var files: [String: String] = [:]
        for number in 1...200 { files["v\(number).avsc"] = version(number) }
        let directory = try folder(files)
        defer { try? FileManager.default.removeItem(at: directory) }
        let new = directory.appendingPathComponent("v200.avsc").path
        let all = (1...199).reversed().map { directory.appendingPathComponent("v\($0).avsc").path }
        let result = try runCLI(["compat", new] + all + ["--level", "FULL_TRANSITIVE", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let check = try #require((try jsonObject(result.stdout)["checks"] as? [[String: Any]])?.first)
        #expect(check["against"] as? [String] == all)
        try "{bad".write(toFile: directory.appendingPathComponent("v150.avsc").path, atomically: true, encoding: .utf8)
        try #"{"type":"record","name":"R","fields":[{"name":"a","type":"Missing"}]}"#
            .write(toFile: directory.appendingPathComponent("v20.avsc").path, atomically: true, encoding: .utf8)
        let bad = try runCLI(["compat", new, "--previous", directory.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("v150.avsc: invalid schema"), "\(bad.stderr)")
    }

    @Test("usage errors exit 2 with a message on stderr", arguments: [
        ["compat"],
        ["compat", "--no-such-option", "a.avsc", "b.avsc"],
        ["compat", "a.avsc", "b.avsc", "--level", "SIDEWAYS"],
        ["compat", "a.avsc", "b.avsc", "--level"],
        ["compat", "--reader", "a.avsc"],
        ["compat", "--reader", "a.avsc", "--writer", "b.avsc", "--previous", "c.avsc"],
        ["compat", "a.avsc", "--previous"],
        ["compat", "a.avsc", "--registry", "http://127.0.0.1:1"],
        ["compat", "a.avsc", "--registry", "not a url", "--subject", "s"],
    ])
    func usageErrors(arguments: [String]) throws {
        let result = try runCLI(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stdout.isEmpty)
    }

    @Test("an unreadable file or an invalid schema exits 2 and says which file and why")
    func badInput() throws {
        let directory = try folder(["invalid.avsc": #"{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}"#,
                                    "garbage.avsc": "{not json"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try runCLI(["compat", example("order-v2.avsc"), directory.appendingPathComponent("absent.avsc").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("absent.avsc: cannot read the file"))
        for name in ["invalid.avsc", "garbage.avsc"] {
            let result = try runCLI(["compat", directory.appendingPathComponent(name).path, example("order-v1.avsc")])
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(name): invalid schema"))
            #expect(!result.stderr.contains("Fatal error"))
        }
    }

    @Test("--help describes the command and exits 0")
    func help() throws {
        let result = try runCLI(["compat", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--reader"))
        #expect(result.stdout.contains("Exit status"))
    }
}
