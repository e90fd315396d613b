import Avro
import Testing

/// What Apache Avro Java 1.12.1's `Schema.toString()` writes for schema text as given, which is what Confluent stores
/// and compares. Every expected line below was printed by Avro Java 1.12.1 here (`../shared/tools/avro-java` jars).
@Suite("the stored text is Java's toString")
struct JavaToStringTests {
    static let cases: [(input: String, java: String)] = [
        (#"{"type":"int","name":"foo"}"#, #""int""#),
        (#"{"type":"string","namespace":"x.y"}"#, #""string""#),
        (#"{"type":"long","aliases":["a"]}"#, #""long""#),
        (#"{"type":"int","doc":"d"}"#, #""int""#),
        (#"{"type":"int","doc":5}"#, #""int""#),
        (#"{"type":"int","default":3,"custom":"c","order":"ascending"}"#, #"{"type":"int","default":3,"custom":"c","order":"ascending"}"#),
        (#"{"type":"array","items":"int","doc":"d","name":"n","namespace":"q","aliases":["z"],"custom":1,"default":[]}"#,
         #"{"type":"array","items":"int","custom":1,"default":[]}"#),
        (#"{"type":"map","values":"int","doc":"d","name":"n","custom":1,"symbols":["A"],"size":3,"fields":[]}"#,
         #"{"type":"map","values":"int","custom":1}"#),
        (#"{"type":"int","logicalType":"date","name":"x"}"#, #"{"type":"int","logicalType":"date"}"#),
        (#"{"type":"record","name":"R","doc":"rd","custom":1,"aliases":["Q"],"fields":[{"name":"f","type":"int","custom":2,"aliases":["g"],"order":"descending","doc":"fd"}]}"#,
         #"{"type":"record","name":"R","doc":"rd","fields":[{"name":"f","type":"int","doc":"fd","order":"descending","aliases":["g"],"custom":2}],"custom":1,"aliases":["Q"]}"#),
        (#"{"type":"enum","name":"E","symbols":["A"],"default":"A","doc":"ed","custom":1,"items":"x","size":2}"#,
         #"{"type":"enum","name":"E","doc":"ed","symbols":["A"],"default":"A","custom":1}"#),
        (#"{"type":"fixed","name":"F","size":2,"doc":"fd","custom":1,"values":"x"}"#, #"{"type":"fixed","name":"F","doc":"fd","size":2,"custom":1}"#),
        (#"["null",{"type":"int","name":"foo"}]"#, #"["null","int"]"#),
        (#"{"type":"record","name":"R","doc":5,"fields":[]}"#, #"{"type":"record","name":"R","fields":[]}"#),
        (#"{"type":"record","name":"R","items":1,"size":2,"symbols":3,"values":4,"fields":[]}"#, #"{"type":"record","name":"R","fields":[]}"#),
        (#"{"type":"record","name":"R","fields":[{"name":"f","type":"int","custom":2,"aliases":["g"],"order":"descending","doc":"fd","default":1}]}"#,
         #"{"type":"record","name":"R","fields":[{"name":"f","type":"int","doc":"fd","default":1,"order":"descending","aliases":["g"],"custom":2}]}"#),
        (#"{"type":"record","name":"R","fields":[{"name":"f","type":{"type":"int","name":"x","doc":"y"},"default":1}]}"#,
         #"{"type":"record","name":"R","fields":[{"name":"f","type":"int","default":1}]}"#),
    ]

    @Test(arguments: cases.indices)
    func matchesJava(_ index: Int) throws {
        let (input, java) = Self.cases[index]
        #expect(try AvroSchema(parsing: input).json == java)
    }
}
