package io.batchjac.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.lang.Spec;
import io.batchjac.engine.lang.SpecException;
import io.batchjac.engine.lang.TensorFiles;
import io.batchjac.engine.onnx.OnnxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One entry point for both kinds of spec files. */
class SpecLoaderTest {
  @Test
  void theKindIsTheFileName() {
    assertEquals(SpecLoader.Format.ONNX, SpecLoader.Format.of("a/model.onnx"));
    assertEquals(SpecLoader.Format.ONNX, SpecLoader.Format.of("MODEL.ONNX "));
    assertEquals(SpecLoader.Format.FUNCTION_LANGUAGE, SpecLoader.Format.of("f.fn"));
    assertEquals(SpecLoader.Format.FUNCTION_LANGUAGE, SpecLoader.Format.of("onnx"));
  }

  @Test
  void loadsBothKinds(@TempDir Path dir) throws IOException {
    Path fn = dir.resolve("f.fn");
    Files.writeString(fn, "input x[2]\noutput y = x * x\n");
    Spec f = SpecLoader.load(fn);
    assertEquals(fn.toString(), f.source());
    assertEquals(2, f.graph().inputSize());

    Path onnx = Path.of("src/test/resources/onnx/two_io.onnx");
    Spec m = SpecLoader.load(onnx);
    assertEquals(onnx.toString(), m.source());
    assertEquals(3 + 4, m.graph().inputSize());
    Spec again = SpecLoader.parse(SpecLoader.Format.ONNX, SpecLoader.read(onnx), "shipped.onnx", null, TensorFiles.disk());
    assertEquals(m.graph().outputSize(), again.graph().outputSize());
  }

  @Test
  void errorsNameTheFile(@TempDir Path dir) throws IOException {
    SpecException missing = assertThrows(SpecException.class, () -> SpecLoader.load(dir.resolve("m.onnx")));
    assertTrue(missing.getMessage().startsWith(dir.resolve("m.onnx") + ": ONNX model file not found ("),
        missing.getMessage());
    SpecException missingFn = assertThrows(SpecException.class, () -> SpecLoader.load(dir.resolve("f.fn")));
    assertTrue(missingFn.getMessage().startsWith(dir.resolve("f.fn") + ": spec file not found ("), missingFn.getMessage());

    Path text = dir.resolve("text.onnx");
    Files.writeString(text, "input x[2]; output x\n");
    assertThrows(OnnxException.class, () -> SpecLoader.load(text));

    Path latin1 = dir.resolve("l.fn");
    Files.write(latin1, new byte[] {'i', 'n', (byte) 0xe9});
    assertEquals(latin1 + ": cannot read the spec file: it is not UTF-8 text",
        assertThrows(SpecException.class, () -> SpecLoader.load(latin1)).getMessage());
  }
}
