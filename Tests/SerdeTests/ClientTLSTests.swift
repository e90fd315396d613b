#if os(Linux)
import Foundation
import SchemaRegistryClient
import Testing

/// HTTPS with a private CA and with client certificates, against `openssl s_server` serving canned files.
@Suite struct ClientTLSTests {
    @Test func trustsAPrivateCAFile() async throws {
        let pki = try TestPKI.shared.get()
        let server = try TLSFileServer(pki: pki, requireClientCertificate: false)
        defer { server.stop() }
        var configuration = try SchemaRegistryConfiguration(url: server.url)
        configuration.tlsCAFile = pki.caFile
        let client = try SchemaRegistryClient(configuration)
        #expect(try await client.subjects() == ["tls-subject"])
    }

    @Test func refusesAServerItCannotVerify() async throws {
        let pki = try TestPKI.shared.get()
        let server = try TLSFileServer(pki: pki, requireClientCertificate: false)
        defer { server.stop() }
        let client = try SchemaRegistryClient(SchemaRegistryConfiguration(url: server.url))
        let error = await #expect(throws: SchemaRegistryError.self) { try await client.subjects() }
        #expect(error?.kind == .transport)
    }

    @Test func presentsAClientCertificate() async throws {
        let pki = try TestPKI.shared.get()
        let server = try TLSFileServer(pki: pki, requireClientCertificate: true)
        defer { server.stop() }
        let client = try SchemaRegistryClient(
            SchemaRegistryConfiguration(properties: [
                "url": server.url, "ssl.ca.location": pki.caFile, "ssl.certificate.location": pki.clientCertificateFile,
                "ssl.key.location": pki.clientKeyFile,
            ]))
        #expect(try await client.subjects() == ["tls-subject"])
    }

    @Test func failsWithoutTheRequiredClientCertificate() async throws {
        let pki = try TestPKI.shared.get()
        let server = try TLSFileServer(pki: pki, requireClientCertificate: true)
        defer { server.stop() }
        let client = try SchemaRegistryClient(SchemaRegistryConfiguration(properties: ["url": server.url, "ssl.ca.location": pki.caFile]))
        let error = await #expect(throws: SchemaRegistryError.self) { try await client.subjects() }
        #expect(error?.kind == .transport)
    }

    @Test func rejectsAMissingCAFile() throws {
        var configuration = try SchemaRegistryConfiguration(url: "https://127.0.0.1:1")
        configuration.tlsCAFile = "/nonexistent/ca.pem"
        let error = #expect(throws: SchemaRegistryError.self) { try SchemaRegistryClient(configuration) }
        #expect(error?.kind == .invalidConfiguration)
    }
}

/// A throwaway CA with a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI.
struct TestPKI: Sendable {
    /// Made once per test run: key generation is the slow part.
    static let shared = Result { try TestPKI() }

    let directory: URL
    var caFile: String { directory.appendingPathComponent("ca.pem").path }
    var serverCertificateFile: String { directory.appendingPathComponent("server.pem").path }
    var serverKeyFile: String { directory.appendingPathComponent("server.key").path }
    var clientCertificateFile: String { directory.appendingPathComponent("client.pem").path }
    var clientKeyFile: String { directory.appendingPathComponent("client.key").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("client-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: directory.appendingPathComponent("san.ext"))
        let newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + newKey + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=test-ca"])
        for (name, commonName, extra) in [("server", "127.0.0.1", ["-extfile", "san.ext"]), ("client", "client", [])] {
            try openssl(["req"] + newKey + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(commonName)"])
            try openssl(
                ["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"]
                    + ["-out", "\(name).pem", "-days", "1"] + extra)
        }
        let www = directory.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        try Data(#"["tls-subject"]"#.utf8).write(to: www.appendingPathComponent("subjects"))
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw POSIXError(.EIO) }
    }
}

/// `openssl s_server -WWW`: serves the PKI's `www` folder over TLS on a free port, optionally demanding a client certificate.
final class TLSFileServer {
    let process = Process()
    let url: String

    init(pki: TestPKI, requireClientCertificate: Bool) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-accept", "127.0.0.1:0", "-cert", pki.serverCertificateFile, "-key", pki.serverKeyFile, "-WWW"]
            + (requireClientCertificate ? ["-Verify", "1", "-CAfile", pki.caFile] : [])
        process.currentDirectoryURL = pki.directory.appendingPathComponent("www")
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("ACCEPT") || !text.hasSuffix("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        // Keep draining what s_server logs per connection, so it never blocks on a full pipe.
        output.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }),
            let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
        else {
            kill(process.processIdentifier, SIGKILL)
            throw POSIXError(.EIO)
        }
        url = "https://127.0.0.1:\(port)"
    }

    deinit { stop() }

    func stop() {
        guard process.isRunning else { return }
        // SIGKILL: s_server started from a test thread can inherit a signal mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
#endif

#if os(Linux)
import TestSupport

/// `compat --registry` reaches the registry through the same client as the serializers, so it has their TLS and auth.
@Suite struct CompatOverTLSTests {
    @Test func checksAgainstASubjectOverHTTPSWithACAFileAndBasicAuth() throws {
        let pki = try TestPKI.shared.get()
        let user = try runCLI(["passwd", "--user", "ci", "--algorithm", "sha1"], stdin: "secret\n")
        try #require(user.status == 0, "\(user.stderr)")
        let authFile = pki.directory.appendingPathComponent("auth-\(UUID().uuidString).json").path
        try #"{"users": [\#(user.stdout)], "permissions": [{"username": "ci", "operation": "Write", "resource": ".*"}]}"#
            .write(toFile: authFile, atomically: true, encoding: .utf8)
        let server = try TestServer.start(arguments: [
            "--tls-cert", pki.serverCertificateFile, "--tls-key", pki.serverKeyFile, "--auth-file", authFile,
        ])
        defer { server.stop() }
        let schema = pki.directory.appendingPathComponent("v1-\(UUID().uuidString).avsc").path
        try #"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#.write(toFile: schema, atomically: true, encoding: .utf8)
        let breaking = pki.directory.appendingPathComponent("v2-\(UUID().uuidString).avsc").path
        try #"{"type":"record","name":"R","fields":[{"name":"b","type":"int"}]}"#.write(toFile: breaking, atomically: true, encoding: .utf8)
        let registry = ["--registry", server.url.absoluteString, "--ca-file", pki.caFile, "--basic-auth", "ci:secret"]

        let encoded = try runCLI(["encode", "--subject", "r-value", "--schema", schema] + registry, stdin: #"{"a": 1}"# + "\n")
        #expect(encoded.status == 0, "\(encoded.stderr)")
        let compatible = try runCLI(["compat", schema, "--subject", "r-value"] + registry)
        #expect(compatible.status == 0, "\(compatible.stdout)\(compatible.stderr)")
        let incompatible = try runCLI(["compat", breaking, "--subject", "r-value", "--level", "FULL"] + registry)
        #expect(incompatible.status == 1, "\(incompatible.stdout)\(incompatible.stderr)")

        let untrusted = try runCLI(["compat", schema, "--subject", "r-value", "--registry", server.url.absoluteString])
        #expect(untrusted.status == 2 && untrusted.stderr.contains("cannot reach"), "\(untrusted.stderr)")
        let wrongPassword = try runCLI(
            ["compat", schema, "--subject", "r-value", "--registry", server.url.absoluteString, "--ca-file", pki.caFile,
             "--basic-auth", "ci:wrong"])
        #expect(wrongPassword.status == 2 && wrongPassword.stderr.contains("401"), "\(wrongPassword.stderr)")
    }
}
#endif
