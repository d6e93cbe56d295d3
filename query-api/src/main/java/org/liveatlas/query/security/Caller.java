package org.liveatlas.query.security;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is asking: the configured name of their API key (or {@code anonymous}) and the groups whose
 * private studies they may see.
 *
 * @param name key name from the configuration; never the key itself
 * @param groups groups of the key; empty for anonymous callers
 */
public record Caller(String name, Set<String> groups) {
    /** The name of callers without a key (when anonymous access is on). */
    public static final String ANONYMOUS = "anonymous";

    public Caller {
        Objects.requireNonNull(name, "name");
        groups = Set.copyOf(new TreeSet<>(groups));
    }

    /** A caller without a key: sees public studies only. */
    public static Caller anonymous() {
        return new Caller(ANONYMOUS, Set.of());
    }

    /** Whether a study with this visibility and owner group may be shown to this caller. */
    public boolean maySee(String visibility, String ownerGroup) {
        return "public".equals(visibility) || (ownerGroup != null && groups.contains(ownerGroup));
    }
}
