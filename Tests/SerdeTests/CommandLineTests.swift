import Foundation
import Testing
import TestSupport

/// `schema-registry encode` and `decode` against a real registry.
@Suite struct CommandLineTests {
    static let schema = """
        {"type":"record","name":"Trade","namespace":"demo","fields":[
          {"name":"id","type":"long"},{"name":"side","type":{"type":"enum","name":"Side","symbols":["BUY","SELL"]}},
          {"name":"raw","type":"bytes"},{"name":"note","type":["null","string"],"default":null}]}
        """

    func schemaFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trade-\(UUID().uuidString).avsc").path
        try Self.schema.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func encodeThenDecodeGivesTheRecordsBack() throws {
        let server = try TestServer.start()
        let records = [
            #"{"id":1,"side":"BUY","raw":"\u0000\u00ff","note":{"string":"first"}}"#,
            #"{"id":-2,"side":"SELL","raw":"","note":null}"#,
        ]
        let encoded = try runCLI(
            ["encode", "--registry", server.url.absoluteString, "--subject", "trades-value", "--schema", schemaFile()],
            stdin: records.joined(separator: "\n") + "\n")
        #expect(encoded.status == 0, "\(encoded.stderr)")
        let lines = encoded.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix("0000000001") })

        let decoded = try runCLI(["decode", "--registry", server.url.absoluteString], stdin: encoded.stdout)
        #expect(decoded.status == 0, "\(decoded.stderr)")
        #expect(decoded.stdout.split(separator: "\n").map(String.init) == [
            #"{"id":1,"side":"BUY","raw":"\u0000ÿ","note":{"string":"first"}}"#,
            #"{"id":-2,"side":"SELL","raw":"","note":null}"#,
        ])

        // Without --schema the subject's latest version is used.
        let again = try runCLI(["encode", "--registry", server.url.absoluteString, "--subject", "trades-value"], stdin: records[1])
        #expect(again.stdout == lines[1] + "\n")
    }

    @Test func decodeProjectsOntoAReaderSchemaAndReadsRawMessages() throws {
        let server = try TestServer.start()
        let record = #"{"id":7,"side":"SELL","raw":"\u0001","note":null}"#
        let raw = try runCLI(
            ["encode", "--registry", server.url.absoluteString, "--subject", "trades-value", "--schema", schemaFile(), "--raw"],
            stdin: record)
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(raw.stdout.utf8.first == 0)

        let readerPath = FileManager.default.temporaryDirectory.appendingPathComponent("trade-v2-\(UUID().uuidString).avsc").path
        try """
            {"type":"record","name":"Trade","namespace":"demo","fields":[
              {"name":"id","type":"long"},{"name":"side","type":{"type":"enum","name":"Side","symbols":["SELL","BUY"]}},
              {"name":"venue","type":"string","default":"XNYS"}]}
            """.write(toFile: readerPath, atomically: true, encoding: .utf8)
        let hex = try runCLI(["encode", "--registry", server.url.absoluteString, "--subject", "trades-value"], stdin: record)
        let decoded = try runCLI(["decode", "--registry", server.url.absoluteString, "--schema", readerPath], stdin: hex.stdout)
        #expect(decoded.status == 0, "\(decoded.stderr)")
        #expect(decoded.stdout == #"{"id":7,"side":"SELL","venue":"XNYS"}"# + "\n")
    }

    @Test func badLinesAreReportedWithTheirNumber() throws {
        let server = try TestServer.start()
        let encoded = try runCLI(
            ["encode", "--registry", server.url.absoluteString, "--subject", "t-value", "--schema", schemaFile()],
            stdin: #"{"id":1,"side":"HOLD","raw":""}"# + "\n" + #"{"id":2,"side":"BUY","raw":""}"# + "\n")
        #expect(encoded.status == 1)
        #expect(encoded.stderr.contains("line 1"))
        #expect(encoded.stderr.contains("$.side"))
        #expect(encoded.stdout.split(separator: "\n").count == 1)

        let decoded = try runCLI(["decode", "--registry", server.url.absoluteString], stdin: "07ff\nzz\n00000000990a\n")
        #expect(decoded.status == 1)
        #expect(decoded.stderr.contains("line 1: unknown magic byte 0x7"))
        #expect(decoded.stderr.contains("line 2: not a hex-encoded message"))
        #expect(decoded.stderr.contains("line 3: the registry has no schema id 153"))
    }
}
