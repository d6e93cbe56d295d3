package org.liveatlas.schemas.study;

/**
 * Names of the {@code obs} columns that carry per-cell metadata; any may be absent.
 *
 * @param donor column with the donor id
 * @param sample column with the sample id
 * @param cellTypeLabel column with the author's cell type label
 * @param cellOntologyId column with the label's Cell Ontology id (e.g. {@code CL:0000236})
 */
public record ObsColumns(String donor, String sample, String cellTypeLabel, String cellOntologyId) {}
