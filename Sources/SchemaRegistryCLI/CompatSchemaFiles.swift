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
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: argument)
            } catch {
                throw CompatError("\(argument): cannot list the directory")
            }
            let files = names.filter { $0.hasSuffix(".avsc") }.sorted(by: precedesInNameOrder)
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
    static func load(_ path: String, options: ParseOptions = ParseOptions()) throws(CompatError) -> AvroSchema {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CompatError("\(path): cannot read the file")
        }
        do {
            return try AvroSchema(parsing: [UInt8](data), options: options)
        } catch {
            throw CompatError("\(path): invalid schema: \(error.message)")
        }
    }

    /// Reads and parses many schema files on every core; the first failure in `paths` order is reported.
    static func loadAll(_ paths: [String]) throws(CompatError) -> [AvroSchema] {
        let chunks = CompatParallel.mapChunks(count: paths.count, chunkSize: 16) { range in
            range.map { index in Result { () throws(CompatError) -> AvroSchema in try load(paths[index]) } }
        }
        var schemas: [AvroSchema] = []
        schemas.reserveCapacity(paths.count)
        for chunk in chunks {
            for result in chunk { schemas.append(try result.get()) }
        }
        return schemas
    }

    /// Orders names as people number versions: digit runs compare by value, the rest by character.
    static func precedesInNameOrder(_ left: String, _ right: String) -> Bool {
        var leftIndex = left.startIndex, rightIndex = right.startIndex
        while leftIndex < left.endIndex, rightIndex < right.endIndex {
            let leftCharacter = left[leftIndex], rightCharacter = right[rightIndex]
            if leftCharacter.isASCIIDigit, rightCharacter.isASCIIDigit {
                let leftEnd = left[leftIndex...].firstIndex { !$0.isASCIIDigit } ?? left.endIndex
                let rightEnd = right[rightIndex...].firstIndex { !$0.isASCIIDigit } ?? right.endIndex
                let leftDigits = left[leftIndex..<leftEnd].drop { $0 == "0" }
                let rightDigits = right[rightIndex..<rightEnd].drop { $0 == "0" }
                if leftDigits.count != rightDigits.count { return leftDigits.count < rightDigits.count }
                if leftDigits != rightDigits { return leftDigits.lexicographicallyPrecedes(rightDigits) }
                leftIndex = leftEnd
                rightIndex = rightEnd
            } else {
                if leftCharacter != rightCharacter { return leftCharacter < rightCharacter }
                leftIndex = left.index(after: leftIndex)
                rightIndex = right.index(after: rightIndex)
            }
        }
        if (leftIndex == left.endIndex) != (rightIndex == right.endIndex) { return leftIndex == left.endIndex }
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
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }
            .filter { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
            .sorted(by: precedesInNameOrder)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
