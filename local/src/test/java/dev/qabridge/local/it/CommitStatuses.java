package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * The commit statuses a fake received, oldest first, each read back as the bridge sent it: which
 * commit, and every field of the body ({@code fields} lists their names, so a field nobody expected
 * shows up in an assertion too).
 */
final class CommitStatuses {
    /** GitHub's {@code POST /repos/{owner}/{repo}/statuses/{sha}}. */
    static final String GITHUB = "/repos/[^/]+/[^/]+/statuses/([0-9a-f]{40})";
    /** GitLab's {@code POST /projects/:id/statuses/:sha}. */
    static final String GITLAB = "/api/v4/projects/\\d+/statuses/([0-9a-f]{40})";

    private CommitStatuses() {}

    /**
     * One status: the commit it was posted on, {@code state}, the context (GitHub {@code context},
     * GitLab {@code name}), {@code description}, {@code target_url}, and the body's field names in order.
     */
    record Sent(String sha, String state, String context, String description, String targetUrl, List<String> fields) {}

    static List<Sent> github(WireMockServer github) {
        return read(github, GITHUB, "context");
    }

    /** The statuses of one repository ({@code owner/name}, letters, digits, dashes). */
    static List<Sent> github(WireMockServer github, String repo) {
        return read(github, "/repos/" + repo + "/statuses/([0-9a-f]{40})", "context");
    }

    /** The statuses of one GitLab project. */
    static List<Sent> gitlab(WireMockServer gitlab, long project) {
        return read(gitlab, "/api/v4/projects/" + project + "/statuses/([0-9a-f]{40})", "name");
    }

    static List<Sent> gitlab(WireMockServer gitlab) {
        return read(gitlab, GITLAB, "name");
    }

    /** The status requests themselves, oldest first (for {@link GitHubRestSpec#assertConforms(List)}). */
    static List<LoggedRequest> requests(WireMockServer fake, String pathPattern) {
        return fake.findAll(postRequestedFor(urlPathMatching(pathPattern))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    private static List<Sent> read(WireMockServer fake, String pathPattern, String contextField) {
        List<Sent> sent = new ArrayList<>();
        for (LoggedRequest r : requests(fake, pathPattern)) {
            String path = r.getUrl().replaceFirst("\\?.*", "");
            JsonNode body = Scenarios.json(r.getBodyAsString());
            List<String> fields = new ArrayList<>();
            body.fieldNames().forEachRemaining(fields::add);
            sent.add(new Sent(path.substring(path.lastIndexOf('/') + 1), body.path("state").asText(null),
                    body.path(contextField).asText(null), body.path("description").asText(null), body.path("target_url").asText(null),
                    fields));
        }
        return sent;
    }

    /** The states alone, oldest first. */
    static List<String> states(List<Sent> sent) {
        return sent.stream().map(Sent::state).toList();
    }
}
