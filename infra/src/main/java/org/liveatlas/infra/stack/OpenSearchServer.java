package org.liveatlas.infra.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The embedded OpenSearch node with the k-NN plugin. Its home (lib/, modules/, plugins/, config/) is
 * assembled from Maven Central artifacts; k-NN fields must name {@code engine: lucene}, since the
 * plugin's Maven zip has no native engines. OpenSearch refuses to run as root, so when the launcher
 * is root the node runs as an unprivileged uid.
 */
final class OpenSearchServer {
    static final String VERSION = "2.19.1";
    private static final String KNN_VERSION = "2.19.1.0";

    private OpenSearchServer() {}

    static ServiceController create(StackConfig config) {
        String url = config.endpoints().openSearchUrl();
        if (config.isExternal(ServiceName.OPENSEARCH)) {
            return new ExternalServer(ServiceName.OPENSEARCH, url, Probes.openSearch(url));
        }
        Path dir = config.serviceDir(ServiceName.OPENSEARCH);
        int port = config.port(StackKey.OPENSEARCH_PORT);
        int transportPort = config.port(StackKey.OPENSEARCH_TRANSPORT_PORT);
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("HTTP port", port);
        ports.put("transport port", transportPort);
        EmbeddedServer.Launch launch = () -> {
            Path home = dir.resolve("home");
            assembleHome(home);
            Path data = dir.resolve("data");
            Path logs = dir.resolve("logs");
            Path tmp = dir.resolve("tmp");
            Path conf = dir.resolve("config");
            for (Path p : List.of(data, logs, tmp, conf)) {
                Files.createDirectories(p);
            }
            Files.writeString(
                    conf.resolve("opensearch.yml"),
                    String.join(
                                    "\n",
                                    "# Written by the atlas launcher at every start; edit the atlas.opensearch.* keys instead.",
                                    "cluster.name: liveatlas",
                                    "node.name: atlas-node-1",
                                    "path.data: " + data,
                                    "path.logs: " + logs,
                                    "network.host: " + config.host(),
                                    "http.port: " + port,
                                    "transport.port: " + transportPort,
                                    "discovery.type: single-node",
                                    "action.auto_create_index: false",
                                    "cluster.routing.allocation.disk.threshold_enabled: false")
                            + "\n",
                    StandardCharsets.UTF_8);
            Files.writeString(
                    conf.resolve("log4j2.properties"),
                    String.join(
                                    "\n",
                                    "status = error",
                                    "appender.console.type = Console",
                                    "appender.console.name = console",
                                    "appender.console.layout.type = PatternLayout",
                                    "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n",
                                    "rootLogger.level = info",
                                    "rootLogger.appenderRef.console.ref = console",
                                    "logger.deprecation.name = org.opensearch.deprecation",
                                    "logger.deprecation.level = error")
                            + "\n",
                    StandardCharsets.UTF_8);
            Files.writeString(conf.resolve("jvm.options"), "# options are passed by the atlas launcher\n");
            List<String> cmd = new ArrayList<>();
            if (isRoot()) {
                int uid = config.positiveInt(StackKey.OPENSEARCH_RUN_AS_UID);
                giveTo(uid, dir, List.of(data, logs, tmp, conf));
                cmd.addAll(List.of(
                        "/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--inh-caps=-all"));
            }
            cmd.addAll(List.of(
                    Distribution.javaExecutable(),
                    "-Xms" + config.get(StackKey.OPENSEARCH_HEAP),
                    "-Xmx" + config.get(StackKey.OPENSEARCH_HEAP),
                    "-XX:+UseG1GC",
                    "-XX:G1ReservePercent=25",
                    "-XX:InitiatingHeapOccupancyPercent=30",
                    "-XX:-OmitStackTraceInFastThrow",
                    "-Xss1m",
                    "-Djava.awt.headless=true",
                    "-Dfile.encoding=UTF-8",
                    "-Djna.nosys=true",
                    "-Dio.netty.noUnsafe=true",
                    "-Dio.netty.noKeySetOptimization=true",
                    "-Dio.netty.recycler.maxCapacityPerThread=0",
                    "-Dio.netty.allocator.numDirectArenas=0",
                    "-Dlog4j.shutdownHookEnabled=false",
                    "-Dlog4j2.disable.jmx=true",
                    "-Djava.locale.providers=SPI,CLDR",
                    "-Djava.io.tmpdir=" + tmp,
                    "-Dopensearch.path.home=" + home,
                    "-Dopensearch.path.conf=" + conf,
                    "-Dopensearch.distribution.type=tar",
                    "-Dopensearch.bundled_jdk=false",
                    "-cp",
                    home.resolve("lib") + "/*",
                    "org.opensearch.bootstrap.OpenSearch"));
            return cmd;
        };
        return new EmbeddedServer(
                ServiceName.OPENSEARCH, url, dir, config.host(), ports, launch, Probes.openSearch(url));
    }

    /** Builds the OpenSearch home once per version: lib/, modules/transport-netty4, modules/lang-painless, plugins/opensearch-knn. */
    static void assembleHome(Path home) throws IOException {
        List<Path> lib = Distribution.jars("opensearch-lib");
        List<Path> netty =
                concat(Distribution.jars("opensearch-netty4"), Distribution.jars("opensearch-netty4-plugin"));
        List<Path> painless =
                concat(Distribution.jars("opensearch-painless"), Distribution.jars("opensearch-painless-plugin"));
        Path knnZip = Distribution.jars("opensearch-knn").get(0);
        String fingerprint = "opensearch " + VERSION + ", k-NN " + KNN_VERSION + "\n"
                + String.join(
                        "\n",
                        concat(concat(lib, netty), concat(painless, List.of(knnZip))).stream()
                                .map(p -> p.getFileName().toString())
                                .toList());
        Path marker = home.resolve(".assembled");
        if (Files.exists(marker)
                && Files.readString(marker, StandardCharsets.UTF_8).equals(fingerprint)) {
            return;
        }
        deleteTree(home);
        Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve("bin")); // the security policy expects it, even empty
        Set<String> inLib = lib.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        for (Path jar : lib) {
            Files.copy(jar, home.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        writeModule(
                home.resolve("modules/transport-netty4"),
                netty,
                inLib,
                "transport-netty4",
                "Netty 4 based transport implementation",
                "org.opensearch.transport.Netty4Plugin",
                "",
                """
                grant {
                  permission java.io.FilePermission "/proc/sys/net/core/somaxconn", "read";
                  permission java.net.SocketPermission "*", "accept,connect";
                  permission java.lang.RuntimePermission "*", "setContextClassLoader";
                  permission java.lang.RuntimePermission "getClassLoader";
                  permission java.util.PropertyPermission "sun.nio.ch.bugLevel", "write";
                };
                """);
        writeModule(
                home.resolve("modules/lang-painless"),
                painless,
                inLib,
                "lang-painless",
                "An easy, safe and fast scripting language for OpenSearch",
                "org.opensearch.painless.PainlessPlugin",
                "",
                """
                grant {
                  permission java.lang.RuntimePermission "createClassLoader";
                  permission java.lang.RuntimePermission "getClassLoader";
                };
                """);
        Path knn = home.resolve("plugins/opensearch-knn");
        Files.createDirectories(knn);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(knnZip))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                Path target = knn.resolve(e.getName()).normalize();
                if (!target.startsWith(knn)) {
                    throw new StackException("refusing zip entry outside the plugin folder: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(new NonClosing(zip), target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.writeString(marker, fingerprint, StandardCharsets.UTF_8);
    }

    private static void writeModule(
            Path dir,
            List<Path> jars,
            Set<String> inLib,
            String name,
            String description,
            String classname,
            String extended,
            String policy)
            throws IOException {
        Files.createDirectories(dir);
        for (Path jar : jars) {
            if (!inLib.contains(jar.getFileName().toString())) {
                Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(
                dir.resolve("plugin-descriptor.properties"),
                String.join(
                                "\n",
                                "description=" + description,
                                "version=" + VERSION,
                                "name=" + name,
                                "classname=" + classname,
                                "java.version=11",
                                "opensearch.version=" + VERSION,
                                "custom.foldername=",
                                "extended.plugins=" + extended,
                                "has.native.controller=false")
                        + "\n",
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("plugin-security.policy"), policy, StandardCharsets.UTF_8);
    }

    private static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * Hands the node's writable folders to {@code uid} and checks that it can reach the home: every
     * folder above the data directory must be searchable by others.
     */
    private static void giveTo(int uid, Path dir, List<Path> writable) throws IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new StackException("OpenSearch runs as uid " + uid + " when the launcher is root, but " + p
                        + " is not searchable by other users (mode "
                        + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                        + "); choose a data directory outside it with --data-dir (e.g. /var/lib/liveatlas) or run"
                        + " chmod o+x " + p);
            }
        }
        for (Path p : writable) {
            try (var files = Files.walk(p)) {
                for (Path f : files.toList()) {
                    Files.setAttribute(f, "unix:uid", uid);
                    Files.setAttribute(f, "unix:gid", uid);
                }
            }
        }
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Lets Files.copy read one zip entry without closing the zip stream. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {}
    }
}
