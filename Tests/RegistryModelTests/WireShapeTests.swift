import Avro
import JSON
import RegistryModel
import Testing

@Suite("shapes the server and the client share")
struct WireShapeTests {
    @Test("a reference reads back what it writes, and reads as Jackson binds it")
    func references() throws {
        let reference = SchemaReference(name: "com.acme.Address", subject: "address", version: 3)
        #expect(try SchemaReference(json: reference.json) == reference)
        #expect(JSONWriter.write(reference.json) == #"{"name":"com.acme.Address","subject":"address","version":3}"#)
        // Jackson: a number into a String field is its text, a numeric string into an Integer is the number.
        let coerced = try SchemaReference(json: JSONParser.parse(#"{"name": 7, "subject": "s", "version": "2"}"#))
        #expect(coerced == SchemaReference(name: "7", subject: "s", version: 2))
        // Left out: empty name and subject, version -1, for the registry's rules to refuse.
        #expect(try SchemaReference(json: ["subject": "s"]) == SchemaReference(name: "", subject: "s", version: -1))
        #expect(throws: WireShapeError("a reference must be an object")) { try SchemaReference(json: "x") }
        #expect(throws: WireShapeError("'version' must be a 32-bit integer")) {
            try SchemaReference(json: JSONParser.parse(#"{"version": 2147483648}"#))
        }
        #expect(throws: WireShapeError("'references' must be an array")) { try SchemaReference.list(json: ["a": 1]) }
        #expect(try SchemaReference.list(json: nil).isEmpty)
        #expect(try SchemaReference.list(json: .null).isEmpty)
        #expect(reference.target == SubjectVersion(subject: "address", version: 3))
    }

    @Test("a config is read from either spelling of its level and written in the one asked for")
    func config() throws {
        let config = CompatibilityConfig(compatibilityLevel: .fullTransitive, normalize: true)
        #expect(JSONWriter.write(config.json(.read)) == #"{"compatibilityLevel":"FULL_TRANSITIVE","normalize":true}"#)
        #expect(JSONWriter.write(config.json(.update)) == #"{"compatibility":"FULL_TRANSITIVE","normalize":true}"#)
        for shape in [CompatibilityConfig.Shape.read, .update] {
            let members = try CompatibilityConfig.members(json: config.json(shape))
            #expect(members.level == "FULL_TRANSITIVE" && members.normalize == true)
        }
        #expect(throws: WireShapeError("'normalize' must be a boolean")) {
            try CompatibilityConfig.members(json: ["normalize": "yes"])
        }
        #expect(JSONWriter.write(CompatibilityConfig().json(.read)) == "{}")
    }

    @Test("a compatibility result carries its messages only when verbose")
    func result() throws {
        let result = CompatibilityResult(isCompatible: false, messages: ["reader field x has no default"])
        #expect(try CompatibilityResult(json: result.json(verbose: true)) == result)
        #expect(try CompatibilityResult(json: result.json(verbose: false)) == CompatibilityResult(isCompatible: false))
        #expect(throws: WireShapeError("no 'is_compatible'")) { try CompatibilityResult(json: [:]) }
        #expect(JSONWriter.write(CompatibilityResult(isCompatible: true).json(verbose: true)) == #"{"is_compatible":true,"messages":[]}"#)
        #expect(JSONWriter.write(CompatibilityResult(isCompatible: true).json(verbose: false)) == #"{"is_compatible":true}"#)
    }

    @Test("a version selector names its path segment")
    func selector() {
        #expect(VersionSelector.latest.description == "latest")
        #expect((7 as VersionSelector).description == "7")
    }
}
