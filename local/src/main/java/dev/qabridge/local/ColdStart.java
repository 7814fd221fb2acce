package dev.qabridge.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.github.GitHubSignature;
import dev.qabridge.webhook.WebhookHandler;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Benchmark probe, run in a fresh JVM by {@link Bench}: builds the webhook handler the way Lambda does
 * (no-argument constructor, settings from the environment), answers one signed {@code /qa} delivery,
 * and prints how long each part took. Prints one JSON line.
 */
public final class ColdStart {
    private ColdStart() {}

    public static void main(String[] args) {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long t0 = System.nanoTime();
        WebhookHandler handler = new WebhookHandler();
        long t1 = System.nanoTime();
        String body = "{\"action\":\"created\",\"issue\":{\"number\":7,\"pull_request\":{\"url\":\"x\"}},"
                + "\"comment\":{\"id\":1234567,\"body\":\"/qa check the cart\",\"author_association\":\"OWNER\"},"
                + "\"repository\":{\"full_name\":\"acme/shop\",\"default_branch\":\"main\"},\"sender\":{\"login\":\"octocat\",\"type\":\"User\"}}";
        ObjectNode event = JsonHttp.JSON.createObjectNode().put("rawPath", "/webhooks/github").put("body", body).put("isBase64Encoded", false);
        event.putObject("headers").put("x-github-event", "issue_comment").put("x-github-delivery", UUID.randomUUID().toString())
                .put("x-hub-signature-256", GitHubSignature.sign(System.getenv("GITHUB_WEBHOOK_SECRET"), body.getBytes(StandardCharsets.UTF_8)));
        int status = handler.respond(event).path("statusCode").asInt();
        long t2 = System.nanoTime();
        System.out.printf("{\"status\":%d,\"sinceJvmStartMs\":%d,\"initMs\":%.1f,\"firstRequestMs\":%.1f}%n",
                status, System.currentTimeMillis() - jvmStart, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
    }
}
