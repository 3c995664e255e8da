/**
 * The runnable and the library entry: the {@code sagaflow} commands, the runtime that starts and
 * stops every part in order, and the {@link io.sagaflow.app.Sagaflow} builder for library mode. The
 * only package that wires all modules together; it names no saga type.
 */
package io.sagaflow.app;
