package org.liveatlas.core.align;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads a gene id to symbol table for {@link AlignOptions#withIdToSymbol}: a tab-separated file
 * (optionally gzipped) with the id in the first column and the symbol in the second, e.g.
 * {@code ENSG00000141510<TAB>TP53}; further columns are ignored. Blank lines and lines starting with
 * {@code #} are skipped; a header line is harmless (it only maps its own column names); an id listed
 * twice keeps its first symbol.
 */
public final class IdToSymbolTable {
    private IdToSymbolTable() {}

    public static Map<String, String> read(Path file) {
        Map<String, String> table = new HashMap<>();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length < 2 || f[0].isBlank() || f[1].isBlank()) {
                    throw new IllegalArgumentException("id-to-symbol table " + file + " line " + lineNo
                            + ": expected 'id<TAB>symbol', got '" + line + "'");
                }
                table.putIfAbsent(f[0].trim(), f[1].trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read id-to-symbol table " + file, e);
        }
        return Map.copyOf(table);
    }
}
