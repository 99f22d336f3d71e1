package io.batchjac.engine.tensor;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes NumPy {@code .npy} files, format versions 1.0, 2.0 and 3.0.
 *
 * <p>Layout of a file:
 *
 * <pre>
 *   6 bytes   magic "\x93NUMPY"
 *   2 bytes   major and minor version: 1.0, 2.0 or 3.0
 *   2 bytes   (v1) or 4 bytes (v2, v3): header length H, little-endian unsigned
 *   H bytes   a Python dict literal, latin-1 (v1, v2) or UTF-8 (v3), for example
 *             {'descr': '&lt;f8', 'fortran_order': False, 'shape': (3, 4), }
 *             padded with spaces and ended by '\n' so the data starts at a multiple of 64
 *   data      shape.size() raw values of dtype 'descr', row-major, or column-major when
 *             fortran_order is True
 * </pre>
 *
 * <p>Reading: {@link #read} returns a float64 {@link Tensor} with the file's shape, and order
 * {@link Tensor.Order#F} when {@code fortran_order} is True ({@link Tensor.Order#C} otherwise),
 * so the data is taken over without reordering. float64, float32, signed and unsigned integers
 * of 1, 2, 4 and 8 bytes (either byte order) and bool are widened to float64 ({@code u8} and
 * {@code i8} values beyond 2^53 round). A shape {@code ()} gives a rank-0 tensor. Anything else
 * (bad magic, another version, a malformed header, complex, object, string or structured dtypes,
 * truncated data, more than 2^31-1 elements) is refused with a {@link NpyFormatException} whose
 * message starts with the source name. A file without the magic string is refused without
 * quoting any of its bytes (it may be any readable file; the message may reach someone who may
 * not read it); only files that declare themselves {@code .npy} files have their header quoted
 * in messages. Bytes after the data are ignored, as NumPy does. Data is
 * read in blocks of 1 MiB and decoded in bulk through {@link ByteBuffer} views.
 *
 * <p>Writing: {@link #write} (and the streaming {@link NpyWriter}) writes {@code '<f8'} with
 * {@code fortran_order} matching the tensor's order, byte for byte as {@code numpy.save} does:
 * keys in the order descr, fortran_order, shape; the spare spaces NumPy reserves for growing
 * the outer axis in place; padding to 64 bytes; version 1.0, or 2.0 when the header would not
 * fit in 65535 bytes. (NumPy itself writes {@code fortran_order: False} for rank 0 and 1, where
 * both orders share one layout; we keep the tensor's order so it round-trips.)
 */
public final class Npy {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** The data offset is a multiple of this (NumPy's {@code ARRAY_ALIGN}). */
  static final int ALIGN = 64;
  /** NumPy's {@code GROWTH_AXIS_MAX_DIGITS}: header spare space for growing the outer axis. */
  static final int GROWTH_AXIS_MAX_DIGITS = 21;
  /** Refuse headers longer than this: real ones are about 100 bytes. */
  static final int MAX_HEADER_BYTES = 1 << 20;
  /** Bytes read and decoded per block; a multiple of every item size. */
  static final int BLOCK_BYTES = 1 << 20;

  private static final String SUPPORTED_DTYPES = "batchjac reads float64, float32, integer and bool arrays";
  private static final List<String> KEYS = List.of("descr", "fortran_order", "shape");

  private Npy() {}

  // ---------------------------------------------------------------- reading

  /** Reads a {@code .npy} file; see the class comment for what is accepted. */
  public static Tensor read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  /**
   * Reads one {@code .npy} array from {@code in} (not closed), naming {@code sourceName} in
   * errors. Stops right after the array's data.
   */
  public static Tensor read(InputStream in, String sourceName) throws IOException {
    Header h = readHeader(in, sourceName);
    double[] data = readData(in, h, sourceName);
    return Tensor.of(h.shape(), data, h.fortranOrder() ? Tensor.Order.F : Tensor.Order.C);
  }

  /** A parsed header: dtype, order and shape. */
  record Header(Dtype dtype, boolean fortranOrder, Shape shape) {}

  static Header readHeader(InputStream in, String source) throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      // Never quote the bytes found: the file may be anything readable (a password file), and
      // this message can reach someone who may not read it (a SQL user).
      throw new NpyFormatException(source, magic.length == 0 ? "not a .npy file: the file is empty"
          : "not a .npy file: expected a NumPy array file (one that starts with the magic string \"\\x93NUMPY\", "
              + "as numpy.save writes), found a file of another kind");
    }
    byte[] version = in.readNBytes(2);
    if (version.length < 2) {
      throw new NpyFormatException(source, "truncated: file ends inside the format version");
    }
    int major = version[0] & 0xff;
    int minor = version[1] & 0xff;
    if (minor != 0 || major < 1 || major > 3) {
      throw new NpyFormatException(source, "unsupported .npy format version " + major + "." + minor
          + " (batchjac reads versions 1.0, 2.0 and 3.0)");
    }
    long length = readHeaderLength(in, major == 1 ? 2 : 4, source);
    if (length > MAX_HEADER_BYTES) {
      throw new NpyFormatException(source, "header length " + length + " is implausibly large (limit "
          + MAX_HEADER_BYTES + " bytes)");
    }
    byte[] text = in.readNBytes((int) length);
    if (text.length < length) {
      throw new NpyFormatException(source, "truncated: header length field promises " + length
          + " bytes of header but only " + text.length + " follow");
    }
    return parseHeader(decode(text, major == 3 ? UTF_8 : ISO_8859_1, source), source);
  }

  private static long readHeaderLength(InputStream in, int width, String source) throws IOException {
    byte[] field = in.readNBytes(width);
    if (field.length < width) {
      throw new NpyFormatException(source, "truncated: file ends inside the header length field");
    }
    ByteBuffer b = ByteBuffer.wrap(field).order(ByteOrder.LITTLE_ENDIAN);
    return width == 2 ? Short.toUnsignedLong(b.getShort()) : Integer.toUnsignedLong(b.getInt());
  }

  private static String decode(byte[] text, Charset charset, String source) throws NpyFormatException {
    try {
      return charset.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(text))
          .toString();
    } catch (CharacterCodingException e) {
      throw new NpyFormatException(source, "malformed header: not valid " + charset.name() + " text");
    }
  }

  private static Header parseHeader(String header, String source) throws NpyFormatException {
    Object value = new LiteralParser(header, source).parseWhole();
    if (!(value instanceof Map<?, ?> dict)) {
      throw malformed(source, "expected a dict literal {...}, found " + repr(value), header);
    }
    for (Object key : dict.keySet()) {
      if (key == null || !KEYS.contains(key)) { // List.of(...).contains(null) throws
        throw malformed(source, "unexpected key " + repr(key)
            + " (expected exactly 'descr', 'fortran_order' and 'shape')", header);
      }
    }
    for (String key : KEYS) {
      if (!dict.containsKey(key)) {
        throw malformed(source, "missing key " + repr(key), header);
      }
    }
    Dtype dtype = dtype(dict.get("descr"), source, header);
    Object fortran = dict.get("fortran_order");
    if (!(fortran instanceof Boolean)) {
      throw malformed(source, "'fortran_order' must be True or False, found " + repr(fortran), header);
    }
    return new Header(dtype, (Boolean) fortran, shape(dict.get("shape"), source, header));
  }

  private static Dtype dtype(Object descr, String source, String header) throws NpyFormatException {
    if (descr instanceof String s) {
      Dtype t = Dtype.parse(s);
      if (t != null) {
        return t;
      }
    } else if (!(descr instanceof List)) {
      throw malformed(source, "'descr' must be a dtype string such as '<f8', found " + repr(descr), header);
    }
    // A list descr is a structured dtype; strings name complex, object, text, dates, ...
    throw new NpyFormatException(source, "dtype " + repr(descr) + " is not supported: " + SUPPORTED_DTYPES);
  }

  private static Shape shape(Object value, String source, String header) throws NpyFormatException {
    String expected = "'shape' must be a tuple of non-negative integers, found " + repr(value);
    if (!(value instanceof Tuple tuple)) {
      throw malformed(source, expected, header);
    }
    int[] dims = new int[tuple.items().size()];
    BigInteger size = BigInteger.ONE;
    for (int i = 0; i < dims.length; i++) {
      if (!(tuple.items().get(i) instanceof BigInteger d) || d.signum() < 0) {
        throw malformed(source, expected, header);
      }
      if (d.bitLength() > 31) {
        throw new NpyFormatException(source, "shape " + repr(tuple) + " has a dimension of " + d
            + ", more than 2^31-1");
      }
      dims[i] = d.intValue();
      size = size.multiply(d);
    }
    if (size.bitLength() > 31) {
      throw new NpyFormatException(source, "shape " + repr(tuple) + " has " + size
          + " elements, more than the 2^31-1 that fit in one array");
    }
    return Shape.of(dims);
  }

  private static NpyFormatException malformed(String source, String problem, String header) {
    return new NpyFormatException(source, "malformed header: " + problem + " in " + excerpt(header));
  }

  /** The header text for error messages: trailing padding dropped, at most 200 characters. */
  private static String excerpt(String header) {
    String s = header.stripTrailing();
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  /** Values allocated before any data is read; the array grows as the data arrives. */
  private static final int INITIAL_VALUES = 1 << 16;

  private static double[] readData(InputStream in, Header h, String source) throws IOException {
    int count = h.shape().size();
    int itemSize = h.dtype().kind().size;
    long total = (long) count * itemSize;
    // Grown as the data arrives (at most doubling), not allocated from the header's promise: a
    // corrupt or truncated header must end in "truncated", not in an OutOfMemoryError (found by
    // NpyReaderFuzzIT).
    double[] out = new double[Math.min(count, INITIAL_VALUES)];
    byte[] block = new byte[(int) Math.min(BLOCK_BYTES, total)];
    ByteBuffer buf = ByteBuffer.wrap(block).order(h.dtype().order());
    long done = 0;
    int at = 0;
    while (done < total) {
      int want = (int) Math.min(block.length, total - done);
      int got = in.readNBytes(block, 0, want);
      if (got < want) {
        throw new NpyFormatException(source, "truncated: header promises " + count + " values ("
            + total + " bytes) but only " + (done + got) + " bytes follow");
      }
      int n = want / itemSize;
      if (at + n > out.length) {
        out = Arrays.copyOf(out, (int) Math.min(count, Math.max(2L * out.length, at + n)));
      }
      decode(buf, h.dtype().kind(), out, at, n);
      at += n;
      done += want;
    }
    return out;
  }

  /** Widens the first {@code n} items of {@code b} (position 0, in its byte order) into out. */
  static void decode(ByteBuffer b, Kind kind, double[] out, int at, int n) {
    switch (kind) {
      case F8 -> b.asDoubleBuffer().get(out, at, n);
      case F4 -> {
        FloatBuffer v = b.asFloatBuffer();
        for (int i = 0; i < n; i++) {
          out[at + i] = v.get(i);
        }
      }
      case I1 -> {
        for (int i = 0; i < n; i++) {
          out[at + i] = b.get(i);
        }
      }
      case U1 -> {
        for (int i = 0; i < n; i++) {
          out[at + i] = b.get(i) & 0xff;
        }
      }
      case B1 -> {
        for (int i = 0; i < n; i++) {
          out[at + i] = b.get(i) != 0 ? 1.0 : 0.0;
        }
      }
      case I2, U2 -> {
        ShortBuffer v = b.asShortBuffer();
        int mask = kind == Kind.U2 ? 0xffff : -1;
        for (int i = 0; i < n; i++) {
          out[at + i] = v.get(i) & mask;
        }
      }
      case I4, U4 -> {
        IntBuffer v = b.asIntBuffer();
        long mask = kind == Kind.U4 ? 0xffffffffL : -1L;
        for (int i = 0; i < n; i++) {
          out[at + i] = v.get(i) & mask;
        }
      }
      case I8 -> {
        LongBuffer v = b.asLongBuffer();
        for (int i = 0; i < n; i++) {
          out[at + i] = v.get(i);
        }
      }
      case U8 -> {
        LongBuffer v = b.asLongBuffer();
        for (int i = 0; i < n; i++) {
          out[at + i] = unsignedToDouble(v.get(i));
        }
      }
      default -> throw new AssertionError(kind);
    }
  }

  /** The unsigned 64-bit value {@code v} as the nearest double (halve, keep a sticky bit). */
  private static double unsignedToDouble(long v) {
    return v >= 0 ? v : ((double) ((v >>> 1) | (v & 1))) * 2.0;
  }


  /** Element types batchjac reads, by NumPy type code (kind letter and item size). */
  enum Kind {
    F8(8), F4(4), I1(1), I2(2), I4(4), I8(8), U1(1), U2(2), U4(4), U8(8), B1(1);

    final int size;

    Kind(int size) {
      this.size = size;
    }
  }

  /** A supported dtype: element kind and byte order. */
  record Dtype(Kind kind, ByteOrder order) {
    /** Parses a descr such as {@code '<f8'} or {@code '|u1'}; null when unsupported. */
    static Dtype parse(String descr) {
      if (descr.length() < 3) {
        return null;
      }
      Kind kind;
      try {
        kind = Kind.valueOf(descr.substring(1).toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return null;
      }
      return switch (descr.charAt(0)) {
        case '<' -> new Dtype(kind, ByteOrder.LITTLE_ENDIAN);
        case '>' -> new Dtype(kind, ByteOrder.BIG_ENDIAN);
        case '=' -> new Dtype(kind, ByteOrder.nativeOrder());
        case '|' -> kind.size == 1 ? new Dtype(kind, ByteOrder.LITTLE_ENDIAN) : null;
        default -> null;
      };
    }
  }

  // ---------------------------------------------------------------- header literal parsing

  /** A Python tuple in a header (lists parse to {@link List}, dicts to {@link Map}). */
  private record Tuple(List<Object> items) {}

  /**
   * Parses the Python literal subset found in {@code .npy} headers: dicts, tuples, lists, quoted
   * strings, integers (with Python 2's {@code L} suffix), True, False and None.
   */
  private static final class LiteralParser {
    private final String text;
    private final String source;
    private int pos;

    LiteralParser(String text, String source) {
      this.text = text;
      this.source = source;
    }

    Object parseWhole() throws NpyFormatException {
      Object v = value();
      skipSpace();
      if (pos < text.length()) {
        throw error("unexpected text after the dict");
      }
      return v;
    }

    private Object value() throws NpyFormatException {
      skipSpace();
      if (pos >= text.length()) {
        throw error("unexpected end of header");
      }
      char c = text.charAt(pos);
      if (c == '{') {
        return dict();
      } else if (c == '(') {
        pos++;
        List<Object> items = new ArrayList<>();
        boolean comma = sequence(')', items);
        return items.size() == 1 && !comma ? items.get(0) : new Tuple(items);
      } else if (c == '[') {
        pos++;
        List<Object> items = new ArrayList<>();
        sequence(']', items);
        return items;
      } else if (c == '\'' || c == '"') {
        return string();
      } else if (c == '-' || c == '+' || isDigit(c)) {
        return integer();
      } else if (Character.isLetter(c)) {
        return name();
      }
      throw error("unexpected character '" + c + "'");
    }

    private Map<Object, Object> dict() throws NpyFormatException {
      pos++;
      Map<Object, Object> map = new LinkedHashMap<>();
      skipSpace();
      if (peek() == '}') {
        pos++;
        return map;
      }
      while (true) {
        Object key = value();
        skipSpace();
        expect(':', "':' after dict key " + repr(key));
        map.put(key, value());
        skipSpace();
        if (peek() == '}') {
          pos++;
          return map;
        }
        expect(',', "',' or '}' in dict");
        skipSpace();
        if (peek() == '}') {
          pos++;
          return map;
        }
      }
    }

    /** Items up to {@code close} (the opener is consumed); true when a comma was seen. */
    private boolean sequence(char close, List<Object> items) throws NpyFormatException {
      boolean comma = false;
      skipSpace();
      while (peek() != close) {
        items.add(value());
        skipSpace();
        if (peek() == close) {
          break;
        }
        expect(',', "',' or '" + close + "'");
        comma = true;
        skipSpace();
      }
      pos++;
      return comma;
    }

    private String string() throws NpyFormatException {
      char quote = text.charAt(pos++);
      StringBuilder sb = new StringBuilder();
      while (pos < text.length()) {
        char c = text.charAt(pos++);
        if (c == quote) {
          return sb.toString();
        }
        if (c == '\\' && pos < text.length()) {
          char e = text.charAt(pos++);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case '\\', '\'', '"' -> sb.append(e);
            default -> sb.append('\\').append(e);
          }
        } else {
          sb.append(c);
        }
      }
      throw error("unterminated string");
    }

    private BigInteger integer() throws NpyFormatException {
      int start = pos;
      if (peek() == '-' || peek() == '+') {
        pos++;
      }
      int digits = pos;
      while (isDigit(peek())) {
        pos++;
      }
      if (pos == digits) {
        pos = start;
        throw error("expected a number");
      }
      BigInteger v = new BigInteger(text.substring(start, pos));
      if (peek() == 'L' || peek() == 'l') {
        pos++; // Python 2 long suffix, as in (3L, 4L)
      }
      return v;
    }

    private Object name() throws NpyFormatException {
      int start = pos;
      while (Character.isLetterOrDigit(peek()) || peek() == '_') {
        pos++;
      }
      String word = text.substring(start, pos);
      return switch (word) {
        case "True" -> Boolean.TRUE;
        case "False" -> Boolean.FALSE;
        case "None" -> null;
        default -> {
          pos = start;
          throw error("unknown name '" + word + "' (expected a literal)");
        }
      };
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c, String what) throws NpyFormatException {
      if (peek() != c) {
        String found = pos < text.length() ? "'" + peek() + "'" : "the end of the header";
        throw error("expected " + what + ", found " + found);
      }
      pos++;
    }

    private void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private NpyFormatException error(String problem) {
      return malformed(source, problem + " at column " + (pos + 1), text);
    }
  }

  /** A Python-like repr of a parsed header value, for messages. */
  private static String repr(Object v) {
    if (v == null) {
      return "None";
    } else if (v instanceof Boolean b) {
      return b ? "True" : "False";
    } else if (v instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    } else if (v instanceof Tuple t) {
      return "(" + join(t.items()) + (t.items().size() == 1 ? ",)" : ")");
    } else if (v instanceof List<?> l) {
      return "[" + join(l) + "]";
    } else if (v instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(sb.length() == 1 ? "" : ", ")
            .append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
      }
      return sb.append('}').toString();
    }
    return String.valueOf(v);
  }

  private static String join(List<?> items) {
    StringBuilder sb = new StringBuilder();
    for (Object o : items) {
      sb.append(sb.length() == 0 ? "" : ", ").append(repr(o));
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- writing

  /** Writes {@code t} as {@code '<f8'} in its own order, as {@code numpy.save} would. */
  public static void write(Path file, Tensor t) throws IOException {
    try (NpyWriter w = NpyWriter.open(file, t.shape(), t.order())) {
      w.write(t.data(), 0, t.size());
    }
  }

  /**
   * The header text NumPy writes for a float64 array of this shape and order: the dict literal,
   * spare growth spaces, padding and the final {@code '\n'} (everything after the length field).
   */
  static String header(Shape shape, Tensor.Order order) {
    byte[] p = preamble(shape, order);
    int start = p[MAGIC.length] == 1 ? 10 : 12;
    return new String(p, start, p.length - start, ISO_8859_1);
  }

  /**
   * Everything before the data of a float64 array of this shape and order: magic, version,
   * header length and header, 64-byte aligned, exactly as {@code numpy.save} writes it.
   */
  public static byte[] preamble(Shape shape, Tensor.Order order) {
    byte[] dict = dictLiteral(shape, order).getBytes(ISO_8859_1);
    int textLength = dict.length + 1; // the final '\n'
    int major = textLength + padding(10, textLength) <= 0xFFFF ? 1 : 2;
    int prefix = major == 1 ? 10 : 12;
    int pad = padding(prefix, textLength);
    ByteBuffer b = ByteBuffer.allocate(prefix + textLength + pad).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) major).put((byte) 0);
    if (major == 1) {
      b.putShort((short) (textLength + pad));
    } else {
      b.putInt(textLength + pad);
    }
    b.put(dict);
    for (int i = 0; i < pad; i++) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  /** NumPy's padding: 1 to 64 spaces (never 0) so that prefix + text + padding is aligned. */
  private static int padding(int prefix, int textLength) {
    return ALIGN - (prefix + textLength) % ALIGN;
  }

  /** The dict and NumPy's spare spaces for growing the outer axis (the first, last in F). */
  private static String dictLiteral(Shape shape, Tensor.Order order) {
    StringBuilder sb = new StringBuilder("{'descr': '<f8', 'fortran_order': ")
        .append(order == Tensor.Order.F ? "True" : "False")
        .append(", 'shape': (");
    for (int i = 0; i < shape.rank(); i++) {
      sb.append(i == 0 ? "" : ", ").append(shape.dim(i));
    }
    sb.append(shape.rank() == 1 ? ",), }" : "), }");
    if (shape.rank() > 0) {
      int outer = shape.dim(order == Tensor.Order.F ? -1 : 0);
      sb.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(outer).length()));
    }
    return sb.toString();
  }
}
