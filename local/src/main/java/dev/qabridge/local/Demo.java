package dev.qabridge.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.Log;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code ./qa-bridge demo}: the whole flow on this machine with no accounts. QA.tech and GitHub are
 * simulated (and say so); everything else is the real bridge: handlers, state machine, moto.
 */
final class Demo {
    private Demo() {}

    static int run() throws Exception {
        return run(System.out);
    }

    static int run(PrintStream out) throws Exception {
        out.println("qa-bridge demo: a /qa comment on a pull request, answered by the agent, on this machine.");
        out.println("QA.tech and GitHub are SIMULATED on 127.0.0.1 (no accounts, nothing leaves this machine);");
        out.println("the handlers, the state machine and DynamoDB/Step Functions (moto) are the real ones.\n");
        Path logs = Files.createTempFile("qa-bridge-demo-", ".log");
        PrintStream logFile = new PrintStream(Files.newOutputStream(logs), true);
        Log.redirect(logFile);
        try (Simulations sims = new Simulations(2, line -> out.println("  · " + line))) {
            Map<String, String> settings = sims.settings();
            settings.put("QA_POLL_SECONDS", "1");
            settings.put("QA_POLL_WINDOW_SECONDS", "10");
            settings.put("QA_TIMEOUT_MINUTES", "5");
            out.println("1. Starting the local stack (moto server, handlers, front door)…");
            try (LocalStack stack = LocalStack.start(settings, 0, LocalStack.root())) {
                out.println("   listening on " + stack.url() + "\n");
                Path event = LocalStack.root().resolve("events").resolve("github-comment-qa.json");
                String comment = com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                        .readTree(Files.readString(event)).path("body").asText();
                String text = dev.qabridge.http.JsonHttp.JSON.readTree(comment).path("comment").path("body").asText();
                out.println("2. @octocat comments on " + Simulations.REPO + "#" + Simulations.PR + ":  " + text);
                out.println("   GitHub delivers the webhook, signed (replaying events/github-comment-qa.json):");
                Replay.Sent sent = Replay.send(stack.url(), event, settings);
                out.println("   → POST /webhooks/github answered " + sent.status() + " " + sent.body() + "\n");
                if (sent.runId().isEmpty()) {
                    out.println("The bridge did not start a run; see " + logs);
                    return 1;
                }
                out.println("3. The state machine waits, polls QA.tech, and replies:");
                JsonNode end = Replay.follow(stack.url(), sent.runId(), Duration.ofSeconds(60), line -> out.println("   " + line));
                String commentId = sims.lastCommentId();
                out.println("\n4. The pull request now shows (comment " + commentId + ", edited " + sims.edits(commentId) + "×):\n");
                printBox(out, sims.comment(commentId));
                out.println("\nExecution " + end.path("status").asText() + " after " + end.path("stateTransitions").asInt()
                        + " state transitions. Structured logs: " + logs);
                out.println("Next: put your keys in .env (see .env.example) and run ./qa-bridge local.");
                return end.path("status").asText().equals("SUCCEEDED") ? 0 : 1;
            }
        } finally {
            Log.redirect(System.out);
            logFile.close();
        }
    }

    private static void printBox(PrintStream out, String markdown) {
        String body = markdown == null ? "(no comment)" : markdown.replace(dev.qabridge.core.Texts.MARKER + "\n", "");
        out.println("   ┌────────────────────────────────────────────────────────────────────");
        for (String line : body.split("\n", -1)) {
            out.println("   │ " + line);
        }
        out.println("   └────────────────────────────────────────────────────────────────────");
    }
}
