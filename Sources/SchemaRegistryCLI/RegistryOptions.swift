import ArgumentParser
import SchemaRegistryClient

/// How a command reaches a registry: the options `encode`, `decode` and `compat` share, read into the same
/// `SchemaRegistryClient` configuration that the serializer library uses.
struct RegistryOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The schema registry URL, for example http://localhost:8081. Comma-separated URLs are tried in turn; "
            + "user:password@ in a URL sends Basic credentials.", valueName: "url"))
    var registry: String?

    @Option(name: .customLong("basic-auth"), help: ArgumentHelp("HTTP Basic credentials for the registry.", valueName: "user:password"))
    var basicAuth: String?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("PEM certificate authorities to trust for https instead of the system's.", valueName: "file"))
    var caFile: String?

    @Option(name: .customLong("cert-file"), help: ArgumentHelp("PEM client certificate for mutual TLS (with --key-file).", valueName: "file"))
    var certFile: String?

    @Option(name: .customLong("key-file"), help: ArgumentHelp("PEM private key of --cert-file.", valueName: "file"))
    var keyFile: String?

    /// For the commands that cannot work without a registry: `--registry` is then required, as a usage error says.
    func requireRegistry() throws {
        guard registry != nil else { throw ValidationError("Missing expected argument '--registry <url>'") }
    }

    /// The options that only make sense with a registry, for commands where the registry is optional.
    var connectionDetailsGiven: Bool { [basicAuth, caFile, certFile, keyFile].contains { $0 != nil } }

    /// A client for `--registry`; a usable URL and settings are the caller's to require.
    func client() throws(SchemaRegistryError) -> SchemaRegistryClient {
        try Self.client(url: registry ?? "", basicAuth: basicAuth, caFile: caFile, certFile: certFile, keyFile: keyFile)
    }

    /// A client for `url` with these credentials and TLS files, as every command that talks to a registry makes it.
    static func client(url: String, basicAuth: String?, caFile: String?, certFile: String?, keyFile: String?)
        throws(SchemaRegistryError) -> SchemaRegistryClient
    {
        var configuration = try SchemaRegistryConfiguration(url: url)
        if let basicAuth {
            guard basicAuth.contains(":") else {
                throw SchemaRegistryError(kind: .invalidConfiguration, errorCode: -1, message: "--basic-auth must be user:password")
            }
            configuration.basicAuthUserInfo = basicAuth
        }
        configuration.tlsCAFile = caFile
        configuration.tlsCertificateFile = certFile
        configuration.tlsKeyFile = keyFile
        return try SchemaRegistryClient(configuration)
    }
}
