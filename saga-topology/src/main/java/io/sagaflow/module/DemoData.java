package io.sagaflow.module;

import org.apache.avro.specific.SpecificRecord;

/**
 * The seeded demo's sagas of one type: what each saga starts with. The data must be a pure function
 * of the saga id and the seed, so a run can be repeated and its outcome predicted.
 */
public interface DemoData {

  /** The saga type the demo starts; a type one of the module's definitions has. */
  String sagaType();

  /** A short noun for one saga of this type in the demo's output, for example "order". */
  String noun();

  /** The start data of saga {@code sagaId}. */
  SpecificRecord data(String sagaId, long seed);
}
