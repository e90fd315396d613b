import Avro
import Testing

/// A record `R` with the given fields, each `name:type` or `name:type=default` (a JSON default).
private func version(_ fields: String...) throws -> AvroSchema {
    let json = fields.map { field -> String in
        let parts = field.split(separator: "=", maxSplits: 1)
        let nameAndType = parts[0].split(separator: ":")
        let defaultValue = parts.count > 1 ? #","default":\#(parts[1])"# : ""
        return #"{"name":"\#(nameAndType[0])","type":"\#(nameAndType[1])"\#(defaultValue)}"#
    }
    return try AvroSchema(parsing: #"{"type":"record","name":"R","fields":[\#(json.joined(separator: ","))]}"#)
}

private func summary(_ failures: [CompatibilityFailure]) -> [String] {
    failures.map { "\($0.previousIndex) \($0.direction.rawValue) \($0.incompatibilities.map(\.type.rawValue).joined(separator: ","))" }
}

@Suite("Compatibility levels")
struct CompatibilityLevelTests {
    /// The new version reads the latest one but not the first (its field `b` has no default).
    let backwardHistory: (new: AvroSchema, previous: [AvroSchema])
    /// The latest version reads the new one but the first does not (it needs `c`, which the new one dropped).
    let forwardHistory: (new: AvroSchema, previous: [AvroSchema])

    init() throws {
        backwardHistory = (try version("a:int", "b:string"), [try version("a:int", "b:string=\"x\""), try version("a:int")])
        forwardHistory = (try version("a:int"), [try version("a:int", "c:int=0"), try version("a:int", "c:int")])
    }

    @Test("NONE checks nothing")
    func none() throws {
        let new = try AvroSchema(parsing: #""int""#), old = try AvroSchema(parsing: #""string""#)
        #expect(CompatibilityLevel.none.check(new, against: [old]).isEmpty)
    }

    @Test("no previous version is compatible at every level", arguments: CompatibilityLevel.allCases)
    func firstVersion(level: CompatibilityLevel) throws {
        #expect(level.check(try version("a:int"), against: []).isEmpty)
    }

    @Test("BACKWARD: the new schema reads the latest version only")
    func backward() {
        #expect(CompatibilityLevel.backward.check(backwardHistory.new, against: backwardHistory.previous).isEmpty)
        #expect(summary(CompatibilityLevel.backward.check(backwardHistory.new, against: backwardHistory.previous.reversed()))
            == ["0 backward READER_FIELD_MISSING_DEFAULT_VALUE"])
        // Backward says nothing about old schemas reading new data.
        #expect(CompatibilityLevel.backward.check(forwardHistory.new, against: forwardHistory.previous.reversed()).isEmpty)
    }

    @Test("BACKWARD_TRANSITIVE: the new schema reads every previous version")
    func backwardTransitive() {
        #expect(summary(CompatibilityLevel.backwardTransitive.check(backwardHistory.new, against: backwardHistory.previous))
            == ["1 backward READER_FIELD_MISSING_DEFAULT_VALUE"])
    }

    @Test("FORWARD: the latest version reads the new schema")
    func forward() {
        #expect(CompatibilityLevel.forward.check(forwardHistory.new, against: forwardHistory.previous).isEmpty)
        #expect(summary(CompatibilityLevel.forward.check(forwardHistory.new, against: forwardHistory.previous.reversed()))
            == ["0 forward READER_FIELD_MISSING_DEFAULT_VALUE"])
        #expect(CompatibilityLevel.forward.check(backwardHistory.new, against: backwardHistory.previous.reversed()).isEmpty)
    }

    @Test("FORWARD_TRANSITIVE: every previous version reads the new schema")
    func forwardTransitive() {
        #expect(summary(CompatibilityLevel.forwardTransitive.check(forwardHistory.new, against: forwardHistory.previous))
            == ["1 forward READER_FIELD_MISSING_DEFAULT_VALUE"])
    }

    @Test("FULL: both directions with the latest version, forward first")
    func full() throws {
        let new = try version("a:int", "d:int"), latest = try version("a:int", "c:int")
        #expect(summary(CompatibilityLevel.full.check(new, against: [latest, try version("x:int")]))
            == ["0 forward READER_FIELD_MISSING_DEFAULT_VALUE", "0 backward READER_FIELD_MISSING_DEFAULT_VALUE"])
        #expect(CompatibilityLevel.full.check(backwardHistory.new, against: backwardHistory.previous).isEmpty)
        #expect(CompatibilityLevel.full.check(forwardHistory.new, against: forwardHistory.previous).isEmpty)
    }

    @Test("FULL_TRANSITIVE: both directions with every previous version, newest first")
    func fullTransitive() {
        #expect(summary(CompatibilityLevel.fullTransitive.check(backwardHistory.new, against: backwardHistory.previous))
            == ["1 backward READER_FIELD_MISSING_DEFAULT_VALUE"])
        #expect(summary(CompatibilityLevel.fullTransitive.check(forwardHistory.new, against: forwardHistory.previous))
            == ["1 forward READER_FIELD_MISSING_DEFAULT_VALUE"])
    }

    @Test("stopping at the first failing version reports only the newest one")
    func stopAtFirstFailingVersion() throws {
        let new = try version("z:int")
        let previous = [try version("a:int"), try version("b:int"), try version("c:int")]
        #expect(CompatibilityLevel.fullTransitive.check(new, against: previous).map(\.previousIndex) == [0, 0, 1, 1, 2, 2])
        #expect(summary(CompatibilityLevel.fullTransitive.check(new, against: previous, stopAtFirstFailingVersion: true))
            == ["0 forward READER_FIELD_MISSING_DEFAULT_VALUE", "0 backward READER_FIELD_MISSING_DEFAULT_VALUE"])
        #expect(CompatibilityLevel.backwardTransitive.check(new, against: previous, stopAtFirstFailingVersion: true).count == 1)
    }

    @Test("levels read and write their Confluent names")
    func names() {
        #expect(CompatibilityLevel.allCases.map(\.rawValue)
            == ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"])
    }
}
