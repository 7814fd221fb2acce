package dev.qabridge.local.demo;

import dev.qabridge.local.stack.DeliveryLog;
import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code ./qa-bridge demo}: the whole flow on this machine with no accounts. QA.tech and GitHub are
 * simulated (and say so); everything else is the real bridge: handlers, state machine, moto.
 */
public final class Demo {
    private Demo() {}

    public static int run() throws Exception {
        return run(System.out, TerminalMarkdown.forStdout(System.getenv()), Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * {@code markdown} renders the PR's comments; the bridge's structured logs go to a file in
     * {@code logDir}, deleted when the demo succeeds and named when it does not.
     */
    static int run(PrintStream out, TerminalMarkdown markdown, Path logDir) throws Exception {
        out.println("qa-bridge demo: a /qa comment on a pull request, answered by the agent, on this machine.");
        out.println("QA.tech and GitHub are SIMULATED on 127.0.0.1 (no accounts, nothing leaves this machine);");
        out.println("the handlers, the state machine and DynamoDB/Step Functions (moto) are the real ones.\n");
        Path logs = Files.createTempFile(logDir, "qa-bridge-demo-", ".log");
        PrintStream logFile = new PrintStream(Files.newOutputStream(logs), true);
        DeliveryLog.sendTo(logFile);
        int code = 1;
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
                    if (sent.status() >= 500) {
                        out.println(Replay.causeLine(stack.url(), sent));
                    }
                    out.println("The bridge did not start a run; its structured logs: " + logs);
                    return code;
                }
                out.println("3. The run's states react, find the preview, start QA.tech, look at it, and reply:");
                JsonNode end = Replay.follow(stack.url(), sent.runId(), Duration.ofSeconds(60), line -> out.println("   " + line));
                String commentId = sims.lastCommentId();
                // The status comment as people saw it while the agent worked (the run has edited it since).
                if (sims.asPosted(commentId) != null && sims.edits(commentId) > 0) {
                    out.println("\n   While the agent worked, the pull request showed (comment " + commentId + "):\n");
                    printComment(out, markdown, sims.asPosted(commentId));
                }
                out.println("\n4. The pull request now shows (comment " + commentId + ", edited " + sims.edits(commentId) + "×):\n");
                printComment(out, markdown, sims.comment(commentId));
                List<String> statuses = commitStatuses(sims);
                if (!statuses.isEmpty()) {
                    out.println("\n   and on commit " + Simulations.SHA.substring(0, 7) + ", the commit status" + (statuses.size() == 1 ? "" : "es") + ":");
                    statuses.forEach(st -> out.println("     " + st));
                }
                out.println("\nExecution " + end.path("status").asText() + " after " + end.path("stateTransitions").asInt() + " state transitions.");
                code = end.path("status").asText().equals("SUCCEEDED") ? 0 : 1;
                out.println(code == 0 ? "Next: put your keys in .env (see .env.example) and run ./qa-bridge local."
                        : "The bridge's structured logs: " + logs);
                return code;
            }
        } catch (Exception | Error e) {
            if (Files.size(logs) > 0) {
                out.println("The bridge's structured logs: " + logs);
            }
            throw e;
        } finally {
            DeliveryLog.sendTo(System.out);
            logFile.close();
            if (code == 0 || Files.size(logs) == 0) {
                Files.deleteIfExists(logs);
            }
        }
    }

    /** The commit statuses the bridge set on the pull request's head commit, oldest first, one line each. */
    static List<String> commitStatuses(Simulations sims) {
        return sims.statuses();
    }

    /** A comment rendered as the pull request shows it, indented under the demo's narration. */
    private static void printComment(PrintStream out, TerminalMarkdown markdown, String comment) {
        String shown = comment == null ? "(no comment)" : markdown.render(comment);
        for (String line : shown.split("\n", -1)) {
            out.println(line.isEmpty() ? "" : "     " + line);
        }
    }
}
