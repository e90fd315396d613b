import ArgumentParser
import Foundation
import RegistryCore
import SchemaRegistryClient

/// How `--from` reaches a running registry: credentials and TLS files, as `--registry` takes them elsewhere.
struct SourceConnection: ParsableArguments {
    @Option(name: .customLong("from-basic-auth"), help: ArgumentHelp("HTTP Basic credentials for --from.", valueName: "user:password"))
    var basicAuth: String?
    @Option(name: .customLong("from-ca-file"), help: ArgumentHelp("PEM certificate authorities to trust for an https --from.", valueName: "file"))
    var caFile: String?
    @Option(name: .customLong("from-cert-file"), help: ArgumentHelp("PEM client certificate for --from (with --from-key-file).", valueName: "file"))
    var certFile: String?
    @Option(name: .customLong("from-key-file"), help: ArgumentHelp("PEM private key of --from-cert-file.", valueName: "file"))
    var keyFile: String?

    func endpoint(_ location: String) throws -> any RegistryEndpoint {
        try RegistryEndpoints.open(location, basicAuth: basicAuth, caFile: caFile, certFile: certFile, keyFile: keyFile, mustExist: true)
    }
}

/// How `--to` reaches a running registry.
struct TargetConnection: ParsableArguments {
    @Option(name: .customLong("to-basic-auth"), help: ArgumentHelp("HTTP Basic credentials for --to.", valueName: "user:password"))
    var basicAuth: String?
    @Option(name: .customLong("to-ca-file"), help: ArgumentHelp("PEM certificate authorities to trust for an https --to.", valueName: "file"))
    var caFile: String?
    @Option(name: .customLong("to-cert-file"), help: ArgumentHelp("PEM client certificate for --to (with --to-key-file).", valueName: "file"))
    var certFile: String?
    @Option(name: .customLong("to-key-file"), help: ArgumentHelp("PEM private key of --to-cert-file.", valueName: "file"))
    var keyFile: String?

    func endpoint(_ location: String) throws -> any RegistryEndpoint {
        try RegistryEndpoints.open(location, basicAuth: basicAuth, caFile: caFile, certFile: certFile, keyFile: keyFile, mustExist: false)
    }
}

/// What `--from` and `--to` name: a running registry's `http(s)://` URL, or a database (SQLite file or PostgreSQL URI)
/// opened as `serve --db` opens it and driven in this process.
enum RegistryEndpoints {
    static func isURL(_ location: String) -> Bool {
        let lowered = location.lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }

    static func open(
        _ location: String, basicAuth: String?, caFile: String?, certFile: String?, keyFile: String?, mustExist: Bool
    ) throws -> any RegistryEndpoint {
        if isURL(location) {
            do {
                return RemoteRegistry(client: try RegistryOptions.client(
                    url: location, basicAuth: basicAuth, caFile: caFile, certFile: certFile, keyFile: keyFile))
            } catch {
                throw TransferFailure("\(location): \(error.message)")
            }
        }
        guard [basicAuth, caFile, certFile, keyFile].allSatisfy({ $0 == nil }) else {
            throw TransferFailure("\(location): credentials and TLS files apply to a registry URL, not to a database")
        }
        return try local(StoreLocation.open(location, mustExist: mustExist), displayName: location)
    }

    /// A store wrapped in the registry's rules, as a server would hold it.
    static func local(_ store: any RegistryStore, displayName: String) throws -> LocalRegistry {
        do { return LocalRegistry(try Registry(store: store), displayName: displayName) } catch {
            throw TransferFailure("\(displayName): \(error.message)")
        }
    }
}
