package io.batchjac.engine.tensor;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests {@link Npy} and {@link NpyWriter} against files written by NumPy.
 *
 * <p>The base64 constants below are complete {@code .npy} files produced with NumPy 1.24.2
 * ({@code numpy.save}, or {@code numpy.lib.format.write_array(f, a, version=(2, 0))} for the
 * explicit versions) when this test was written; each comment shows the file's header. The tests
 * do not need Python.
 */
class NpyTest {
  private static final String SOURCE = "data/x.npy";

  @TempDir Path dir;

  // ---------------------------------------------------------------- NumPy-written files

  // {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }
  private static final String F64_C_2x3 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMp" +
      "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AAAAAAAAAAAAAPA/AAAAAAAAAEAAAAAAAAAIQAAAAAAAABBAAAAAAAAAFEA=";

  // {'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }
  private static final String F64_F_2x3 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyks" +
      "IH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AAAAAAAAAAAAAAhAAAAAAAAA8D8AAAAAAAAQQAAAAAAAAABAAAAAAAAAFEA=";

  // {'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }
  private static final String F64_F_2x3x4 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMywg" +
      "NCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AAAAAAAAAAAAAChAAAAAAAAAEEAAAAAAAAAwQAAAAAAAACBAAAAAAAAANEAAAAAAAADwPwAAAAAAACpAAAAAAAAA" +
      "FEAAAAAAAAAxQAAAAAAAACJAAAAAAAAANUAAAAAAAAAAQAAAAAAAACxAAAAAAAAAGEAAAAAAAAAyQAAAAAAAACRA" +
      "AAAAAAAANkAAAAAAAAAIQAAAAAAAAC5AAAAAAAAAHEAAAAAAAAAzQAAAAAAAACZAAAAAAAAAN0A=";

  // {'descr': '<f8', 'fortran_order': False, 'shape': (5,), }
  private static final String F64_VECTOR_5 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwg" +
      "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AAD4PwAAAAAAAADAnHUAiDzkN34AAAAAAADwfwAAAAAAAACA";

  // {'descr': '<f8', 'fortran_order': False, 'shape': (), }
  private static final String F64_SCALAR =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0g" +
      "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AAAEQA==";

  // {'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }
  private static final String F64_EMPTY_0x3 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDMp" +
      "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=";

  // {'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 0), }
  private static final String F64_EMPTY_WIDE_1000000000x0 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEwMDAw" +
      "MDAwMDAsIDApLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=";

  // {'descr': '<f8', 'fortran_order': False, 'shape': (0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10, 10), }
  private static final String F64_EMPTY_PAD64 =
      "k05VTVBZAQC2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDEs" +
      "IDEsIDEsIDEsIDEsIDEsIDEsIDEsIDEsIDEsIDEsIDEwLCAxMCksIH0gICAgICAgICAgICAgICAgICAgICAgICAg" +
      "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAK";

  // {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
  private static final String F32_2x3 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMp" +
      "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAA/" +
      "AACgv///f38BAAAAAACAfwAAAIA=";

  // {'descr': '>f4', 'fortran_order': False, 'shape': (2,), }
  private static final String F32_BE_2 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwg" +
      "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/AAAA" +
      "wEAAAA==";

  // {'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }
  private static final String I32_2x2 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIp" +
      "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAACA" +
      "////fwAAAAD/////";

  // {'descr': '>i4', 'fortran_order': False, 'shape': (3,), }
  private static final String I32_BE_3 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPmk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwg" +
      "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAAAAA" +
      "f////wAAAAc=";

  // {'descr': '<i8', 'fortran_order': False, 'shape': (3,), }
  private static final String I64_3 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwg" +
      "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AAAAgP////////9/KgAAAAAAAAA=";

  // {'descr': '|i1', 'fortran_order': False, 'shape': (2,), }
  private static final String I8_2 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwg" +
      "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAfw==";

  // {'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }
  private static final String I16_F_2x3 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyks" +
      "IH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAPz/" +
      "/v8FAAMA+v8=";

  // {'descr': '|u1', 'fortran_order': False, 'shape': (4,), }
  private static final String U8_4 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwg" +
      "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAYD/";

  // {'descr': '>u2', 'fortran_order': False, 'shape': (2,), }
  private static final String U16_BE_2 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPnUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwg" +
      "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAP//";

  // {'descr': '<u4', 'fortran_order': False, 'shape': (2,), }
  private static final String U32_2 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPHU0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwg" +
      "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "/////w==";

  // {'descr': '<u8', 'fortran_order': False, 'shape': (3,), }
  private static final String U64_3 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPHU4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwg" +
      "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AAAAAP//////////AAAAAAAAAIA=";

  // {'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }
  private static final String BOOL_2x2 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIp" +
      "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAB";

  // {'descr': '>f8', 'fortran_order': False, 'shape': (3,), }
  private static final String F64_BE_3 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwg" +
      "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/+AAA" +
      "AAAAAMAAAAAAAAAAfjfkPIgAdZw=";

  // {'descr': '<i4', 'fortran_order': False, 'shape': (), }
  private static final String I32_SCALAR =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0g" +
      "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoHAAAA";

  // {'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }
  private static final String F64_V2_2x2 =
      "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwg" +
      "MiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AADwPwAAAAAAAABAAAAAAAAACEAAAAAAAAAQQA==";

  // {'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }
  private static final String F64_V3_2x2 =
      "k05VTVBZAwB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwg" +
      "MiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AADwPwAAAAAAAABAAAAAAAAACEAAAAAAAAAQQA==";

  // {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
  private static final String F64_3x4 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsIDQp" +
      "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AAAAAAAAAAAAAPA/AAAAAAAAAEAAAAAAAAAIQAAAAAAAABBAAAAAAAAAFEAAAAAAAAAYQAAAAAAAABxAAAAAAAAA" +
      "IEAAAAAAAAAiQAAAAAAAACRAAAAAAAAAJkA=";

  // {'descr': '<c16', 'fortran_order': False, 'shape': (1,), }
  private static final String C128_1 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPGMxNicsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgxLCks" +
      "IH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AADwPwAAAAAAAABA";

  // {'descr': '<U3', 'fortran_order': False, 'shape': (1,), }
  private static final String STR_U3_1 =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnPFUzJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwg" +
      "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAphAAAA" +
      "YgAAAGMAAAA=";

  // {'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (2,), }
  private static final String STRUCT_2 =
      "k05VTVBZAQB2AHsnZGVzY3InOiBbKCdhJywgJzxmOCcpLCAoJ2InLCAnPGk0JyldLCAnZm9ydHJhbl9vcmRlcic6" +
      "IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA" +
      "AAAAAAAAAAAAAAAAAAAAAAAAAAA=";

  // {'descr': '|O', 'fortran_order': False, 'shape': (2,), }
  private static final String OBJECT_HEADER_ONLY =
      "k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9" +
      "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=";

  // ---------------------------------------------------------------- writing, byte for byte

  @Test
  void writesLikeNumpyInCOrder() throws IOException {
    assertWritesLikeNumpy(F64_C_2x3, Tensor.of(Shape.of(2, 3), range(6), Tensor.Order.C));
  }

  @Test
  void writesLikeNumpyInFOrder() throws IOException {
    assertWritesLikeNumpy(F64_F_2x3, Tensor.of(Shape.of(2, 3), range(6)).toF());
    assertWritesLikeNumpy(F64_F_2x3x4, Tensor.of(Shape.of(2, 3, 4), range(24)).toF());
  }

  @Test
  void writesLikeNumpyForVectorsScalarsAndEmptyArrays() throws IOException {
    assertWritesLikeNumpy(F64_VECTOR_5,
        Tensor.vector(1.5, -2.0, 1e300, Double.POSITIVE_INFINITY, -0.0));
    assertWritesLikeNumpy(F64_SCALAR, Tensor.scalar(2.5));
    assertWritesLikeNumpy(F64_EMPTY_0x3, Tensor.zeros(Shape.of(0, 3)));
  }

  @Test
  void writesNumpysGrowthSpaceForALongOuterDimension() throws IOException {
    assertWritesLikeNumpy(F64_EMPTY_WIDE_1000000000x0, Tensor.zeros(Shape.of(1000000000, 0)));
  }

  @Test
  void padsWithAFullBlockWhenTheHeaderIsAlreadyAligned() throws IOException {
    // NumPy never pads with 0 spaces: an aligned header gets 64 more.
    Shape shape = Shape.of(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10, 10);
    byte[] expected = bytes(F64_EMPTY_PAD64);
    assertEquals(192, expected.length);
    assertWritesLikeNumpy(F64_EMPTY_PAD64, Tensor.zeros(shape));
  }

  @Test
  void headerHelperGivesNumpysHeaderText() {
    byte[] numpy = bytes(F64_3x4);
    assertEquals(new String(numpy, 10, 118, ISO_8859_1), Npy.header(Shape.of(3, 4), Tensor.Order.C));
    assertEquals("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }",
        Npy.header(Shape.of(5), Tensor.Order.C).substring(0, 57));
  }

  @Test
  void switchesToVersion2WhenTheHeaderExceeds65535Bytes() throws IOException {
    int[] dims = new int[22_000];
    Arrays.fill(dims, 1);
    Tensor t = Tensor.of(Shape.of(dims), new double[] {4.25}, Tensor.Order.C);
    byte[] b = writeBytes(t);
    assertEquals(2, b[6]);
    assertEquals(0, b[7]);
    int headerLength = ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int dataStart = 12 + headerLength;
    assertTrue(headerLength > 65535, "header length " + headerLength);
    assertEquals(0, dataStart % 64);
    assertEquals('\n', b[dataStart - 1]);
    assertEquals(dataStart + 8, b.length);
    String dims1 = "1, ".repeat(21_999) + "1";
    String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims1 + "), }";
    assertTrue(new String(b, 12, headerLength, ISO_8859_1).startsWith(dict + " ".repeat(20)));
    Tensor back = read(b);
    assertEquals(t.shape(), back.shape());
    assertArrayEquals(t.data(), back.data());
  }

  // ---------------------------------------------------------------- round trips

  @Test
  void roundTripsEveryRankInBothOrders() throws IOException {
    Shape[] shapes = {
      Shape.SCALAR, Shape.of(4), Shape.of(2, 3), Shape.of(2, 3, 4), Shape.of(0, 3), Shape.of(3, 0)
    };
    for (Tensor.Order order : Tensor.Order.values()) {
      for (Shape shape : shapes) {
        double[] data = new double[shape.size()];
        for (int i = 0; i < data.length; i++) {
          data[i] = i * 0.5 - 3 + (i == 1 ? Double.NaN : 0);
        }
        Tensor t = Tensor.of(shape, data, order);
        Path file = dir.resolve("t.npy");
        Npy.write(file, t);
        Tensor back = Npy.read(file);
        String what = shape + " " + order;
        assertEquals(shape, back.shape(), what);
        assertEquals(order, back.order(), what);
        assertArrayEquals(data, back.data(), what);
        assertEquals(0, (Files.size(file) - 8L * data.length) % 64, what);
      }
    }
  }

  @Test
  void streamsLargeArraysAcrossBlocks() throws IOException {
    int n = 300_001;
    double[] data = new double[n];
    for (int i = 0; i < n; i++) {
      data[i] = Math.sin(i);
    }
    Path file = dir.resolve("big.npy");
    try (NpyWriter w = NpyWriter.open(file, Shape.of(n), Tensor.Order.C)) {
      for (int off = 0; off < n; off += 70_000) {
        w.write(data, off, Math.min(70_000, n - off));
      }
      assertEquals(n, w.written());
    }
    Tensor back = Npy.read(file);
    assertEquals(Shape.of(n), back.shape());
    assertArrayEquals(data, back.data());
  }

  // ---------------------------------------------------------------- reading NumPy's dtypes

  @Test
  void readsFloat64InBothOrders() throws IOException {
    Tensor c = read(bytes(F64_C_2x3));
    assertEquals(Shape.of(2, 3), c.shape());
    assertEquals(Tensor.Order.C, c.order());
    assertArrayEquals(range(6), c.data());

    Tensor f = read(bytes(F64_F_2x3));
    assertEquals(Tensor.Order.F, f.order());
    assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, f.data());
    assertEquals(1.0, f.get(0, 1));
    assertEquals(3.0, f.get(1, 0));

    Tensor f3 = read(bytes(F64_F_2x3x4));
    assertEquals(Shape.of(2, 3, 4), f3.shape());
    assertArrayEquals(range(24), f3.toC().data());
  }

  @Test
  void readsFloat32() throws IOException {
    assertRead(F32_2x3, Shape.of(2, 3), Tensor.Order.C,
        0.5, -1.25, Float.MAX_VALUE, Float.MIN_VALUE, Double.POSITIVE_INFINITY, -0.0);
    assertRead(F32_BE_2, Shape.of(2), Tensor.Order.C, 0.5, -3.0);
  }

  @Test
  void readsSignedIntegers() throws IOException {
    assertRead(I8_2, Shape.of(2), Tensor.Order.C, -128, 127);
    assertRead(I32_2x2, Shape.of(2, 2), Tensor.Order.C, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1);
    assertRead(I32_BE_3, Shape.of(3), Tensor.Order.C, Integer.MIN_VALUE, Integer.MAX_VALUE, 7);
    assertRead(I64_3, Shape.of(3), Tensor.Order.C, Long.MIN_VALUE, Long.MAX_VALUE, 42);
  }

  @Test
  void readsFortranOrderIntegers() throws IOException {
    Tensor t = assertRead(I16_F_2x3, Shape.of(2, 3), Tensor.Order.F, 1, -4, -2, 5, 3, -6);
    assertEquals(-2.0, t.get(0, 1));
    assertEquals(-4.0, t.get(1, 0));
  }

  @Test
  void readsUnsignedIntegers() throws IOException {
    assertRead(U8_4, Shape.of(4), Tensor.Order.C, 0, 1, 128, 255);
    assertRead(U16_BE_2, Shape.of(2), Tensor.Order.C, 0, 65535);
    assertRead(U32_2, Shape.of(2), Tensor.Order.C, 0, 4294967295.0);
    assertRead(U64_3, Shape.of(3), Tensor.Order.C, 0, 18446744073709551615.0, 9223372036854775808.0);
  }

  @Test
  void readsBoolAndBigEndianFloat64() throws IOException {
    assertRead(BOOL_2x2, Shape.of(2, 2), Tensor.Order.C, 1, 0, 0, 1);
    assertRead(F64_BE_3, Shape.of(3), Tensor.Order.C, 1.5, -2.0, 1e300);
  }

  @Test
  void readsScalarsAsRankZero() throws IOException {
    Tensor t = assertRead(I32_SCALAR, Shape.SCALAR, Tensor.Order.C, 7);
    assertEquals(0, t.shape().rank());
    assertEquals(7.0, t.get());
    assertRead(F64_SCALAR, Shape.SCALAR, Tensor.Order.C, 2.5);
  }

  @Test
  void readsEmptyArrays() throws IOException {
    assertRead(F64_EMPTY_0x3, Shape.of(0, 3), Tensor.Order.C);
  }

  @Test
  void readsVersion2And3Headers() throws IOException {
    assertEquals(2, bytes(F64_V2_2x2)[6]);
    assertEquals(3, bytes(F64_V3_2x2)[6]);
    assertRead(F64_V2_2x2, Shape.of(2, 2), Tensor.Order.C, 1, 2, 3, 4);
    assertRead(F64_V3_2x2, Shape.of(2, 2), Tensor.Order.C, 1, 2, 3, 4);
  }

  @Test
  void readsPython2LongSuffixes() throws IOException {
    byte[] b = npyV1("{'descr': '<f8', 'fortran_order': False, 'shape': (2L,), }", new double[] {1, 2});
    assertArrayEquals(new double[] {1, 2}, read(b).data());
  }

  @Test
  void stopsReadingRightAfterTheData() throws IOException {
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    two.write(bytes(F64_C_2x3));
    two.write(bytes(I64_3));
    InputStream in = new ByteArrayInputStream(two.toByteArray());
    assertArrayEquals(range(6), Npy.read(in, SOURCE).data());
    assertEquals(Shape.of(3), Npy.read(in, SOURCE).shape());
    assertEquals(-1, in.read());
  }

  // ---------------------------------------------------------------- refusals

  @Test
  void refusesBadMagic() {
    byte[] zip = "PK\u0003\u0004 not numpy at all".getBytes(ISO_8859_1);
    String msg = assertRefused(zip, "not a .npy file: expected a NumPy array file", "found a file of another kind");
    // no byte of the file, in any spelling, reaches the message
    assertFalse(msg.contains("50 4b") || msg.contains("504b") || msg.contains("PK") || msg.contains("not numpy"), msg);
    assertRefused(new byte[0], "not a .npy file: the file is empty");
  }

  @Test
  void refusesUnsupportedVersions() {
    byte[] b = bytes(F64_C_2x3);
    b[6] = 4;
    assertRefused(b, "unsupported .npy format version 4.0", "1.0, 2.0 and 3.0");
  }

  @Test
  void refusesTruncatedData() {
    byte[] b = Arrays.copyOf(bytes(F64_3x4), 128 + 40);
    assertEquals(SOURCE + ": truncated: header promises 12 values (96 bytes) but only 40 bytes follow",
        refusal(b).getMessage());
    byte[] f4 = bytes(F32_2x3);
    assertRefused(Arrays.copyOf(f4, f4.length - 1), "header promises 6 values (24 bytes) but only 23 bytes follow");
  }

  @Test
  void aHeaderPromisingBillionsOfValuesIsTruncatedNotAnOutOfMemoryError() {
    // found by NpyReaderFuzzIT: the reader used to allocate what the header promised up front
    byte[] b = npyV1("{'descr': '<f8', 'fortran_order': False, 'shape': (1335024852,), }", new double[] {1, 2});
    assertEquals(SOURCE + ": truncated: header promises 1335024852 values (10680198816 bytes) but only 16 bytes follow",
        refusal(b).getMessage());
  }

  @Test
  void aZeroDimensionMakesAnEmptyArrayWhateverTheOtherDimensions() throws IOException {
    // found by NpyReaderFuzzIT: Shape refused (26700497, 474, 0) as "more than 2^31 elements"
    byte[] b = npyV1("{'descr': '<f8', 'fortran_order': False, 'shape': (26700497, 474, 0), }", new double[0]);
    Tensor t = Npy.read(new ByteArrayInputStream(b), SOURCE);
    assertArrayEquals(new int[] {26700497, 474, 0}, t.shape().dims());
    assertEquals(0, t.data().length);
  }

  @Test
  void refusesTruncatedHeaders() {
    assertRefused(Arrays.copyOf(bytes(F64_3x4), 50),
        "truncated: header length field promises 118 bytes of header but only 40 follow");
    assertRefused(Arrays.copyOf(bytes(F64_3x4), 9), "truncated: file ends inside the header length field");
  }

  @Test
  void refusesComplexObjectStringAndStructuredDtypes() {
    String why = " is not supported: batchjac reads float64, float32, integer and bool arrays";
    assertEquals(SOURCE + ": dtype '<c16'" + why, refusal(bytes(C128_1)).getMessage());
    assertEquals(SOURCE + ": dtype '|O'" + why, refusal(bytes(OBJECT_HEADER_ONLY)).getMessage());
    assertEquals(SOURCE + ": dtype '<U3'" + why, refusal(bytes(STR_U3_1)).getMessage());
    assertEquals(SOURCE + ": dtype [('a', '<f8'), ('b', '<i4')]" + why,
        refusal(bytes(STRUCT_2)).getMessage());
  }

  @Test
  void refusesMalformedHeaders() {
    assertMalformed("{'descr': '<f8', 'fortran_order': False, }", "missing key 'shape'");
    assertMalformed("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1, }",
        "unexpected key 'extra'");
    // found by the fuzzer (NpyReaderFuzzIT): a None key once threw a NullPointerException
    assertMalformed("{'descr': '<f8', None: False, 'shape': (1,), }", "unexpected key None");
    assertMalformed("{'descr': '<f8', 'fortran_order': False, 'shape': [3, 4], }",
        "'shape' must be a tuple of non-negative integers, found [3, 4]");
    assertMalformed("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }",
        "'shape' must be a tuple of non-negative integers, found (-1,)");
    assertMalformed("{'descr': '<f8', 'fortran_order': 'no', 'shape': (3,), }",
        "'fortran_order' must be True or False, found 'no'");
    assertMalformed("{'descr': 8, 'fortran_order': False, 'shape': (3,), }",
        "'descr' must be a dtype string such as '<f8', found 8");
    assertMalformed("{'descr': '<f8, 'fortran_order': False, 'shape': (3,), }",
        "expected ',' or '}' in dict, found 'f' at column 18");
    assertMalformed("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)",
        "expected ',' or '}' in dict, found the end of the header");
    assertMalformed("{'descr': '<f8', 'fortran_order': false, 'shape': (3,), }", "unknown name 'false'");
    assertMalformed("['descr', '<f8']", "expected a dict literal {...}, found ['descr', '<f8']");
    assertMalformed("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), } x",
        "unexpected text after the dict");
    assertMalformed("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x}",
        "unterminated string", "in {'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x}");
  }

  @Test
  void refusesInvalidUtf8InVersion3Headers() {
    byte[] b = bytes(F64_V3_2x2);
    b[12 + 11] = (byte) 0xff; // inside '<f8'
    assertRefused(b, "malformed header: not valid UTF-8 text");
  }

  @Test
  void refusesMoreThan2To31Elements() {
    assertRefused(npyV1("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }", new double[0]),
        "shape (100000, 100000) has 10000000000 elements, more than the 2^31-1");
    assertRefused(npyV1("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3000000000), }", new double[0]),
        "shape (0, 3000000000) has a dimension of 3000000000");
  }

  @Test
  void namesTheFileWhenReadingAPath() throws IOException {
    Path file = dir.resolve("bad.npy");
    Files.write(file, "{'not': 'npy'}".getBytes(UTF_8));
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(file));
    assertTrue(e.getMessage().startsWith(file + ": not a .npy file"), e.getMessage());
    assertEquals(file.toString(), e.sourceName());
  }

  // ---------------------------------------------------------------- NpyWriter counts

  @Test
  void writerRefusesTooFewValuesOnClose() throws IOException {
    Path file = dir.resolve("short.npy");
    NpyWriter w = NpyWriter.open(file, Shape.of(2, 3), Tensor.Order.C);
    w.write(new double[] {1, 2, 3, 4, 5}, 0, 5);
    IOException e = assertThrows(IOException.class, w::close);
    assertEquals(file + ": wrote 5 values but shape [2, 3] needs 6", e.getMessage());
    NpyFormatException r = assertThrows(NpyFormatException.class, () -> Npy.read(file));
    assertTrue(r.getMessage().contains("truncated: header promises 6 values (48 bytes) but only 40 bytes follow"),
        r.getMessage());
  }

  @Test
  void writerRefusesTooManyValuesAtOnce() throws IOException {
    Path file = dir.resolve("long.npy");
    try (NpyWriter w = NpyWriter.open(file, Shape.of(2, 3), Tensor.Order.F)) {
      w.write(new double[] {1, 2, 3, 4});
      IOException e = assertThrows(IOException.class, () -> w.write(new double[] {5, 6, 7}));
      assertEquals(file + ": writing 3 more values after 4 would exceed the 6 values of shape [2, 3]",
          e.getMessage());
      w.write(new double[] {5, 6});
    }
    Tensor back = Npy.read(file);
    assertEquals(Tensor.Order.F, back.order());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, back.data());
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] bytes(String base64) {
    return Base64.getDecoder().decode(base64);
  }

  private static double[] range(int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = i;
    }
    return d;
  }

  private static Tensor read(byte[] b) throws IOException {
    return Npy.read(new ByteArrayInputStream(b), SOURCE);
  }

  private byte[] writeBytes(Tensor t) throws IOException {
    Path file = dir.resolve("out.npy");
    Npy.write(file, t);
    return Files.readAllBytes(file);
  }

  private void assertWritesLikeNumpy(String numpyBase64, Tensor t) throws IOException {
    byte[] expected = bytes(numpyBase64);
    byte[] actual = writeBytes(t);
    int headerEnd = indexOfNewline(expected) + 1;
    assertEquals(new String(expected, 0, headerEnd, ISO_8859_1),
        new String(actual, 0, Math.min(headerEnd, actual.length), ISO_8859_1), "header of " + t);
    assertArrayEquals(expected, actual, "bytes of " + t);
  }

  private static int indexOfNewline(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static Tensor assertRead(String numpyBase64, Shape shape, Tensor.Order order, double... values)
      throws IOException {
    Tensor t = read(bytes(numpyBase64));
    assertEquals(shape, t.shape());
    assertEquals(order, t.order());
    assertArrayEquals(values, t.data());
    return t;
  }

  private static NpyFormatException refusal(byte[] b) {
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> read(b));
    assertTrue(e.getMessage().startsWith(SOURCE + ": "), e.getMessage());
    return e;
  }

  /** Asserts the refusal's message contains every fragment, and returns it. */
  private static String assertRefused(byte[] b, String... fragments) {
    String message = refusal(b).getMessage();
    for (String f : fragments) {
      assertTrue(message.contains(f), "expected '" + f + "' in: " + message);
    }
    return message;
  }

  private static void assertMalformed(String dict, String... fragments) {
    String[] all = Arrays.copyOf(fragments, fragments.length + 1);
    all[fragments.length] = SOURCE + ": malformed header: ";
    assertRefused(npyV1(dict, new double[0]), all);
  }

  /** A hand-built version 1.0 file: the given header text, padded as NumPy pads, then data. */
  private static byte[] npyV1(String dict, double[] data) {
    int textLength = dict.length() + 1;
    int pad = 64 - (10 + textLength) % 64;
    ByteBuffer b = ByteBuffer.allocate(10 + textLength + pad + 8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(Npy.MAGIC).put((byte) 1).put((byte) 0).putShort((short) (textLength + pad));
    b.put(dict.getBytes(ISO_8859_1)).put(" ".repeat(pad).getBytes(ISO_8859_1)).put((byte) '\n');
    b.asDoubleBuffer().put(data);
    return b.array();
  }
}
