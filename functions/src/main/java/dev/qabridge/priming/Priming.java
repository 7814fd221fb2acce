package dev.qabridge.priming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.aws.AwsClients;
import dev.qabridge.aws.SecretsLoader;
import dev.qabridge.aws.StepFunctionsWorkflow;
import dev.qabridge.core.Ask;
import dev.qabridge.core.Env;
import dev.qabridge.core.Log;
import dev.qabridge.core.Origin;
import dev.qabridge.core.Platform;
import dev.qabridge.core.RunInput;
import dev.qabridge.core.RunStateJson;
import dev.qabridge.core.Settings;
import dev.qabridge.flow.Answer;
import dev.qabridge.flow.Decider;
import dev.qabridge.flow.Poller;
import dev.qabridge.flow.Steps;
import dev.qabridge.flow.RepoConfig;
import dev.qabridge.flow.Webhook;
import dev.qabridge.github.GitHubClient;
import dev.qabridge.github.GitHubEvents;
import dev.qabridge.github.GitHubSignature;
import dev.qabridge.gitlab.GitLabClient;
import dev.qabridge.gitlab.GitLabEvents;
import dev.qabridge.gitlab.GitLabWebhookAuth;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.qatech.QaTechClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a function does before its SnapStart snapshot (CRaC {@code beforeCheckpoint}): it runs its own
 * request paths several times on made-up but real-shaped input, so that the snapshot holds the classes
 * those paths load and the code the JIT compiled for them, and the first request after a restore pays
 * for neither. The webhook path is a signed {@code /qa} comment (GitHub and GitLab), an ignored one and a
 * forged one, each from the API Gateway event to the answer; the poll path one look at a running and at
 * a finished conversation; the actions path the calls and texts of the run's steps, the reply above all.
 * Every path also reads a secret the way a restore does.
 *
 * <p>Side-effect free by construction: every client here is a new one pointed at {@link Loopback} (an
 * in-process stand-in on 127.0.0.1), the credentials are made up, the bridge's own objects (its clients,
 * secrets, redactor, caches) are never touched, and its log and metric lines are discarded while it runs.
 * Bounded: at most {@link #ROUNDS} rounds and {@link #BUDGET}, whichever comes first. A failure is
 * logged and costs only the priming: the function works as it would unprimed.
 */
public final class Priming implements Runnable {
    /** A function's request paths; each function primes the ones its requests take. */
    public enum Path { WEBHOOK, POLL, ACTIONS }

    /**
     * Rounds of every path. The first loads and initialises what the path needs, which is nearly all a first request
     * costs (the benchmark finds one round as good as sixty: with Lambda's C1-only JIT little is left to compile); the
     * next ones take the paths' second-request branches (e.g. the settings file from the cache).
     */
    public static final int ROUNDS = 3;
    /** The most priming may take, whatever {@link #ROUNDS} says (SnapStart's init has minutes; a deployment should not wait). */
    public static final Duration BUDGET = Duration.ofMillis(1500);

    /** How much priming was done. */
    public record Report(Set<Path> paths, int rounds, long millis, int requests) {}

    private static final String SECRET = "loopback-webhook-secret";
    private static final String STATE_MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:qa-bridge-runs";
    private static final String AGENT_SECRET = "arn:aws:secretsmanager:us-east-1:000000000000:secret:qa-bridge-agent-AbCdEf";

    private final Set<Path> paths;
    private final int rounds;
    private final Duration budget;

    public Priming(Set<Path> paths, int rounds, Duration budget) {
        this.paths = Set.copyOf(paths);
        this.rounds = rounds;
        this.budget = budget;
    }

    /** The webhook function's priming. */
    public static Priming webhook() {
        return new Priming(EnumSet.of(Path.WEBHOOK), ROUNDS, BUDGET);
    }

    /** The poller function's priming. */
    public static Priming poller() {
        return new Priming(EnumSet.of(Path.POLL), ROUNDS, BUDGET);
    }

    /** The actions function's priming. */
    public static Priming actions() {
        return new Priming(EnumSet.of(Path.ACTIONS), ROUNDS, BUDGET);
    }

    /** As the CRaC hook runs it: primes, then logs one line saying how much (or why it could not). */
    @Override
    public void run() {
        try {
            Report r = prime();
            Log.info("snapstart.primed", null, null, "paths", r.paths(), "rounds", r.rounds(), "ms", r.millis(), "requests", r.requests());
        } catch (IOException | RuntimeException | LinkageError e) {
            // LinkageError: a runtime without a module priming uses (jdk.httpserver) loses the priming, never the snapshot
            Log.warn("snapstart.priming_failed", null, null, "error", e.getClass().getSimpleName(), "message", String.valueOf(e.getMessage()));
        }
    }

    /** Primes and says how much; throws what a path threw. */
    public Report prime() throws IOException {
        long started = System.nanoTime();
        long deadline = started + budget.toNanos();
        try (Loopback loopback = Loopback.start()) {
            Rig rig = new Rig(loopback);
            int[] done = {0};
            Log.discarding(() -> {
                while (done[0] < rounds && System.nanoTime() < deadline) {
                    for (Path path : Path.values()) {
                        if (paths.contains(path)) {
                            rig.run(path, done[0]);
                        }
                    }
                    done[0]++;
                }
            });
            rig.close();
            return new Report(paths, done[0], (System.nanoTime() - started) / 1_000_000, loopback.answered());
        }
    }

    /** The clients and flows of one priming, all pointed at the loopback stand-in. */
    private static final class Rig {
        private final Env env;
        private final Settings settings;
        private final Clock clock = Clock.systemUTC();
        private final AwsClients aws;
        private final StepFunctionsWorkflow workflow;
        private final GitHubClient github;
        private final GitLabClient gitlab;
        private final QaTechClient qatech;
        private final Webhook webhook;
        private final Poller poller;
        private final Steps steps;
        private final byte[] githubComment;
        private final byte[] gitlabNote;

        Rig(Loopback loopback) {
            Map<String, String> values = new HashMap<>();
            values.put("QATECH_API_URL", loopback.url("qatech"));
            values.put("GITHUB_API_URL", loopback.url("github"));
            values.put("GITLAB_API_URL", loopback.url("gitlab"));
            values.put("AWS_ENDPOINT_URL", loopback.url("aws"));   // with no AWS_ACCESS_KEY_ID: made-up static credentials
            values.put("AWS_REGION", "us-east-1");
            values.put("STATE_MACHINE_ARN", STATE_MACHINE);
            values.put("QATECH_APPLICATION_ID", "app_loopback");
            values.put("QATECH_PROJECT_ID", "proj_loopback");
            values.put(SecretsLoader.AGENT_SECRET_ARN, AGENT_SECRET);
            env = new Env(Map.copyOf(values));
            settings = Settings.from(env);
            aws = new AwsClients(env);
            workflow = new StepFunctionsWorkflow(aws.stepFunctions(), STATE_MACHINE);
            github = new GitHubClient(settings.codeHosts().githubApiUrl(), "loopback-token");
            gitlab = new GitLabClient(settings.codeHosts().gitlabApiUrl(), "loopback-token");
            qatech = new QaTechClient(settings.qatech().apiUrl(), () -> "loopback-key", Duration.ofSeconds(10));
            webhook = new Webhook(Optional.of(new GitHubEvents(() -> List.of(SECRET), () -> github.auth())),
                    Optional.of(new GitLabEvents(new GitLabWebhookAuth(Optional.of(SECRET), Optional.empty(), clock))),
                    () -> github, () -> gitlab, new Decider(settings, new RepoConfig(settings, clock), workflow, clock));
            steps = new Steps(settings, platform -> platform == Platform.GITLAB ? gitlab : github, () -> qatech, workflow, clock, Optional::empty);
            poller = new Poller(qatech, Duration.ofSeconds(1), Duration.ZERO, clock, d -> { });
            githubComment = resource("github-issue-comment.json");
            gitlabNote = resource("gitlab-note.json");
        }

        void run(Path path, int round) {
            // Every function reads its secrets again right after a restore (SnapStartHooks.afterRestore).
            new SecretsLoader(env, aws, clock, Duration.ofMinutes(5)).get();
            switch (path) {
                case WEBHOOK -> webhookPath(round);
                case POLL -> pollPath(round);
                case ACTIONS -> actionsPath(round);
            }
        }

        private void webhookPath(int round) {
            byte[] edited = new String(githubComment, StandardCharsets.UTF_8).replaceFirst("\"action\":\"created\"", "\"action\":\"edited\"")
                    .getBytes(StandardCharsets.UTF_8);
            String signature = GitHubSignature.sign(SECRET, githubComment);
            expect(202, deliver("/webhooks/github", githubComment, Map.of("x-github-event", "issue_comment",
                    "x-github-delivery", UUID.randomUUID().toString(), "x-hub-signature-256", signature)));
            expect(200, deliver("/webhooks/github", edited, Map.of("x-github-event", "issue_comment",
                    "x-github-delivery", UUID.randomUUID().toString(), "x-hub-signature-256", GitHubSignature.sign(SECRET, edited))));
            expect(401, deliver("/webhooks/github", edited, Map.of("x-github-event", "issue_comment",
                    "x-github-delivery", UUID.randomUUID().toString(), "x-hub-signature-256", signature)));
            expect(202, deliver("/webhooks/gitlab", gitlabNote, Map.of("x-gitlab-event", "Note Hook", "x-gitlab-token", SECRET,
                    "idempotency-key", UUID.randomUUID().toString(), "x-gitlab-event-uuid", UUID.randomUUID().toString())));
        }

        /** One delivery the way the webhook handler takes it: API Gateway's event in, the HTTP answer out. */
        private int deliver(String rawPath, byte[] body, Map<String, String> platformHeaders) {
            ObjectNode event = JsonHttp.JSON.createObjectNode().put("version", "2.0").put("routeKey", "POST " + rawPath)
                    .put("rawPath", rawPath).put("rawQueryString", "");
            ObjectNode headers = event.putObject("headers").put("content-type", "application/json").put("user-agent", "GitHub-Hookshot/2c6ae5b");
            platformHeaders.forEach(headers::put);
            event.putObject("requestContext").put("requestId", UUID.randomUUID().toString()).putObject("http").put("method", "POST")
                    .put("path", rawPath).put("sourceIp", "140.82.115.1");
            event.put("body", new String(body, StandardCharsets.UTF_8)).put("isBase64Encoded", false);
            JsonNode in = read(bytes(event));
            Map<String, String> lower = new HashMap<>();
            in.path("headers").fields().forEachRemaining(h -> lower.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
            Answer answer = webhook.handle(in.path("rawPath").asText(), lower, in.path("body").asText().getBytes(StandardCharsets.UTF_8),
                    in.path("requestContext").path("requestId").asText());
            ObjectNode response = JsonHttp.JSON.createObjectNode().put("statusCode", answer.status());
            response.putObject("headers").put("Content-Type", "application/json");
            response.put("body", answer.body().toString());
            bytes(response);
            return answer.status();
        }

        private void pollPath(int round) {
            for (String chat : List.of(Loopback.RUNNING_CHAT, "chat_done" + round)) {
                ObjectNode state = JsonHttp.JSON.createObjectNode().put("runId", "github-c" + round);
                state.set("ask", RunStateJson.write(ask()));
                state.putObject("conversation").put("id", chat).put("url", "https://app.qa.tech/p/proj_shop/chat/" + chat);
                state.putObject("poll").put("deadline", clock.instant().getEpochSecond() + 3600).put("polls", round).put("waitSeconds", 0);
                try {
                    bytes(poller.poll(read(bytes(state))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while priming", e);
                }
            }
        }

        /**
         * The actions function's steps as the state machine calls them on a run that passes: the real
         * {@link Steps}, against the loopback, each step's result put where the state machine puts it.
         */
        private void actionsPath(int round) {
            for (Origin origin : List.of(new Origin(Platform.GITHUB, "acme/shop", "", 7, "", 0), new Origin(Platform.GITLAB, "acme/shop", "42", 7, "", 0))) {
                ObjectNode state = RunStateJson.write(new RunInput(origin.platform().wireName() + "-c" + round, RunInput.RUN, origin, ask(), "", Loopback.SETTINGS_FILE,
                        clock.instant().getEpochSecond() + 3600, 3, UUID.randomUUID().toString(), ""));
                step("acknowledge", "ack", state);
                step("resolve", "target", state);
                step("start", "conversation", state);
                step("post-status", "status", state);
                step("report-running", "pending", state);
                state.putObject("poll").put("done", true).put("status", "COMPLETED").put("polls", round + 1)
                        .put("deadline", clock.instant().getEpochSecond() + 3600);
                step("reply", "reply", state);
                step("report-result", "result", state);
            }
            // a newer automatic run stops the previous one (SupersedePreviousRun)
            workflow.stop("github-d42-" + round, "Superseded", "superseded by a newer deployment");
        }

        /** One step through the actions function's own request shape, its result at {@code $.<into>}. */
        private void step(String action, String into, ObjectNode state) {
            ObjectNode request = JsonHttp.JSON.createObjectNode().put("action", action).put("retry", 0).put("stateMachine", STATE_MACHINE);
            request.set("state", state);
            JsonNode in = read(bytes(request));
            JsonNode out = steps.run(in.path("action").asText(), in.path("state"), 0, in.path("stateMachine").asText());
            state.set(into, read(bytes(out)));
        }

        private Ask ask() {
            return new Ask("alice", "check that the cart total updates when a second item is added", "", "1234567",
                    "72d3162e-cc78-11e3-81ab-4c9367dc0958", clock.millis() - 95_000, "", "");
        }

        void close() {
            aws.stepFunctions().close();
            aws.secrets().close();
        }

        private static void expect(int status, int answered) {
            if (status != answered) {
                throw new IllegalStateException("the primed delivery was answered " + answered + ", not " + status
                        + ": the webhook path changed, priming needs to follow");
            }
        }

        private static byte[] bytes(JsonNode node) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                JsonHttp.JSON.writeValue(out, node);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        private static JsonNode read(byte[] bytes) {
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                return JsonHttp.JSON.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static byte[] resource(String name) {
            try (InputStream in = Priming.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("priming payload " + name + " is missing from the artifact");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
