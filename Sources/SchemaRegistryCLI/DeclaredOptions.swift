/// The long names of the `@Option`s a command or option group declares, read from its properties the way
/// ArgumentParser derives them (`perIPConnectionLimit` is `per-ip-connection-limit`), so that code that looks at raw
/// arguments before ArgumentParser does never keeps a second list of them.
enum DeclaredOptions {
    /// Flags are left out: they take no value. Option groups are not entered: name them on their own.
    static func longNames(of command: Any) -> [String] {
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
