package org.liveatlas.core.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.liveatlas.core.PoisonInputException;

/** Opens a study in whichever supported layout it arrives: {@code .h5ad}, a 10x folder, or a 10x {@code .h5}. */
public final class StudyReaders {
    private StudyReaders() {}

    /**
     * The format of {@code input}: a directory holding {@code matrix.mtx(.gz)} is a 10x folder; a
     * file ending {@code .h5ad} is AnnData; a file ending {@code .h5} is a 10x HDF5 matrix unless it
     * holds AnnData's {@code X} and {@code obs}. Throws {@link PoisonInputException} for anything else.
     */
    public static StudyFormat detect(Path input) {
        if (Files.isDirectory(input)) {
            if (TenxMtxReader.find(input, "matrix.mtx").isPresent()) {
                return StudyFormat.TENX_MTX;
            }
            throw new PoisonInputException(
                    "folder " + input
                            + " is not a 10x folder: it holds no matrix.mtx or matrix.mtx.gz (with features.tsv.gz or genes.tsv, and barcodes.tsv.gz)");
        }
        if (!Files.isRegularFile(input)) {
            throw new PoisonInputException("study input " + input + " does not exist");
        }
        String name = input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".h5ad")) {
            return StudyFormat.H5AD;
        }
        if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
            // Some AnnData files are saved as .h5: recognise them by their X and obs.
            Hdf5Access h5 = Hdf5Access.open(input);
            try {
                boolean anndata = h5.node("X").isPresent() && h5.node("obs").isPresent();
                return anndata ? StudyFormat.H5AD : StudyFormat.TENX_H5;
            } finally {
                h5.close();
            }
        }
        throw new PoisonInputException("study input " + input
                + " has an unrecognised format: expected an .h5ad file, a 10x .h5 file or a 10x folder");
    }

    /** Opens {@code input} after {@link #detect}; the caller closes the reader. */
    public static StudyReader open(Path input) {
        return switch (detect(input)) {
            case H5AD -> new H5adReader(input);
            case TENX_MTX -> new TenxMtxReader(input);
            case TENX_H5 -> new TenxH5Reader(input);
        };
    }
}
