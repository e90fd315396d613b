import TestSupport
import Testing
@testable import Avro

@Suite("Compatibility corpus: parsing")
struct CorpusParsingTests {
    @Test("every schema the reference rejects is rejected; every other schema parses", arguments: CorpusCase.all)
    func parsesLikeTheReference(_ c: CorpusCase) {
        let invalid = c.invalidSchemas
        for (role, text) in [("reader", c.readerText), ("writer", c.writerText)] {
            let result = Result { () throws(AvroSchemaError) in try AvroSchema(parsing: text) }
            switch result {
            case .success:
                #expect(!invalid.contains(role), "\(c.id): \(role) parsed but the reference rejects it: \(text)")
            case .failure(let error):
                #expect(invalid.contains(role), "\(c.id): \(role) rejected (\(error)) but the reference accepts it: \(text)")
            }
        }
    }
}
