import Avro
@testable import RegistryCore
import Testing

@Suite struct CompatibilityMessageTests {
    @Test func descriptionsFollowConfluentTemplates() {
        let missing = Incompatibility(type: .readerFieldMissingDefaultValue, location: "/fields/1", message: "age", detail: "age")
        #expect(CompatibilityReport.describe(missing, reader: "new", writer: "old")
            == "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'age'}")
        let type = Incompatibility(type: .typeMismatch, location: "/fields/0/type", message: "reader type: INT not compatible with writer type: LONG")
        #expect(CompatibilityReport.describe(type, reader: "old", writer: "new")
            == "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the old schema does not match with the new schema', additionalInfo:'reader type: INT not compatible with writer type: LONG'}")
        let symbols = Incompatibility(type: .missingEnumSymbols, location: "/fields/0/type/symbols", message: "[C]")
        #expect(CompatibilityReport.describe(symbols, reader: "new", writer: "old")
            == "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[C]' at path '/fields/0/type/symbols' in the old schema', additionalInfo:'[C]'}")
        let name = Incompatibility(type: .nameMismatch, location: "/name", message: "expected: com.acme.A")
        #expect(CompatibilityReport.describe(name, reader: "new", writer: "old")
            == "{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: com.acme.A'}")
        let size = Incompatibility(type: .fixedSizeMismatch, location: "/size", message: "expected: 4, found: 8")
        #expect(CompatibilityReport.describe(size, reader: "new", writer: "old")
            == "{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '/size' in the new schema does not match with the old schema', additionalInfo:'expected: 4, found: 8'}")
        let branch = Incompatibility(type: .missingUnionBranch, location: "/fields/0/type/1", message: "reader union lacking writer type: STRING")
        #expect(CompatibilityReport.describe(branch, reader: "new", writer: "old")
            == "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/fields/0/type/1' in the old schema', additionalInfo:'reader union lacking writer type: STRING'}")
    }

    @Test func fullLevelQuotesTheOldSchemaOnlyAfterTheBackwardMessages() {
        let forward = CompatibilityFailure(
            previousIndex: 0, direction: .forward,
            incompatibilities: [Incompatibility(type: .readerFieldMissingDefaultValue, location: "/fields/1", message: "b")])
        let backward = CompatibilityFailure(
            previousIndex: 0, direction: .backward,
            incompatibilities: [Incompatibility(type: .readerFieldMissingDefaultValue, location: "/fields/2", message: "c")])
        let checked = [CompatibilityReport.Checked(version: 3, schema: #""old""#)]
        let full = CompatibilityReport.messages(for: [forward, backward], checked: checked, level: .full)
        #expect(full.count == 5)
        #expect(full[0].contains("in the old schema has no default value and is missing in the new schema"))
        #expect(full[1].contains("in the new schema has no default value and is missing in the old schema"))
        #expect(Array(full[2...]) == ["{oldSchemaVersion: 3}", #"{oldSchema: '"old"'}"#, "{validateFields: 'false', compatibility: 'FULL'}"])
        let onlyForward = CompatibilityReport.messages(for: [forward], checked: checked, level: .full)
        #expect(onlyForward.count == 2)
        let forwardLevel = CompatibilityReport.messages(for: [forward], checked: checked, level: .forward)
        #expect(forwardLevel.count == 4 && forwardLevel[1] == "{oldSchemaVersion: 3}")
        #expect(CompatibilityReport.messages(for: [], checked: checked, level: .full).isEmpty)
    }

    @Test func checkAgainstOneVersionOrAsRegistrationWould() throws {
        try withRegistry { registry, _ in
            // `latest` of a subject with no versions is compatible; a missing numeric version is 40402.
            #expect(try registry.checkCompatibility(subject: "s", version: .latest, request(userV1), normalize: false, verbose: true).isCompatible)
            expectError(40402) { try registry.checkCompatibility(subject: "s", version: .number(1), request(userV1), normalize: false, verbose: false) }
            let v1 = try registry.register(subject: "s", request(userV1), normalize: false)
            let quiet = try registry.checkCompatibility(subject: "s", version: .latest, request(userBreaking), normalize: false, verbose: false)
            #expect(!quiet.isCompatible && quiet.messages.isEmpty)
            let verbose = try registry.checkCompatibility(subject: "s", version: .number(1), request(userBreaking), normalize: false, verbose: true)
            #expect(!verbose.isCompatible)
            #expect(verbose.messages.first?.hasPrefix("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path '") == true)
            #expect(Array(verbose.messages.suffix(3)) == [
                "{oldSchemaVersion: 1}", "{oldSchema: '\(v1.schema.schema)'}", "{validateFields: 'false', compatibility: 'BACKWARD'}",
            ])
            #expect(try registry.checkCompatibility(subject: "s", version: nil, request(userV2), normalize: false, verbose: true).isCompatible)
            // A schema that does not parse: 42201, or with verbose a verdict carrying the reason.
            expectError(42201) { try registry.checkCompatibility(subject: "s", version: nil, request("{"), normalize: false, verbose: false) }
            let invalid = try registry.checkCompatibility(subject: "s", version: nil, request("{"), normalize: false, verbose: true)
            #expect(!invalid.isCompatible && invalid.messages.count == 1)
        }
    }
}
