// The benchmark's records as Codable types, beside their schemas: Trade (the record of the issue's
// measurements, also in /work/shared/tools/avro-java/SerdeBench.java), a small one and a large one. The
// values are those of scripts/java/SerdeRecordsBench.java, which builds the Java side's by the same rules
// (Java's generic records hold logical types as their underlying long, int, string and bytes).
import AvroCodec
import Foundation

struct TradeRecord: Codable, Equatable {
    enum Side: String, Codable { case buy = "BUY", sell = "SELL" }
    var id: Int64
    var symbol: String
    var venue: String
    var trader: String
    var quantity: Int64
    var price: Double
    var fee: Double
    var side: Side
    var tags: [String]
    var note: String?

    static let value = TradeRecord(
        id: 1_234_567_890, symbol: "ACME", venue: "XNYS", trader: "alice@example.com", quantity: 500, price: 187.25,
        fee: 0.35, side: .buy, tags: ["block", "dark"], note: "partial fill")
}

/// Three fields.
struct SmallRecord: Codable, Equatable {
    var id: Int64
    var name: String
    var ok: Bool

    static let schemaText = """
        {"type":"record","name":"Small","namespace":"bench","fields":[
          {"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"ok","type":"boolean"}]}
        """

    static let value = SmallRecord(id: 42, name: "ping", ok: true)
}

/// Fifty fields: nested records (also in an array and a union), a map, optional strings, and the logical
/// types timestamp-millis, uuid, date and decimal.
struct LargeRecord: Codable, Equatable {
    struct Address: Codable, Equatable {
        var street: String
        var city: String
        var zip: Int32
    }

    struct Line: Codable, Equatable {
        var sku: String
        var qty: Int32
        var price: Double
    }

    var f0: Int64
    var f1: String
    var f2: Double
    var f3: Int32
    var f4: String?
    var f5: Bool
    var f6: Date
    var f7: Address
    var f8: [Line]
    var f9: [String: Int64]
    var f10: Int64
    var f11: String
    var f12: Double
    var f13: Int32
    var f14: String?
    var f15: Bool
    var f16: Date
    var f17: Address
    var f18: [Line]
    var f19: UUID
    var f20: Int64
    var f21: String
    var f22: Double
    var f23: Int32
    var f24: String?
    var f25: Bool
    var f26: Date
    var f27: Address
    var f28: [Line]
    var f29: Date
    var f30: Int64
    var f31: String
    var f32: Double
    var f33: Int32
    var f34: String?
    var f35: Bool
    var f36: Date
    var f37: Address
    var f38: [Line]
    var f39: AvroDecimal
    var f40: Int64
    var f41: String
    var f42: Double
    var f43: Int32
    var f44: String?
    var f45: Bool
    var f46: Date
    var f47: Address
    var f48: [Line]
    var f49: Address?

    static let schemaText = """
        {"type":"record","name":"Large","namespace":"bench","fields":[
              {"name":"f0","type":"long"},
              {"name":"f1","type":"string"},
              {"name":"f2","type":"double"},
              {"name":"f3","type":"int"},
              {"name":"f4","type":["null","string"]},
              {"name":"f5","type":"boolean"},
              {"name":"f6","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"f7","type":{"type":"record","name":"Address","fields":[{"name":"street","type":"string"},{"name":"city","type":"string"},{"name":"zip","type":"int"}]}},
              {"name":"f8","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int"},{"name":"price","type":"double"}]}}},
              {"name":"f9","type":{"type":"map","values":"long"}},
              {"name":"f10","type":"long"},
              {"name":"f11","type":"string"},
              {"name":"f12","type":"double"},
              {"name":"f13","type":"int"},
              {"name":"f14","type":["null","string"]},
              {"name":"f15","type":"boolean"},
              {"name":"f16","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"f17","type":"Address"},
              {"name":"f18","type":{"type":"array","items":"Line"}},
              {"name":"f19","type":{"type":"string","logicalType":"uuid"}},
              {"name":"f20","type":"long"},
              {"name":"f21","type":"string"},
              {"name":"f22","type":"double"},
              {"name":"f23","type":"int"},
              {"name":"f24","type":["null","string"]},
              {"name":"f25","type":"boolean"},
              {"name":"f26","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"f27","type":"Address"},
              {"name":"f28","type":{"type":"array","items":"Line"}},
              {"name":"f29","type":{"type":"int","logicalType":"date"}},
              {"name":"f30","type":"long"},
              {"name":"f31","type":"string"},
              {"name":"f32","type":"double"},
              {"name":"f33","type":"int"},
              {"name":"f34","type":["null","string"]},
              {"name":"f35","type":"boolean"},
              {"name":"f36","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"f37","type":"Address"},
              {"name":"f38","type":{"type":"array","items":"Line"}},
              {"name":"f39","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
              {"name":"f40","type":"long"},
              {"name":"f41","type":"string"},
              {"name":"f42","type":"double"},
              {"name":"f43","type":"int"},
              {"name":"f44","type":["null","string"]},
              {"name":"f45","type":"boolean"},
              {"name":"f46","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"f47","type":"Address"},
              {"name":"f48","type":{"type":"array","items":"Line"}},
              {"name":"f49","type":["null","Address"]}
            ]}
        """

    static let value = LargeRecord(
            f0: 0,
            f1: "value-1",
            f2: 3.0,
            f3: 3,
            f4: "opt-4",
            f5: true,
            f6: Date(timeIntervalSince1970: Double(1_700_000_000_000 + 6) / 1000),
            f7: Address(street: "7 Main St", city: "Springfield", zip: 10007),
            f8: [Line(sku: "SKU-8-0", qty: 1, price: 0.25), Line(sku: "SKU-8-1", qty: 2, price: 1.25), Line(sku: "SKU-8-2", qty: 3, price: 2.25)],
            f9: ["a": 1, "b": 2, "c": 3],
            f10: 10000030,
            f11: "value-11",
            f12: 18.0,
            f13: 13,
            f14: "opt-14",
            f15: false,
            f16: Date(timeIntervalSince1970: Double(1_700_000_000_000 + 16) / 1000),
            f17: Address(street: "17 Main St", city: "Springfield", zip: 10017),
            f18: [Line(sku: "SKU-18-0", qty: 1, price: 0.25), Line(sku: "SKU-18-1", qty: 2, price: 1.25), Line(sku: "SKU-18-2", qty: 3, price: 2.25)],
            f19: UUID(uuidString: "6f1b1f0e-3c49-4d6a-9d2f-0b8a1f2c3d4e")!,
            f20: 20000060,
            f21: "value-21",
            f22: 33.0,
            f23: 23,
            f24: "opt-24",
            f25: true,
            f26: Date(timeIntervalSince1970: Double(1_700_000_000_000 + 26) / 1000),
            f27: Address(street: "27 Main St", city: "Springfield", zip: 10027),
            f28: [Line(sku: "SKU-28-0", qty: 1, price: 0.25), Line(sku: "SKU-28-1", qty: 2, price: 1.25), Line(sku: "SKU-28-2", qty: 3, price: 2.25)],
            f29: Date(timeIntervalSince1970: 19_000 * 86_400),
            f30: 30000090,
            f31: "value-31",
            f32: 48.0,
            f33: 33,
            f34: "opt-34",
            f35: false,
            f36: Date(timeIntervalSince1970: Double(1_700_000_000_000 + 36) / 1000),
            f37: Address(street: "37 Main St", city: "Springfield", zip: 10037),
            f38: [Line(sku: "SKU-38-0", qty: 1, price: 0.25), Line(sku: "SKU-38-1", qty: 2, price: 1.25), Line(sku: "SKU-38-2", qty: 3, price: 2.25)],
            f39: AvroDecimal("1234.56")!,
            f40: 40000120,
            f41: "value-41",
            f42: 63.0,
            f43: 43,
            f44: nil,
            f45: true,
            f46: Date(timeIntervalSince1970: Double(1_700_000_000_000 + 46) / 1000),
            f47: Address(street: "47 Main St", city: "Springfield", zip: 10047),
            f48: [Line(sku: "SKU-48-0", qty: 1, price: 0.25), Line(sku: "SKU-48-1", qty: 2, price: 1.25), Line(sku: "SKU-48-2", qty: 3, price: 2.25)],
            f49: Address(street: "49 Side St", city: "Shelbyville", zip: 20049))
}
