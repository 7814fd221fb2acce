package dev.qabridge.local.bench;

import dev.qabridge.local.demo.Replay;
import dev.qabridge.local.demo.Simulations;
import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.qabridge.flow.Poller;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.qatech.QaTechClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Goal 1 of the benchmark: how long after the agent's answer is COMPLETED the reply is on the PR (the
 * detection delay), and what waiting for it costs, for the bridge's design beside a baseline that looks
 * every 20 s as QA.tech's own GitHub Action does, and beside the other designs weighed.
 *
 * <p>Two parts. First a few real runs on the local stack (moto executing the real state machine, the
 * real handlers, a simulated agent): their detection delay and state transitions as measured, and what
 * the model needs that only a real run can tell: the Step Functions hops between the poller and the
 * reply, the reply's own latency, the other steps' Lambda durations, and the state documents that decide
 * the state machine's Choices. Then the model: the real {@link Poller} on a {@link VirtualClock}, against
 * a loopback QA.tech stand-in whose agent finishes at a random moment around each scenario's duration,
 * run in many trials per scenario; the state machine around it (its Waits, hops and the reply) from the
 * measurements, its state transitions from the definition ({@link AslPath}), its prices from
 * {@link Pricing}.
 *
 * <p>Trials share what they cannot tell apart: every poller invocation that ends before the earliest
 * possible finish sees "still running" in every trial, so it is run once, and each trial goes on from
 * there with its own finish time.
 */
final class DetectionBench {
    /** The scenarios: how long the agent takes. */
    static final List<Duration> AGENTS = List.of(Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofMinutes(60));
    /** Each trial's agent finishes uniformly within ± this of the scenario's duration: one whole 20 s baseline period. */
    static final Duration SPREAD = Duration.ofSeconds(10);
    /** The real runs: an agent of 20 s, looks every 2 s in windows of 10 s, so each run crosses window boundaries. */
    static final Duration REAL_AGENT = Duration.ofSeconds(20);
    static final int REAL_POLL_SECONDS = 2;
    static final int REAL_WINDOW_SECONDS = 10;
    private static final long EPOCH = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    private static final String POLL_FUNCTION = "PollerFunctionArn";

    private final Path root;
    private final Pricing pricing;

    DetectionBench(Path root, Pricing pricing) {
        this.root = root;
        this.pricing = pricing;
    }

    /** One design of the wait, as the model runs it. */
    record Design(String name, String description, boolean express, Duration interval, Duration window, Duration firstWait,
                  BiFunction<Long, JsonNode, Duration> nextWait, Duration childWindow) {}

    /** One real run on the local stack. */
    record RealRun(String runId, double delayMs, long transitions, int pollInvocations, double webhookMs) {}

    /** What the real runs measured (medians) and the path they took through the definition. */
    record Measured(AslPath path, List<RealRun> runs, double firstLookOffsetMs, double loopHopMs, double exitHopMs, double replyMs,
                    double webhookMs, Map<String, Double> stepMs) {}

    /** One scenario of one design over its trials. */
    record Result(Design design, Duration agent, double[] delaysMs, double meanCost, double meanTransitions, double meanInvocations,
                  double meanLooks) {
        double p50() {
            return Stats.percentile(delaysMs, 50);
        }

        double p95() {
            return Stats.percentile(delaysMs, 95);
        }
    }

    /** The designs weighed, at the template's defaults where the bridge is concerned. */
    List<Design> designs() {
        Duration interval = Duration.ofSeconds(pricing.pollSeconds());
        return List.of(
                new Design("bridge", "looks every " + pricing.pollSeconds() + " s inside one poller invocation for up to "
                        + pricing.pollWindowSeconds() + " s, then Wait 0 and again (the template's defaults)", false, interval,
                        Duration.ofSeconds(pricing.pollWindowSeconds()), interval,
                        (t, poll) -> Duration.ofSeconds(poll.path("waitSeconds").asLong()), null),
                new Design("baseline 20 s", "Wait 20 s, then a Task that looks once, then a Choice (QA.tech's GitHub Action looks every 20 s)",
                        false, Duration.ofSeconds(20), Duration.ZERO, Duration.ofSeconds(20), (t, poll) -> Duration.ofSeconds(20), null),
                new Design("tighter early", "Wait " + pricing.pollSeconds() + " s + one look per Task for the first 2 min, then every 20 s",
                        false, interval, Duration.ZERO, interval, (t, poll) -> t < 120_000 ? interval : Duration.ofSeconds(20), null),
                new Design("Wait " + pricing.pollSeconds() + " s", "Wait " + pricing.pollSeconds() + " s + one look per Task, throughout",
                        false, interval, Duration.ZERO, interval, (t, poll) -> interval, null),
                new Design("Express child", "the Standard run's Task starts an Express child of up to 4 min that looks every "
                        + pricing.pollSeconds() + " s (Wait + one look per Lambda); modelled only: moto runs no nested Express executions",
                        true, interval, Duration.ZERO, interval, (t, poll) -> Duration.ZERO, Duration.ofMinutes(4)));
    }

    // ---- Part 1: real runs on the local stack ------------------------------------------------------------------------

    /** Runs {@code runs} real runs at once on a fresh local stack and measures them. */
    Measured measure(int runs) throws Exception {
        JsonNode definition = JsonHttp.JSON.readTree(root.resolve("statemachine").resolve("qa-bridge.asl.json").toFile());
        String pollTask = pollTaskName(definition);
        List<Replay.Sent> sent = new ArrayList<>();
        List<Double> webhook = new ArrayList<>();
        List<List<HistoryEvent>> histories = new ArrayList<>();
        List<JsonNode> outputs = new ArrayList<>();
        List<Double> delays = new ArrayList<>();
        try (Simulations sims = new Simulations(0, line -> { })) {
            Map<String, String> settings = sims.settings();
            settings.put("QA_POLL_SECONDS", String.valueOf(REAL_POLL_SECONDS));
            settings.put("QA_POLL_WINDOW_SECONDS", String.valueOf(REAL_WINDOW_SECONDS));
            settings.put("QA_TIMEOUT_MINUTES", "10");
            settings.put("QA_CONCURRENCY", "parallel");   // three runs on one PR at once: none waits for or refuses another
            sims.agentTakes(REAL_AGENT);
            try (LocalStack stack = LocalStack.start(settings, 0, root)) {
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    Replay.Sent s = Replay.send(stack.url(), root.resolve("events/github-comment-qa.json"),
                            Map.of("GITHUB_WEBHOOK_SECRET", Simulations.WEBHOOK_SECRET));
                    webhook.add((System.nanoTime() - t0) / 1e6);
                    if (s.status() != 202 || s.runId().isEmpty()) {
                        throw new IllegalStateException("the real run's /qa was answered " + s.status() + ": " + s.body());
                    }
                    sent.add(s);
                    Thread.sleep(700);   // not in step: each run's looks fall elsewhere against the others'
                }
                SfnClient sfn = stack.stepFunctions();
                for (Replay.Sent s : sent) {
                    JsonNode end = Replay.follow(stack.url(), s.runId(), Duration.ofMinutes(3), line -> { });
                    if (!end.path("status").asText().equals("SUCCEEDED")) {
                        throw new IllegalStateException("real run " + s.runId() + " ended " + end.path("status").asText() + ": " + end);
                    }
                    String arn = stack.stateMachineArn().replace(":stateMachine:", ":execution:") + ":" + s.runId();
                    histories.add(history(sfn, arn));
                    JsonNode output = JsonHttp.JSON.readTree(sfn.describeExecution(r -> r.executionArn(arn)).output());
                    outputs.add(output);
                    String chat = output.path("conversation").path("id").asText();
                    String comment = output.path("status").path("commentId").asText();
                    Instant finished = sims.agentFinishesAt(chat).orElseThrow(() -> new IllegalStateException("no conversation " + chat));
                    Instant edited = sims.firstEditedAt(comment).orElseThrow(() -> new IllegalStateException(
                            "run " + s.runId() + " never edited its status comment " + comment));
                    delays.add((double) Duration.between(finished, edited).toMillis());
                }
                List<Instant> agentStarts = outputs.stream().map(o -> sims.agentFinishesAt(o.path("conversation").path("id").asText())
                        .orElseThrow().minus(REAL_AGENT)).toList();
                List<Instant> edits = outputs.stream().map(o -> sims.firstEditedAt(o.path("status").path("commentId").asText()).orElseThrow())
                        .toList();
                return measured(definition, pollTask, sent, webhook, histories, delays, agentStarts, edits);
            }
        }
    }

    private Measured measured(JsonNode definition, String pollTask, List<Replay.Sent> sent, List<Double> webhook,
                              List<List<HistoryEvent>> histories, List<Double> delays, List<Instant> agentStarts, List<Instant> edits)
            throws IOException {
        List<TaskRun> first = tasks(histories.get(0));
        List<TaskRun> firstPolls = first.stream().filter(t -> t.state.equals(pollTask)).toList();
        if (firstPolls.size() < 2) {
            throw new IllegalStateException("the real run looked in one poller invocation only; it must cross a window to show the loop");
        }
        JsonNode waiting = JsonHttp.JSON.readTree(firstPolls.get(0).output);
        JsonNode done = JsonHttp.JSON.readTree(last(histories.get(0)).executionSucceededEventDetails().output());
        AslPath path = AslPath.walk(definition, POLL_FUNCTION, waiting, done);

        List<RealRun> runs = new ArrayList<>();
        List<Double> loopHops = new ArrayList<>();
        List<Double> exitHops = new ArrayList<>();
        List<Double> replies = new ArrayList<>();
        List<Double> offsets = new ArrayList<>();
        Map<String, List<Double>> steps = new LinkedHashMap<>();
        for (int i = 0; i < histories.size(); i++) {
            List<HistoryEvent> events = histories.get(i);
            List<TaskRun> tasks = tasks(events);
            List<TaskRun> polls = tasks.stream().filter(t -> t.state.equals(pollTask)).toList();
            for (int p = 0; p + 1 < polls.size(); p++) {
                loopHops.add((double) (polls.get(p + 1).scheduled - polls.get(p).succeeded));
            }
            TaskRun reply = tasks.stream().filter(t -> t.state.equals(path.replyTask())).findFirst().orElseThrow();
            exitHops.add((double) (reply.scheduled - polls.get(polls.size() - 1).succeeded));
            replies.add((double) (edits.get(i).toEpochMilli() - reply.scheduled));
            offsets.add((double) (polls.get(0).scheduled - agentStarts.get(i).toEpochMilli() - REAL_POLL_SECONDS * 1000L));
            for (TaskRun t : tasks) {
                if (path.lambdaTasksBefore().contains(t.state) || path.lambdaTasksAfter().contains(t.state)) {
                    steps.computeIfAbsent(t.state, k -> new ArrayList<>()).add((double) (t.succeeded - t.scheduled));
                }
            }
            long transitions = events.stream().filter(e -> e.typeAsString().endsWith("StateEntered")).count();
            runs.add(new RealRun(sent.get(i).runId(), delays.get(i), transitions, polls.size(), webhook.get(i)));
        }
        Map<String, Double> stepMs = new LinkedHashMap<>();
        steps.forEach((k, v) -> stepMs.put(k, Stats.median(v)));
        return new Measured(path, runs, Stats.median(offsets), Stats.median(loopHops), Stats.median(exitHops), Stats.median(replies),
                Stats.median(webhook), stepMs);
    }

    /** One Task state's run in a history: its Lambda scheduled and succeeded times (ms) and its output. */
    private record TaskRun(String state, long scheduled, long succeeded, String output) {}

    private static List<TaskRun> tasks(List<HistoryEvent> events) {
        List<TaskRun> runs = new ArrayList<>();
        String state = null;
        long scheduled = -1;
        long succeeded = -1;
        for (HistoryEvent e : events) {
            HistoryEventType type = e.type();
            if (type == HistoryEventType.TASK_STATE_ENTERED) {
                state = e.stateEnteredEventDetails().name();
                scheduled = -1;
                succeeded = -1;
            } else if (type == HistoryEventType.LAMBDA_FUNCTION_SCHEDULED && scheduled < 0) {
                scheduled = e.timestamp().toEpochMilli();
            } else if (type == HistoryEventType.LAMBDA_FUNCTION_SUCCEEDED) {
                succeeded = e.timestamp().toEpochMilli();
            } else if (type == HistoryEventType.TASK_STATE_EXITED && state != null && scheduled >= 0 && succeeded >= 0) {
                runs.add(new TaskRun(state, scheduled, succeeded, e.stateExitedEventDetails().output()));
                state = null;
            }
        }
        return runs;
    }

    private static List<HistoryEvent> history(SfnClient sfn, String executionArn) {
        List<HistoryEvent> events = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            GetExecutionHistoryResponse page = sfn.getExecutionHistory(r -> r.executionArn(executionArn).maxResults(1000).nextToken(next));
            events.addAll(page.events());
            token = page.nextToken();
        } while (token != null);
        return events;
    }

    private static HistoryEvent last(List<HistoryEvent> events) {
        return events.get(events.size() - 1);
    }

    static String pollTaskName(JsonNode definition) {
        for (var it = definition.path("States").fields(); it.hasNext(); ) {
            var s = it.next();
            if (s.getValue().path("Type").asText().equals("Task") && s.getValue().toString().contains(POLL_FUNCTION)) {
                return s.getKey();
            }
        }
        throw new IllegalStateException("no Task state on " + POLL_FUNCTION + " in the state machine");
    }

    // ---- Part 2: the model ------------------------------------------------------------------------------------------

    /** Where a simulated run stands between two poller invocations (or, for the Express design, two looks). */
    private record Sim(long atMs, Duration nextWait, int invocations, int looks, int polls, double pollerCost, boolean childOpen,
                       long childStartMs, int children, double expressCost, boolean done, long doneAtMs) {
        static Sim start(long firstLookOffsetMs, Duration firstWait) {
            return new Sim(firstLookOffsetMs, firstWait, 0, 0, 0, 0, false, 0, 0, 0, false, 0);
        }
    }

    /** The model, ready to run trials: a loopback QA.tech whose agent finishes when the trial's clock says so. */
    final class Model implements AutoCloseable {
        private final Measured measured;
        private final HttpServer server;
        private final QaTechClient qatech;
        private volatile VirtualClock clock;
        private volatile long finishAt = Long.MAX_VALUE;
        private final double fixedCost;
        private final Duration lookLatency;
        /** What a look adds in the trials being run: {@link #lookLatency}, but nothing when predicting the (loopback) real runs. */
        private volatile Duration answerTime = Duration.ZERO;

        Model(Measured measured, Duration lookLatency) throws IOException {
            this.measured = measured;
            this.lookLatency = lookLatency;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.createContext("/v1/chat/", x -> {
                try (x) {
                    x.getRequestBody().readAllBytes();
                    boolean done = clock.millis() >= finishAt;
                    clock.advance(answerTime);   // QA.tech's own answer time, when one is assumed (0: loopback only)
                    byte[] body = ("{\"shortId\":\"chat_bench\",\"url\":\"https://app.qa.tech/p/proj_bench/chat/chat_bench\",\"messages\":["
                            + "{\"id\":\"m2\",\"role\":\"assistant\",\"createdAt\":\"2026-11-26T10:00:01Z\",\"text\":\""
                            + (done ? "Done. Verdict: PASS" : "Working…") + "\",\"status\":\"" + (done ? "COMPLETED" : "PARTIAL")
                            + "\",\"isStreaming\":" + !done + "},{\"id\":\"m1\",\"role\":\"user\",\"createdAt\":\"2026-11-26T10:00:00Z\","
                            + "\"text\":\"check the cart\",\"status\":\"COMPLETED\",\"isStreaming\":false}]}").getBytes(StandardCharsets.UTF_8);
                    x.getResponseHeaders().add("Content-Type", "application/json");
                    x.sendResponseHeaders(200, body.length);
                    x.getResponseBody().write(body);
                }
            });
            server.start();
            qatech = new QaTechClient("http://127.0.0.1:" + server.getAddress().getPort(), () -> "bench-key", Duration.ofSeconds(10));
            double fixed = pricing.lambda(Pricing.WEBHOOK, measured.webhookMs());
            for (String step : measured.path().lambdaTasksBefore()) {
                fixed += pricing.lambda(Pricing.ACTIONS, measured.stepMs().getOrDefault(step, 0.0));
            }
            for (String step : measured.path().lambdaTasksAfter()) {
                fixed += pricing.lambda(Pricing.ACTIONS, measured.stepMs().getOrDefault(step, 0.0));
            }
            fixedCost = fixed;
        }

        /** The Lambda cost every design pays alike: the webhook and the run's other steps, at their measured durations. */
        double fixedCost() {
            return fixedCost;
        }

        /** {@code trials} trials of {@code design} for an agent taking about {@code agent}. */
        Result run(Design design, Duration agent, int trials, Random random) throws InterruptedException {
            long earliest = agent.minus(SPREAD).toMillis();
            answerTime = lookLatency;
            Sim shared = Sim.start((long) measured.firstLookOffsetMs(), design.firstWait());
            finishAt = Long.MAX_VALUE;
            for (Sim next = step(design, shared, agent); !next.done() && next.atMs() < earliest; next = step(design, next, agent)) {
                shared = next;
            }
            double[] delays = new double[trials];
            double cost = 0;
            double transitions = 0;
            double invocations = 0;
            double looks = 0;
            for (int i = 0; i < trials; i++) {
                long finish = earliest + (long) (random.nextDouble() * 2 * SPREAD.toMillis());
                finishAt = EPOCH + finish;
                Sim s = shared;
                while (!s.done()) {
                    s = step(design, s, agent);
                }
                delays[i] = s.doneAtMs() + measured.exitHopMs() + measured.replyMs() - finish;
                long t = measured.path().transitions(design.express() ? s.children() : s.invocations());
                cost += Pricing.transitions(t) + s.pollerCost() + s.expressCost() + fixedCost;
                transitions += t;
                invocations += s.invocations();
                looks += s.looks();
            }
            finishAt = Long.MAX_VALUE;
            return new Result(design, agent, delays, cost / trials, transitions / trials, invocations / trials, looks / trials);
        }

        /** The predicted delay and transitions of one run with the real runs' settings and an agent finishing exactly at {@code agent}. */
        double[] predictReal(Duration agent) throws InterruptedException {
            Duration interval = Duration.ofSeconds(REAL_POLL_SECONDS);
            Design real = new Design("real settings", "", false, interval, Duration.ofSeconds(REAL_WINDOW_SECONDS), interval,
                    (t, poll) -> Duration.ofSeconds(poll.path("waitSeconds").asLong()), null);
            finishAt = EPOCH + agent.toMillis();
            answerTime = Duration.ZERO;   // the real runs' QA.tech is the loopback simulation
            Sim s = Sim.start((long) measured.firstLookOffsetMs(), interval);
            while (!s.done()) {
                s = step(real, s, agent);
            }
            finishAt = Long.MAX_VALUE;
            return new double[] {s.doneAtMs() + measured.exitHopMs() + measured.replyMs() - agent.toMillis(),
                    measured.path().transitions(s.invocations()), s.invocations()};
        }

        /** One poller invocation (Standard designs) or one look (the Express design's child), from {@code s}. */
        private Sim step(Design d, Sim s, Duration agent) throws InterruptedException {
            VirtualClock c = new VirtualClock(EPOCH + s.atMs());
            clock = c;
            long childStart = s.childStartMs();
            int children = s.children();
            double express = s.expressCost();
            if (d.express()) {
                if (!s.childOpen()) {
                    c.advance(s.nextWait().plus(hop(s)));   // the parent's Wait and Task start a new child
                    childStart = c.millis() - EPOCH;
                } else {
                    c.advance(d.interval().plus(Duration.ofMillis((long) measured.loopHopMs())));   // the child's own Wait
                }
            } else {
                c.advance(s.nextWait().plus(hop(s)));
            }
            Poller poller = new Poller(qatech, d.interval(), d.window(), c, c::advance);
            ObjectNode state = JsonHttp.JSON.createObjectNode().put("runId", "bench");
            state.putObject("conversation").put("id", "chat_bench");
            state.putObject("poll").put("deadline", (EPOCH + agent.toMillis()) / 1000 + 3600).put("polls", s.polls());
            long start = c.millis();
            JsonNode poll = poller.poll(state);
            long end = c.millis();
            long at = end - EPOCH;
            int looks = s.looks() + poll.path("polls").asInt() - s.polls();
            double pollerCost = s.pollerCost() + pricing.lambda(Pricing.POLLER, end - start);
            boolean done = poll.path("done").asBoolean();
            boolean childOpen = false;
            if (d.express()) {
                childOpen = !done && at + d.interval().toMillis() + (long) measured.loopHopMs() - childStart <= d.childWindow().toMillis();
                if (!childOpen) {
                    children++;
                    express += Pricing.express(at - childStart);
                }
            }
            Duration next = d.nextWait().apply(at, poll);
            return new Sim(at, next, s.invocations() + 1, looks, poll.path("polls").asInt(), pollerCost, childOpen, childStart, children,
                    express, done, done ? at : 0);
        }

        /** The Step Functions hop before a poller invocation: none before the first (it is in the measured offset). */
        private Duration hop(Sim s) {
            return s.invocations() == 0 ? Duration.ZERO : Duration.ofMillis((long) measured.loopHopMs());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** The model on {@code measured}; each look at QA.tech takes {@code lookLatency} more than the loopback round trip. */
    Model model(Measured measured, Duration lookLatency) throws IOException {
        return new Model(measured, lookLatency);
    }
}
