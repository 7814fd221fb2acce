package dev.qabridge.qatech;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Where a conversation stands for the bridge's own message. It is finished only when the newest
 * assistant message that is newer than that message has ended; the user message carries a status too,
 * and right after sending there may be no newer assistant message at all. Neither is an answer.
 *
 * <p>Which user message is the bridge's: in a new conversation, the first one. For a follow-up, the
 * {@link Anchor}: the newest user message sent at or after the bridge sent its own (two minutes of
 * clock skew allowed) that starts like it — never "the oldest of the newest twenty", which a long
 * conversation would push out of sight.
 */
public record Progress(State state, Optional<QaTechClient.Message> answer, boolean found) {

    public enum State { RUNNING, COMPLETED, FAILED, CANCELLED }

    /** What the bridge sent in a follow-up: when, and how its text starts. */
    public record Anchor(Instant sentAt, String text) {
        boolean matches(QaTechClient.Message m) {
            Optional<Instant> at = instant(m.createdAt());
            String prefix = text.strip().substring(0, Math.min(40, text.strip().length()));
            return at.map(a -> !a.isBefore(sentAt.minusSeconds(120))).orElse(false) && m.text().strip().startsWith(prefix);
        }
    }

    public boolean finished() {
        return state != State.RUNNING;
    }

    public static Progress of(List<QaTechClient.Message> newestFirst) {
        return of(newestFirst, Optional.empty());
    }

    public static Progress of(List<QaTechClient.Message> newestFirst, Optional<Anchor> anchor) {
        int ours = -1;
        if (anchor.isEmpty()) {
            for (int i = newestFirst.size() - 1; i >= 0; i--) {
                if ("user".equals(newestFirst.get(i).role())) {
                    ours = i;
                    break;
                }
            }
        } else {
            for (int i = 0; i < newestFirst.size(); i++) {
                QaTechClient.Message m = newestFirst.get(i);
                if ("user".equals(m.role()) && anchor.get().matches(m)) {
                    ours = i;
                    break;
                }
            }
            if (ours < 0) {
                return new Progress(State.RUNNING, Optional.empty(), false);
            }
        }
        int limit = ours < 0 ? newestFirst.size() : ours;
        for (int i = 0; i < limit; i++) {
            QaTechClient.Message m = newestFirst.get(i);
            if (!"assistant".equals(m.role())) {
                continue;
            }
            State s = switch (m.status()) {
                case "COMPLETED" -> State.COMPLETED;
                case "FAILED" -> State.FAILED;
                case "CANCELLED" -> State.CANCELLED;
                default -> State.RUNNING;
            };
            if (m.streaming() && s == State.COMPLETED) {
                s = State.RUNNING;
            }
            return new Progress(s, Optional.of(m), true);
        }
        return new Progress(State.RUNNING, Optional.empty(), true);
    }

    private static Optional<Instant> instant(String iso) {
        try {
            return Optional.of(Instant.parse(iso));
        } catch (DateTimeParseException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
