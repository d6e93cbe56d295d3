package org.liveatlas.query.search;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The stored embedding of a cell, read when a search names cells instead of vectors. */
@JsonIgnoreProperties(ignoreUnknown = true)
record VectorSource(@JsonProperty("embedding") float[] embedding) {}
