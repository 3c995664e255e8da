package io.sagaflow.serde;

import java.util.ArrayList;
import java.util.Collection;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads generated classes with plain {@link ArrayList}s for array fields. Avro's own {@code
 * GenericData.Array} compares elements with a model that knows no logical types, so two equal
 * {@code SagaStateRecord}s whose steps hold a nullable timestamp throw instead of comparing equal;
 * the engine compares state, so it needs the plain list. Schemas without such arrays are read by
 * Avro's fast reader instead ({@link ContractModel#fastReadable}), which never calls this class's
 * hooks.
 */
final class ContractDatumReader extends SpecificDatumReader<Object> {

  ContractDatumReader(Schema writer, Schema reader, SpecificData model) {
    super(writer, reader, model);
  }

  @Override
  protected Object newArray(Object old, int size, Schema schema) {
    if (old instanceof Collection<?> reused) {
      reused.clear();
      return reused;
    }
    return new ArrayList<>(size);
  }
}
