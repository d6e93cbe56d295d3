package org.liveatlas.infra.stack;

/** Asks a server whether it is healthy. */
@FunctionalInterface
interface HealthProbe {
    /**
     * @return a short description of the healthy state
     * @throws Exception when the server is not (yet) healthy; the message says what was seen
     */
    String check() throws Exception;
}
