package dev.qabridge.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.priming.Priming;
import dev.qabridge.webhook.WebhookHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Benchmark probe, run in a fresh JVM by {@link Bench}: builds the webhook handler the way Lambda does
 * (no-argument constructor, settings from the environment), optionally primes it as the SnapStart hook
 * would before the snapshot ({@code primed}), then answers one API Gateway event (a signed {@code /qa},
 * prepared by the parent so that signing it loads nothing here) through the handler's Lambda entry point.
 * Prints one JSON line: wall and CPU time of each part, the classes loaded and the JIT's time during the
 * first request.
 *
 * <p>The first request's CPU time is this thread's ({@link ThreadMXBean#getCurrentThreadCpuTime()}), so
 * the waits on the stand-ins are left out; the JDK HTTP client does part of its I/O on its own threads, so
 * the process's CPU time over the same interval is printed too.
 */
public final class ColdStart {
    private ColdStart() {}

    public static void main(String[] args) throws Exception {
        boolean primed = args[0].equals("primed");
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();

        long t0 = System.nanoTime();
        WebhookHandler handler = new WebhookHandler();
        long t1 = System.nanoTime();
        int rounds = 0;
        if (primed) {
            rounds = Priming.webhook().prime().rounds();
        }
        long t2 = System.nanoTime();

        int classesBefore = classes.getLoadedClassCount();
        long jitBefore = jit.getTotalCompilationTime();
        long processCpuBefore = os.getProcessCpuTime();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long wallBefore = System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        long wallAfter = System.nanoTime();
        long cpuAfter = threads.getCurrentThreadCpuTime();
        long answeredAt = System.currentTimeMillis();
        long processCpuAfter = os.getProcessCpuTime();
        long jitAfter = jit.getTotalCompilationTime();
        int classesAfter = classes.getLoadedClassCount();

        JsonNode answer = JsonHttp.JSON.readTree(out.toByteArray());
        System.out.println(JsonHttp.JSON.createObjectNode()
                .put("status", answer.path("statusCode").asInt())
                .put("answeredAtMillis", answeredAt)
                .put("jvmStartToAnswerMs", answeredAt - jvmStart)
                .put("initMs", (t1 - t0) / 1e6)
                .put("primingMs", (t2 - t1) / 1e6)
                .put("primingRounds", rounds)
                .put("firstRequestMs", (wallAfter - wallBefore) / 1e6)
                .put("firstRequestCpuMs", (cpuAfter - cpuBefore) / 1e6)
                .put("firstRequestProcessCpuMs", (processCpuAfter - processCpuBefore) / 1e6)
                .put("firstRequestClassesLoaded", classesAfter - classesBefore)
                .put("firstRequestJitMs", jitAfter - jitBefore)
                .put("classesLoaded", classesAfter));
        System.exit(0);
    }
}
