package dev.qabridge.local;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/** Loopback fakes of QA.tech, GitHub and GitLab (WireMock), each on its own free port. */
final class Fakes implements AutoCloseable {
    final WireMockServer qatech;
    final WireMockServer github;
    final WireMockServer gitlab;

    Fakes() {
        this("127.0.0.1");
    }

    /** {@code bindAddress}: loopback everywhere, except where containers must reach the fakes (LocalStackIT). */
    Fakes(String bindAddress) {
        qatech = new WireMockServer(WireMockConfiguration.options().bindAddress(bindAddress).dynamicPort());
        github = new WireMockServer(WireMockConfiguration.options().bindAddress(bindAddress).dynamicPort());
        gitlab = new WireMockServer(WireMockConfiguration.options().bindAddress(bindAddress).dynamicPort());
        qatech.start();
        github.start();
        gitlab.start();
    }

    String qatechUrl() {
        return "http://127.0.0.1:" + qatech.port();
    }

    String githubUrl() {
        return "http://127.0.0.1:" + github.port();
    }

    /** GitLab's REST base as a self-managed instance has it ({@code GITLAB_API_URL}), path included. */
    String gitlabApiUrl() {
        return "http://127.0.0.1:" + gitlab.port() + "/api/v4";
    }

    void reset() {
        qatech.resetAll();
        github.resetAll();
        gitlab.resetAll();
    }

    @Override
    public void close() {
        qatech.stop();
        github.stop();
        gitlab.stop();
    }
}
