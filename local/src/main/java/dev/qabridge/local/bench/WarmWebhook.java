package dev.qabridge.local.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.github.GitHubSignature;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.webhook.WebhookHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Benchmark probe, run in a fresh JVM with Lambda's flags by {@link Bench}: the webhook handler as Lambda
 * builds it, fed signed GitHub deliveries of the real payload's shape through its Lambda entry point, warm:
 * {@code /qa} commands (verify, strict parse, route, the settings file from the handler's cache, trust from
 * the payload, StartExecution against a stand-in) and ignored ones (an edited comment: verify, parse,
 * answer). Per request it takes this thread's CPU time, which leaves out the waits on the stand-ins, and
 * prints the percentiles as one JSON line.
 */
public final class WarmWebhook {
    private WarmWebhook() {}

    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[0]);
        int measured = Integer.parseInt(args[1]);
        String secret = System.getenv("GITHUB_WEBHOOK_SECRET");
        byte[] created = payload();
        byte[] edited = new String(created, StandardCharsets.UTF_8).replaceFirst("\"action\":\"created\"", "\"action\":\"edited\"")
                .getBytes(StandardCharsets.UTF_8);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        WebhookHandler handler = new WebhookHandler();
        for (int i = 0; i < warmup; i++) {
            call(handler, event(created, secret), threads);
            call(handler, event(edited, secret), threads);
        }
        double[] runCpu = new double[measured];
        double[] runWall = new double[measured];
        double[] ignoredCpu = new double[measured];
        double[] ignoredWall = new double[measured];
        for (int i = 0; i < measured; i++) {
            double[] run = call(handler, event(created, secret), threads);
            runCpu[i] = run[0];
            runWall[i] = run[1];
            double[] ignored = call(handler, event(edited, secret), threads);
            ignoredCpu[i] = ignored[0];
            ignoredWall[i] = ignored[1];
        }
        ObjectNode result = JsonHttp.JSON.createObjectNode().put("probe", "warm").put("requests", measured);
        result.set("run", summary(runCpu, runWall));
        result.set("ignored", summary(ignoredCpu, ignoredWall));
        System.out.println(result);
        System.exit(0);
    }

    /** {cpu ms, wall ms} of one request; fails on an answer that is not the one expected. */
    private static double[] call(WebhookHandler handler, byte[] event, ThreadMXBean threads) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        long wall = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        long cpuAfter = threads.getCurrentThreadCpuTime();
        long wallAfter = System.nanoTime();
        int status = JsonHttp.JSON.readTree(out.toByteArray()).path("statusCode").asInt();
        if (status != 202 && status != 200) {
            throw new IllegalStateException("the webhook answered " + status + ": " + out);
        }
        return new double[] {(cpuAfter - cpu) / 1e6, (wallAfter - wall) / 1e6};
    }

    private static ObjectNode summary(double[] cpu, double[] wall) {
        return JsonHttp.JSON.createObjectNode()
                .put("cpuP50", Stats.percentile(cpu, 50)).put("cpuP99", Stats.percentile(cpu, 99)).put("cpuMax", Stats.percentile(cpu, 100))
                .put("wallP50", Stats.percentile(wall, 50)).put("wallP99", Stats.percentile(wall, 99));
    }

    /** API Gateway's event for one GitHub delivery of {@code body}, signed with {@code secret}, with a fresh delivery id. */
    static byte[] event(byte[] body, String secret) {
        ObjectNode event = JsonHttp.JSON.createObjectNode().put("version", "2.0").put("routeKey", "POST /webhooks/github")
                .put("rawPath", "/webhooks/github").put("rawQueryString", "");
        event.putObject("headers").put("content-type", "application/json").put("user-agent", "GitHub-Hookshot/2c6ae5b")
                .put("x-github-event", "issue_comment").put("x-github-delivery", UUID.randomUUID().toString())
                .put("x-hub-signature-256", GitHubSignature.sign(secret, body));
        event.putObject("requestContext").put("requestId", UUID.randomUUID().toString()).putObject("http").put("method", "POST")
                .put("path", "/webhooks/github").put("sourceIp", "140.82.115.1");
        event.put("body", new String(body, StandardCharsets.UTF_8)).put("isBase64Encoded", false);
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The real-shaped {@code issue_comment} payload the priming uses too (a {@code /qa} on a pull request, by a MEMBER). */
    static byte[] payload() throws IOException {
        try (InputStream in = WarmWebhook.class.getResourceAsStream("/dev/qabridge/priming/github-issue-comment.json")) {
            if (in == null) {
                throw new IllegalStateException("github-issue-comment.json is missing from the classpath");
            }
            return in.readAllBytes();
        }
    }
}
