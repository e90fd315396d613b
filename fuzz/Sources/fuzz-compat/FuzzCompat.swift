import Avro
import FuzzDriver

/// Splits the input at its first NUL byte into two schemas and checks them against each other both
/// ways and at the strictest registry level; nothing here may crash, hang or disagree with itself.
func fuzzCompat(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = inputBytes(data, count)
    guard let separator = bytes.firstIndex(of: 0),
          let first = try? AvroSchema(parsing: bytes[..<separator]),
          let second = try? AvroSchema(parsing: bytes[(separator + 1)...])
    else { return 0 }
    let backward = SchemaCompatibility.incompatibilities(reader: first, writer: second)
    let forward = SchemaCompatibility.incompatibilities(reader: second, writer: first)
    let failures = CompatibilityLevel.fullTransitive.check(first, against: [second, first])
    // FULL_TRANSITIVE against [second, first] fails exactly when one of the two directions with
    // `second` does: a schema is always compatible with itself.
    let expectFailure = !backward.isEmpty || !forward.isEmpty
    if failures.isEmpty == expectFailure {
        fatalError("fullTransitive.check disagrees with incompatibilities(): \(failures.count) failures, backward \(backward.count), forward \(forward.count)")
    }
    if !SchemaCompatibility.incompatibilities(reader: first, writer: first).isEmpty {
        fatalError("a schema is incompatible with itself")
    }
    return 0
}

@main
struct FuzzCompatMain {
    static func main() { runFuzzer(fuzzCompat) }
}
