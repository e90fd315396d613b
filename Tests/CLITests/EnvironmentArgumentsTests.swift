import Foundation
@testable import SchemaRegistryCLI
import Testing
import TestSupport

@Suite struct EnvironmentArgumentsTests {
    @Test("every serve option has the name its environment variable is derived from")
    func namesMatchTheParser() throws {
        let names = DeclaredOptions.longNames(of: ServeCommand())
        #expect(names.contains("per-ip-connection-limit") && names.contains("tls-client-ca") && names.contains("db"))
        #expect(!names.contains("public-metrics"))  // a flag
        let help = try runCLI(["serve", "--help"]).stdout
        for name in names { #expect(help.contains("--\(name) <"), "serve --help has no --\(name)") }
    }

    @Test("environment values go before the command line's, which win; other commands are left alone")
    func merging() {
        let environment = ["SCHEMA_REGISTRY_PER_IP_CONNECTION_LIMIT": "3", "SCHEMA_REGISTRY_DB": "", "SCHEMA_REGISTRY_URL": "x"]
        #expect(
            EnvironmentArguments.merged(["serve", "--threads", "2"], environment: environment)
                == ["serve", "--per-ip-connection-limit", "3", "--threads", "2"])
        #expect(EnvironmentArguments.merged(["compat", "a.avsc"], environment: environment) == ["compat", "a.avsc"])
        #expect(DeclaredOptions.kebabCase("perIPConnectionLimit") == "per-ip-connection-limit")
        #expect(DeclaredOptions.kebabCase("tlsClientCA") == "tls-client-ca")
    }
}
