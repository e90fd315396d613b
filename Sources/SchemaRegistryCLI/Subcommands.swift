import ArgumentParser

/// Every subcommand of `schema-registry`, in the order `--help` lists them.
public enum SchemaRegistryCLI {
    public static let subcommands: [any ParsableCommand.Type] = [
        CompatCommand.self, ServeCommand.self, EncodeCommand.self, DecodeCommand.self, ImportCommand.self, ExportCommand.self, RestoreCommand.self,
        CopyCommand.self, BackupCommand.self, PasswdCommand.self,
    ]
}
