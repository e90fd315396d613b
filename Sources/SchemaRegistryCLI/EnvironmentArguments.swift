/// `serve`'s options may also come from the environment: `SCHEMA_REGISTRY_` and the option's name in capitals with
/// underscores (`--per-ip-connection-limit` is `SCHEMA_REGISTRY_PER_IP_CONNECTION_LIMIT`).
///
/// Rather than each option reading its own variable, the variables become arguments placed before the command
/// line's, so ArgumentParser parses, validates and documents every option once, and a later argument, one given on
/// the command line, wins over the environment's.
public enum EnvironmentArguments {
    static let prefix = "SCHEMA_REGISTRY_"

    /// `arguments` (without the program name) with the environment's values for `serve` put in front of its own.
    public static func merged(_ arguments: [String], environment: [String: String]) -> [String] {
        guard arguments.first == ServeCommand.configuration.commandName else { return arguments }
        var fromEnvironment: [String] = []
        for option in DeclaredOptions.longNames(of: ServeCommand()) {
            guard let value = environment[variable(for: option)], !value.isEmpty else { continue }
            fromEnvironment += ["--\(option)", value]
        }
        return [arguments[0]] + fromEnvironment + arguments.dropFirst()
    }

    static func variable(for option: String) -> String {
        prefix + option.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
