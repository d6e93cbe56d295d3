package org.liveatlas.core.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The genes of synthetic studies: symbols, Ensembl-like ids and which are mitochondrial.
 *
 * <p>Deterministic from its size alone: the 13 human mitochondrial genes ({@code MT-} prefix), then
 * (optionally) real-looking human symbols of common marker and housekeeping genes, then synthetic
 * symbol-like names ({@code ZNF5040}, {@code TMEM5041}, ...: real prefixes with numbers no real gene
 * has). Ids are {@code ENSG9} + 10 digits, a range no real Ensembl gene uses.
 *
 * @param symbols gene symbols, unique
 * @param ids gene ids, unique, same order
 * @param mitochondrial whether each gene is mitochondrial
 */
public record GeneUniverse(List<String> symbols, List<String> ids, List<Boolean> mitochondrial) {

    /** The 13 protein-coding genes of the human mitochondrial genome. */
    public static final List<String> MITO_SYMBOLS = List.of(
            "MT-ND1", "MT-ND2", "MT-CO1", "MT-CO2", "MT-ATP8", "MT-ATP6", "MT-CO3", "MT-ND3", "MT-ND4L", "MT-ND4",
            "MT-ND5", "MT-ND6", "MT-CYB");

    /** Real human symbols used first when real names are wanted (markers of blood and tissue types). */
    public static final List<String> REAL_SYMBOLS = List.of(
            "CD3E", "CD3D", "CD2", "CD4", "CD8A", "CD8B", "IL7R", "CCR7", "SELL", "LEF1", "TCF7", "MS4A1", "CD19",
            "CD79A", "CD79B", "PAX5", "IGHM", "IGKC", "JCHAIN", "MZB1", "NKG7", "GNLY", "KLRD1", "KLRF1", "PRF1",
            "GZMB", "GZMA", "CD14", "LYZ", "S100A8", "S100A9", "FCGR3A", "MS4A7", "CST3", "FCER1A", "CLEC10A", "ITGAX",
            "PPBP", "PF4", "HBB", "HBA1", "HBA2", "KIT", "TPSAB1", "CPA3", "MKI67", "TOP2A", "ACTB", "GAPDH", "B2M",
            "MALAT1", "PTPRC", "HLA-DRA", "CD74", "VIM", "COL1A1", "COL1A2", "DCN", "PECAM1", "VWF", "EPCAM", "KRT18",
            "KRT8", "ALB", "APOA1", "TTR", "KRT14", "KRT5", "ACTA2", "MYH11", "TAGLN", "CD68", "C1QA", "C1QB", "MARCO");

    private static final List<String> PREFIXES =
            List.of("ZNF", "TMEM", "SLC", "CCDC", "FAM", "ANKRD", "LRRC", "KLHL", "RNF", "WDR", "PRR", "ARL");

    /** Numbers of synthetic symbols start here, above any real gene of these families. */
    private static final int SYNTHETIC_BASE = 5000;

    public GeneUniverse {
        symbols = List.copyOf(symbols);
        ids = List.copyOf(ids);
        mitochondrial = List.copyOf(mitochondrial);
        if (symbols.size() != ids.size() || symbols.size() != mitochondrial.size()) {
            throw new IllegalArgumentException("symbols, ids and flags must have one entry per gene");
        }
    }

    /** A universe of {@code genes} genes. */
    public static GeneUniverse of(int genes, boolean realNames) {
        if (genes < MITO_SYMBOLS.size()) {
            throw new IllegalArgumentException("need at least " + MITO_SYMBOLS.size() + " genes, got " + genes);
        }
        List<String> symbols = new ArrayList<>(genes);
        List<Boolean> mito = new ArrayList<>(genes);
        for (String s : MITO_SYMBOLS) {
            symbols.add(s);
            mito.add(true);
        }
        if (realNames) {
            for (int i = 0; i < REAL_SYMBOLS.size() && symbols.size() < genes; i++) {
                symbols.add(REAL_SYMBOLS.get(i));
                mito.add(false);
            }
        }
        for (int i = 0; symbols.size() < genes; i++) {
            symbols.add(PREFIXES.get(i % PREFIXES.size()) + (SYNTHETIC_BASE + i));
            mito.add(false);
        }
        List<String> ids = new ArrayList<>(genes);
        for (int g = 0; g < genes; g++) {
            ids.add(String.format("ENSG9%010d", g + 1));
        }
        return new GeneUniverse(symbols, ids, mito);
    }

    public int size() {
        return symbols.size();
    }

    public boolean isMitochondrial(int gene) {
        return mitochondrial.get(Objects.checkIndex(gene, symbols.size()));
    }
}
