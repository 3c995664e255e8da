package io.sagaflow.serde;

import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.specific.SpecificData;

/**
 * The Avro data model the serdes read and write generated classes with. A generated class's own
 * model only knows the logical types of its direct fields; a nullable timestamp inside a nested
 * record (StepStateRecord.startedAt in SagaStateRecord) then fails with "Unknown datum type
 * Instant". This model knows every logical type the contract may use, wherever it is nested.
 */
final class ContractModel {

  /** Configured once here and never changed afterwards, so sharing it is safe. */
  static final SpecificData SPECIFIC = forClassLoader(ContractModel.class.getClassLoader());

  private ContractModel() {}

  /**
   * A model that finds generated classes through {@code classes}: saga modules loaded as plugins
   * live in class loaders of their own, which the core's loader cannot see.
   */
  static SpecificData forClassLoader(ClassLoader classes) {
    SpecificData model = new SpecificData(classes);
    model.addLogicalTypeConversion(new Conversions.DecimalConversion());
    model.addLogicalTypeConversion(new Conversions.UUIDConversion());
    model.addLogicalTypeConversion(new TimeConversions.DateConversion());
    model.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
    model.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
    model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
    model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
    model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
    // The fast reader builds its own GenericData.Array instances, bypassing ContractDatumReader.
    model.setFastReaderEnabled(false);
    return model;
  }
}
