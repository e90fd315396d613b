import Avro
import AvroCodec
import Foundation
import FuzzDriver

/// Writer/reader schema pairs from `schemas/`; the first input byte picks one. The same list is replayed
/// by `Tests/AvroCodecTests/FuzzRegressionTests.swift`, so keep the two in step.
let schemaPairs: [(writer: String, reader: String)] = [
    ("example-every-type", "example-every-type"),
    ("example-recursive", "example-recursive"),
    ("example-namespaces", "example-namespaces"),
    ("order-v1", "order-v3"),
    ("order-v3", "order-v1"),
    ("order-v2", "order-v2"),
]

struct Decoder: Sendable {
    let writer: AvroCodec
    let reader: AvroCodec
    let resolution: AvroResolution
}

let decoders: [Decoder] = {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("schemas")
    func schema(_ name: String) -> AvroSchema {
        let text = try! String(contentsOf: folder.appendingPathComponent("\(name).avsc"), encoding: .utf8)
        return try! AvroSchema(parsing: text)
    }
    return schemaPairs.map { pair in
        let writer = schema(pair.writer), reader = schema(pair.reader)
        return Decoder(writer: try! AvroCodec(schema: writer), reader: try! AvroCodec(schema: reader),
                       resolution: try! AvroResolution(writer: writer, reader: reader))
    }
}()

/// Decodes the bytes after the first as a message of the chosen writer schema, projects the value onto
/// the reader schema and renders it as JSON. Malformed data must be a thrown error, nothing worse.
func fuzzDeserializer(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = inputBytes(data, count)
    guard let selector = bytes.first else { return 0 }
    let decoder = decoders[Int(selector) % decoders.count]
    let body = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[1...]))
    guard let value = try? decoder.writer.decode(body),
          let projected = try? decoder.resolution.project(value)
    else { return 0 }
    _ = try? decoder.reader.json(from: projected)
    return 0
}

@main
struct FuzzDeserializerMain {
    static func main() { runFuzzer(fuzzDeserializer) }
}
