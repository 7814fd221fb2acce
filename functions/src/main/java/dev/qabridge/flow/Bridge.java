package dev.qabridge.flow;

import dev.qabridge.aws.AwsClients;
import dev.qabridge.aws.DynamoRunStore;
import dev.qabridge.aws.SecretsLoader;
import dev.qabridge.aws.StepFunctionsWorkflow;
import dev.qabridge.core.Env;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.RunRecord;
import dev.qabridge.core.RunStore;
import dev.qabridge.core.Secrets;
import dev.qabridge.core.Settings;
import dev.qabridge.github.GitHubClient;
import dev.qabridge.gitlab.GitLabClient;
import dev.qabridge.gitlab.GitLabWebhookAuth;
import dev.qabridge.qatech.QaTechClient;

import java.time.Clock;
import java.util.Optional;

/**
 * The composition root: builds settings, secrets, clients and flows from one {@link Env}, once per
 * container (Lambda) or once per local stack. No framework, no reflection.
 *
 * <p>Platform clients are built on first use, so a GitLab-only deployment needs no
 * {@code GITHUB_TOKEN} and a GitHub-only one no {@code GITLAB_TOKEN}; using a platform whose token
 * is missing fails with the setting's name.
 */
public final class Bridge {
    private final Settings settings;
    private final Secrets secrets;
    private final AwsClients aws;
    private final Clock clock = Clock.systemUTC();
    private RunStore store;
    private GitHubClient github;
    private GitLabClient gitlab;
    private QaTechClient qatech;
    private RunStarter runStarter;

    public Bridge(Env env) {
        this.settings = Settings.from(env);
        this.aws = new AwsClients(env);
        this.secrets = SecretsLoader.load(env, aws);
    }

    public Settings settings() {
        return settings;
    }

    public Secrets secrets() {
        return secrets;
    }

    public synchronized RunStore store() {
        if (store == null) {
            store = new DynamoRunStore(aws.dynamo(), settings.tableNameOrThrow(), clock);
        }
        return store;
    }

    public synchronized QaTechClient qatech() {
        if (qatech == null) {
            qatech = new QaTechClient(settings.qatechApiUrl(), secrets.require(secrets.qatechApiKey(), Secrets.QATECH_API_KEY),
                    QaTechClient.Backoff.brief());
        }
        return qatech;
    }

    public synchronized GitHubClient github() {
        if (github == null) {
            github = new GitHubClient(settings.githubApiUrl(), secrets.require(secrets.githubToken(), Secrets.GITHUB_TOKEN));
        }
        return github;
    }

    public synchronized GitLabClient gitlab() {
        if (gitlab == null) {
            gitlab = new GitLabClient(settings.gitlabApiUrl(), secrets.require(secrets.gitlabToken(), Secrets.GITLAB_TOKEN));
        }
        return gitlab;
    }

    /** True when a GitHub webhook secret is set: then {@code /webhooks/github} is served. */
    public boolean githubConfigured() {
        return secrets.githubWebhookSecret().isPresent();
    }

    /** True when a GitLab secret token or signing token is set: then {@code /webhooks/gitlab} is served. */
    public boolean gitlabConfigured() {
        return secrets.gitlabWebhookSecret().isPresent() || secrets.gitlabSigningToken().isPresent();
    }

    public GitHubDeliveries githubDeliveries() {
        return new GitHubDeliveries(settings, secrets.githubWebhookSecret(), github(), store(), runStarter(),
                new RepoConfig(settings, store(), clock, "github", ".github/qa-bridge.yml"));
    }

    public GitLabDeliveries gitlabDeliveries() {
        GitLabWebhookAuth auth = new GitLabWebhookAuth(secrets.gitlabWebhookSecret(), secrets.gitlabSigningToken(), clock);
        return new GitLabDeliveries(settings, auth, gitlab(), store(), runStarter(),
                new RepoConfig(settings, store(), clock, "gitlab", ".gitlab/qa-bridge.yml"));
    }

    private synchronized RunStarter runStarter() {
        if (runStarter == null) {
            runStarter = new RunStarter(settings, qatech(), store(),
                    new StepFunctionsWorkflow(aws.stepFunctions(), settings.stateMachineArnOrThrow()), clock,
                    secrets.vercelAutomationBypassSecret());
        }
        return runStarter;
    }

    public Poller poller() {
        return new Poller(qatech(), settings.pollMaxSeconds(), clock);
    }

    public Replier replier() {
        return new Replier(qatech(), store(), this::threadFor);
    }

    /** The thread a run answers in, rebuilt from its record. */
    private ReviewThread threadFor(RunRecord run) {
        return switch (run.platform()) {
            case "github" -> github().thread(run.repo(), run.number());
            case "gitlab" -> gitlab().thread(run.projectId(), run.number(), Optional.of(run.discussionId()));
            default -> throw new IllegalStateException("unknown platform " + run.platform());
        };
    }
}
