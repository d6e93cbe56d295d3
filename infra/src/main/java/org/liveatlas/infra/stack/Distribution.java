package org.liveatlas.infra.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jars of a server, resolved from Maven Central at build time by the {@code infra/dist/*}
 * modules and recorded as classpath resources.
 */
public final class Distribution {
    private Distribution() {}

    /** The jar files of distribution piece {@code name}, e.g. {@code kafka} or {@code opensearch-lib}. */
    public static List<Path> jars(String name) {
        String resource = "/org/liveatlas/infra/dist/" + name + ".classpath";
        try (InputStream in = Distribution.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new StackException("the " + name + " distribution is missing from the launcher's classpath ("
                        + resource + "); rebuild with ./mvnw -B install -DskipTests");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            List<Path> jars = new ArrayList<>();
            for (String entry : text.split(java.io.File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path p = Path.of(entry);
                if (!Files.isRegularFile(p)) {
                    throw new StackException("the " + name + " distribution lists " + p
                            + ", which is not there (was the Maven repository cleaned?); rebuild with"
                            + " ./mvnw -B install -DskipTests");
                }
                jars.add(p);
            }
            return jars;
        } catch (IOException e) {
            throw new StackException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    static String classpath(List<Path> jars) {
        return String.join(
                java.io.File.pathSeparator, jars.stream().map(Path::toString).toList());
    }

    /** The java executable of the running JDK, used for every embedded server. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
