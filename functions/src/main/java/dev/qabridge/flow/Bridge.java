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
import dev.qabridge.qatech.QaTechClient;

import java.time.Clock;

/**
 * The composition root: builds settings, secrets, clients and flows from one {@link Env}, once per
 * container (Lambda) or once per local stack. No framework, no reflection.
 */
public final class Bridge {
    private final Settings settings;
    private final Secrets secrets;
    private final AwsClients aws;
    private final Clock clock = Clock.systemUTC();
    private RunStore store;

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

    public QaTechClient qatech() {
        return new QaTechClient(settings.qatechApiUrl(), secrets.require(secrets.qatechApiKey(), Secrets.QATECH_API_KEY),
                QaTechClient.Backoff.brief());
    }

    public GitHubClient github() {
        return new GitHubClient(settings.githubApiUrl(), secrets.require(secrets.githubToken(), Secrets.GITHUB_TOKEN));
    }

    public GitHubDeliveries githubDeliveries() {
        RunStarter starter = new RunStarter(settings, qatech(), store(),
                new StepFunctionsWorkflow(aws.stepFunctions(), settings.stateMachineArnOrThrow()), clock);
        return new GitHubDeliveries(settings, secrets.githubWebhookSecret(), github(), store(), starter);
    }

    public Poller poller() {
        return new Poller(qatech(), settings.pollMaxSeconds(), clock);
    }

    public Replier replier() {
        GitHubClient github = github();
        return new Replier(qatech(), store(), run -> threadFor(run, github));
    }

    private static ReviewThread threadFor(RunRecord run, GitHubClient github) {
        return switch (run.platform()) {
            case "github" -> github.thread(run.repo(), run.number());
            default -> throw new IllegalStateException("unknown platform " + run.platform());
        };
    }
}
