import JSON

/// The kinds of incompatibility Apache Avro's `SchemaCompatibility` reports.
public enum IncompatibilityType: String, Sendable, Codable, CaseIterable {
    case nameMismatch = "NAME_MISMATCH"
    case fixedSizeMismatch = "FIXED_SIZE_MISMATCH"
    case missingEnumSymbols = "MISSING_ENUM_SYMBOLS"
    case readerFieldMissingDefaultValue = "READER_FIELD_MISSING_DEFAULT_VALUE"
    case typeMismatch = "TYPE_MISMATCH"
    case missingUnionBranch = "MISSING_UNION_BRANCH"
}

/// One reason a reader schema cannot read data written with a writer schema.
public struct Incompatibility: Sendable, Hashable {
    public let type: IncompatibilityType
    /// A JSON pointer into the reader schema, such as `/fields/1/type`.
    public let location: String
    /// The reference implementation's message, such as `expected: 4, found: 8`.
    public let message: String
    /// What is at fault: a field name, the missing symbols, a type name.
    public let detail: String?

    public init(type: IncompatibilityType, location: String, message: String, detail: String? = nil) {
        self.type = type
        self.location = location
        self.message = message
        self.detail = detail
    }
}
