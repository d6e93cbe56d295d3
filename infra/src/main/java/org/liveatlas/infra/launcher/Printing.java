package org.liveatlas.infra.launcher;

import java.io.PrintWriter;
import org.liveatlas.infra.stack.Endpoints;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackKey;

/** Console formatting shared by the commands. */
final class Printing {
    private Printing() {}

    static void endpoints(StackConfig config, PrintWriter out) {
        Endpoints e = config.endpoints();
        out.println();
        out.println("Endpoints:");
        out.println("  Kafka bootstrap   " + e.kafkaBootstrap());
        out.println("  S3 endpoint       " + e.s3Endpoint() + "  (bucket " + config.get(StackKey.S3_BUCKET)
                + ", access key " + e.s3AccessKey() + ")");
        out.println("  OpenSearch        " + e.openSearchUrl());
        out.println("  Flink REST / UI   " + e.flinkRestUrl());
        if (config.apps().contains(org.liveatlas.infra.stack.ServiceName.QUERY_API)) {
            api(config, out);
        }
    }

    /** The API's base URL and the dashboard, as {@code up} and {@code status} print them. */
    static void api(StackConfig config, PrintWriter out) {
        String url = config.endpoints().apiUrl();
        out.println("  Query API         " + url + "/v1  (OpenAPI " + url + "/q/openapi)");
        out.println("  Dashboard         " + url + "/");
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
