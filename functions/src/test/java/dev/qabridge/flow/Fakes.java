package dev.qabridge.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Origin;
import dev.qabridge.core.Person;
import dev.qabridge.core.Platform;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.Settings;
import dev.qabridge.core.Workflow;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** In-memory stand-ins for the platform, the run table, the workflow and the clock, for unit tests of the flow. */
final class Fakes {
    private Fakes() {}

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    /** A platform that records every write as "verb target" and answers reads from its fields. */
    static final class Host implements CodeHost {
        final List<String> writes = new ArrayList<>();
        final Map<String, String> comments = new LinkedHashMap<>();
        Supplier<Optional<String>> settingsFile = Optional::empty;
        int settingsReads;
        Optional<String> deployed = Optional.of("https://pr-7.preview.example.com");
        List<PullRequest> openPulls = List.of(pull(7, false));
        Optional<String> distrust = Optional.empty();
        /** Runs inside the membership lookup and the open-PR lookup, before they answer (e.g. to meet a barrier). */
        Runnable lookingUp = () -> { };
        Person prAuthor = new Person("author", 9, "MEMBER");
        RuntimeException failEdits;
        RuntimeException failPosts;
        private int ids = 9000;

        @Override public Platform platform() { return Platform.GITHUB; }
        /** The PR's head commit; {@link #failPullRequest} makes reading the PR fail instead. */
        String headSha = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
        RuntimeException failPullRequest;
        /** The diff a change review reads ("" unless a test sets one). */
        volatile String diff = "";

        @Override public String diff(Origin where) {
            return diff;
        }

        /** What the skip rules read of the PR, and its changed files. */
        PullRequest.Traits traits = PullRequest.Traits.NONE;
        ChangedFiles changed = new ChangedFiles(List.of("src/cart.ts"), 1, true);
        Optional<Deployed> deployment = Optional.empty();

        @Override public PullRequest pullRequest(Origin where) {
            if (failPullRequest != null) {
                throw failPullRequest;
            }
            return new PullRequest(where.repo(), where.number(), "Cart totals", headSha, "feature/cart",
                    "https://github.com/acme/shop/pull/" + where.number(), "Recomputes totals.", prAuthor, false, traits);
        }
        @Override public ChangedFiles changedFiles(Origin where) { return changed; }
        @Override public Optional<Deployed> deploymentOf(Origin where, String sha, java.util.function.Predicate<String> environments) {
            return deployment.filter(d -> environments.test(d.environment()));
        }
        @Override public Optional<String> deployedUrl(Origin where, PullRequest pr) { return deployed; }
        @Override public List<PullRequest> openPullRequestsFor(Origin repository, String sha) {
            lookingUp.run();
            return openPulls;
        }

        static PullRequest pull(long number, boolean fork) {
            return new PullRequest("acme/shop", number, "Cart totals", "6dcb09b5b57875f334f61aebed695e2e4193db5e", "feature/cart",
                    "https://github.com/acme/shop/pull/" + number, "Recomputes totals.", new Person("author", 9, "CONTRIBUTOR"), fork);
        }
        @Override public Optional<String> settingsFile(Origin repository, String defaultBranch) {
            settingsReads++;
            return settingsFile.get();
        }
        @Override public Optional<String> whyNotTrusted(Origin where, Person who, java.util.function.Supplier<Settings> settings) {
            lookingUp.run();   // as GitLab's membership lookup does, before the settings are needed
            settings.get();
            return distrust;
        }
        final List<String> reports = new ArrayList<>();
        /** Every report as it was made, for tests that read its texts. */
        final List<dev.qabridge.core.StatusReport> reported = new ArrayList<>();
        @Override public String report(Origin where, String sha, dev.qabridge.core.StatusReport report, String checkRunId) {
            reports.add(report.state() + " " + sha);
            reported.add(report);
            writes.add("status " + report.state().name().toLowerCase());
            return checkRunId;
        }
        @Override public ReviewThread thread(Origin where) {
            return new ReviewThread() {
                @Override public String post(String markdown) {
                    if (failPosts != null) {
                        throw failPosts;
                    }
                    String id = String.valueOf(++ids);
                    comments.put(id, markdown);
                    writes.add("post " + id);
                    return id;
                }
                @Override public void edit(String commentId, String markdown) {
                    if (failEdits != null) {
                        throw failEdits;
                    }
                    comments.put(commentId, markdown);
                    writes.add("edit " + commentId);
                }
                @Override public void react(String commentId, Reaction reaction) { writes.add("react " + reaction.name().toLowerCase()); }
                @Override public Optional<String> read(String commentId) {
                    writes.add("read " + commentId);
                    return Optional.ofNullable(comments.get(commentId));
                }
                @Override public Optional<String> findMarked(String marker, Instant since) {
                    writes.add("find");
                    return comments.entrySet().stream().filter(e -> e.getValue().contains(marker)).map(Map.Entry::getKey).findFirst();
                }
                @Override public int maxCommentLength() { return 65_536; }
            };
        }
    }

    /** Executions by name; a name is taken once. */
    static final class Runs implements Workflow {
        final Map<String, ObjectNode> started = new LinkedHashMap<>();
        final List<String> stopped = new ArrayList<>();
        @Override public boolean start(String name, ObjectNode input) { return started.putIfAbsent(name, input) == null; }
        @Override public void stop(String executionArn, String error, String cause) { stopped.add(executionArn.substring(executionArn.lastIndexOf(':') + 1)); }
        @Override public Optional<String> input(String executionArn) {
            return Optional.ofNullable(started.get(executionArn.substring(executionArn.lastIndexOf(':') + 1))).map(ObjectNode::toString);
        }
    }
}
