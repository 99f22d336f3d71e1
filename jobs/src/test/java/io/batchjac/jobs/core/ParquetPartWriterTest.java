package io.batchjac.jobs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Parquet part files that tasks write themselves: the same Parquet schema, Spark schema
 * metadata and compression as Spark's own writer for the same rows, values read back bitwise by
 * Spark and by parquet-hadoop's own reader, and nothing left behind by a part or a job that fails.
 */
class ParquetPartWriterTest {
  static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder().appName("ParquetPartWriterTest").master("local[2]")
        .config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** Random per-sample blocks: {@code count * per} values, some of them special (NaN, inf, -0). */
  private static double[] data(long seed, int count, int per) {
    return data(seed, count, per, true);
  }

  /** Random per-sample blocks, some of them special when {@code special} (NaN, -inf, -0). */
  private static double[] data(long seed, int count, int per, boolean special) {
    Random r = new Random(seed);
    double[] d = new double[count * per];
    for (int i = 0; i < d.length; i++) {
      d[i] = switch (special ? i % 97 : -1) {
        case 5 -> Double.NaN;
        case 6 -> Double.NEGATIVE_INFINITY;
        case 7 -> -0.0;
        default -> r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10);
      };
    }
    return d;
  }

  /** Spark's row for sample s (what the job wrote through Spark's writer before). */
  private static Row sparkRow(Operation op, int m, int[] dims, ParquetLayout layout, long id,
      double[] values, double[] data, int s) {
    double[] value = java.util.Arrays.copyOfRange(values, s * m, (s + 1) * m);
    if (op == Operation.EVAL) {
      return RowFactory.create(id, value);
    }
    int per = dims.length == 2 ? dims[0] * dims[1] : dims[0];
    if (dims.length != 2) {
      return RowFactory.create(id, value, java.util.Arrays.copyOfRange(data, s * per, (s + 1) * per));
    }
    int r = dims[0];
    int c = dims[1];
    if (layout == ParquetLayout.NESTED) {
      return RowFactory.create(id, value, ParquetOutput.matrix(data, s * per, r, c));
    }
    double[] flat = new double[per];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        flat[i * c + j] = data[s * per + i + r * j];
      }
    }
    return RowFactory.create(id, value, flat);
  }

  private static ParquetMetadata footer(Path file) throws IOException {
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
      return r.getFooter();
    }
  }

  private static Path onlyPart(Path directory) throws IOException {
    try (Stream<Path> s = Files.list(directory)) {
      List<Path> parts = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
      assertEquals(1, parts.size(), "one part in " + directory);
      return parts.get(0);
    }
  }

  /** Writes {@code count} samples with our writer and with Spark's, and compares the two files. */
  private void compareWithSpark(Operation op, int m, int[] dims, ParquetLayout layout, boolean special)
      throws IOException {
    int count = 300;
    int per = op == Operation.EVAL ? m : (dims.length == 2 ? dims[0] * dims[1] : dims[0]);
    double[] values = data(1, count, m, special);
    double[] d = op == Operation.EVAL ? values : data(2, count, per, special);
    ParquetRows rows = new ParquetRows(op, m, dims, layout);
    String name = op + "-" + layout;
    Path ours = Files.createDirectories(dir.resolve(name + "-ours")).resolve("part-0.parquet");
    long b0 = 1000;
    try (ParquetPartWriter w = new ParquetPartWriter(rows, ours)) {
      w.write(b0, 100, values, d); // in two pieces, as a task writes its sub-blocks
      w.write(b0 + 100, count - 100, java.util.Arrays.copyOfRange(values, 100 * m, count * m),
          java.util.Arrays.copyOfRange(d, 100 * per, count * per));
      w.commit();
    }
    List<Row> expected = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      expected.add(sparkRow(op, m, dims, layout, b0 + s, values, d, s));
    }
    Path theirs = dir.resolve(name + "-spark");
    spark.createDataFrame(expected, rows.sparkSchema()).coalesce(1).write()
        .option("parquet.enable.dictionary", "false").parquet(theirs.toString());

    ParquetMetadata a = footer(ours);
    ParquetMetadata b = footer(onlyPart(theirs));
    assertEquals(b.getFileMetaData().getSchema(), a.getFileMetaData().getSchema(), name + ": Parquet schema");
    Map<String, String> kv = a.getFileMetaData().getKeyValueMetaData();
    assertEquals(b.getFileMetaData().getKeyValueMetaData().get(ParquetRows.SPARK_ROW_METADATA),
        kv.get(ParquetRows.SPARK_ROW_METADATA), name + ": Spark schema in the footer");
    assertEquals(org.apache.spark.package$.MODULE$.SPARK_VERSION_SHORT(), kv.get(ParquetRows.SPARK_VERSION_METADATA));
    assertEquals(1, a.getBlocks().size(), name + ": one row group");
    assertEquals(1, b.getBlocks().size(), name + ": one row group (Spark)");
    for (int c = 0; c < a.getBlocks().get(0).getColumns().size(); c++) {
      ColumnChunkMetaData mine = a.getBlocks().get(0).getColumns().get(c);
      ColumnChunkMetaData its = b.getBlocks().get(0).getColumns().get(c);
      assertEquals(its.getValueCount(), mine.getValueCount(), name + ": level entries of " + mine.getPath());
      assertEquals(its.getStatistics(), mine.getStatistics(), name + ": statistics of " + mine.getPath());
    }
    for (BlockMetaData block : a.getBlocks()) {
      for (ColumnChunkMetaData col : block.getColumns()) {
        assertEquals(CompressionCodecName.SNAPPY, col.getCodec(), name + ": codec of " + col.getPath());
        assertFalse(col.getEncodings().contains(Encoding.PLAIN_DICTIONARY)
            || col.getEncodings().contains(Encoding.RLE_DICTIONARY), name + ": no dictionary in " + col.getPath());
      }
    }
    // Spark reads back the same rows from both, bitwise
    List<Row> got = spark.read().parquet(ours.getParent().toString()).orderBy("id").collectAsList();
    List<Row> want = spark.read().parquet(theirs.toString()).orderBy("id").collectAsList();
    assertEquals(count, got.size(), name + ": rows");
    for (int s = 0; s < count; s++) {
      assertEquals(bits(want.get(s)), bits(got.get(s)), name + ": row " + s);
    }
  }

  /** A row's values as a string of raw bits (so that NaN and -0 compare exactly). */
  private static String bits(Object o) {
    if (o instanceof Row r) {
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < r.length(); i++) {
        sb.append(bits(r.get(i))).append(',');
      }
      return sb.append(')').toString();
    }
    if (o instanceof scala.collection.Seq<?> seq) {
      StringBuilder sb = new StringBuilder("[");
      for (Object e : scala.jdk.javaapi.CollectionConverters.asJava(seq)) {
        sb.append(bits(e)).append(',');
      }
      return sb.append(']').toString();
    }
    if (o instanceof Double d) {
      return Long.toHexString(Double.doubleToRawLongBits(d));
    }
    return String.valueOf(o);
  }

  @Test
  void nestedJacobianAsSparkWritesIt() throws IOException {
    compareWithSpark(Operation.JACOBIAN, 2, new int[] {2, 3}, ParquetLayout.NESTED, true);
  }

  @Test
  void flatJacobianAsSparkWritesItWithItsShapeInTheMetadata() throws IOException {
    compareWithSpark(Operation.JACOBIAN, 2, new int[] {2, 3}, ParquetLayout.FLAT, true);
  }

  @Test
  void vectorsAndEvalAsSparkWritesThem() throws IOException {
    compareWithSpark(Operation.JVP, 3, new int[] {3}, ParquetLayout.NESTED, false);
    compareWithSpark(Operation.EVAL, 4, new int[] {4}, ParquetLayout.FLAT, true);
    compareWithSpark(Operation.HESSIAN, 1, new int[] {4, 4}, ParquetLayout.NESTED, false);
  }

  @Test
  void parquetHadoopsOwnReaderReadsTheNestedMatrix() throws IOException {
    int count = 50;
    int[] dims = {2, 3};
    double[] values = data(3, count, 2);
    double[] d = data(4, count, 6);
    Path file = dir.resolve("part-0.parquet");
    try (ParquetPartWriter w = new ParquetPartWriter(new ParquetRows(Operation.JACOBIAN, 2, dims, ParquetLayout.NESTED),
        file)) {
      w.write(0, count, values, d);
      w.commit();
    }
    try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(),
        new org.apache.hadoop.fs.Path(file.toUri())).build()) {
      for (int s = 0; s < count; s++) {
        Group g = r.read();
        assertEquals(s, g.getLong("id", 0));
        Group value = g.getGroup("value", 0);
        assertEquals(2, value.getFieldRepetitionCount("list"));
        for (int k = 0; k < 2; k++) {
          assertEquals(Double.doubleToRawLongBits(values[s * 2 + k]),
              Double.doubleToRawLongBits(value.getGroup("list", k).getDouble("element", 0)), "value " + s + "," + k);
        }
        Group jac = g.getGroup("jacobian", 0);
        assertEquals(2, jac.getFieldRepetitionCount("list"), "rows");
        for (int i = 0; i < 2; i++) {
          Group row = jac.getGroup("list", i).getGroup("element", 0);
          assertEquals(3, row.getFieldRepetitionCount("list"), "columns");
          for (int j = 0; j < 3; j++) {
            assertEquals(Double.doubleToRawLongBits(d[s * 6 + i + 2 * j]),
                Double.doubleToRawLongBits(row.getGroup("list", j).getDouble("element", 0)), "J[" + i + "][" + j + "]");
          }
        }
      }
      assertEquals(null, r.read(), "no more rows");
    }
  }

  @Test
  void aPartClosedWithoutCommitLeavesNothing() throws IOException {
    Path file = dir.resolve("part-0.parquet");
    try (ParquetPartWriter w = new ParquetPartWriter(new ParquetRows(Operation.JVP, 2, new int[] {2},
        ParquetLayout.NESTED), file)) {
      w.write(0, 10, data(5, 10, 2), data(6, 10, 2));
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.toList(), "no part, no temporary file");
    }
  }

  /** Random inputs, except that reading the samples from {@code failAt} on fails. */
  record FailingSource(long batch, int width, long failAt) implements BatchSource {
    @Override
    public double[] rows(long b0, int count) throws IOException {
      if (b0 + count > failAt) {
        throw new IOException("disk gone at sample " + failAt);
      }
      return data(b0, count, width);
    }
  }

  @Test
  void aJobFailingAfterOtherPartsWereWrittenLeavesNoOutput() throws IOException {
    SpecBundle spec = SpecBundle.ofInline("input x[3]; output a = sin(x[0]) * x[1]; output b = x[2] * x[0] + x[1]");
    long batch = 100_000;
    // 2 partitions of 50,000 samples, computed in sub-blocks of PartitionTask.subBlock(6) = 21,824:
    // the second task fails in its third sub-block, with two written into its part
    assertEquals(21_824, PartitionTask.subBlock(6));
    FailingSource source = new FailingSource(batch, 3, 95_000);
    PartitionTask task = new PartitionTask(spec, Operation.JACOBIAN, "auto", 0, List.of(), source, null);
    Path out = dir.resolve("J.parquet");
    ParquetRows rows = new ParquetRows(Operation.JACOBIAN, 2, new int[] {2, 3}, ParquetLayout.NESTED);
    Exception e = assertThrows(Exception.class,
        () -> ParquetOutput.write(spark, new Inputs.Ranges(source), task, 2, out, rows, false));
    assertTrue(String.valueOf(e.getMessage()).contains("disk gone at sample 95000"), e::toString);
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.toList(), "no output, no temporary directory");
    }
  }
}
