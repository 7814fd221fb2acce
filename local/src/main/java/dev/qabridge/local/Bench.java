package dev.qabridge.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.Log;
import dev.qabridge.github.GitHubSignature;
import dev.qabridge.http.JsonHttp;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./qa-bridge bench}: the numbers the README reports. Cold start (fresh JVMs running the webhook
 * handler the way Lambda builds it), warm webhook latency through the front door, and polls and state
 * transitions per conversation, all on the local stack against loopback simulations.
 */
public final class Bench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final PrintStream OUT = System.out;

    private Bench() {}

    public static void main(String[] args) throws Exception {
        int coldRuns = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int warmRuns = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        Path logs = Files.createTempFile("qa-bridge-bench-", ".log");
        Log.redirect(new PrintStream(Files.newOutputStream(logs), true));
        try (Simulations sims = new Simulations(0, line -> { })) {
            Map<String, String> settings = sims.settings();
            settings.put("QA_TIMEOUT_MINUTES", "60");
            settings.put("QA_POLL_SECONDS", "600");   // the runs started here only wait; nothing polls while we measure
            settings.put("QA_POLL_WINDOW_SECONDS", "600");
            try (LocalStack stack = LocalStack.start(settings, 0, LocalStack.root())) {
                coldStart(stack, coldRuns);
                warm(stack, warmRuns);
            }
            settings.put("QA_POLL_SECONDS", "1");
            settings.put("QA_POLL_WINDOW_SECONDS", "4");
            try (LocalStack stack = LocalStack.start(settings, 0, LocalStack.root())) {
                polls(stack, sims, Duration.ofSeconds(20));
            }
        }
        productionSchedule();
        OUT.println("\n(structured logs of the benchmark: " + logs + ")");
        System.exit(0);
    }

    private static void coldStart(LocalStack stack, int runs) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Double> wall = new ArrayList<>();
        List<JsonNode> probes = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ProcessBuilder pb = new ProcessBuilder(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), ColdStart.class.getName());
            pb.environment().putAll(stack.environment());
            pb.redirectErrorStream(true);
            long t0 = System.nanoTime();
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            wall.add((System.nanoTime() - t0) / 1e6);
            String last = out.lines().filter(l -> l.startsWith("{\"status\"")).reduce((a, b) -> b).orElseThrow(
                    () -> new IllegalStateException("cold start probe printed no result:\n" + out));
            probes.add(JsonHttp.JSON.readTree(last));
        }
        OUT.println("## Cold start: a fresh JVM until its first answered /qa webhook (" + runs + " runs)");
        OUT.println("| measure | median | min | max |\n|---|---|---|---|");
        row("process start → exit after the answer (ms)", wall);
        row("JVM start → answer sent (ms)", probes.stream().map(p -> p.path("sinceJvmStartMs").asDouble()).toList());
        row("handler init: settings, secrets, SDK clients (ms)", probes.stream().map(p -> p.path("initMs").asDouble()).toList());
        row("first request: verify, QA.tech, GitHub, DynamoDB, Step Functions (ms)", probes.stream().map(p -> p.path("firstRequestMs").asDouble()).toList());
        OUT.println("Every probe answered " + probes.stream().map(p -> p.path("status").asText()).distinct().toList() + ".");
    }

    private static void warm(LocalStack stack, int runs) throws Exception {
        for (int i = 0; i < 50; i++) {
            send(stack, "created", "/qa warm up");
        }
        double[] run = new double[runs];
        double[] ignored = new double[runs];
        for (int i = 0; i < runs; i++) {
            run[i] = send(stack, "created", "/qa check the cart");
            ignored[i] = send(stack, "edited", "/qa check the cart");
        }
        OUT.println("\n## Warm webhook latency through the front door (" + runs + " each, after 50 warm-up)");
        OUT.println("| delivery | p50 (ms) | p99 (ms) | max (ms) |\n|---|---|---|---|");
        OUT.printf("| `/qa` run: verify, 👀, PR, deployment, QA.tech start, comment, DynamoDB ×2, StartExecution | %.1f | %.1f | %.1f |%n",
                pct(run, 50), pct(run, 99), pct(run, 100));
        OUT.printf("| ignored (edited comment): verify, parse, answer | %.2f | %.2f | %.2f |%n", pct(ignored, 50), pct(ignored, 99), pct(ignored, 100));
    }

    private static double send(LocalStack stack, String action, String comment) throws Exception {
        String body = "{\"action\":\"" + action + "\",\"issue\":{\"number\":7,\"pull_request\":{\"url\":\"x\"}},"
                + "\"comment\":{\"id\":1234567,\"body\":\"" + comment + "\",\"author_association\":\"OWNER\"},"
                + "\"repository\":{\"full_name\":\"acme/shop\",\"default_branch\":\"main\"},\"sender\":{\"login\":\"octocat\",\"type\":\"User\"}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.url() + "/webhooks/github"))
                .header("X-GitHub-Event", "issue_comment").header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", GitHubSignature.sign(Simulations.WEBHOOK_SECRET, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.statusCode() >= 300) {
            throw new IllegalStateException("bench delivery answered " + r.statusCode() + ": " + r.body());
        }
        return ms;
    }

    private static void polls(LocalStack stack, Simulations sims, Duration agent) throws Exception {
        sims.agentTakes(agent);
        Replay.Sent sent = Replay.send(stack.url(), LocalStack.root().resolve("events/github-comment-qa.json"),
                Map.of("GITHUB_WEBHOOK_SECRET", Simulations.WEBHOOK_SECRET));
        long t0 = System.nanoTime();
        JsonNode end = Replay.follow(stack.url(), sent.runId(), Duration.ofMinutes(3), line -> { });
        double seconds = (System.nanoTime() - t0) / 1e9;
        int polls = end.path("reply").path("polls").asInt();
        OUT.println("\n## One conversation through the real state machine (agent takes " + agent.toSeconds()
                + " s; QA_POLL_SECONDS=1, QA_POLL_WINDOW_SECONDS=4)");
        OUT.printf("polls: %d, state transitions: %d, Lambda invocations: %d, command → reply: %.1f s, outcome %s%n",
                polls, end.path("stateTransitions").asInt(), polls + 1, seconds, end.path("reply").path("outcome").asText());
    }

    /** The same backoff rule as the poller (double each time, capped), at the deployed defaults. */
    private static void productionSchedule() {
        OUT.println("\n## At the defaults (QA_POLL_SECONDS=5, QA_POLL_MAX_SECONDS=30, QA_TIMEOUT_MINUTES=60), by the poller's own rule");
        OUT.println("| agent takes | polls | state transitions | Step Functions cost per run |\n|---|---|---|---|");
        for (int agent : new int[] {30, 120, 600, 3600}) {
            int t = 0;
            int wait = 5;
            int polls = 0;
            while (true) {
                t += wait;
                polls++;
                if (t >= agent) {
                    break;
                }
                wait = Math.min(30, wait * 2);
            }
            int transitions = 3 * polls + 1;   // Wait, Poll, Choice per poll, then Reply (as measured above)
            OUT.printf("| %s | %d | %d | $%.5f |%n", agent == 3600 ? "60 min (timeout)" : agent < 120 ? agent + " s" : agent / 60 + " min",
                    polls, transitions, transitions * 0.025 / 1000);
        }
    }

    private static void row(String name, List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        OUT.printf("| %s | %.0f | %.0f | %.0f |%n", name, v[v.length / 2], v[0], v[v.length - 1]);
    }

    private static double pct(double[] values, int p) {
        double[] v = values.clone();
        Arrays.sort(v);
        int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }
}
