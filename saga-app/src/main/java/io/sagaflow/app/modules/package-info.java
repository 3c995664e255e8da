/**
 * Finding saga modules: on the class path and on the plugin path, each plugin in its own class
 * loader, checked together before anything starts. Must not depend on the runtime, the demo or the
 * participants, which consume what it loads.
 */
package io.sagaflow.app.modules;
