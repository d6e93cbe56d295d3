package org.liveatlas.infra.stack;

import java.util.OptionalLong;

/**
 * The observed state of one service.
 *
 * @param service which service
 * @param external true when the service is configured as external (not started by the launcher)
 * @param up true when it answers its health check
 * @param pid the process id of an embedded service that is running
 * @param endpoint where it answers
 * @param detail what the health check saw (or why it failed)
 * @param dataBytes size of its data folder (embedded only, else -1)
 */
public record Health(
        ServiceName service,
        boolean external,
        boolean up,
        OptionalLong pid,
        String endpoint,
        String detail,
        long dataBytes) {}
