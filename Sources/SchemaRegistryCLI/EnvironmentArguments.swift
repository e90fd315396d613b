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
        for option in optionNames(of: ServeCommand()) {
            guard let value = environment[variable(for: option)], !value.isEmpty else { continue }
            fromEnvironment += ["--\(option)", value]
        }
        return [arguments[0]] + fromEnvironment + arguments.dropFirst()
    }

    static func variable(for option: String) -> String {
        prefix + option.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The long names of a command's `@Option`s (flags are left out: a flag in the environment would be ambiguous),
    /// derived from the property names the way ArgumentParser derives them: `perIPConnectionLimit` is
    /// `per-ip-connection-limit`.
    static func optionNames(of command: Any) -> [String] {
        Mirror(reflecting: command).children.compactMap { child in
            guard let label = child.label, String(describing: type(of: child.value)).hasPrefix("Option<") else { return nil }
            return kebabCase(label.hasPrefix("_") ? String(label.dropFirst()) : label)
        }
    }

    static func kebabCase(_ name: String) -> String {
        let characters = Array(name)
        var words: [String] = []
        var word = ""
        for (index, character) in characters.enumerated() {
            let startsWord =
                character.isUppercase && index > 0
                && (characters[index - 1].isLowercase
                    || (index + 1 < characters.count && characters[index + 1].isLowercase))
            if startsWord && !word.isEmpty {
                words.append(word)
                word = ""
            }
            word.append(character)
        }
        words.append(word)
        return words.map { $0.lowercased() }.joined(separator: "-")
    }
}
