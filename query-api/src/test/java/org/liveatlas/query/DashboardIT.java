package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.map;
import static org.liveatlas.query.testing.Api.postJson;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.SyntheticAtlas;

/**
 * The dashboard in headless Chromium (Debian's {@code chromium}, driven from Java through its command
 * line): the atlas page lists the visible studies, a "where" search runs and its tissue chart shows
 * the counts of the API; a screenshot lands in {@code target/dashboard/}.
 */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class DashboardIT {
    static final SyntheticAtlas ATLAS = SyntheticAtlas.shared();

    @TestHTTPResource("/")
    URL root;

    static Path chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        return null;
    }

    @Test
    void atlasAndWherePagesLoadAndTheChartShowsTheApiCounts() throws Exception {
        Path browser = chromium();
        Assumptions.assumeTrue(browser != null, "Chromium is not installed (apt-get install chromium)");
        String label = ATLAS.typeNames().get(1);
        String url =
                root + "?key=" + OUTSIDER_KEY + "&page=where&label=" + URLEncoder.encode(label, StandardCharsets.UTF_8);

        String dom = run(browser, List.of("--dump-dom", url));
        assertThat(dom).contains("data-atlas-loaded=\"true\"");
        assertThat(dom).contains("data-where-loaded=\"" + label + "\"");
        assertThat(dom).contains("<td>synth01</td>", "<td>synth02</td>").doesNotContain("synth03");

        Response where = postJson(OUTSIDER_KEY, "/v1/where", map("label", label));
        List<String> keys = where.jsonPath().getList("by_tissue.key");
        List<Integer> hits = where.jsonPath().getList("by_tissue.hits");
        Matcher m = Pattern.compile(
                        "id=\"chartTissue\"[^>]*data-values=\"([^\"]*)\"|data-values=\"([^\"]*)\"[^>]*id=\"chartTissue\"")
                .matcher(dom);
        assertThat(m.find()).as("tissue chart in %s", dom).isTrue();
        String values = (m.group(1) != null ? m.group(1) : m.group(2)).replace("&quot;", "\"");
        assertThat(values).isEqualTo(hits.toString().replace(" ", ""));
        assertThat(dom).contains(keys.get(0));

        Path shots = Path.of("target", "dashboard");
        Files.createDirectories(shots);
        Path png = shots.resolve("where.png").toAbsolutePath();
        run(browser, List.of("--screenshot=" + png, "--window-size=1280,1100", url));
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }

    @Test
    void withoutAKeyTheKeyBoxAppearsOnlyWhenTheApiAsksForOne() throws Exception {
        Path browser = chromium();
        Assumptions.assumeTrue(browser != null, "Chromium is not installed (apt-get install chromium)");
        // this test API serves no anonymous caller: its 401 brings the key box up, with what to do
        String dom = run(browser, List.of("--dump-dom", root.toString()));
        Matcher box = Pattern.compile("<label[^>]*id=\"apiKeyBox\"[^>]*>").matcher(dom);
        assertThat(box.find()).as("key box in %s", dom).isTrue();
        assertThat(box.group()).doesNotContain("hidden");
        assertThat(dom).contains("Enter your API key at the top right.");
        assertThat(dom).doesNotContain("data-atlas-loaded=\"true\"");
    }

    private static String run(Path browser, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                browser.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--virtual-time-budget=15000",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile-")));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
