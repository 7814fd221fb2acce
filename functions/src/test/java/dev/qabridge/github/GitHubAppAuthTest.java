package dev.qabridge.github;

import dev.qabridge.core.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.qabridge.core.ApiException;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitHubAppAuthTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private static final String PEM = TestKeys.pkcs1Pem(TestKeys.APP);

    private final MutableClock clock = new MutableClock(NOW);
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private HttpServer github;

    record Seen(String method, String path, Headers headers) {}

    @BeforeEach
    void startGitHub() throws IOException {
        github = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        github.createContext("/", this::answer);
        github.start();
    }

    @AfterEach
    void stopGitHub() {
        github.stop(0);
    }

    private void answer(HttpExchange x) throws IOException {
        seen.add(new Seen(x.getRequestMethod(), x.getRequestURI().getPath(), x.getRequestHeaders()));
        String path = x.getRequestURI().getPath();
        if (path.equals("/app/installations/404/access_tokens")) {
            send(x, 404, "{\"message\": \"Not Found\", \"documentation_url\": \"https://docs.github.com/rest\"}");
        } else if (path.matches("/app/installations/\\d+/access_tokens")) {
            // Deliberately not 40 characters, like GitHub's newer token formats.
            send(x, 201, """
                    {"token": "ghs_%d_%s", "expires_at": "%s", "permissions": {"issues": "write"}, "repository_selection": "all"}"""
                    .formatted(issued.incrementAndGet(), "x".repeat(90), clock.instant().plus(Duration.ofHours(1))));
        } else if (path.equals("/app")) {
            send(x, 200, "{\"id\": 12345, \"slug\": \"qa-bridge-acme\", \"name\": \"QA Bridge (Acme)\"}");
        } else {
            send(x, 404, "{\"message\": \"Not Found\"}");
        }
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private GitHubAppAuth auth() {
        return new GitHubAppAuth("12345", PEM, "http://127.0.0.1:" + github.getAddress().getPort(), clock,
                new JsonHttp("GitHub", Duration.ofSeconds(5)));
    }

    @Test
    void signsAnRs256JwtForTheAppThatItsPublicKeyVerifies() throws Exception {
        String[] parts = auth().jwt().split("\\.");

        assertThat(parts).hasSize(3);
        JsonNode header = part(parts[0]);
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("typ").asText()).isEqualTo("JWT");
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(TestKeys.APP.getPublic());
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    }

    @Test
    void backdatesIssuedAtAMinuteAndExpiresWithinTenMinutes() {
        JsonNode claims = part(auth().jwt().split("\\.")[1]);

        assertThat(claims.path("iss").asText()).isEqualTo("12345");
        assertThat(claims.path("iat").asLong()).isEqualTo(NOW.getEpochSecond() - 60);
        assertThat(claims.path("exp").asLong()).isGreaterThan(NOW.getEpochSecond())
                .isLessThanOrEqualTo(NOW.plus(Duration.ofMinutes(10)).getEpochSecond());
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isLessThanOrEqualTo(600);
    }

    @Test
    void theJwtFollowsTheClock() {
        GitHubAppAuth auth = auth();
        long first = part(auth.jwt().split("\\.")[1]).path("iat").asLong();
        clock.advance(Duration.ofMinutes(20));

        assertThat(part(auth.jwt().split("\\.")[1]).path("iat").asLong()).isEqualTo(first + 20 * 60);
    }

    @Test
    void acceptsAPkcs8KeyAndANumericAppId() {
        GitHubAppAuth auth = new GitHubAppAuth(12345L, TestKeys.pkcs8Pem(TestKeys.APP), "http://127.0.0.1:1");

        assertThat(part(auth.jwt().split("\\.")[1]).path("iss").asText()).isEqualTo("12345");
    }

    @Test
    void exchangesTheJwtForAnInstallationTokenWithGitHubsHeaders() throws Exception {
        String token = auth().installationToken(42);

        assertThat(token).isEqualTo("ghs_1_" + "x".repeat(90));
        assertThat(seen).hasSize(1);
        Seen exchange = seen.get(0);
        assertThat(exchange.method()).isEqualTo("POST");
        assertThat(exchange.path()).isEqualTo("/app/installations/42/access_tokens");
        assertThat(exchange.headers().getFirst("Accept")).isEqualTo("application/vnd.github+json");
        assertThat(exchange.headers().getFirst("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
        assertThat(exchange.headers().getFirst("User-Agent")).isEqualTo("qa-bridge");
        String bearer = exchange.headers().getFirst("Authorization");
        assertThat(bearer).startsWith("Bearer ");
        assertThat(part(bearer.substring("Bearer ".length()).split("\\.")[1]).path("iss").asText()).isEqualTo("12345");
    }

    @Test
    void cachesEachInstallationsTokenUntilFiveMinutesBeforeItExpires() {
        GitHubAppAuth auth = auth();
        String first = auth.token(42);
        String other = auth.token(43);

        clock.advance(Duration.ofMinutes(54));
        assertThat(auth.token(42)).isEqualTo(first);
        assertThat(auth.token(43)).isEqualTo(other).isNotEqualTo(first);
        clock.advance(Duration.ofMinutes(1));
        assertThat(auth.token(42)).isNotEqualTo(first);
        assertThat(seen).extracting(Seen::path).containsExactly(
                "/app/installations/42/access_tokens", "/app/installations/43/access_tokens", "/app/installations/42/access_tokens");
    }

    @Test
    void botLoginIsTheAppsSlugAsABotAskedOnce() {
        GitHubAppAuth auth = auth();

        assertThat(auth.botLogin()).contains("qa-bridge-acme[bot]");
        assertThat(auth.botLogin()).contains("qa-bridge-acme[bot]");
        assertThat(seen).singleElement().satisfies(s -> {
            assertThat(s.method()).isEqualTo("GET");
            assertThat(s.path()).isEqualTo("/app");
            assertThat(s.headers().getFirst("Authorization")).startsWith("Bearer ey");
        });
    }

    @Test
    void aRefusedExchangeSaysWhichInstallationAndKeepsGitHubsStatus() {
        assertThatThrownBy(() -> auth().installationToken(404))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("installation 404")
                .hasMessageContaining("Not Found");
    }

    @Test
    void refusesAMissingAppIdNamingTheSetting() {
        assertThatThrownBy(() -> new GitHubAppAuth(" ", PEM, "http://127.0.0.1:1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GITHUB_APP_ID");
    }

    @Test
    void refusesABadKeyAtConstruction() {
        assertThatThrownBy(() -> new GitHubAppAuth("12345", "not a key", "http://127.0.0.1:1"))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("GITHUB_APP_PRIVATE_KEY");
        assertThat(seen).isEmpty();
    }

    @Test
    void tokenModeUsesItsOneTokenForEveryInstallation() {
        GitHubAuth auth = new GitHubTokenAuth("ghp_fixed", java.util.Optional.of("qa-bot"));

        assertThat(auth.token(1)).isEqualTo(auth.token(2)).isEqualTo("ghp_fixed");
        assertThat(auth.botLogin()).contains("qa-bot");
        assertThat(auth.toString()).doesNotContain("ghp_fixed");
    }

    private static JsonNode part(String base64url) {
        try {
            return JsonHttp.JSON.readTree(Base64.getUrlDecoder().decode(base64url));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
