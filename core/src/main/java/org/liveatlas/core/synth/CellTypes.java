package org.liveatlas.core.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * Names and Cell Ontology ids of synthetic cell types: real CL terms for the first twenty, then
 * {@code synthetic cell type N} with ids {@code CL:99000NN} outside the real ontology's range.
 */
final class CellTypes {

    static final List<String[]> KNOWN = List.of(
            new String[] {"CD4-positive, alpha-beta T cell", "CL:0000624"},
            new String[] {"CD8-positive, alpha-beta T cell", "CL:0000625"},
            new String[] {"B cell", "CL:0000236"},
            new String[] {"natural killer cell", "CL:0000623"},
            new String[] {"classical monocyte", "CL:0000860"},
            new String[] {"dendritic cell", "CL:0000451"},
            new String[] {"platelet", "CL:0000233"},
            new String[] {"plasma cell", "CL:0000786"},
            new String[] {"erythrocyte", "CL:0000232"},
            new String[] {"mast cell", "CL:0000097"},
            new String[] {"macrophage", "CL:0000235"},
            new String[] {"neutrophil", "CL:0000775"},
            new String[] {"endothelial cell", "CL:0000115"},
            new String[] {"fibroblast", "CL:0000057"},
            new String[] {"epithelial cell", "CL:0000066"},
            new String[] {"hepatocyte", "CL:0000182"},
            new String[] {"keratinocyte", "CL:0000312"},
            new String[] {"smooth muscle cell", "CL:0000192"},
            new String[] {"regulatory T cell", "CL:0000815"},
            new String[] {"plasmacytoid dendritic cell", "CL:0000784"});

    private CellTypes() {}

    /** {name, ontology id} of the first {@code n} types. */
    static List<String[]> first(int n) {
        List<String[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (i < KNOWN.size()) {
                out.add(KNOWN.get(i));
            } else {
                out.add(new String[] {"synthetic cell type " + (i + 1), String.format("CL:99%05d", i + 1)});
            }
        }
        return out;
    }
}
