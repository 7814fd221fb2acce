package dev.qabridge.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Log;
import dev.qabridge.core.Metrics;
import dev.qabridge.core.Outcome;
import dev.qabridge.core.Platform;
import dev.qabridge.core.RunInput;
import dev.qabridge.core.Settings;
import dev.qabridge.core.StatusReport;
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

    public Steps(Settings base, Function<Platform, CodeHost> hosts, Supplier<QaTechClient> qatech, Workflow workflow, Clock clock,
                 Supplier<Optional<String>> vercelBypassSecret) {
        StepKit.Deps deps = new StepKit.Deps(base, hosts, qatech, workflow, clock, vercelBypassSecret, new StepKit.SettingsCache());
        this.answers = new AnswerSteps(deps);
        this.starting = new StartSteps(deps);
        this.stopping = new StopSteps(deps);
        this.finalWord = new FinalSteps(deps);
    }

    /**
     * Runs the step named {@code action} on {@code state}; {@code retry} is the state's retry count (0 on
     * the first attempt), {@code stateMachine} the state machine's ARN (to stop or read other runs).
     */
    public JsonNode run(String action, JsonNode state, int retry, String stateMachine) {
        JsonNode run = state.has("parent") ? state.path("parent") : state;   // a stopping Map's item carries the run that stops
        String platform = run.path("origin").path("platform").asText("");
        try (var serving = Metrics.serving(platform);
             var scope = Log.scope(run.path("ask").path("deliveryId").asText(null), run.path("runId").asText(null),
                     run.path("conversation").path("id").asText(null))) {
            return step(action, state, retry, stateMachine);
        }
    }

    private JsonNode step(String action, JsonNode state, int retry, String stateMachine) {
        return switch (action) {
            case "acknowledge" -> answers.acknowledge(state);
            case "report-settings" -> answers.reportSettings(state);
            case "answer" -> answers.answer(state, retry);
            case "answer-status" -> answers.answerStatus(state, retry);
            case "plan-register" -> starting.planRegister(state);
            case "plan-cancel" -> stopping.planCancel(state);
            case "tell-stopped" -> stopping.tellStopped(state, stateMachine);
            case "end-stopped" -> stopping.endStopped(state);
            case "answer-cancel" -> answers.answerCancel(state, retry);
            case "plan-followup" -> answers.planFollowUp(state, retry);
            case "recall" -> answers.recall(state, stateMachine);
            case "prepare-turn" -> starting.prepareTurn(state);
            case "reject-busy" -> stopping.rejectBusy(state, retry);
            case "resolve" -> starting.resolve(state);
            case "start" -> starting.start(state);
            case "continue" -> starting.continueConversation(state);
            case "post-status" -> starting.postStatus(state, retry);
            case "report-running" -> starting.reportRunning(state);
            case "plan-supersede" -> stopping.planSupersede(state);
            case "reply" -> finalWord.reply(state, retry, false);
            case "reply-in-new-comment" -> finalWord.reply(state, retry, true);
            case "report-result" -> finalWord.reportResult(state);
            case "lost-reply" -> finalWord.lostReply(state);
            case "report-merge-queue" -> answers.reportMergeQueue(state);
            default -> throw new IllegalArgumentException("no step '" + action + "'");
        };
    }

    /** What a merge gate hears for an outcome and a verdict (see {@link FinalSteps#gate}). */
    static StatusReport.State gate(Outcome outcome, Verdict.Kind verdict, Settings settings) {
        return FinalSteps.gate(outcome, verdict, settings);
    }

    /** The agent's message for a run (see {@link StartSteps#message}). */
    static String message(RunInput in, JsonNode target) {
        return StartSteps.message(in, target);
    }

    static JsonNode json(String text) {
        return StepKit.json(text);
    }
}
