package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * One local stack (moto + handlers + front door) wired to fresh QA.tech, GitHub and GitLab fakes.
 * As a JUnit extension ({@link #perClass}) it starts once for a test class, resets the fakes before
 * each test, and stops after the last. {@link #perClassAsApp} runs the bridge as a GitHub App instead
 * of with a token.
 */
final class StackFixture implements BridgeUnderTest, AutoCloseable, BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    /** The GitHub App the bridge runs as under {@link #perClassAsApp}. */
    static final long APP_ID = 4242;

    Fakes fakes;
    LocalStack stack;
    SfnClient sfn;
    private final Map<String, String> overrides;
    private final LocalStack.SecretSource secrets;
    private final boolean githubApp;

    /** {@code @RegisterExtension static final StackFixture fx = StackFixture.perClass(Map.of(...));} */
    static StackFixture perClass(Map<String, String> overrides) {
        return perClass(overrides, LocalStack.SecretSource.ENVIRONMENT);
    }

    /** As {@link #perClass(Map)}, with the credentials where {@code secrets} says (moto's Secrets Manager, as in AWS). */
    static StackFixture perClass(Map<String, String> overrides, LocalStack.SecretSource secrets) {
        try {
            return new StackFixture(overrides, secrets, false, false);
        } catch (Exception cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    /**
     * As {@link #perClass(Map)}, with the bridge as a GitHub App: GitHub is a {@link GitHubAppFake} (app id
     * {@link #APP_ID}, its key as {@code GITHUB_APP_PRIVATE_KEY}) and there is no {@code GITHUB_TOKEN}.
     * {@code fakes.github} is the App fake's server, so the same stubs apply; {@link Fakes#app()} is the fake.
     */
    static StackFixture perClassAsApp(Map<String, String> overrides) {
        return perClassAsApp(overrides, LocalStack.SecretSource.ENVIRONMENT);
    }

    /** As {@link #perClassAsApp(Map)}, with the credentials where {@code secrets} says. */
    static StackFixture perClassAsApp(Map<String, String> overrides, LocalStack.SecretSource secrets) {
        try {
            return new StackFixture(overrides, secrets, true, false);
        } catch (Exception cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    private StackFixture(Map<String, String> overrides, LocalStack.SecretSource secrets, boolean githubApp, boolean startNow)
            throws Exception {
        this.overrides = overrides;
        this.secrets = secrets;
        this.githubApp = githubApp;
        if (startNow) {
            start();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        fakes.reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Started at once, for a test class that manages its own lifecycle. */
    StackFixture(Map<String, String> overrides) throws Exception {
        this(overrides, LocalStack.SecretSource.ENVIRONMENT, false, true);
    }

    private void start() throws Exception {
        this.fakes = githubApp ? new Fakes(GitHubAppFake.start(APP_ID)) : new Fakes();
        Map<String, String> settings = defaults(fakes);
        if (githubApp) {
            settings.remove("GITHUB_TOKEN");
            settings.put("GITHUB_APP_ID", Long.toString(APP_ID));
            settings.put("GITHUB_APP_PRIVATE_KEY", fakes.app().privateKeyPem());
        }
        settings.putAll(overrides);
        try {
            stack = LocalStack.start(settings, 0, LocalStack.root(), secrets);
        } catch (Exception e) {
            fakes.close();
            throw e;
        }
        sfn = stack.stepFunctions();
    }

    /** A fixture around a stack started elsewhere; closing it closes both. */
    StackFixture(Fakes fakes, LocalStack stack) {
        this.overrides = Map.of();
        this.secrets = LocalStack.SecretSource.ENVIRONMENT;
        this.githubApp = fakes.githubApp.isPresent();
        this.fakes = fakes;
        this.stack = stack;
        this.sfn = stack.stepFunctions();
    }

    /** The settings every IT starts from: the fakes' URLs, test credentials, a 1 s poll, a 5 min timeout. */
    static Map<String, String> defaults(Fakes fakes) {
        Map<String, String> settings = new HashMap<>();
        settings.put("QATECH_API_URL", fakes.qatechUrl());
        settings.put("QATECH_API_KEY", "it-qatech-key");
        settings.put("QATECH_APPLICATION_ID", "app_shop");
        settings.put("QATECH_PROJECT_ID", "proj_demo");
        settings.put("GITHUB_API_URL", fakes.githubUrl());
        settings.put("GITHUB_TOKEN", "it-github-token");
        settings.put("GITHUB_WEBHOOK_SECRET", GitHubPayloads.SECRET);
        settings.put("GITLAB_API_URL", fakes.gitlabApiUrl());
        settings.put("GITLAB_TOKEN", GitLabPayloads.TOKEN);
        settings.put("GITLAB_WEBHOOK_SECRET", GitLabPayloads.SECRET);
        settings.put("GITLAB_WEBHOOK_SIGNING_TOKEN", GitLabPayloads.SIGNING_TOKEN);
        settings.put("QA_POLL_SECONDS", "1");
        settings.put("QA_POLL_WINDOW_SECONDS", "5");
        settings.put("QA_TIMEOUT_MINUTES", "5");
        return settings;
    }

    @Override
    public Fakes fakes() {
        return fakes;
    }

    @Override
    public Delivered deliverGitHub(String event, String delivery, com.fasterxml.jackson.databind.node.ObjectNode payload) throws Exception {
        var r = GitHubPayloads.deliver(url(), event, delivery, payload);
        return new Delivered(r.statusCode(), r.body());
    }

    String url() {
        return stack.url();
    }

    String executionArn(String runId) {
        return stack.stateMachineArn().replace(":stateMachine:", ":execution:") + ":" + runId;
    }

    /** Waits (polling, with a deadline) until the run's execution has ended, and returns how it ended. */
    @Override
    public DescribeExecutionResponse awaitEnd(String runId) {
        String arn = executionArn(runId);
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> sfn.describeExecution(r -> r.executionArn(arn)), d -> d.status() != ExecutionStatus.RUNNING);
    }

    @Override
    public void close() {
        sfn.close();
        stack.close();
        fakes.close();
    }
}
