package dev.qabridge.local.bench;

import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.Log;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.priming.Loopback;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * {@code ./qa-bridge bench}: issue 14's four goals, each measured and printed beside its target, in one
 * run. Exits 1 when a figure misses its target by more than {@link #NOISE} (these machines are shared and
 * noisy; a smaller miss is printed as one but does not fail the run).
 *
 * <ol>
 *   <li>Detection delay and cost: {@link DetectionBench} (real runs on the local stack, then the model).</li>
 *   <li>First request: fresh JVMs of the webhook handler ({@link ColdStart}), primed as SnapStart's hook
 *       would prime them and not, against the {@link Loopback} stand-ins.</li>
 *   <li>The artifact {@code bench/run} zipped the way {@code sam build} packages the functions module.</li>
 *   <li>The webhook's own CPU time per warm delivery ({@link WarmWebhook}) in a fresh JVM.</li>
 * </ol>
 * Options: {@code --trials N} model trials per scenario (200), {@code --jvms N} fresh JVMs of each kind (5),
 * {@code --real N} real runs on the local stack (3), {@code --warm N} measured warm deliveries of each kind (2000),
 * {@code --look-ms N} what QA.tech's answer to one look adds in the model, beyond the loopback round trip (0).
 */
public final class Bench {
    /** How far past its target a figure may land before the run fails: the machine's noise. */
    static final double NOISE = 0.20;
    /** The JVM flags Lambda's java21 runtime starts functions with (tiered compilation stops at C1; serial GC). */
    static final List<String> LAMBDA_JVM = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    static final String SECRET = "bench-webhook-secret";

    private static final PrintStream OUT = System.out;

    private Bench() {}

    /** One goal's figure beside its target (smaller is better). */
    record Goal(String name, double figure, double target, String shown, String targetShown) {
        boolean met() {
            return figure <= target;
        }

        boolean failed() {
            return figure > target * (1 + NOISE);
        }

        String verdict() {
            if (met()) {
                return "met";
            }
            int over = (int) Math.round((figure / target - 1) * 100);
            return failed() ? "**MISSED** by " + over + " %" : "missed by " + over + " % (inside the " + (int) (NOISE * 100) + " % noise allowance)";
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = options(args);
        Path root = LocalStack.root();
        Path artifact = Path.of(System.getProperty("qabridge.artifact", root.resolve("functions/target/bench-artifact").toString()));
        Path logs = Files.createTempFile("qa-bridge-bench-", ".log");
        Log.redirect(new PrintStream(Files.newOutputStream(logs), true, StandardCharsets.UTF_8));
        Pricing pricing = Pricing.fromTemplate(root);
        List<Goal> goals = new ArrayList<>();
        long started = System.nanoTime();

        OUT.println("# qa-bridge bench, " + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")));
        OUT.println("Machine: " + Runtime.getRuntime().availableProcessors() + " cores (shared with other work: figures are noisy; "
                + "medians and CPU time are quoted where they help), JDK " + Runtime.version() + " running the functions' "
                + "`--release 21` classes. Prices: AWS list prices, us-east-1; template: " + pricing.describe() + ".");

        goals.addAll(detection(root, pricing, options.get("real"), options.get("trials"), Duration.ofMillis(options.get("look-ms"))));
        try (Loopback outside = Loopback.start()) {   // the local stack is gone by now: nothing else runs beside the fresh JVMs
            goals.addAll(coldStart(outside, artifact, options.get("jvms")));
            goals.add(artifact(root.resolve("functions/target/functions.zip")));
            goals.add(warm(outside, artifact, options.get("warm")));
        }

        OUT.println("\n## Summary: each goal's figure beside its target");
        OUT.println("| goal | figure | target | |\n|---|---|---|---|");
        goals.forEach(g ->
                OUT.printf("| %s | %s | %s | %s |%n", g.name(), g.shown(), g.targetShown(), g.verdict()));
        boolean failed = goals.stream().anyMatch(Goal::failed);
        OUT.printf("%nBench took %.0f s. %s%n(the benchmark's structured logs: %s)%n", (System.nanoTime() - started) / 1e9,
                failed ? "A goal was missed by more than " + (int) (NOISE * 100) + " %: exit status 1."
                        : "No goal missed by more than " + (int) (NOISE * 100) + " %.", logs);
        System.exit(failed ? 1 : 0);
    }

    // ---- 3. The artifact --------------------------------------------------------------------------------------------

    private static Goal artifact(Path zip) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " is missing: run the bench through ./qa-bridge bench (bench/run packages it)");
        }
        Map<String, long[]> jars = new LinkedHashMap<>();
        long classes = 0;
        long classesUnzipped = 0;
        long unzipped = 0;
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : z.stream().toList()) {
                if (e.isDirectory()) {
                    continue;
                }
                unzipped += e.getSize();
                if (e.getName().startsWith("lib/") && e.getName().endsWith(".jar")) {
                    jars.put(e.getName().substring(4), new long[] {e.getCompressedSize(), e.getSize()});
                } else {
                    classes += e.getCompressedSize();
                    classesUnzipped += e.getSize();
                }
            }
        }
        long size = Files.size(zip);
        OUT.println("\n## 3. Artifact: the functions module as `sam build` packages it (classes + runtime jars), zipped");
        OUT.printf("%.2f MiB zipped (%.2f MiB unzipped): %d runtime jars and our own classes and resources. Each one's share of the zip:%n",
                size / 1048576.0, unzipped / 1048576.0, jars.size());
        OUT.println("| jar | KiB in the zip | share |\n|---|---|---|");
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(jars.entrySet());
        sorted.add(Map.entry("(qa-bridge classes and resources)", new long[] {classes, classesUnzipped}));
        sorted.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed());
        for (Map.Entry<String, long[]> e : sorted) {
            OUT.printf("| %s | %.0f | %.1f %% |%n", e.getKey(), e.getValue()[0] / 1024.0, 100.0 * e.getValue()[0] / size);
        }
        return new Goal("3. artifact, zipped", size / 1048576.0, 10, String.format("%.2f MiB", size / 1048576.0), "≤ 10 MiB");
    }

    // ---- 4. The webhook's own work, warm ----------------------------------------------------------------------------

    private static Goal warm(Loopback outside, Path artifact, int requests) throws Exception {
        int starts = outside.answered("aws StartExecution");
        JsonNode r = probe(outside, artifact, List.of(), WarmWebhook.class, String.valueOf(Math.max(500, requests / 2)), String.valueOf(requests));
        int started = outside.answered("aws StartExecution") - starts;
        JsonNode run = r.path("run");
        JsonNode ignored = r.path("ignored");
        OUT.println("\n## 4. The webhook's own work, warm: CPU time of the handler's thread per delivery");
        OUT.println("A fresh JVM with Lambda's flags (" + String.join(" ", LAMBDA_JVM) + ") runs the webhook handler on signed GitHub "
                + "deliveries of the real payload's shape (" + WarmWebhook.payload().length / 1024 + " KiB), alternating, after a warm-up; GitHub's settings file and StartExecution "
                + "are answered by loopback stand-ins (" + started + " executions started). This thread's CPU time leaves out the waits "
                + "on them; the wall time, which includes them, is shown beside.");
        OUT.println("| delivery (" + requests + " of each) | CPU p50 | CPU p99 | CPU max | wall p50 | wall p99 |\n|---|---|---|---|---|---|");
        OUT.printf("| `/qa`: verify, strict parse, route, settings file (cached), trust, StartExecution | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n",
                run.path("cpuP50").asDouble(), run.path("cpuP99").asDouble(), run.path("cpuMax").asDouble(), run.path("wallP50").asDouble(),
                run.path("wallP99").asDouble());
        OUT.printf("| ignored (edited comment): verify, strict parse, answer | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n",
                ignored.path("cpuP50").asDouble(), ignored.path("cpuP99").asDouble(), ignored.path("cpuMax").asDouble(),
                ignored.path("wallP50").asDouble(), ignored.path("wallP99").asDouble());
        double p99 = Math.max(run.path("cpuP99").asDouble(), ignored.path("cpuP99").asDouble());
        return new Goal("4. webhook's own work, warm, p99 (CPU)", p99, 5, String.format("%.2f ms", p99), "≤ 5 ms");
    }

    // ---- 2. The first request ---------------------------------------------------------------------------------------

    private static List<Goal> coldStart(Loopback outside, Path artifact, int runs) throws Exception {
        Path event = Files.createTempFile("qa-bridge-bench-event-", ".json");
        Files.write(event, WarmWebhook.event(WarmWebhook.payload(), SECRET));
        Path archive = Files.createTempFile("qa-bridge-bench-", ".jsa");
        Files.delete(archive);
        try {
            // One training run writes the class-data archive the third kind starts from (what would cut the fresh JVM's time).
            probe(outside, artifact, List.of("-XX:ArchiveClassesAtExit=" + archive), ColdStart.class, "unprimed", event.toString());
            long archiveBytes = Files.size(archive);
            long archiveZipped = deflated(archive);
            Map<String, List<JsonNode>> kinds = new LinkedHashMap<>();
            kinds.put("unprimed", new ArrayList<>());
            kinds.put("primed", new ArrayList<>());
            kinds.put("unprimed, AppCDS", new ArrayList<>());
            for (int i = 0; i < runs; i++) {   // in turn, so a slow spell of the machine falls on all three alike
                kinds.get("unprimed").add(probe(outside, artifact, List.of(), ColdStart.class, "unprimed", event.toString()));
                kinds.get("primed").add(probe(outside, artifact, List.of(), ColdStart.class, "primed", event.toString()));
                kinds.get("unprimed, AppCDS").add(probe(outside, artifact, List.of("-XX:SharedArchiveFile=" + archive), ColdStart.class,
                        "unprimed", event.toString()));
            }
            OUT.println("\n## 2. The first request: a fresh JVM of the webhook handler, primed and not (medians of " + runs + ", min–max)");
            OUT.println("Each JVM (Lambda's flags) builds the handler as Lambda does, optionally runs the SnapStart priming "
                    + "(what `beforeCheckpoint` runs before the snapshot), then answers one signed `/qa` through the handler's "
                    + "entry point; GitHub and Step Functions are loopback stand-ins. \"process start\" is measured by the parent "
                    + "from starting the process. The third kind starts from an AppCDS archive of the same run (one training run), "
                    + String.format("to show what class loading costs (the archive: %.1f MiB, %.1f MiB deflated; it is only valid for the JDK "
                    + "build that wrote it).", archiveBytes / 1048576.0, archiveZipped / 1048576.0));
            OUT.println("| measure | unprimed | primed | unprimed, AppCDS |\n|---|---|---|---|");
            row(kinds, "process start → answer (ms)", "startToAnswerMs");
            row(kinds, "handler init: settings, secrets, SDK client (ms)", "initMs");
            row(kinds, "priming (ms)", "primingMs");
            row(kinds, "first request, wall (ms)", "firstRequestMs");
            row(kinds, "**first request, CPU of its thread (ms)**", "firstRequestCpuMs");
            row(kinds, "first request, CPU of the whole process (ms)", "firstRequestProcessCpuMs");
            row(kinds, "classes loaded during the first request", "firstRequestClassesLoaded");
            row(kinds, "JIT compilation during the first request (ms)", "firstRequestJitMs");
            row(kinds, "classes loaded by the answer", "classesLoaded");
            OUT.println("Every answer: " + kinds.values().stream().flatMap(List::stream).map(p -> p.path("status").asText()).distinct().toList()
                    + "; priming rounds: " + kinds.get("primed").stream().map(p -> p.path("primingRounds").asInt()).distinct().toList() + ".");
            double primedCpu = median(kinds.get("primed"), "firstRequestCpuMs");
            double fresh = median(kinds.get("unprimed"), "startToAnswerMs") / 1000;
            return List.of(
                    new Goal("2. primed first request, CPU of its thread", primedCpu, 100, String.format("%.0f ms", primedCpu), "≤ 100 ms"),
                    new Goal("2. fresh JVM → first answered webhook (no SnapStart)", fresh, 0.8, String.format("%.2f s", fresh), "≤ 0.8 s"));
        } finally {
            Files.deleteIfExists(event);
            Files.deleteIfExists(archive);
        }
    }

    /** The size of {@code file} deflated as a zip stores it. */
    private static long deflated(Path file) throws IOException {
        long[] count = {0};
        java.io.OutputStream counter = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        try (var out = new java.util.zip.DeflaterOutputStream(counter)) {
            Files.copy(file, out);
        }
        return count[0];
    }

    private static void row(Map<String, List<JsonNode>> kinds, String name, String field) {
        StringBuilder line = new StringBuilder("| " + name + " |");
        for (List<JsonNode> probes : kinds.values()) {
            double[] v = probes.stream().mapToDouble(p -> p.path(field).asDouble()).sorted().toArray();
            line.append(String.format(Locale.ROOT, " %.0f (%.0f–%.0f) |", Stats.median(v), v[0], v[v.length - 1]));
        }
        OUT.println(line);
    }

    private static double median(List<JsonNode> probes, String field) {
        return Stats.median(probes.stream().mapToDouble(p -> p.path(field).asDouble()).toArray());
    }

    /**
     * Runs {@code probe} in a fresh JVM with Lambda's flags on the artifact's classpath, its environment holding only the
     * handler's settings (pointed at {@code outside}), and returns the JSON line it printed last.
     */
    private static JsonNode probe(Loopback outside, Path artifact, List<String> flags, Class<?> probe, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The functions' classes from their jar rather than the artifact's directory: the JVM archives no class from a directory,
        // and the AppCDS kind must load the same bytes from the same place as the others.
        String classpath = String.join(File.pathSeparator, Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                functionsJar(artifact).toString(), artifact.resolve("lib").toString() + File.separator + "*");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(LAMBDA_JVM);
        command.addAll(flags);
        command.addAll(List.of("-cp", classpath, probe.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(Map.of("GITHUB_WEBHOOK_SECRET", SECRET, "GITHUB_TOKEN", "bench-github-token", "GITHUB_API_URL", outside.url("github"),
                "QATECH_API_URL", outside.url("qatech"), "QATECH_API_KEY", "bench-qatech-key", "QATECH_APPLICATION_ID", "app_bench",
                "AWS_ENDPOINT_URL", outside.url("aws"), "AWS_REGION", "us-east-1",
                "STATE_MACHINE_ARN", "arn:aws:states:us-east-1:000000000000:stateMachine:qa-bridge-runs"));
        // As in Lambda without SnapStart: the role's credentials in the environment (made up; the stand-in checks nothing).
        env.putAll(Map.of("AWS_ACCESS_KEY_ID", "ASIAQABRIDGEBENCH000", "AWS_SECRET_ACCESS_KEY", "bench/secret/access/key/made/up/0000000000",
                "AWS_SESSION_TOKEN", "bench-session-token"));
        long startedAt = System.currentTimeMillis();
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        String last = output.lines().filter(l -> l.startsWith("{\"status\"") || l.startsWith("{\"probe\"")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException(probe.getSimpleName() + " printed no result (exit " + exit + "):\n" + output));
        JsonNode result = JsonHttp.JSON.readTree(last);
        if (result.has("answeredAtMillis")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) result).put("startToAnswerMs", result.path("answeredAtMillis").asLong() - startedAt);
        }
        return result;
    }

    /** The functions module's jar beside the artifact directory {@code bench/run} made (functions/target). */
    private static Path functionsJar(Path artifact) throws IOException {
        try (var jars = Files.list(artifact.getParent())) {
            return jars.filter(f -> f.getFileName().toString().matches("qa-bridge-functions-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no qa-bridge-functions jar in " + artifact.getParent()));
        }
    }

    // ---- 1. Detection delay and cost --------------------------------------------------------------------------------

    private static List<Goal> detection(Path root, Pricing pricing, int realRuns, int trials, Duration lookLatency) throws Exception {
        DetectionBench bench = new DetectionBench(root, pricing);
        DetectionBench.Measured m = bench.measure(realRuns);
        AslPath path = m.path();
        OUT.println("\n## 1. Detection delay (agent COMPLETED → reply on the PR) and AWS cost per run");
        OUT.printf("The run's path through statemachine/qa-bridge.asl.json, walked with a real run's state documents: %d states before "
                        + "the wait (%s), %d per turn of the loop (%s), %d after it (%s): %d + %d per poller invocation state transitions. "
                        + "Lambda steps outside the loop: %s.%s%n",
                path.before().size(), String.join(" → ", path.before()), path.loop().size(), String.join(" → ", path.loop()),
                path.after().size(), String.join(" → ", path.after()), path.before().size() + path.lastLoop().size() + path.after().size()
                        - path.loop().size(), path.loop().size(),
                String.join(", ", concat(path.lambdaTasksBefore(), path.lambdaTasksAfter())),
                path.serviceTasks().isEmpty() ? "" : " Direct service integrations on the path (transitions only, not priced here): "
                        + String.join(", ", path.serviceTasks()) + ".");

        try (DetectionBench.Model model = bench.model(m, lookLatency)) {
            OUT.println("\n### Real runs on the local stack (moto executing the real state machine; agent " + DetectionBench.REAL_AGENT.toSeconds()
                    + " s, QA_POLL_SECONDS=" + DetectionBench.REAL_POLL_SECONDS + ", QA_POLL_WINDOW_SECONDS=" + DetectionBench.REAL_WINDOW_SECONDS
                    + "), beside the model's prediction for the same settings");
            OUT.println("| run | poller invocations | state transitions, measured | from the ASL | detection delay, measured | model's prediction |"
                    + "\n|---|---|---|---|---|---|");
            double[] predicted = model.predictReal(DetectionBench.REAL_AGENT);
            for (DetectionBench.RealRun r : m.runs()) {
                OUT.printf("| %s | %d | %d | %d | %.2f s | %.2f s (%d invocations) |%n", r.runId(), r.pollInvocations(), r.transitions(),
                        path.transitions(r.pollInvocations()), r.delayMs() / 1000, predicted[0] / 1000, (int) predicted[2]);
            }
            OUT.printf("What the model takes from these runs (medians): first look %.0f ms after the agent starts plus the first Wait; "
                            + "%.0f ms from one poller invocation's end to the next one's start (Choice, Wait 0, Task); %.0f ms from the "
                            + "last one's end to the reply step's start; %.0f ms from the reply step's start to the comment edited; "
                            + "webhook %.0f ms; other steps %s. These hops are moto's, a Python stand-in; AWS's are its own.%n",
                    m.firstLookOffsetMs(), m.loopHopMs(), m.exitHopMs(), m.replyMs(), m.webhookMs(),
                    m.stepMs().entrySet().stream().map(e -> e.getKey() + " " + Math.round(e.getValue()) + " ms").toList());

            List<DetectionBench.Design> designs = bench.designs();
            Map<String, List<DetectionBench.Result>> results = new LinkedHashMap<>();
            Random random = new Random(14);
            long t0 = System.nanoTime();
            for (DetectionBench.Design d : designs) {
                List<DetectionBench.Result> rs = new ArrayList<>();
                for (Duration agent : DetectionBench.AGENTS) {
                    rs.add(model.run(d, agent, trials, random));
                }
                results.put(d.name(), rs);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            List<DetectionBench.Result> bridge = results.get(designs.get(0).name());
            List<DetectionBench.Result> baseline = results.get(designs.get(1).name());

            OUT.printf("%n### The bridge beside the 20 s baseline: the real poller on a virtual clock, %d trials per scenario "
                    + "(the agent finishes uniformly within ±%d s of its time; QA.tech answers a look in the loopback round trip%s), "
                    + "%.0f s of simulation%n", trials, DetectionBench.SPREAD.toSeconds(),
                    lookLatency.isZero() ? "" : " + " + lookLatency.toMillis() + " ms", seconds);
            OUT.println("| agent takes | bridge p50 / p95 | baseline 20 s p50 / p95 | **p95 ratio, bridge : baseline** | bridge cost per run "
                    + "| baseline cost per run | bridge transitions / poller invocations |\n|---|---|---|---|---|---|---|");
            for (int i = 0; i < DetectionBench.AGENTS.size(); i++) {
                DetectionBench.Result b = bridge.get(i);
                DetectionBench.Result q = baseline.get(i);
                OUT.printf("| %s | %.2f / %.2f s | %.2f / %.2f s | **1 : %.1f** (p50 1 : %.1f) | $%.4f | $%.4f | %.0f / %.1f |%n", label(b.agent()),
                        b.p50() / 1000, b.p95() / 1000, q.p50() / 1000, q.p95() / 1000, q.p95() / b.p95(), q.p50() / b.p50(), b.meanCost(),
                        q.meanCost(), b.meanTransitions(), b.meanInvocations());
            }

            OUT.println("\n### Every design weighed: detection delay p95 and cost per run (same trials, same prices)");
            StringBuilder head = new StringBuilder("| design |");
            StringBuilder rule = new StringBuilder("|---|");
            for (Duration agent : DetectionBench.AGENTS) {
                head.append(" ").append(label(agent)).append(": p95, cost |");
                rule.append("---|");
            }
            OUT.println(head + "\n" + rule);
            for (DetectionBench.Design d : designs) {
                StringBuilder line = new StringBuilder("| " + d.name() + " |");
                for (DetectionBench.Result r : results.get(d.name())) {
                    line.append(String.format(" %.1f s, $%.4f |", r.p95() / 1000, r.meanCost()));
                }
                OUT.println(line);
            }
            for (DetectionBench.Design d : designs) {
                OUT.println("- " + d.name() + ": " + d.description() + ".");
            }
            OUT.printf("Cost per run = state transitions × $0.025/1000 + Lambda (requests $0.20/M, GB-s at the template's memory, %s) "
                    + "+ Express ($1.00/M, $0.00001667/GB-s per 64 MB and 100 ms); the webhook and the steps outside the loop add $%.6f "
                    + "to every design alike.%n", pricing.architecture(), model.fixedCost());

            double worst = bridge.stream().mapToDouble(DetectionBench.Result::p95).max().orElseThrow() / 1000;
            double tenMinutes = bridge.get(DetectionBench.AGENTS.indexOf(Duration.ofMinutes(10))).meanCost();
            double hour = bridge.get(DetectionBench.AGENTS.indexOf(Duration.ofMinutes(60))).meanCost();
            double[] ratios = new double[bridge.size()];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = baseline.get(i).p95() / bridge.get(i).p95();
            }
            OUT.printf("%nHeadline: the reply lands within %.1f s of the agent's answer at p95 (worst scenario), %.1f× to %.1f× sooner than "
                    + "polling every 20 s as QA.tech's GitHub Action does.%n", worst, java.util.Arrays.stream(ratios).min().orElseThrow(),
                    java.util.Arrays.stream(ratios).max().orElseThrow());
            return List.of(
                    new Goal("1. detection delay p95, worst of 30 s / 2 / 10 / 60 min", worst, 5, String.format("%.2f s", worst), "≤ 5 s"),
                    new Goal("1. cost of a 10-minute run", tenMinutes, 0.005, String.format("$%.4f", tenMinutes), "≤ $0.005"),
                    new Goal("1. cost of a 60-minute run", hour, 0.02, String.format("$%.4f", hour), "≤ $0.02"));
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String label(Duration agent) {
        return agent.toSeconds() < 120 ? agent.toSeconds() + " s" : agent.toMinutes() + " min";
    }

    private static Map<String, Integer> options(String[] args) {
        Map<String, Integer> o = new LinkedHashMap<>(Map.of("trials", 200, "jvms", 5, "real", 3, "warm", 2000, "look-ms", 0));
        for (int i = 0; i + 1 < args.length; i += 2) {
            String name = args[i].replaceFirst("^--", "");
            if (!o.containsKey(name)) {
                throw new IllegalArgumentException("unknown option " + args[i] + " (known: --trials, --jvms, --real, --warm, --look-ms)");
            }
            o.put(name, Integer.parseInt(args[i + 1]));
        }
        return o;
    }
}
