package dev.qabridge.flow;

import dev.qabridge.core.ApiException;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Outcome;
import dev.qabridge.core.RunState;
import dev.qabridge.core.Settings;
import dev.qabridge.core.Texts;
import dev.qabridge.core.TransientApiError;
import dev.qabridge.core.Verdict;
import dev.qabridge.core.WorkKind;
import dev.qabridge.qatech.Progress;
import dev.qabridge.qatech.QaTechClient;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The kinds of QA.tech work a run follows, each with the operations that differ between them: how it starts (and
 * continues earlier work), how one look reads its progress, and how its end becomes a verdict, a reply and a check
 * run's text. Everything else about a run (its turn, status comment, cancel, supersede, final word, statuses, metrics)
 * is the same for every kind. {@link Chat} is a conversation, {@link ReviewWork} a change review (a conversation that
 * starts from the PR's changes), {@link PlanWork} a test plan run.
 */
sealed interface Work permits Work.Chat, PlanWork {

    static Work of(WorkKind kind) {
        return switch (kind) {
            case PLAN -> new PlanWork();
            case REVIEW -> new ReviewWork();
            case CHAT -> new Chat();
        };
    }

    /** Starts it on {@code agentUrl} (the preview, with Vercel's bypass when it applies). One attempt: never sent twice. */
    RunState.Work start(QaTechClient qa, CodeHost host, RunState run, Settings settings, String agentUrl, Instant now);

    /** Continues {@code earlier} work: a follow-up in the conversation, or the failed tests of the run again. One attempt. */
    RunState.Work proceed(QaTechClient qa, RunState run, RunState.FollowUp earlier, Instant now);

    /** One look at its progress. */
    Look look(QaTechClient qa, RunState.Work work);

    /** What one look found: whether it is over, the status QA.tech gave, and a conversation's answer when it is. */
    record Look(boolean finished, String status, Optional<String> answer) {}

    /** What the final word needs beside the run: its settings, how the reply describes it, the comment limit, a moved-on note. */
    record Finish(RunState run, Settings settings, Texts.Facts facts, int limit, QaTechClient qa, long nowEpochSeconds,
                  Supplier<Optional<String>> movedOn) {}

    /**
     * The final word for work that ended by itself: outcome and verdict (as the gate reads them), the reply, and for a
     * kind with its own words, the status's heading and line and whether failed tests can be re-run.
     */
    record Said(Outcome outcome, Verdict.Kind verdict, String body, String heading, String line, boolean rerunnable) {}

    /** The finished work's verdict and reply. */
    Said finish(Finish f);

    /** The check run's text for finished work ("" when there is none); never a reason not to finish the check run. */
    String checkText(QaTechClient qa, RunState run, Settings settings);

    /** A conversation: {@code POST /v1/chat}, its follow-ups, the agent's answer and the verdict it was asked to end with. */
    sealed class Chat implements Work permits ReviewWork {
        @Override
        public RunState.Work start(QaTechClient qa, CodeHost host, RunState run, Settings settings, String agentUrl, Instant now) {
            QaTechClient.Chat chat = qa.start(StartSteps.message(run), settings.qatech().applicationIdOrThrow(), agentUrl,
                    run.origin().repo() + run.origin().reference() + " preview", settings.qatech().projectId());
            return new RunState.Work(WorkKind.CHAT, chat.shortId(), chat.url(), now.toString(), "");
        }

        @Override
        public RunState.Work proceed(QaTechClient qa, RunState run, RunState.FollowUp earlier, Instant now) {
            String message = run.ask().instructions() + "\n\n" + Verdict.REQUEST;
            qa.followUp(earlier.chatId(), message);
            return new RunState.Work(WorkKind.CHAT, earlier.chatId(), earlier.chatUrl(), now.toString(), message);
        }

        @Override
        public Look look(QaTechClient qa, RunState.Work work) {
            Progress p = progress(qa, work);
            return new Look(p.finished(), p.state().name(), p.finished() ? p.answer().map(QaTechClient.Message::text) : Optional.empty());
        }

        @Override
        public Said finish(Finish f) {
            RunState in = f.run();
            Outcome outcome = switch (in.poll().status()) {
                case "COMPLETED" -> Outcome.COMPLETED;
                case "CANCELLED" -> Outcome.CANCELLED;
                default -> Outcome.FAILED;
            };
            Optional<String> text = in.poll().answer();
            Optional<String> problem = Optional.empty();
            if (text.isEmpty()) {
                try {
                    text = answer(f.qa(), in.work());
                } catch (ApiException | TransientApiError e) {
                    boolean passes = e instanceof TransientApiError || ((ApiException) e).isTransient();
                    if (passes && f.nowEpochSeconds() < FinalSteps.answerDeadline(in.poll())) {
                        throw new AnswerUnavailable("QA.tech could not hand over the agent's answer (" + e.getMessage() + "); asking again shortly");
                    }
                    problem = Optional.of("The agent finished, but its answer could not be fetched (" + e.getMessage()
                            + "). Read it in QA.tech: follow the conversation link.");
                }
            }
            Verdict.Parsed verdict = text.map(Verdict::parse).orElse(new Verdict.Parsed(Verdict.Kind.NONE, ""));
            // A verdict counts only from an agent that finished: "Verdict: PASS" at the end of a failure passes nothing
            Verdict.Kind counted = outcome == Outcome.COMPLETED ? verdict.kind() : Verdict.Kind.NONE;
            Optional<String> shown = text.map(t -> verdict.text());
            String body = Texts.reply(outcome, counted, f.facts(), shown, problem.or(f.movedOn()), f.limit());
            return new Said(outcome, counted, body, "", "", false);
        }

        @Override
        public String checkText(QaTechClient qa, RunState run, Settings settings) {
            Optional<String> text = run.poll().answer();
            if (text.isEmpty()) {
                try {
                    text = answer(qa, run.work());
                } catch (RuntimeException e) {
                    dev.qabridge.core.Log.warn("run.answer_unavailable", run.ask().deliveryId(), run.work().idIfAny().orElse(null),
                            "error", e.getMessage());
                }
            }
            return text.map(a -> dev.qabridge.core.Untrusted.markdown(Verdict.parse(a).text(), dev.qabridge.core.Platform.GITHUB)).orElse("");
        }

        /** The agent's answer in the conversation: the newest finished assistant message after the bridge's own message. */
        static Optional<String> answer(QaTechClient qa, RunState.Work work) {
            return progress(qa, work).answer().map(QaTechClient.Message::text);
        }

        /** Reads the conversation; when the bridge's message is not among the newest {@link Poller#LIMIT}, reads further back. */
        static Progress progress(QaTechClient qa, RunState.Work work) {
            Optional<Progress.Anchor> anchor = anchor(work);
            Progress p = Progress.of(qa.get(work.id(), Poller.LIMIT).messages(), anchor);
            return p.found() ? p : Progress.of(qa.get(work.id(), Poller.WIDE_LIMIT).messages(), anchor);
        }

        /** A follow-up's message: when the bridge sent it and its text (empty for a new conversation, whose first message is ours). */
        static Optional<Progress.Anchor> anchor(RunState.Work work) {
            if (work.sentAt().isEmpty() || work.message().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Progress.Anchor(Instant.parse(work.sentAt()), work.message()));
        }
    }
}
