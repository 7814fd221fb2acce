package dev.qabridge.local.it;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import java.util.Optional;

/**
 * Loopback fakes of QA.tech, GitHub and GitLab (WireMock), each on its own free port. GitHub is a plain
 * token-mode fake, or in App mode a {@link GitHubAppFake}, whose server {@link #github} then is: the same
 * stubs and verifications work in both modes.
 */
final class Fakes implements AutoCloseable {
    final WireMockServer qatech;
    final WireMockServer github;
    final WireMockServer gitlab;
    /** Present in App mode: the fake that issues and checks installation tokens in front of {@link #github}. */
    final Optional<GitHubAppFake> githubApp;

    Fakes() {
        this("127.0.0.1");
    }

    /** {@code bindAddress}: loopback everywhere, except where containers must reach the fakes (LocalStackIT). */
    Fakes(String bindAddress) {
        this(bindAddress, Optional.empty());
    }

    /** GitHub in App mode: {@code app} answers as GitHub does for a GitHub App; closing these fakes closes it. */
    Fakes(GitHubAppFake app) {
        this("127.0.0.1", Optional.of(app));
    }

    private Fakes(String bindAddress, Optional<GitHubAppFake> app) {
        githubApp = app;
        qatech = new WireMockServer(WireMockConfiguration.options().bindAddress(bindAddress).dynamicPort());
        github = app.map(GitHubAppFake::server)
                .orElseGet(() -> new WireMockServer(WireMockConfiguration.options().bindAddress(bindAddress).dynamicPort()));
        gitlab = new WireMockServer(WireMockConfiguration.options().bindAddress(bindAddress).dynamicPort());
        qatech.start();
        if (app.isEmpty()) {
            github.start();
        }
        gitlab.start();
        threadsWithoutEarlierComments();
    }

    /**
     * What a PR's or MR's comment list answers unless a test says otherwise: nothing written by the bridge
     * yet. The bridge looks there before every comment it posts (an earlier attempt may have posted it).
     */
    private void threadsWithoutEarlierComments() {
        github.stubFor(WireMock.get(WireMock.urlPathMatching("/repos/[^/]+/[^/]+/issues/\\d+/comments")).atPriority(10)
                .willReturn(WireMock.okJson("[]")));
        gitlab.stubFor(WireMock.get(WireMock.urlPathMatching("/api/v4/projects/[^/]+/merge_requests/\\d+/notes")).atPriority(10)
                .willReturn(WireMock.okJson("[]")));
    }

    /** The App fake; fails when these fakes are in token mode. */
    GitHubAppFake app() {
        return githubApp.orElseThrow(() -> new IllegalStateException("these fakes are in token mode: start the stack with StackFixture.perClassAsApp"));
    }

    String qatechUrl() {
        return "http://127.0.0.1:" + qatech.port();
    }

    String githubUrl() {
        return githubApp.map(GitHubAppFake::url).orElseGet(() -> "http://127.0.0.1:" + github.port());
    }

    /** GitLab's REST base as a self-managed instance has it ({@code GITLAB_API_URL}), path included. */
    String gitlabApiUrl() {
        return "http://127.0.0.1:" + gitlab.port() + "/api/v4";
    }

    void reset() {
        qatech.resetAll();
        github.resetAll();
        gitlab.resetAll();
        threadsWithoutEarlierComments();
    }

    @Override
    public void close() {
        qatech.stop();
        github.stop();
        gitlab.stop();
    }
}
