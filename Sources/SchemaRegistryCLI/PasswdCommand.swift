import ArgumentParser
import JSON
import Foundation
import RegistryAuth

/// `schema-registry passwd`: hashes a password read from standard input into a `users` entry of the auth file.
public struct PasswdCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Print an auth-file user entry for a password read from standard input.",
        discussion: """
            The password is the first line of standard input (typed without echo on a terminal), so it never shows \
            in the process list or the shell history. The entry uses the format of Karapace's registry_authfile: \
            paste it into the "users" array of the file given to `serve --auth-file`.
            """)

    @Option(name: .long, help: "The user name.")
    var user: String

    @Option(
        name: .long,
        help: ArgumentHelp("The password hash. (default: scrypt)", valueName: "sha1|sha256|sha512|scrypt"),
        transform: { name in
            guard let algorithm = PasswordAlgorithm(rawValue: name) else {
                throw PasswdError("unknown algorithm \"\(name)\"; expected sha1, sha256, sha512 or scrypt")
            }
            return algorithm
        })
    var algorithm: PasswordAlgorithm = .scrypt

    @Option(name: .long, help: "The salt. (default: 16 random bytes, URL-safe base64)")
    var salt: String?

    public init() {}

    public func run() throws {
        let password = Self.readPassword()
        guard let password, !password.isEmpty else {
            throw PasswdError("no password: write it as the first line of standard input")
        }
        let entry = PasswordHasher.entry(username: user, password: password, algorithm: algorithm, salt: salt)
        print(Self.indented(entry))
    }

    /// One member per line, like `karapace_mkpasswd`, ready to paste into the file.
    static func indented(_ entry: JSONValue) -> String {
        let members = entry.objectValue?.map { member in
            "    " + JSONWriter.write(.string(member.key)) + ": " + JSONWriter.write(member.value)
        } ?? []
        return "{\n" + members.joined(separator: ",\n") + "\n}"
    }

    private static func readPassword() -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) }
        FileHandle.standardError.write(Data("Password: ".utf8))
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}

struct PasswdError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
