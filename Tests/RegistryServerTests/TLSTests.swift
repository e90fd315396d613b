import Foundation
import Testing
import TestSupport

/// A throwaway CA with a server and a client certificate, plus a second CA's client, made with the `openssl` CLI.
private struct Certificates: Sendable {
    let folder: String
    var caCert: String { folder + "/ca.pem" }
    var serverCert: String { folder + "/server.pem" }
    var serverKey: String { folder + "/server.key" }
    var clientCert: String { folder + "/client.pem" }
    var clientKey: String { folder + "/client.key" }
    var strangerCert: String { folder + "/stranger.pem" }
    var strangerKey: String { folder + "/stranger.key" }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: folder + "/server.ext", atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: folder + "/client.ext", atomically: true, encoding: .utf8)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for ca in ["ca", "other-ca"] {
            try openssl(["req", "-x509"] + curve + ["-keyout", "\(ca).key", "-out", "\(ca).pem", "-days", "2", "-subj", "/CN=\(ca)"])
        }
        for (name, ca, ext) in [("server", "ca", "server.ext"), ("client", "ca", "client.ext"), ("stranger", "other-ca", "client.ext")] {
            try openssl(["req"] + curve + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
            try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-CAcreateserial",
                         "-out", "\(name).pem", "-days", "2", "-extfile", ext])
        }
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["sh", "-c", "cd \"$0\" && exec openssl \"$@\"", folder] + arguments)
        guard result.status == 0 else { throw HTTPClientError(description: "openssl \(arguments): \(result.stderr)") }
    }
}

/// Made once for the suite: key generation is the slow part.
private let sharedCertificates = Result { try Certificates() }

/// `curl` over HTTPS: the status code, or nil when the TLS handshake or connection failed.
private func curl(_ url: String, caFile: String, certificate: (String, String)? = nil) throws -> (status: Int?, body: String) {
    var arguments = ["-s", "--max-time", "10", "--cacert", caFile, "-o", "-", "-w", "\n%{http_code}", url]
    if let (cert, key) = certificate { arguments += ["--cert", cert, "--key", key] }
    let result = try runProcess(URL(fileURLWithPath: "/usr/bin/curl"), arguments)
    var lines = result.stdout.components(separatedBy: "\n")
    let code = Int(lines.removeLast()).flatMap { $0 == 0 ? nil : $0 }
    return (result.status == 0 ? code : nil, lines.joined(separator: "\n"))
}

@Suite("HTTPS (serve --tls-cert --tls-key [--tls-client-ca])")
struct TLSTests {
    private let files: Certificates

    init() throws { files = try sharedCertificates.get() }

    @Test("serves HTTPS with the given certificate and says so in the ready line")
    func servesHTTPS() throws {
        let server = try TestServer.start(arguments: ["--tls-cert", files.serverCert, "--tls-key", files.serverKey])
        #expect(server.url.scheme == "https")
        let reply = try curl("https://127.0.0.1:\(server.port)/subjects", caFile: files.caCert)
        #expect(reply.status == 200)
        #expect(reply.body == "[]")
        // A client that does not trust the issuing CA refuses the server.
        #expect(try curl("https://127.0.0.1:\(server.port)/subjects", caFile: files.strangerCert).status == nil)
        // Plain HTTP on the TLS port gets no HTTP answer.
        #expect(throws: (any Error).self) { try HTTPConnection(port: server.port).send("GET", "/subjects") }
    }

    @Test("--tls-client-ca requires a client certificate signed by that CA")
    func clientCertificates() throws {
        let server = try TestServer.start(arguments: [
            "--tls-cert", files.serverCert, "--tls-key", files.serverKey, "--tls-client-ca", files.caCert,
        ])
        let url = "https://127.0.0.1:\(server.port)/subjects"
        let anonymous = try curl(url, caFile: files.caCert)
        #expect(anonymous.status == 401)
        #expect(anonymous.body.contains("client certificate"))
        let stranger = try curl(url, caFile: files.caCert, certificate: (files.strangerCert, files.strangerKey))
        #expect(stranger.status != 200)
        let trusted = try curl(url, caFile: files.caCert, certificate: (files.clientCert, files.clientKey))
        #expect(trusted.status == 200)
        #expect(trusted.body == "[]")
    }

    @Test("refuses to start, saying why, when the TLS files are missing, not PEM or do not match")
    func refusals() throws {
        let missing = files.folder + "/missing.pem"
        let cases: [([String], String)] = [
            (["--tls-cert", missing, "--tls-key", files.serverKey], "--tls-cert: cannot read"),
            (["--tls-cert", files.serverCert, "--tls-key", files.folder + "/server.ext"], "--tls-key: '\(files.folder)/server.ext' is not a PEM file"),
            (["--tls-cert", files.serverCert, "--tls-key", files.clientKey], "the TLS certificate and key cannot be used together"),
            (["--tls-cert", files.serverCert], "--tls-cert and --tls-key must be given together"),
            (["--tls-cert", files.serverCert, "--tls-key", files.serverKey, "--tls-client-ca", files.serverKey],
             "the client CA file holds no usable PEM certificate"),
        ]
        for (arguments, message) in cases {
            let database = FileManager.default.temporaryDirectory.appendingPathComponent("tls-refusal-\(UUID().uuidString)/r.db").path
            let result = try runCLI(["serve", "--listen", "127.0.0.1:0", "--db", database] + arguments, timeout: 20)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
