package dev.qabridge.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.Log;
import dev.qabridge.core.Metrics;
import dev.qabridge.core.RunState;
import dev.qabridge.core.RunStateJson;
import dev.qabridge.core.Strings;
import dev.qabridge.qatech.Progress;
import dev.qabridge.qatech.QaTechClient;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code PollConversation} task: looks at the conversation every {@code interval} for up to
 * {@code window} within one invocation, and returns as soon as the agent is done, the deadline has
 * passed, or the window is used up (then the state machine calls it again at once). Looking often
 * inside one invocation keeps the reply within seconds of the agent's answer while the wait costs
 * Lambda time, not Step Functions transitions. Returns the loop's small state, never the agent's
 * text (state is capped at 256 KB).
 */
public final class Poller {
    /** Enough messages to see our own user message behind a few assistant updates. */
    static final int LIMIT = 20;
    /** How far back to read when the bridge's own message has scrolled out of the newest {@link #LIMIT}. */
    static final int WIDE_LIMIT = 200;
    /**
     * Answers up to this size (UTF-8) travel in the run's state to the reply, which then needs nothing
     * more from QA.tech; longer ones are read again (Step Functions caps a state at 256 KB).
     */
    static final int ANSWER_IN_STATE = 48 * 1024;
    /** The longest pause between looks while QA.tech does not answer. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    /** How the poller waits between looks (a real sleep in Lambda; tests pass their own). */
    public interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    private final QaTechClient qatech;
    private final Duration interval;
    private final Duration window;
    private final Clock clock;
    private final Pause pause;

    public Poller(QaTechClient qatech, Duration interval, Duration window, Clock clock, Pause pause) {
        this.qatech = qatech;
        this.interval = interval;
        this.window = window;
        this.clock = clock;
        this.pause = pause;
    }

    /** {@code state}: the run's state ({@code runId}, {@code conversation.id}, {@code poll}); returns the new {@code poll}. */
    public JsonNode poll(JsonNode state) throws InterruptedException {
        RunState run = RunStateJson.read(state);
        try (var serving = Metrics.serving(run.platformName());
             var scope = Log.scope(run.ask().deliveryId(), run.runId(), run.work().idIfAny().orElse(null))) {
            return RunStateJson.write(look(run));
        }
    }

    private RunState.Poll look(RunState run) throws InterruptedException {
        String chatId = run.work().id();
        String delivery = run.ask().deliveryId().isEmpty() ? run.runId() : run.ask().deliveryId();
        long deadline = run.poll().deadline();
        int polls = run.poll().polls();
        int outage = run.poll().outage();
        long windowEnd = clock.millis() + window.toMillis();
        Work work = Work.of(run.work().kind());
        while (true) {
            Work.Look progress = null;
            try {
                progress = work.look(qatech, run.work());
                outage = 0;
            } catch (ApiException e) {
                if (!e.isTransient()) {
                    Log.warn("poll.refused", delivery, chatId, "status", e.status(), "poll", polls + 1);
                    throw e;   // a refusal (401, 404…) will not pass: the run ends and says why
                }
                // QA.tech is down or busy: keep looking, further apart, until the run's own deadline
                outage++;
                Log.warn("poll.unavailable", delivery, chatId, "status", e.status(), "poll", polls + 1, "outage", outage);
            }
            polls++;
            boolean finished = progress != null && progress.finished();
            boolean timedOut = !finished && clock.instant().getEpochSecond() >= deadline;
            boolean done = finished || timedOut;
            Duration next = outage == 0 ? interval : backoff(outage);
            if (done || clock.millis() + next.toMillis() > windowEnd) {
                String status = progress == null ? Progress.State.RUNNING.name() : progress.status();
                Log.info("poll.done", delivery, chatId, "polls", polls, "status", status, "timedOut", timedOut, "outage", outage);
                // the reply uses the answer read here: QA.tech may be down again by then
                Optional<String> answer = finished ? progress.answer().filter(t -> Strings.utf8Length(t) <= ANSWER_IN_STATE) : Optional.empty();
                return new RunState.Poll(deadline, done || outage == 0 ? 0 : next.toSeconds(), polls, outage, status, timedOut, done,
                        done ? Optional.of(clock.millis()) : Optional.empty(), answer);
            }
            pause.pause(next);
        }
    }

    /**
     * The pause after {@code outage} failed looks in a row: the interval, doubled each time, at most
     * {@link #MAX_BACKOFF} and half the window (so each invocation still looks more than once), never
     * less than the interval.
     */
    Duration backoff(int outage) {
        Duration d = interval.multipliedBy(1L << Math.min(outage, 10));
        Duration cap = window.dividedBy(2).compareTo(MAX_BACKOFF) < 0 ? window.dividedBy(2) : MAX_BACKOFF;
        if (d.compareTo(cap) > 0) {
            d = cap;
        }
        return d.compareTo(interval) < 0 ? interval : d;
    }
}
