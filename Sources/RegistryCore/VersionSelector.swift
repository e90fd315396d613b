import RegistryModel

extension VersionSelector {
    /// Parses `latest` (any case, surrounding spaces ignored), `-1` (latest) or a number in 1...2^31-1; else 42202.
    public init(parsing text: String) throws(RegistryError) {
        let trimmed = text.trimmingSpaces
        if trimmed.lowercased() == "latest" || trimmed == "-1" {
            self = .latest
            return
        }
        guard let number = Int32(trimmed), number >= 1 else { throw .invalidVersion(text) }
        self = .number(Int(number))
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
