package dev.qabridge.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Log;
import dev.qabridge.core.Metrics;
import dev.qabridge.core.Outcome;
import dev.qabridge.core.Platform;
import dev.qabridge.core.RunState;
import dev.qabridge.core.RunStateJson;
import dev.qabridge.core.Settings;
import dev.qabridge.core.StatusReport;
import dev.qabridge.core.StepResult;
import dev.qabridge.core.Verdict;
import dev.qabridge.core.Workflow;
import dev.qabridge.qatech.QaTechClient;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The side effects of a run, one per state of the state machine (each with its own Retry and Catch
 * there): acknowledge, answer, resolve the preview, start (or continue) the conversation, post the
 * status comment, report the commit status, supersede, cancel, reply… Each reads what it needs from
 * the run's state and returns only its own result, which the state machine stores under the state's
 * ResultPath. The run table is read and written by the state machine itself (its DynamoDB states);
 * steps receive what it read ({@code $.pr}) and return the summaries it writes ({@code entry}).
 *
 * <p>Every step can be repeated: the state machine retries a step whose outcome it could not see.
 * Creating a comment is the one write that is not naturally repeatable, so a retried post first looks
 * for the comment an earlier attempt may have made (each carries a hidden run marker). Starting a
 * conversation is never repeated unless the request provably never reached QA.tech.
 */
public final class Steps {
    private final AnswerSteps answers;
    private final StartSteps starting;
    private final StopSteps stopping;
    private final FinalSteps finalWord;
    private final SkipSteps skipping;

    public Steps(Settings base, Function<Platform, CodeHost> hosts, Supplier<QaTechClient> qatech, Workflow workflow, Clock clock,
                 Supplier<Optional<String>> vercelBypassSecret) {
        StepKit.Deps deps = new StepKit.Deps(base, hosts, qatech, workflow, clock, vercelBypassSecret, new StepKit.SettingsCache());
        this.answers = new AnswerSteps(deps);
        this.starting = new StartSteps(deps);
        this.stopping = new StopSteps(deps);
        this.finalWord = new FinalSteps(deps);
        this.skipping = new SkipSteps(deps);
    }

    /**
     * Runs the step named {@code action} on {@code state}; {@code retry} is the state's retry count (0 on
     * the first attempt), {@code stateMachine} the state machine's ARN (to stop or read other runs).
     */
    public JsonNode run(String action, JsonNode state, int retry, String stateMachine) {
        RunState run = RunStateJson.read(state);   // a stopping Map's item reads as the run that stops
        try (var serving = Metrics.serving(run.platformName());
             var scope = Log.scope(run.ask().deliveryId(), run.runId(), run.work().idIfAny().orElse(null))) {
            return RunStateJson.write(step(action, state, run, retry, stateMachine));
        }
    }

    private StepResult step(String action, JsonNode state, RunState run, int retry, String stateMachine) {
        return switch (action) {
            case "acknowledge" -> answers.acknowledge(run);
            case "report-settings" -> answers.reportSettings(run);
            case "answer" -> answers.answer(run, retry);
            case "answer-status" -> answers.answerStatus(run, retry);
            case "plan-register" -> starting.planRegister(run);
            case "plan-cancel" -> stopping.planCancel(run);
            case "tell-stopped" -> stopping.tellStopped(RunStateJson.stopItem(state), stateMachine);
            case "end-stopped" -> stopping.endStopped(run);
            case "answer-cancel" -> answers.answerCancel(run, retry);
            case "plan-followup" -> answers.planFollowUp(run, retry);
            case "recall" -> answers.recall(run, stateMachine);
            case "prepare-turn" -> starting.prepareTurn(run);
            case "reject-busy" -> stopping.rejectBusy(run, retry);
            case "resolve" -> starting.resolve(run);
            case "start" -> starting.start(run);
            case "continue" -> starting.continueConversation(run);
            case "post-status" -> starting.postStatus(run, retry);
            case "report-running" -> starting.reportRunning(run);
            case "plan-supersede" -> stopping.planSupersede(run);
            case "reply" -> finalWord.reply(run, retry, false);
            case "reply-in-new-comment" -> finalWord.reply(run, retry, true);
            case "report-result" -> finalWord.reportResult(run);
            case "lost-reply" -> finalWord.lostReply(run);
            case "report-merge-queue" -> answers.reportMergeQueue(run);
            case "decide-skip" -> skipping.decideSkip(run);
            case "report-skip" -> skipping.reportSkip(run);
            default -> throw new IllegalArgumentException("no step '" + action + "'");
        };
    }

    /** What a merge gate hears for an outcome and a verdict (see {@link FinalSteps#gate}). */
    static StatusReport.State gate(Outcome outcome, Verdict.Kind verdict, Settings settings) {
        return FinalSteps.gate(outcome, verdict, settings);
    }

    /** The agent's message for a run (see {@link StartSteps#message}). */
    static String message(RunState run) {
        return StartSteps.message(run);
    }
}
