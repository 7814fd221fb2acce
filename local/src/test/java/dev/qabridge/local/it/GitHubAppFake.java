package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestWrapper;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.qabridge.http.JsonHttp;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition;

/**
 * A loopback GitHub that authenticates like GitHub does for an App. {@code POST
 * /app/installations/{id}/access_tokens} and {@code GET /app} answer only a JWT that is RS256, signed by
 * the app's key, issued by the app's id and within its time limits; every other request must carry a
 * live installation token this fake issued, or gets GitHub's 401 "Bad credentials" before any stub sees
 * it. Accepted requests reach the server's ordinary stubs tagged with {@link #INSTALLATION_HEADER}, so a
 * test can tell which installation's token wrote a comment. The app's key pair is made here; hand
 * {@link #privateKeyPem()} to the bridge as {@code GITHUB_APP_PRIVATE_KEY}.
 *
 * <p>It runs its own WireMock server, because the gate is an extension a server takes when it is built. An IT
 * points the stack at it: {@code StackFixture.perClass(Map.of("GITHUB_API_URL", app.url(), "GITHUB_APP_ID",
 * String.valueOf(app.appId()), "GITHUB_APP_PRIVATE_KEY", app.privateKeyPem()))}, stubs on {@link #server()}
 * and calls {@link #reset()} before each test.
 */
final class GitHubAppFake implements AutoCloseable {
    static final String SLUG = "qa-bridge-test";
    /** Added by the fake to each request it let through: the installation whose token the request carried. */
    static final String INSTALLATION_HEADER = "X-Fake-GitHub-Installation";
    /** How far in the future a JWT's {@code iat} may be, for clock drift. */
    static final Duration SKEW = Duration.ofSeconds(60);
    /** GitHub's longest JWT lifetime. */
    static final Duration MAX_JWT_LIFETIME = Duration.ofMinutes(10);
    static final Map<String, String> PERMISSIONS = Map.of("checks", "write", "contents", "read",
            "deployments", "read", "issues", "write", "pull_requests", "write", "merge_queues", "read", "metadata", "read");

    private static final Pattern ACCESS_TOKENS = Pattern.compile("/app/installations/(\\d+)/access_tokens");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final long appId;
    private final KeyPair key;
    private final Clock clock;
    private final WireMockServer server;
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private volatile Duration tokenLifetime = Duration.ofHours(1);

    private record Issued(long installation, Instant expiresAt) {}

    private GitHubAppFake(long appId, KeyPair key, Clock clock) {
        this.appId = appId;
        this.key = key;
        this.clock = clock;
        this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .extensions(new Gate()));
    }

    /** A started fake for app {@code appId} with a new 2048-bit key, on the real clock. */
    static GitHubAppFake start(long appId) {
        return start(appId, Clock.systemUTC());
    }

    static GitHubAppFake start(long appId, Clock clock) {
        GitHubAppFake fake = new GitHubAppFake(appId, newKey(), clock);
        fake.server.start();
        return fake;
    }

    /** The WireMock server: stub and verify the REST calls on it as on any GitHub fake. */
    WireMockServer server() {
        return server;
    }

    /** {@code GITHUB_API_URL} for the bridge. */
    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    long appId() {
        return appId;
    }

    /** The app's private key as GitHub downloads it (PKCS#1 PEM). */
    String privateKeyPem() {
        return Pem.pkcs1((RSAPrivateKey) key.getPrivate());
    }

    /** For tests that sign JWTs of their own (expired, too long, wrong issuer). */
    RSAPrivateKey privateKey() {
        return (RSAPrivateKey) key.getPrivate();
    }

    /** How long issued tokens live (GitHub: one hour); a test may make them expire in seconds. */
    GitHubAppFake tokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
        return this;
    }

    /** The installation whose live token let {@code request} through; empty for a refused or JWT-authenticated request. */
    static Optional<Long> installationOf(LoggedRequest request) {
        return Optional.ofNullable(request.getHeader(INSTALLATION_HEADER)).map(Long::valueOf);
    }

    /** When each token issued so far for {@code installation} expires ({@code expires_at}), earliest first. */
    List<Instant> expiries(long installation) {
        return issued.values().stream().filter(t -> t.installation() == installation).map(Issued::expiresAt).sorted().toList();
    }

    /** Revokes every token issued for {@code installation}, as uninstalling and reinstalling the App does: GitHub answers them 401. */
    void revoke(long installation) {
        issued.values().removeIf(t -> t.installation() == installation);
    }

    /** The next {@code times} token exchanges answer 503, as GitHub does in an outage. */
    void failTokenExchanges(int times) {
        tokenOutages.set(times);
    }

    private final java.util.concurrent.atomic.AtomicInteger tokenOutages = new java.util.concurrent.atomic.AtomicInteger();

    /** Forgets stubs and recorded requests, not the tokens issued: a bridge may still hold them. */
    void reset() {
        server.resetAll();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Runs before the stubs: answers the App endpoints itself, refuses unknown tokens, tags the rest. */
    private final class Gate implements StubRequestFilterV2 {
        @Override
        public String getName() {
            return "github-app-gate";
        }

        @Override
        public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
            String path = request.getUrl().replaceFirst("\\?.*", "");
            Matcher exchange = ACCESS_TOKENS.matcher(path);
            if (request.getMethod().equals(RequestMethod.POST) && exchange.matches()) {
                if (tokenOutages.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return RequestFilterAction.stopWith(json(503, "{\"message\": \"Service unavailable\"}"));
                }
                return RequestFilterAction.stopWith(jwtProblem(request)
                        .map(GitHubAppFake::unauthorized)
                        .orElseGet(() -> issue(Long.parseLong(exchange.group(1)))));
            }
            if (request.getMethod().equals(RequestMethod.GET) && path.equals("/app")) {
                return RequestFilterAction.stopWith(jwtProblem(request).map(GitHubAppFake::unauthorized).orElseGet(GitHubAppFake.this::app));
            }
            Optional<Issued> token = bearer(request).map(issued::get).filter(t -> clock.instant().isBefore(t.expiresAt()));
            if (token.isEmpty()) {
                return RequestFilterAction.stopWith(unauthorized("Bad credentials"));
            }
            return RequestFilterAction.continueWith(RequestWrapper.create()
                    .addHeader(INSTALLATION_HEADER, Long.toString(token.get().installation())).wrap(request));
        }
    }

    /** Why GitHub would refuse the request's app JWT; empty when it would accept it. */
    private Optional<String> jwtProblem(Request request) {
        Optional<String> bearer = bearer(request);
        if (bearer.isEmpty()) {
            return Optional.of("A JSON web token could not be decoded");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(bearer.get());
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new RSASSAVerifier((RSAPublicKey) key.getPublic()))) {
                return Optional.of("A JSON web token could not be decoded");
            }
            return claimsProblem(jwt.getPayload().toJSONObject());
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.of("A JSON web token could not be decoded");
        }
    }

    /** Reads the claims as JSON rather than as JWTClaimsSet, which would refuse a numeric {@code iss} that GitHub takes. */
    private Optional<String> claimsProblem(Map<String, Object> claims) {
        Instant now = clock.instant();
        Optional<Instant> iat = seconds(claims.get("iat"));
        Optional<Instant> exp = seconds(claims.get("exp"));
        if (!String.valueOf(appId).equals(String.valueOf(claims.get("iss")))) {
            return Optional.of("'Issuer' claim ('iss') must be the app's id, " + appId);
        }
        if (iat.isEmpty() || iat.get().isAfter(now.plus(SKEW))) {
            return Optional.of("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued");
        }
        if (exp.isEmpty() || !exp.get().isAfter(now)) {
            return Optional.of("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
        }
        if (Duration.between(iat.get(), exp.get()).compareTo(MAX_JWT_LIFETIME) > 0 || exp.get().isAfter(now.plus(MAX_JWT_LIFETIME))) {
            return Optional.of("'Expiration time' claim ('exp') is too far in the future");
        }
        return Optional.empty();
    }

    private static Optional<Instant> seconds(Object claim) {
        return claim instanceof Number n ? Optional.of(Instant.ofEpochSecond(n.longValue())) : Optional.empty();
    }

    private ResponseDefinition issue(long installation) {
        byte[] random = new byte[30];
        RANDOM.nextBytes(random);
        // Not 40 characters, like GitHub's newer token formats: the bridge must not assume a length.
        String token = "ghs_fake" + installation + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant expiresAt = clock.instant().plus(tokenLifetime);
        issued.put(token, new Issued(installation, expiresAt));
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        body.put("token", token);
        body.put("expires_at", expiresAt.toString());
        body.set("permissions", JsonHttp.JSON.valueToTree(PERMISSIONS));
        body.put("repository_selection", "all");
        return json(201, body.toString());
    }

    private ResponseDefinition app() {
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        body.put("id", appId);
        body.put("slug", SLUG);
        body.put("node_id", "A_kwDOfake" + appId);
        body.put("client_id", "Iv23fake" + appId);
        body.putObject("owner").put("login", "acme").put("id", 1).put("type", "Organization");
        body.put("name", "QA Bridge (test)");
        body.put("description", "qa-bridge in the local stack");
        body.put("external_url", "https://example.com/qa-bridge");
        body.put("html_url", "https://github.com/apps/" + SLUG);
        body.put("created_at", "2026-01-01T00:00:00Z");
        body.put("updated_at", "2026-01-01T00:00:00Z");
        body.set("permissions", JsonHttp.JSON.valueToTree(PERMISSIONS));
        body.putArray("events").add("check_run").add("deployment_status").add("issue_comment").add("pull_request").add("merge_group");
        return json(200, body.toString());
    }

    private static Optional<String> bearer(Request request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).strip()).filter(t -> !t.isEmpty());
    }

    private static ResponseDefinition unauthorized(String message) {
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        body.put("message", message);
        body.put("documentation_url", "https://docs.github.com/rest");
        return json(401, body.toString());
    }

    private static ResponseDefinition json(int status, String body) {
        return responseDefinition().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(body).build();
    }

    private static KeyPair newKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
