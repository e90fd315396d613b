#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Objects read before, by their exact bytes, for reading many documents that repeat whole objects (the
/// versions of one schema share most field definitions byte for byte): `JSONParser` hands back the value it
/// built the first time instead of reading the same bytes again, and the documents share its storage.
///
/// Only objects that are elements of an array are kept or reused, the unit that repeats between versions.
/// A reused value is exactly what reading its bytes would give: the bytes are identical, and a JSON value
/// read from the same bytes is the same value wherever it starts (values are self-delimiting). The nesting
/// limit still holds: each entry knows how many levels it spans.
///
/// Not for sharing between threads: give each thread its own.
public final class JSONReuseTable {
    struct Entry {
        let hash: UInt64
        let bytes: [UInt8]
        let value: JSONValue
        /// Levels of nesting the value spans, itself included.
        let levels: Int
    }

    /// Shorter objects cost less to read than to look up.
    let minimumBytes: Int
    /// Bound the memory a long run of distinct objects can take (nested objects are kept each with its own
    /// bytes, so a deep document could otherwise keep many times its size); past either, nothing new is kept.
    let maximumEntries: Int
    let maximumBytes: Int
    private var keptBytes = 0
    private var entries: [Entry] = []
    /// Open addressing over `entries`: an index, or -1 for an empty slot. The capacity is a power of two.
    private var slots: [Int32] = Array(repeating: -1, count: 256)

    public init(minimumBytes: Int = 24, maximumEntries: Int = 1 << 20, maximumBytes: Int = 64 << 20) {
        self.minimumBytes = minimumBytes
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
    }

    /// How many objects are kept.
    public var count: Int { entries.count }

    func entry(for span: UnsafeBufferPointer<UInt8>) -> Entry? {
        let hash = Self.hash(span)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let entry = entries[Int(slots[slot])]
            if entry.hash == hash, entry.bytes.count == span.count,
                entry.bytes.withUnsafeBufferPointer({ memoryEqual($0, span) })
            {
                return entry
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    func keep(_ span: UnsafeBufferPointer<UInt8>, value: JSONValue, levels: Int) {
        guard entries.count < maximumEntries, keptBytes + span.count <= maximumBytes, entry(for: span) == nil else { return }
        keptBytes += span.count
        if (entries.count + 1) * 2 > slots.count { grow() }
        let hash = Self.hash(span)
        entries.append(Entry(hash: hash, bytes: Array(span), value: value, levels: levels))
        place(entries.count - 1, hash: hash)
    }

    private func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for index in entries.indices { place(index, hash: entries[index].hash) }
    }

    private func place(_ index: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index)
    }

    private func memoryEqual(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let l = left.baseAddress, let r = right.baseAddress else { return left.count == right.count }
        return memcmp(l, r, left.count) == 0
    }

    /// A fast non-cryptographic hash, eight bytes at a time (collisions only cost a byte comparison).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = UInt64(truncatingIfNeeded: bytes.count) &* multiplier
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return hash }
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            hash = (hash ^ word) &* multiplier
            hash ^= hash >> 29
            offset += 8
        }
        var tail: UInt64 = 0
        while offset < bytes.count {
            tail = tail << 8 | UInt64(bytes[offset])
            offset += 1
        }
        hash = (hash ^ tail) &* multiplier
        return hash ^ (hash >> 32)
    }

    /// Where the object or array starting at `start` ends (one past its closing bracket), read without
    /// validation: only a kept entry's bytes are ever trusted. Nil at a comment (a bracket in a comment
    /// would mislead the count) or when the input ends first.
    static func skim(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index + 1 }
            case UInt8(ascii: "\""):
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
            case UInt8(ascii: "/"):
                return nil
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
