package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.qabridge.github.GitHubAppAuth;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.local.githubapp.GitHubAppSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ./qa-bridge github-app} end to end, as the script runs it: its main class in a child JVM whose
 * working directory is a temp directory, with GitHub's web and API bases pointed at a loopback fake. The
 * test is the browser: it reads the form, leaves GitHub's part out (the user clicking "Create GitHub App"),
 * and follows GitHub's redirect back to the callback with a code the fake exchanges for an App.
 */
class GitHubAppSetupIT {
    private static final Path ROOT = LocalStack.root();
    private static final HttpClient BROWSER = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String WEBHOOK_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/webhooks/github";
    private static final String WEBHOOK_SECRET = "whsec-7f3a9c-not-for-stdout";
    private static final Pattern FORM = Pattern.compile("<form action=\"([^\"]+)\" method=\"post\">\\s*"
            + "<input type=\"hidden\" name=\"manifest\" value=\"([^\"]+)\">");

    private WireMockServer github;
    private final List<Process> started = new ArrayList<>();
    /** The command's stdout and stderr, kept apart from the directory it writes its files into. */
    @TempDir
    private Path logs;

    @BeforeEach
    void startGitHub() {
        github = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        github.start();
    }

    @AfterEach
    void stopEverything() {
        started.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        github.stop();
    }

    @Test
    void createsTheAppFromTheManifestAndWritesItsCredentialsForTheOwnerOnly(@TempDir Path dir) throws Exception {
        String pem = Pem.pkcs1(rsaKey());
        github.stubFor(post(urlEqualTo("/app-manifests/c0de-123/conversions")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(JsonHttp.JSON.createObjectNode().put("id", 987654).put("slug", "qa-bridge-acme").put("name", "qa-bridge-acme")
                        .put("html_url", "https://github.com/apps/qa-bridge-acme").put("client_id", "Iv23li0000")
                        .put("client_secret", "client-secret-unused").put("webhook_secret", WEBHOOK_SECRET).put("pem", pem).toString())));
        int port = freePort();
        Process setup = start(dir, "--webhook-url", WEBHOOK_URL, "--org", "acme", "--port", String.valueOf(port));

        HttpResponse<String> form = awaitPage(setup, port);
        assertThat(form.statusCode()).isEqualTo(200);
        Matcher m = FORM.matcher(form.body());
        assertThat(m.find()).as(form.body()).isTrue();
        URI action = URI.create(unescape(m.group(1)));
        JsonNode manifest = JsonHttp.JSON.readTree(unescape(m.group(2)));
        assertThat(action.getScheme() + "://" + action.getAuthority() + action.getPath())
                .isEqualTo(githubUrl() + "/organizations/acme/settings/apps/new");
        assertThat(action.getQuery()).matches("state=[0-9a-f]{32}");
        assertThat(manifest.path("name").asText()).isEqualTo("qa-bridge-acme");
        assertThat(manifest.path("url").asText()).isEqualTo(githubUrl() + "/acme");
        assertThat(manifest.path("hook_attributes").path("url").asText()).isEqualTo(WEBHOOK_URL);
        assertThat(manifest.path("hook_attributes").path("active").asBoolean()).isTrue();
        assertThat(manifest.path("redirect_url").asText()).isEqualTo("http://localhost:" + port + "/callback");
        assertThat(manifest.path("public").isBoolean()).isTrue();
        assertThat(manifest.path("public").asBoolean()).isFalse();
        assertThat(JsonHttp.JSON.convertValue(manifest.path("default_permissions"), Map.class)).isEqualTo(GitHubAppFake.PERMISSIONS);
        assertThat(manifest.path("default_events")).map(JsonNode::asText)
                .containsExactlyInAnyOrder("issue_comment", "deployment_status", "check_run", "pull_request", "merge_group");
        assertThat(form.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("form-action " + githubUrl(), "frame-ancestors 'none'"));

        // what GitHub's redirect may look like when it is not this run's: no code, another run's state
        HttpResponse<String> noCode = get(port, "/callback");
        HttpResponse<String> otherState = get(port, "/callback?code=c0de-123&state=0123456789abcdef0123456789abcdef");
        assertThat(noCode.statusCode()).isEqualTo(400);
        assertThat(noCode.body()).contains("without a code");
        assertThat(otherState.statusCode()).isEqualTo(400);
        assertThat(otherState.body()).contains("state does not match");
        github.verify(0, postRequestedFor(urlEqualTo("/app-manifests/c0de-123/conversions")));

        HttpResponse<String> done = get(port, "/callback?code=c0de-123&" + action.getQuery());

        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("qa-bridge-acme", "https://github.com/apps/qa-bridge-acme/installations/new")
                .doesNotContain(WEBHOOK_SECRET, "PRIVATE KEY");
        Result r = finish(setup);
        assertThat(r.code()).as(r.err()).isZero();
        github.verify(1, postRequestedFor(urlEqualTo("/app-manifests/c0de-123/conversions"))
                .withHeader("Accept", equalTo("application/vnd.github+json")).withHeader("User-Agent", equalTo("qa-bridge")));

        Path appFile = dir.resolve("qa-bridge-app.json");
        Path webhookFile = dir.resolve("qa-bridge-webhook.json");
        JsonNode app = JsonHttp.JSON.readTree(appFile.toFile());
        assertThat(app.properties()).hasSize(2);
        assertThat(app.path("GITHUB_APP_ID").isTextual()).isTrue();
        assertThat(app.path("GITHUB_APP_ID").asText()).isEqualTo("987654");
        assertThat(app.path("GITHUB_APP_PRIVATE_KEY").asText()).isEqualTo(pem);
        assertThat(new GitHubAppAuth(app.path("GITHUB_APP_ID").asText(), app.path("GITHUB_APP_PRIVATE_KEY").asText(), githubUrl()).jwt())
                .as("the bridge signs with the key as written").matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        assertThat(JsonHttp.JSON.readTree(webhookFile.toFile())).isEqualTo(
                JsonHttp.JSON.createObjectNode().put("GITHUB_WEBHOOK_SECRET", WEBHOOK_SECRET));
        for (Path file : List.of(appFile, webhookFile)) {
            assertThat(Files.getPosixFilePermissions(file)).as(file.toString())
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }

        assertThat(r.out()).contains(
                "aws secretsmanager create-secret --name qa-bridge/platform --secret-string file://qa-bridge-app.json\n",
                "aws secretsmanager create-secret --name qa-bridge/webhook --secret-string file://qa-bridge-webhook.json\n",
                "aws secretsmanager put-secret-value --secret-id qa-bridge/platform --secret-string file://qa-bridge-app.json\n",
                "aws secretsmanager put-secret-value --secret-id qa-bridge/webhook --secret-string file://qa-bridge-webhook.json\n",
                "  https://github.com/apps/qa-bridge-acme/installations/new\n");
        assertThat(r.out() + r.err()).doesNotContain(WEBHOOK_SECRET, "PRIVATE KEY", pem.lines().skip(1).findFirst().orElseThrow(),
                "client-secret-unused");
        assertThat(r.err().lines()).as(r.err()).containsExactly(
                "qa-bridge github-app: open http://localhost:" + port + "/ in a browser signed in to GitHub and create the App for acme (Ctrl-C stops waiting)",
                "qa-bridge github-app: the callback came without a code (GitHub adds ?code= after \"Create GitHub App\"): open http://localhost:"
                        + port + "/ and create the App from there",
                "qa-bridge github-app: this callback is not for the form this run served (its state does not match): open http://localhost:"
                        + port + "/ and create the App from there");
    }

    @Test
    void aRefusedCodeIsOneLineAndExitOneWithNoFileWritten(@TempDir Path dir) throws Exception {
        github.stubFor(post(urlEqualTo("/app-manifests/expired/conversions")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"Not Found\",\"status\":\"404\"}")));
        int port = freePort();
        Process setup = start(dir, "--webhook-url", WEBHOOK_URL, "--port", String.valueOf(port));
        HttpResponse<String> form = awaitPage(setup, port);
        Matcher m = FORM.matcher(form.body());
        assertThat(m.find()).isTrue();
        URI action = URI.create(unescape(m.group(1)));
        assertThat(action.getPath()).as("an App of the personal account").isEqualTo("/settings/apps/new");
        assertThat(JsonHttp.JSON.readTree(unescape(m.group(2))).path("name").asText()).isEqualTo("qa-bridge");

        HttpResponse<String> refused = get(port, "/callback?code=expired&" + action.getQuery());

        assertThat(refused.statusCode()).isEqualTo(502);
        assertThat(refused.body()).contains("GitHub refused the code (HTTP 404)");
        Result r = finish(setup);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().skip(1)).as(r.err()).singleElement().asString()
                .startsWith("qa-bridge github-app: GitHub refused the code (HTTP 404): a code works once, within an hour.");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void withoutTheWebhookUrlOneLineSaysWhatToGive(@TempDir Path dir) throws Exception {
        Result r = finish(start(dir, "--org", "acme"));

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("qa-bridge github-app: --webhook-url is missing: give the stack's output GitHubWebhookUrl")
                .endsWith("; usage: ./qa-bridge github-app --webhook-url <GitHubWebhookUrl> [--org <org>] [--port 8000] [--name <app name>]\n")
                .hasLineCount(1);
    }

    @Test
    void aTakenPortOrAFileInTheWayIsOneLineAndNothingIsServed(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result taken = finish(start(dir, "--webhook-url", WEBHOOK_URL, "--port", String.valueOf(busy.getLocalPort())));

            assertThat(taken.code()).isEqualTo(2);
            assertThat(taken.err()).isEqualTo("qa-bridge github-app: port " + busy.getLocalPort()
                    + " is taken: pick a free one with --port <port> (the App's redirect URL is made from it)\n");
        }
        Files.writeString(dir.resolve("qa-bridge-webhook.json"), "{}");
        int port = freePort();
        Result inTheWay = finish(start(dir, "--webhook-url", WEBHOOK_URL, "--port", String.valueOf(port)));

        assertThat(inTheWay.code()).isEqualTo(2);
        assertThat(inTheWay.err()).isEqualTo("qa-bridge github-app: qa-bridge-webhook.json is already in " + dir
                + " (it may hold another App's credentials): move it away, or run this from another directory\n");
        assertThat(Files.readString(dir.resolve("qa-bridge-webhook.json"))).isEqualTo("{}");
    }

    @Test
    void answersOnlyRequestsAddressedToLocalhost(@TempDir Path dir) throws Exception {
        int port = freePort();
        Process setup = start(dir, "--webhook-url", WEBHOOK_URL, "--port", String.valueOf(port));
        awaitPage(setup, port);

        assertThat(statusLine(port, "localhost:" + port)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(statusLine(port, "attacker.example:" + port)).startsWith("HTTP/1.1 403");
        assertThat(setup.isAlive()).isTrue();
    }

    /** The command's main class in a child JVM, in {@code dir}, with GitHub's bases pointed at the fake. */
    private Process start(Path dir, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dqabridge.root=" + ROOT,
                "-cp", System.getProperty("java.class.path"), GitHubAppSetup.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out().toFile()).redirectError(err().toFile());
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home"),
                "GITHUB_WEB_URL", githubUrl(), "GITHUB_API_URL", githubUrl() + "/"));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private record Result(int code, String out, String err) {}

    /** Waits for the command to end by itself, and what it said. */
    private Result finish(Process p) throws Exception {
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the command ended; stderr: %s", Files.readString(err())).isTrue();
        return new Result(p.exitValue(), Files.readString(out(), StandardCharsets.UTF_8), Files.readString(err(), StandardCharsets.UTF_8));
    }

    private Path out() {
        return logs.resolve("stdout.txt");
    }

    private Path err() {
        return logs.resolve("stderr.txt");
    }

    /** The form page, once the command serves it; fails at once if the command ended instead. */
    private HttpResponse<String> awaitPage(Process setup, int port) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    assertThat(setup.isAlive()).as("still running; stderr: %s", Files.readString(err())).isTrue();
                    try {
                        return get(port, "/");
                    } catch (IOException notListeningYet) {
                        return null;
                    }
                }, r -> r != null && r.statusCode() == 200);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return BROWSER.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The first line of the answer to a GET / carrying {@code host} (java.net.http will not send a Host of one's choosing). */
    private static String statusLine(int port, String host) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            o.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
        }
    }

    private String githubUrl() {
        return "http://127.0.0.1:" + github.port();
    }

    private static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&");
    }

    private static RSAPrivateKey rsaKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return (RSAPrivateKey) generator.generateKeyPair().getPrivate();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
