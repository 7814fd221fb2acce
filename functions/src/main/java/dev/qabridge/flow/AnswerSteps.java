package dev.qabridge.flow;

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
import dev.qabridge.core.RunState;
import dev.qabridge.core.RunStateJson;
import dev.qabridge.core.Settings;
import dev.qabridge.core.StatusReport;
import dev.qabridge.core.StepResult;
import dev.qabridge.core.Strings;
import dev.qabridge.core.Texts;
import dev.qabridge.core.WorkKind;
import dev.qabridge.core.Workflow;

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
    StepResult.Acknowledged acknowledge(RunState in) {
        CodeHost host = hosts.apply(in.origin().platform());
        if (!in.ask().commentId().isEmpty()) {
            host.thread(in.origin()).react(in.ask().commentId(),
                    in.is(RunInput.REFUSE) ? ReviewThread.Reaction.CONFUSED : ReviewThread.Reaction.EYES);
        }
        if (in.is(RunInput.REFUSE)) {
            Log.info("run.refused", in.ask().deliveryId(), null, "run", in.runId());
            return new StepResult.Acknowledged("{}", "parallel", Optional.empty());
        }
        RepoConfig.Loaded loaded = RepoConfig.apply(base, in.input().settingsFile());
        // A merge queue's report writes on no PR: the settings file's problem is said by the PR's own runs
        Optional<String> claim = loaded.problem().filter(p -> !in.is(RunInput.MERGE_QUEUE))
                .map(p -> "settings#" + in.origin().platform().wireName() + "#" + in.origin().repoKey() + "#" + in.origin().number() + "#"
                        + loaded.fileHash());
        Log.info("run.acknowledged", in.ask().deliveryId(), null, "run", in.runId(), "command", in.command());
        return new StepResult.Acknowledged(Ledger.summary(in.runId(), in.command(), in.input().work(), in.ask(), in.ask().receivedAtMillis()).toString(),
                loaded.settings().commands().concurrency().name().toLowerCase(java.util.Locale.ROOT), claim);
    }

    /** The settings file's problem, once per PR and file content (the state machine claimed that right just before). */
    StepResult.Nothing reportSettings(RunState in) {
        CodeHost host = hosts.apply(in.origin().platform());
        RepoConfig.Loaded loaded = RepoConfig.apply(base, in.input().settingsFile());
        loaded.problem().ifPresent(problem -> host.thread(in.origin().withoutThread())
                .post(Texts.badSettings(host.settingsPath(), problem, in.origin().platform())));
        Log.info("settings.reported", in.ask().deliveryId(), null, "run", in.runId());
        return new StepResult.Nothing();
    }

    /** The one answer state: {@code help} and {@code invalid}, {@code /qa status}, {@code /qa cancel}: one comment, and the run is over. */
    StepResult.Posted answer(RunState in, int retry) {
        if (in.is(RunInput.STATUS)) {
            return answerStatus(in, retry);
        }
        if (in.is(RunInput.CANCEL)) {
            return answerCancel(in, retry);
        }
        Settings settings = settings(in);
        String text = in.is(RunInput.HELP) ? Texts.help(in.runId(), settings, in.origin().platform())
                : Texts.invalid(in.runId(), in.input().problem(), settings);
        return posted(in, text, retry);
    }

    /** {@code /qa status}: the PR's runs, newest first. */
    StepResult.Posted answerStatus(RunState in, int retry) {
        Ledger ledger = in.read().ledger();
        List<Ledger.Entry> runs = ledger.newestFirst().stream().filter(e -> !e.runId().equals(in.runId()))
                .filter(e -> !e.kind().equals(RunInput.STATUS) && !e.kind().equals(RunInput.CANCEL) && !e.kind().equals(RunInput.PUSH))
                .limit(STATUS_RUNS).toList();
        return posted(in, Texts.status(in.runId(), in.origin(), runs, ledger.holder()), retry);
    }

    /** The answer to {@code /qa cancel}: what was stopped, and that QA.tech's agent may still finish (it has no cancel). */
    StepResult.Posted answerCancel(RunState in, int retry) {
        return posted(in, Texts.cancelAnswer(in.runId(), in.read().stoppedRuns(), settings(in).commands().word()), retry);
    }

    /**
     * A follow-up continues the PR's latest conversation. Without one it says so (and how to start one)
     * and the run ends; otherwise it hands the conversation to {@link #continueConversation}.
     */
    StepResult.FollowUpPlan planFollowUp(RunState in, int retry) {
        WorkKind kind = in.input().work();
        String recall = in.input().recall();
        // a check run's "Re-run failed tests" names its run; a comment means the PR's latest work of the kind
        Optional<Ledger.Entry> latest = recall.isEmpty() ? in.read().ledger().latest(kind)
                : in.read().ledger().entry(recall).filter(e -> e.work() == kind && !e.chatId().isEmpty());
        if (latest.isEmpty()) {
            String word = settings(in).commands().word();
            posted(in, kind == WorkKind.PLAN ? Texts.noPlanRun(in.runId(), in.origin(), word, !recall.isEmpty())
                    : Texts.noConversation(in.runId(), in.origin(), word), retry);
            return new StepResult.FollowUpPlan(Optional.empty(), "");
        }
        Ledger.Entry e = latest.get();
        return new StepResult.FollowUpPlan(Optional.of(new RunState.FollowUp(e.chatId(), e.chatUrl(), e.previewUrl(), e.sha())), e.runId());
    }

    /** The Re-run button: the clicked run's instructions (from its execution's input), on the PR's current head. Returns the ask. */
    StepResult.Recalled recall(RunState in, String stateMachine) {
        String recall = in.input().recall();
        Optional<RunInput> old = workflow.input(Workflow.executionArn(stateMachine, recall)).map(RunStateJson::input);
        Ask recalled = old.filter(o -> !o.ask().instructions().isBlank())
                .map(o -> new Ask(in.ask().requester(), o.ask().instructions(), o.ask().automatic() ? "" : o.ask().url(), "",
                        in.ask().deliveryId(), in.ask().receivedAtMillis(), "", ""))
                .orElse(in.ask());
        Log.info("run.recalled", in.ask().deliveryId(), null, "run", in.runId(), "of", recall, "found", old.isPresent());
        return new StepResult.Recalled(recalled);
    }

    /**
     * A merge queue's (or merge train's) commit gets the PR's QA result, decided by {@link MergeQueueReport}:
     * a commit status, or in App mode a completed check run, named {@code QA_STATUS_CONTEXT} like the PR's
     * own, so the same required rule is met. The PR's head is read now: a PR the platform cannot find is a
     * failure that says so; a platform that cannot be reached, like a report it did not take, is retried by
     * the state machine. The ledger is what the state machine read ({@code $.pr}), unless that failed.
     */
    StepResult.MergeQueueReported reportMergeQueue(RunState in) {
        Settings settings = settings(in);
        String problem = in.input().problem();
        if (settings.mergeQueue() == MergeQueue.Mode.OFF) {
            Log.info("mergequeue.off", in.ask().deliveryId(), null, "run", in.runId());
            return new StepResult.MergeQueueReported(false, "", "", "");
        }
        CodeHost host = hosts.apply(in.origin().platform());
        boolean mirror = settings.mergeQueue() == MergeQueue.Mode.MIRROR && problem.isEmpty();
        MergeQueueReport.Head head = mirror ? head(host, in.origin()) : MergeQueueReport.Head.unknown("");
        Optional<Ledger> ledger = in.ending().failure("ledger").isPresent() ? Optional.empty() : Optional.of(in.read().ledger());
        MergeQueueReport.Decision decision = MergeQueueReport.decide(settings.mergeQueue(), in.origin(), problem, head, ledger, settings);
        String title = decision.passed() ? "✅ " + decision.description() : "❌ No passing QA run for " + in.origin().reference();
        String queue = in.origin().gitlab() ? "merge train" : "merge queue";
        String summary = decision.description() + "\n\nqa-bridge runs no agent on the " + queue + "'s commit: it reports the "
                + in.origin().noun() + "'s own QA result (QA_MERGE_QUEUE="
                + settings.mergeQueue().name().toLowerCase(java.util.Locale.ROOT) + ").";
        host.report(in.origin(), in.ask().sha(), new StatusReport(decision.state(), settings.status().context(), decision.description(),
                decision.targetUrl(), in.runId(), title, summary, ""), "");
        Log.info("mergequeue.reported", in.ask().deliveryId(), null, "run", in.runId(), "state", decision.state(),
                "head", head.sha().isEmpty() ? "-" : Strings.shortSha(head.sha()));
        return new StepResult.MergeQueueReported(true, decision.state().name(), head.sha(), decision.description());
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
