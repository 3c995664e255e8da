package io.sagaflow.app.config;

import java.util.Optional;

/**
 * Where the HTTP API listens and who may call its saga entrypoints.
 *
 * @param host the address to bind; 127.0.0.1 unless the instance must be reachable from elsewhere
 * @param port the port; 0 picks a free one (the chosen URL is logged at start)
 * @param token when present, start, cancel, operator and callback routes require {@code
 *     Authorization: Bearer <token>}
 * @param tokenOnReads whether the read routes (search, status, dead letters) require the token too;
 *     only true together with a token
 */
public record HttpConfig(String host, int port, Optional<String> token, boolean tokenOnReads) {}
