import Foundation
import SchemaRegistryClient
import Testing

@Suite struct ClientConfigurationTests {
    @Test func readsJavaAndPythonPropertyNames() throws {
        let java = try SchemaRegistryConfiguration(properties: [
            "schema.registry.url": "https://a:8081, https://b:8081", "basic.auth.user.info": "u:p",
            "latest.cache.ttl.sec": "30", "missing.id.cache.ttl.sec": "2", "http.read.timeout.ms": "1500",
            "schema.registry.ssl.truststore.location": "/etc/ca.pem", "key.serializer": "ignored",
        ])
        #expect(java.urls.map(\.absoluteString) == ["https://a:8081", "https://b:8081"])
        #expect(java.basicAuthUserInfo == "u:p")
        #expect(java.latestCacheTTL == .seconds(30))
        #expect(java.negativeCacheTTL == .seconds(2))
        #expect(java.requestTimeout == .milliseconds(1500))
        #expect(java.tlsCAFile == "/etc/ca.pem")

        let python = try SchemaRegistryConfiguration(properties: [
            "url": "http://r:8081", "timeout": "2.5", "cache.latest.ttl.sec": "-1",
            "ssl.ca.location": "ca.pem", "ssl.certificate.location": "c.pem", "ssl.key.location": "k.pem",
        ])
        #expect(python.requestTimeout == .milliseconds(2500))
        #expect(python.latestCacheTTL == nil)
        #expect(python.tlsCAFile == "ca.pem" && python.tlsCertificateFile == "c.pem" && python.tlsKeyFile == "k.pem")
    }

    @Test(arguments: [
        ["timeout": "soon", "url": "http://r"],
        ["url": "ftp://r"],
        ["url": " , "],
        [:],
        ["url": "http://r", "basic.auth.user.info": "nocolon"],
        ["url": "http://r", "bearer.auth.credentials.source": "STATIC_TOKEN"],
        ["url": "http://r", "ssl.key.location": "k.pem"],
    ])
    func rejectsUnusableProperties(_ properties: [String: String]) {
        let error = #expect(throws: SchemaRegistryError.self) { try SchemaRegistryConfiguration(properties: properties) }
        #expect(error?.kind == .invalidConfiguration)
    }

    @Test func rejectsURLsThatAreNotHTTPAndHeadersWithLineBreaks() throws {
        let file = #expect(throws: SchemaRegistryError.self) {
            try SchemaRegistryClient(SchemaRegistryConfiguration(urls: [URL(fileURLWithPath: "/etc/passwd")]))
        }
        #expect(file?.kind == .invalidConfiguration)
        var configuration = try SchemaRegistryConfiguration(url: "http://r:8081")
        configuration.bearerToken = "t\r\nX-Injected: 1"
        let header = #expect(throws: SchemaRegistryError.self) { try SchemaRegistryClient(configuration) }
        #expect(header?.kind == .invalidConfiguration)
    }

    @Test func rejectsBothBasicAndBearerAuthentication() throws {
        var configuration = try SchemaRegistryConfiguration(url: "http://r:8081")
        configuration.basicAuthUserInfo = "u:p"
        configuration.bearerToken = "t"
        #expect(throws: SchemaRegistryError.self) { try SchemaRegistryClient(configuration) }
    }
}
