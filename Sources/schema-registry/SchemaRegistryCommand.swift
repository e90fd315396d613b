import ArgumentParser
import Foundation
import SchemaRegistryCLI

/// The `schema-registry` command: a Confluent-compatible schema registry and its tools.
@main
struct SchemaRegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema-registry",
        abstract: "A Confluent-compatible Avro schema registry, with compatibility and serialization tools.",
        subcommands: SchemaRegistryCLI.subcommands
    )

    static func main() async {
        let arguments = EnvironmentArguments.merged(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
        if arguments.first == CompatCommand.commandName {
            await CompatCommand.main(arguments: Array(arguments.dropFirst()))
        }
        await main(arguments)
    }
}
