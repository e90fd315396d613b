import Foundation

/// The schema arguments of `schema-registry compat`, taken out of the argument list before
/// swift-argument-parser sees it (it spends time per positional argument that shows with a
/// thousand versions), and `@list.txt` arguments, which stand for the paths they list.
enum CompatArguments {
    /// Options of `CompatOptions` and its registry options that take a value; every other `-…` argument is a flag.
    static let optionsWithValues = Set(
        (DeclaredOptions.longNames(of: CompatOptions()) + DeclaredOptions.longNames(of: RegistryOptions())).map { "--" + $0 })

    /// Splits `arguments` into what the option parser needs and the positional schema arguments, in order.
    static func split(_ arguments: [String]) -> (options: [String], positionals: [String]) {
        var options: [String] = [], positionals: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                positionals += arguments[index...]
                break
            }
            guard argument.hasPrefix("-"), argument != "-" else {
                positionals.append(argument)
                continue
            }
            options.append(argument)
            if optionsWithValues.contains(argument), index < arguments.count {
                options.append(arguments[index])
                index += 1
            }
        }
        return (options, positionals)
    }

    /// Replaces each `@file` by the paths the file lists, one per line (blank lines and lines
    /// starting with `#` skipped), as if they had been given in that order.
    static func expandLists(_ arguments: [String]) throws(CompatError) -> [String] {
        var expanded: [String] = []
        expanded.reserveCapacity(arguments.count)
        for argument in arguments {
            guard argument.hasPrefix("@"), argument.count > 1 else {
                expanded.append(argument)
                continue
            }
            let listPath = String(argument.dropFirst())
            guard let data = FileManager.default.contents(atPath: listPath) else {
                throw CompatError("\(listPath): cannot read the file list")
            }
            for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
                // Trimmed by hand: Foundation's trimming goes through NSString, which shows with a thousand lines.
                var path = line
                while path.first?.isWhitespace == true { path = path.dropFirst() }
                while path.last?.isWhitespace == true { path = path.dropLast() }
                if !path.isEmpty, path.first != "#" { expanded.append(String(path)) }
            }
        }
        return expanded
    }
}
