package dev.qabridge.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.Ask;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Ledger;
import dev.qabridge.core.Log;
import dev.qabridge.core.MergeQueue;
import dev.qabridge.core.Origin;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.RunInput;
import dev.qabridge.core.Settings;
import dev.qabridge.core.StatusReport;
import dev.qabridge.core.Strings;
import dev.qabridge.core.Texts;
import dev.qabridge.core.Workflow;
import dev.qabridge.http.JsonHttp;

import java.util.List;
import java.util.Optional;

/**
 * The steps that answer rather than run: 👀 and the rules in force, the settings file's problem, help,
 * {@code /qa status}, the answer to {@code /qa cancel}, a follow-up with nothing to follow, a Re-run's
 * recalled instructions, and a merge queue's mirrored status.
 */
final class AnswerSteps extends StepKit {
    AnswerSteps(Deps deps) {
        super(deps);
    }

    /**
     * 👀 on the command (😕 for an untrusted commenter), the run's first summary for the PR's ledger,
     * the key that claims the settings file's problem once per PR and content, and the concurrency rule
     * in force. Never fails for a platform error: a reaction is best effort.
     */
    JsonNode acknowledge(JsonNode state) {
        RunInput in = RunInput.fromJson(state);
        CodeHost host = hosts.apply(in.origin().platform());
        if (!in.ask().commentId().isEmpty()) {
            host.thread(in.origin()).react(in.ask().commentId(),
                    in.command().equals(RunInput.REFUSE) ? ReviewThread.Reaction.CONFUSED : ReviewThread.Reaction.EYES);
        }
        ObjectNode out = JsonHttp.JSON.createObjectNode();
        if (in.command().equals(RunInput.REFUSE)) {
            Log.info("run.refused", in.ask().deliveryId(), null, "run", in.runId());
            return out.put("entry", "{}").put("concurrency", "parallel");
        }
        RepoConfig.Loaded loaded = RepoConfig.apply(base, in.settingsFile());
        // A merge queue's report writes on no PR: the settings file's problem is said by the PR's own runs
        if (loaded.problem().isPresent() && !in.command().equals(RunInput.MERGE_QUEUE)) {
            out.put("settingsClaim", "settings#" + in.origin().platform().wireName() + "#" + in.origin().repoKey() + "#" + in.origin().number() + "#"
                    + loaded.fileHash());
        }
        Log.info("run.acknowledged", in.ask().deliveryId(), null, "run", in.runId(), "command", in.command());
        return out.put("entry", Ledger.summary(in.runId(), in.command(), in.ask(), in.ask().receivedAtMillis()).toString())
                .put("concurrency", loaded.settings().commands().concurrency().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** The settings file's problem, once per PR and file content (the state machine claimed that right just before). */
    JsonNode reportSettings(JsonNode state) {
        RunInput in = RunInput.fromJson(state);
        CodeHost host = hosts.apply(in.origin().platform());
        RepoConfig.Loaded loaded = RepoConfig.apply(base, in.settingsFile());
        loaded.problem().ifPresent(problem -> host.thread(in.origin().withoutThread())
                .post(Texts.badSettings(host.settingsPath(), problem, in.origin().platform())));
        Log.info("settings.reported", in.ask().deliveryId(), null, "run", in.runId());
        return NullNode.getInstance();
    }

    /** The one answer state: {@code help} and {@code invalid}, {@code /qa status}, {@code /qa cancel}: one comment, and the run is over. */
    JsonNode answer(JsonNode state, int retry) {
        RunInput in = RunInput.fromJson(state);
        if (in.command().equals(RunInput.STATUS)) {
            return answerStatus(state, retry);
        }
        if (in.command().equals(RunInput.CANCEL)) {
            return answerCancel(state, retry);
        }
        Settings settings = settings(in);
        String text = in.command().equals(RunInput.HELP) ? Texts.help(in.runId(), settings, in.origin().platform())
                : Texts.invalid(in.runId(), in.problem(), settings);
        return posted(in, text, retry);
    }

    /** {@code /qa status}: the PR's runs, newest first. */
    JsonNode answerStatus(JsonNode state, int retry) {
        RunInput in = RunInput.fromJson(state);
        Ledger ledger = Ledger.fromGetItem(state.path("pr"));
        List<Ledger.Entry> runs = ledger.newestFirst().stream().filter(e -> !e.runId().equals(in.runId()))
                .filter(e -> !e.kind().equals(RunInput.STATUS) && !e.kind().equals(RunInput.CANCEL) && !e.kind().equals(RunInput.PUSH))
                .limit(STATUS_RUNS).toList();
        return posted(in, Texts.status(in.runId(), in.origin(), runs, ledger.holder()), retry);
    }

    /** The answer to {@code /qa cancel}: what was stopped, and that QA.tech's agent may still finish (it has no cancel). */
    JsonNode answerCancel(JsonNode state, int retry) {
        RunInput in = RunInput.fromJson(state);
        List<String> runs = new java.util.ArrayList<>();
        state.path("cancel").path("runs").forEach(r -> runs.add(r.path("runId").asText()));
        return posted(in, Texts.cancelAnswer(in.runId(), runs, settings(in).commands().word()), retry);
    }

    /**
     * A follow-up continues the PR's latest conversation. Without one it says so (and how to start one)
     * and the run ends; otherwise it hands the conversation to {@link #continueConversation}.
     */
    JsonNode planFollowUp(JsonNode state, int retry) {
        RunInput in = RunInput.fromJson(state);
        Optional<Ledger.Entry> latest = Ledger.fromGetItem(state.path("pr")).latestConversation();
        ObjectNode out = JsonHttp.JSON.createObjectNode();
        if (latest.isEmpty()) {
            posted(in, Texts.noConversation(in.runId(), in.origin(), settings(in).commands().word()), retry);
            return out.put("found", false);
        }
        Ledger.Entry e = latest.get();
        return out.put("found", true).put("chatId", e.chatId()).put("chatUrl", e.chatUrl()).put("previewUrl", e.previewUrl())
                .put("sha", e.sha()).put("of", e.runId());
    }

    /** The Re-run button: the clicked run's instructions (from its execution's input), on the PR's current head. Returns the ask. */
    JsonNode recall(JsonNode state, String stateMachine) {
        RunInput in = RunInput.fromJson(state);
        Optional<RunInput> old = workflow.input(Workflow.executionArn(stateMachine, in.recall())).map(Steps::json).map(RunInput::fromJson);
        Ask recalled = old.filter(o -> !o.ask().instructions().isBlank())
                .map(o -> new Ask(in.ask().requester(), o.ask().instructions(), o.ask().automatic() ? "" : o.ask().url(), "",
                        in.ask().deliveryId(), in.ask().receivedAtMillis(), "", ""))
                .orElse(in.ask());
        Log.info("run.recalled", in.ask().deliveryId(), null, "run", in.runId(), "of", in.recall(), "found", old.isPresent());
        return recalled.toJson();
    }

    /**
     * A merge queue's (or merge train's) commit gets the PR's QA result, decided by {@link MergeQueueReport}:
     * a commit status, or in App mode a completed check run, named {@code QA_STATUS_CONTEXT} like the PR's
     * own, so the same required rule is met. The PR's head is read now: a PR the platform cannot find is a
     * failure that says so; a platform that cannot be reached, like a report it did not take, is retried by
     * the state machine. The ledger is what the state machine read ({@code $.pr}), unless that failed.
     */
    JsonNode reportMergeQueue(JsonNode state) {
        RunInput in = RunInput.fromJson(state);
        Settings settings = settings(in);
        ObjectNode out = JsonHttp.JSON.createObjectNode();
        if (settings.mergeQueue() == MergeQueue.Mode.OFF) {
            Log.info("mergequeue.off", in.ask().deliveryId(), null, "run", in.runId());
            return out.put("reported", false);
        }
        CodeHost host = hosts.apply(in.origin().platform());
        boolean mirror = settings.mergeQueue() == MergeQueue.Mode.MIRROR && in.problem().isEmpty();
        MergeQueueReport.Head head = mirror ? head(host, in.origin()) : MergeQueueReport.Head.unknown("");
        Optional<Ledger> ledger = state.path("failed").has("ledger") ? Optional.empty() : Optional.of(Ledger.fromGetItem(state.path("pr")));
        MergeQueueReport.Decision decision = MergeQueueReport.decide(settings.mergeQueue(), in.origin(), in.problem(), head, ledger, settings);
        String title = decision.passed() ? "✅ " + decision.description() : "❌ No passing QA run for " + in.origin().reference();
        String queue = in.origin().gitlab() ? "merge train" : "merge queue";
        String summary = decision.description() + "\n\nqa-bridge runs no agent on the " + queue + "'s commit: it reports the "
                + in.origin().noun() + "'s own QA result (QA_MERGE_QUEUE="
                + settings.mergeQueue().name().toLowerCase(java.util.Locale.ROOT) + ").";
        host.report(in.origin(), in.ask().sha(), new StatusReport(decision.state(), settings.status().context(), decision.description(),
                decision.targetUrl(), in.runId(), title, summary, ""), "");
        Log.info("mergequeue.reported", in.ask().deliveryId(), null, "run", in.runId(), "state", decision.state(),
                "head", head.sha().isEmpty() ? "-" : Strings.shortSha(head.sha()));
        return out.put("reported", true).put("state", decision.state().name()).put("headSha", head.sha())
                .put("description", decision.description());
    }

    /** The PR's head commit now; a PR the platform will not give (404, 403) is a head that cannot be read, and why. */
    private static MergeQueueReport.Head head(CodeHost host, Origin where) {
        try {
            PullRequest pr = host.pullRequest(where);
            return pr.headSha().isEmpty() ? MergeQueueReport.Head.unknown("the " + where.noun() + " has none")
                    : MergeQueueReport.Head.of(pr.headSha(), pr.webUrl());
        } catch (ApiException e) {
            if (e.isTransient()) {
                throw e.forStateMachine();
            }
            return MergeQueueReport.Head.unknown(e.service() + " answered " + e.status()
                    + (e.detail().isBlank() ? "" : ": " + Strings.clip(e.detail(), 40)));
        }
    }
}
