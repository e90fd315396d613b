import Foundation

/// Request bodies in the charset their `Content-Type` names, read as UTF-8 before the JSON parser sees them.
///
/// Jersey decodes an entity with its declared charset, so a client may send UTF-16 or Latin-1 JSON. A charset that
/// is not one of these is refused rather than guessed.
enum RequestCharset {
    /// The encoding a `charset` parameter names; nil for one this server does not read.
    static func encoding(named name: String) -> String.Encoding? {
        switch name {
        case "utf-8", "utf8": .utf8
        case "utf-16", "utf16": .utf16
        case "utf-16le": .utf16LittleEndian
        case "utf-16be": .utf16BigEndian
        case "utf-32", "utf32": .utf32
        case "utf-32le": .utf32LittleEndian
        case "utf-32be": .utf32BigEndian
        case "iso-8859-1", "iso8859-1", "latin1", "l1": .isoLatin1
        case "us-ascii", "ascii": .ascii
        case "windows-1252", "cp1252": .windowsCP1252
        default: nil
        }
    }

    /// The body as UTF-8; nil when its bytes are not valid in `encoding`.
    static func utf8(_ body: [UInt8], from encoding: String.Encoding) -> [UInt8]? {
        if encoding == .utf8 { return body }
        guard let text = String(bytes: body, encoding: encoding) else { return nil }
        return Array(text.utf8)
    }
}
