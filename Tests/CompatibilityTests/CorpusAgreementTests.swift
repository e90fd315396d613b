import Avro
import TestSupport
import Testing

/// Every valid pair of the corpus, in both orientations, against Apache Avro 1.12.1's verdicts.
@Suite("Agreement with the reference on the corpus")
struct CorpusAgreementTests {
    @Test("the corpus is loaded")
    func corpusIsThere() {
        #expect(CorpusCase.all.count >= 461)
        #expect(CorpusCase.valid.count >= 390)
    }

    @Test("reader reads writer: same verdict, types, locations and messages", arguments: CorpusCase.valid)
    func readerWriter(_ corpusCase: CorpusCase) throws {
        let (reader, writer) = try corpusCase.schemas()
        expectAgreement(SchemaCompatibility.incompatibilities(reader: reader, writer: writer), corpusCase.oracle)
    }

    @Test("writer reads reader: same verdict, types, locations and messages", arguments: CorpusCase.valid)
    func writerReader(_ corpusCase: CorpusCase) throws {
        let (reader, writer) = try corpusCase.schemas()
        expectAgreement(SchemaCompatibility.incompatibilities(reader: writer, writer: reader), corpusCase.oracleReverse)
    }

    @Test("prepared schemas (identical root fields skipped) give the same findings both ways", arguments: CorpusCase.valid)
    func prepared(_ corpusCase: CorpusCase) throws {
        let (reader, writer) = try corpusCase.schemas()
        let preparedReader = PreparedForCompatibility(reader), preparedWriter = PreparedForCompatibility(writer)
        #expect(SchemaCompatibility.incompatibilities(reader: preparedReader, writer: preparedWriter)
            == SchemaCompatibility.incompatibilities(reader: reader, writer: writer))
        #expect(SchemaCompatibility.incompatibilities(reader: preparedWriter, writer: preparedReader)
            == SchemaCompatibility.incompatibilities(reader: writer, writer: reader))
        for level in CompatibilityLevel.allCases {
            #expect(level.check(preparedReader, against: [preparedWriter]) == level.check(reader, against: [writer]))
        }
    }

    @Test("level verdicts with old = writer and new = reader", arguments: CorpusCase.valid)
    func levels(_ corpusCase: CorpusCase) throws {
        let (new, old) = try corpusCase.schemas()
        for (name, expected) in corpusCase.levels {
            let level = try #require(CompatibilityLevel(rawValue: name))
            let verdict = level.check(new, against: [old]).isEmpty ? "COMPATIBLE" : "INCOMPATIBLE"
            #expect(verdict == expected, "\(name)")
        }
    }

    @Test("invalid cases are rejected by the parser", arguments: CorpusCase.all.filter(\.isInvalid))
    func invalid(_ corpusCase: CorpusCase) {
        #expect(throws: AvroSchemaError.self) { _ = try corpusCase.schemas() }
    }

    private func expectAgreement(_ found: [Incompatibility], _ oracle: CorpusCase.Verdict) {
        #expect(found.isEmpty == oracle.isCompatible, "verdict")
        guard oracle.result == "INCOMPATIBLE" else { return }
        let actual = found.map {
            CorpusCase.Expected(type: $0.type.rawValue, location: $0.location, message: $0.message)
        }
        #expect(actual == oracle.incompatibilities)
    }
}
