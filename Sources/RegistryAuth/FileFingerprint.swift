import Foundation

/// What identifies one version of a file without reading it: replacing it (new inode) or rewriting it (new size or
/// modification time) changes the fingerprint.
struct FileFingerprint: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: UInt64
    let modified: Date

    static let missing = FileFingerprint(device: 0, inode: 0, size: 0, modified: .distantPast)

    private init(device: UInt64, inode: UInt64, size: UInt64, modified: Date) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
    }

    init(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            self = .missing
            return
        }
        device = (attributes[.systemNumber] as? NSNumber)?.uint64Value ?? 0
        inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        modified = attributes[.modificationDate] as? Date ?? .distantPast
    }
}
