import Avro
import AvroCodec
import Foundation
import FuzzDriver

/// Codable types for the reader schemas of fuzz-deserializer's pairs (its seeds fit this target too: the
/// first byte picks the pair). Optional properties take the fields one version has and another lacks.
struct Order: Codable {
    enum Status: String, Codable { case new = "NEW", paid = "PAID", shipped = "SHIPPED" }
    struct LineItem: Codable, Equatable {
        var sku: String
        var quantity: Int32
    }

    var id: String
    var customer: String
    var amount: Double
    var status: Status
    var currency: String?
    var note: String?
    var items: [LineItem]?

    /// Equal field by field, amounts by bit pattern (a fuzzed amount may be a NaN).
    func same(as other: Order) -> Bool {
        id == other.id && customer == other.customer && amount.bitPattern == other.amount.bitPattern && status == other.status
            && currency == other.currency && note == other.note && items == other.items
    }
}

final class TreeNode: Codable {
    enum Attribute: Codable {
        case node(TreeNode), text(String)
        init(from decoder: any Decoder) throws {
            let single = try decoder.singleValueContainer()
            if let text = try? single.decode(String.self) { self = .text(text) } else { self = .node(try single.decode(TreeNode.self)) }
        }
        func encode(to encoder: any Encoder) throws {}
    }

    final class Link: Codable {
        var node: TreeNode
        var next: Link?
    }

    var value: Int64
    var children: [TreeNode]
    var attributes: [String: Attribute?]
    var nextSibling: Link?
}

/// A type that reads nothing: the whole value is skipped.
struct Nothing: Codable {
    init(from decoder: any Decoder) throws {}
}

struct Pair: Sendable {
    let writer: AvroCodec
    let resolution: AvroResolution
}

/// The same pairs as fuzz-deserializer (keep the two in step with make-corpus.py).
let pairs: [Pair] = {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("schemas")
    func schema(_ name: String) -> AvroSchema {
        let text = try! String(contentsOf: folder.appendingPathComponent("\(name).avsc"), encoding: .utf8)
        return try! AvroSchema(parsing: text)
    }
    let names = [("example-every-type", "example-every-type"), ("example-recursive", "example-recursive"),
                 ("example-namespaces", "example-namespaces"), ("order-v1", "order-v3"), ("order-v3", "order-v1"), ("order-v2", "order-v2")]
    return names.map { writer, reader in
        Pair(writer: try! AvroCodec(schema: schema(writer)), resolution: try! AvroResolution(writer: schema(writer), reader: schema(reader)))
    }
}()

/// The generic path's reading of the same bytes as `T`.
func generic<T: Decodable>(_ type: T.Type, _ pair: Pair, _ body: UnsafeRawBufferPointer) -> T? {
    guard let value = try? pair.writer.decode(body), let projected = try? pair.resolution.project(value) else { return nil }
    return try? AvroValueDecoder().decode(type, from: projected)
}

/// Decodes the bytes after the first straight into a Codable type of the chosen pair's reader schema.
/// Malformed data must be a thrown `AvroCodecError`, nothing worse; and whatever the generic path reads, the
/// typed path must read alike (the typed path may accept a message the generic one rejects only for bad
/// UTF-8 in a field the reader drops, which it skips unread).
func fuzzTypedDecoder(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = inputBytes(data, count)
    guard let selector = bytes.first else { return 0 }
    let index = Int(selector) % pairs.count
    let pair = pairs[index]
    let body = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[1...]))
    func check<T: Decodable>(_ type: T.Type, same: (T, T) -> Bool) {
        let typed: T?
        do { typed = try pair.writer.decode(type, from: body, resolution: pair.resolution) } catch {
            guard error is AvroCodecError else { fatalError("untyped error \(error)") }
            typed = nil
        }
        if let expected = generic(type, pair, body) {
            guard let typed else { fatalError("the typed path rejects what the generic path reads") }
            guard same(typed, expected) else { fatalError("the paths read different values") }
        }
    }
    switch index {
    case 1: check(TreeNode.self) { _, _ in true }
    case 3, 4, 5: check(Order.self) { $0.same(as: $1) }
    default: check(Nothing.self) { _, _ in true }
    }
    check(Nothing.self) { _, _ in true }
    return 0
}

@main
struct FuzzTypedDecoderMain {
    static func main() { runFuzzer(fuzzTypedDecoder) }
}
