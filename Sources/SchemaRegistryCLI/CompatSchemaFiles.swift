import Avro
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Schema files named on the command line: a file, a directory of `.avsc` files, or a glob.
enum CompatSchemaFiles {
    /// The files an argument names, in name order (numbers compare by value, so `v9` comes before `v10`).
    static func expand(_ argument: String) throws(CompatError) -> [String] {
        if isDirectory(argument) {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: argument)
            } catch {
                throw CompatError("\(argument): cannot list the directory")
            }
            let files = sortedInNameOrder(names.filter { $0.hasSuffix(".avsc") })
                .map { (argument as NSString).appendingPathComponent($0) }
            guard !files.isEmpty else { throw CompatError("\(argument): no .avsc files in the directory") }
            return files
        }
        if argument.contains(where: { "*?[".contains($0) }) {
            let files = glob(argument)
            guard !files.isEmpty else { throw CompatError("\(argument): no files match") }
            return files
        }
        return [argument]
    }

    /// Reads and parses a schema file.
    static func load(_ path: String, options: ParseOptions = ParseOptions(), cache: SchemaParseCache? = nil) throws(CompatError) -> AvroSchema {
        try parse(path, limit: options.maxSchemaBytes) { bytes throws(AvroSchemaError) in
            try AvroSchema(parsing: bytes, options: options, cache: cache)
        }
    }

    /// Reads, parses and prepares a schema file for many checks.
    static func loadPrepared(_ path: String, cache: SchemaParseCache) throws(CompatError) -> PreparedForCompatibility {
        try parse(path, limit: ParseOptions().maxSchemaBytes) { bytes throws(AvroSchemaError) in
            try PreparedForCompatibility(parsing: bytes, cache: cache)
        }
    }

    private static func parse<Parsed>(
        _ path: String, limit: Int, _ body: ([UInt8]) throws(AvroSchemaError) -> Parsed
    ) throws(CompatError) -> Parsed {
        guard let bytes = contents(of: path, limit: limit) else {
            throw CompatError("\(path): cannot read the file")
        }
        do {
            return try body(bytes)
        } catch {
            throw CompatError("\(path): invalid schema: \(error.message)")
        }
    }

    /// The file's bytes, read with plain system calls (Foundation's file reading costs more than parsing
    /// a small schema does) into a buffer of the file's size; up to one byte past `limit`, so that the parser
    /// reports an oversized schema.
    private static func contents(of path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        // One byte more than the size: a file that grew since is then read on below.
        let capacity = min(Int(status.st_size), limit) + 1
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            while count < buffer.count {
                let read = read(descriptor, buffer.baseAddress! + count, buffer.count - count)
                if read < 0 { failed = true }
                if read <= 0 { return }
                count += read
            }
        }
        if failed { return nil }
        // Only a file that filled the buffer may have more: it grew, or it is longer than the limit.
        guard bytes.count == capacity else { return bytes }
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { return nil }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
        return bytes
    }

    private static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Reads and parses many schema files on every core; the first failure in `paths` order is reported.
    static func loadAll(_ paths: [String]) throws(CompatError) -> [AvroSchema] {
        // Versions of one schema share most fields: each worker parses a shared field once.
        let chunks = CompatParallel.mapChunks(count: paths.count, chunkSize: 8, state: SchemaParseCache.init) { cache, range in
            range.map { index in Result { () throws(CompatError) -> AvroSchema in try load(paths[index], cache: cache) } }
        }
        var schemas: [AvroSchema] = []
        schemas.reserveCapacity(paths.count)
        for chunk in chunks {
            for result in chunk { schemas.append(try result.get()) }
        }
        return schemas
    }

    /// Orders names as people number versions: digit runs compare by value, the rest by character.
    /// Compares UTF-8 bytes (for names that differ outside digit runs this is code point order, as
    /// `String`'s `<` gives for normalized names), each name's taken once.
    static func sortedInNameOrder(_ names: [String]) -> [String] {
        names.map { (name: $0, bytes: Array($0.utf8)) }.sorted { precedesInNameOrder($0.bytes, $1.bytes, $0.name, $1.name) }.map(\.name)
    }

    private static func precedesInNameOrder(_ l: [UInt8], _ r: [UInt8], _ left: String, _ right: String) -> Bool {
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        var i = 0, j = 0
        while i < l.count, j < r.count {
            if isDigit(l[i]), isDigit(r[j]) {
                var leftEnd = i, rightEnd = j
                while leftEnd < l.count, isDigit(l[leftEnd]) { leftEnd += 1 }
                while rightEnd < r.count, isDigit(r[rightEnd]) { rightEnd += 1 }
                let leftDigits = l[i..<leftEnd].drop { $0 == 0x30 }, rightDigits = r[j..<rightEnd].drop { $0 == 0x30 }
                if leftDigits.count != rightDigits.count { return leftDigits.count < rightDigits.count }
                if !leftDigits.elementsEqual(rightDigits) { return leftDigits.lexicographicallyPrecedes(rightDigits) }
                i = leftEnd
                j = rightEnd
            } else {
                if l[i] != r[j] { return l[i] < r[j] }
                i += 1
                j += 1
            }
        }
        if (i == l.count) != (j == r.count) { return i == l.count }
        return left < right
    }

    private static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        #if canImport(Glibc)
        let status = Glibc.glob(pattern, 0, nil, &matches)
        #else
        let status = Darwin.glob(pattern, 0, nil, &matches)
        #endif
        guard status == 0 else { return [] }
        let files = (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }
            .filter { path in
                var status = stat()
                return stat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFDIR
            }
        return sortedInNameOrder(files)
    }
}
