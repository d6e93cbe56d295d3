package org.liveatlas.flink.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A deposit's objects downloaded into a worker's temporary folder ({@code <prefix><rel>} saved as {@code
 * <folder>/<rel>}), and the way back from that folder to the deposited object keys. The readers of the core name
 * the file they opened in their messages; a quarantine reason must instead name what the depositor uploaded
 * ({@code deposits/<study>/counts.h5ad}): the worker's file means nothing to them and is gone once the study is
 * done.
 *
 * @param folder the local folder the deposit's objects were downloaded into
 * @param prefix the deposit's key prefix, {@code deposits/<study>/}
 */
public record LocalDeposit(Path folder, String prefix) {
    public LocalDeposit {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("deposit prefix '" + prefix + "' must end with '/'");
        }
    }

    /**
     * {@code message} with every mention of a file under {@link #folder} (as given, absolute or with links
     * resolved) replaced by its object key, and the folder itself by {@link #prefix}; null stays null.
     */
    public String withObjectKeys(String message) {
        if (message == null) {
            return null;
        }
        String separator = folder.getFileSystem().getSeparator();
        String out = message;
        for (String form : forms()) {
            out = out.replace(form + separator, prefix).replace(form, prefix);
        }
        return out;
    }

    /** The spellings of the folder a reader may print, longest first so that none is left half replaced. */
    private List<String> forms() {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(folder.toString());
        forms.add(folder.toAbsolutePath().normalize().toString());
        if (Files.exists(folder)) {
            try {
                forms.add(folder.toRealPath().toString());
            } catch (IOException e) {
                // the spellings above remain; a folder that cannot be resolved is named no other way
            }
        }
        forms.removeIf(String::isEmpty);
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return sorted;
    }
}
