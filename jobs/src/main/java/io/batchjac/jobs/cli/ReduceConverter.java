package io.batchjac.jobs.cli;

import io.batchjac.engine.api.Reduce;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --reduce sum|mean}; anything else is a usage error naming the value and the choices. */
final class ReduceConverter implements ITypeConverter<Reduce> {
  @Override
  public Reduce convert(String value) {
    try {
      return Reduce.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
