package org.liveatlas.query.security;

import jakarta.enterprise.context.RequestScoped;
import org.liveatlas.query.problem.ApiProblem;

/** The caller of the request being served, set by {@link ApiKeyFilter} before any resource runs. */
@RequestScoped
public class CurrentCaller {
    private Caller caller;

    void set(Caller c) {
        this.caller = c;
    }

    /** The authenticated caller; a request that reached a resource without one is refused. */
    public Caller get() {
        if (caller == null) {
            throw ApiProblem.of(401, "missing-api-key", "Unauthorized", "send an API key in the X-API-Key header");
        }
        return caller;
    }
}
