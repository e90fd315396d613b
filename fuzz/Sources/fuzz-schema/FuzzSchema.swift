import Avro
import FuzzDriver

/// Parses arbitrary bytes as a schema; a parsed schema is also written back out and re-parsed,
/// since the canonical form of anything accepted must itself be accepted.
func fuzzSchema(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = inputBytes(data, count)
    guard let schema = try? AvroSchema(parsing: bytes) else { return 0 }
    let canonical = schema.canonicalForm
    guard (try? AvroSchema(parsing: canonical)) != nil else {
        fatalError("canonical form of an accepted schema does not parse: \(canonical)")
    }
    return 0
}

@main
struct FuzzSchemaMain {
    static func main() { runFuzzer(fuzzSchema) }
}
