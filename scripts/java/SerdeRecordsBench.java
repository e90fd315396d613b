// Apache Avro Java 1.12.1 on the records of scripts/bench-serde.sh, modelled on
// /work/shared/tools/avro-java/SerdeBench.java (which covers Trade's round trip only): GenericDatumWriter into
// a reused BinaryEncoder behind the 5-byte Confluent header, GenericDatumReader from a reused BinaryDecoder,
// writer == reader schema, as Confluent's KafkaAvroSerializer/KafkaAvroDeserializer do underneath. For each
// record it prints operations per CPU second of this thread after a JIT warm-up: `java_<name>_ops` (round
// trip), `java_<name>_encode_ops` (header + body into a new byte[]) and `java_<name>_decode_ops`.
// Usage: SerdeRecordsBench SECONDS NAME SCHEMA [NAME SCHEMA ...]; the schemas come from serde-benchmark
// --schema NAME, and the values are built here by the rules of Sources/Benchmarks/serde-benchmark/Records.swift.
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.*;
import org.apache.avro.io.*;

public class SerdeRecordsBench {
  interface Body { void run() throws Exception; }

  static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  static double measure(double seconds, Body body) throws Exception {
    double result = 0;
    for (int round = 0; round < 2; round++) {  // round 0: warm-up (JIT), round 1: measured
      double budget = round == 0 ? Math.max(2, seconds) : seconds;
      long start = MX.getCurrentThreadCpuTime(), ops = 0;
      while ((MX.getCurrentThreadCpuTime() - start) / 1e9 < budget) {
        for (int i = 0; i < 1000; i++) body.run();
        ops += 1000;
      }
      result = ops / ((MX.getCurrentThreadCpuTime() - start) / 1e9);
    }
    return result;
  }

  static GenericRecord address(Schema schema, String street, String city, int zip) {
    GenericRecord r = new GenericData.Record(schema);
    r.put("street", street); r.put("city", city); r.put("zip", zip);
    return r;
  }

  static Schema nonNull(Schema union) {
    for (Schema branch : union.getTypes()) if (branch.getType() != Schema.Type.NULL) return branch;
    throw new IllegalArgumentException("no branch");
  }

  static GenericRecord value(Schema schema) {
    GenericRecord v = new GenericData.Record(schema);
    switch (schema.getName()) {
      case "Trade":
        v.put("id", 1234567890L); v.put("symbol", "ACME"); v.put("venue", "XNYS"); v.put("trader", "alice@example.com");
        v.put("quantity", 500L); v.put("price", 187.25); v.put("fee", 0.35);
        v.put("side", new GenericData.EnumSymbol(schema.getField("side").schema(), "BUY"));
        v.put("tags", Arrays.asList("block", "dark")); v.put("note", "partial fill");
        return v;
      case "Small":
        v.put("id", 42L); v.put("name", "ping"); v.put("ok", true);
        return v;
      case "Large":
        for (Schema.Field field : schema.getFields()) {
          int i = Integer.parseInt(field.name().substring(1));
          Schema type = field.schema();
          Object x;
          switch (i % 10) {
            case 0: x = (long) i * 1000003L; break;
            case 1: x = "value-" + i; break;
            case 2: x = i * 1.5; break;
            case 3: x = i; break;
            case 4: x = i == 44 ? null : "opt-" + i; break;
            case 5: x = i % 4 == 1; break;
            case 6: x = 1700000000000L + i; break;
            case 7: x = address(type, i + " Main St", "Springfield", 10000 + i); break;
            case 8: {
              List<GenericRecord> lines = new ArrayList<>();
              for (int j = 0; j < 3; j++) {
                GenericRecord line = new GenericData.Record(type.getElementType());
                line.put("sku", "SKU-" + i + "-" + j); line.put("qty", j + 1); line.put("price", j + 0.25);
                lines.add(line);
              }
              x = lines;
              break;
            }
            default:
              if (i == 9) { Map<String, Long> m = new LinkedHashMap<>(); m.put("a", 1L); m.put("b", 2L); m.put("c", 3L); x = m; }
              else if (i == 19) x = "6f1b1f0e-3c49-4d6a-9d2f-0b8a1f2c3d4e";
              else if (i == 29) x = 19000;
              else if (i == 39) x = ByteBuffer.wrap(new java.math.BigInteger("123456").toByteArray());
              else x = address(nonNull(type), i + " Side St", "Shelbyville", 20000 + i);
          }
          v.put(field.name(), x);
        }
        return v;
      default:
        throw new IllegalArgumentException("no value for " + schema.getName());
    }
  }

  public static void main(String[] args) throws Exception {
    double seconds = Double.parseDouble(args[0]);
    for (int a = 1; a + 1 < args.length; a += 2) {
      String name = args[a];
      Schema schema = new Schema.Parser().parse(args[a + 1]);
      GenericRecord v = value(schema);
      GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(schema);
      GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema, schema);
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
      BinaryDecoder[] dec = {null};
      int id = 1;
      long[] checksum = {0};
      Body encode = () -> {
        out.reset();
        out.write(0); out.write(ByteBuffer.allocate(4).putInt(id).array());
        writer.write(v, enc); enc.flush();
      };
      encode.run();
      byte[] framed = out.toByteArray();
      Body decode = () -> {
        ByteBuffer b = ByteBuffer.wrap(framed);
        if (b.get() != 0 || b.getInt() != id) throw new IllegalStateException("bad frame");
        dec[0] = DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, dec[0]);
        GenericRecord r = reader.read(null, dec[0]);
        checksum[0] += r.getSchema().getFields().size();
      };
      double roundTrip = measure(seconds, () -> {
        encode.run();
        byte[] msg = out.toByteArray();
        ByteBuffer b = ByteBuffer.wrap(msg);
        if (b.get() != 0 || b.getInt() != id) throw new IllegalStateException("bad frame");
        dec[0] = DecoderFactory.get().binaryDecoder(msg, 5, msg.length - 5, dec[0]);
        GenericRecord r = reader.read(null, dec[0]);
        checksum[0] += r.getSchema().getFields().size();
      });
      double encodeAlone = measure(seconds, () -> { encode.run(); checksum[0] += out.toByteArray().length; });
      double decodeAlone = measure(seconds, decode);
      System.out.printf("java_%s_bytes %d%n", name, framed.length);
      System.out.printf("java_%s_ops %.0f%n", name, roundTrip);
      System.out.printf("java_%s_encode_ops %.0f%n", name, encodeAlone);
      System.out.printf("java_%s_decode_ops %.0f%n", name, decodeAlone);
      if (checksum[0] == 0) throw new IllegalStateException("no work");
    }
  }
}
