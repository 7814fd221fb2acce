package dev.qabridge.flow;

import dev.qabridge.aws.AwsClients;
import dev.qabridge.aws.SecretsLoader;
import dev.qabridge.aws.StepFunctionsWorkflow;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Env;
import dev.qabridge.core.Platform;
import dev.qabridge.core.Redaction;
import dev.qabridge.core.Secrets;
import dev.qabridge.core.Settings;
import dev.qabridge.core.Workflow;
import dev.qabridge.github.GitHubClient;
import dev.qabridge.github.GitHubEvents;
import dev.qabridge.github.SecretsGitHubAuth;
import dev.qabridge.gitlab.GitLabClient;
import dev.qabridge.gitlab.GitLabEvents;
import dev.qabridge.gitlab.GitLabWebhookAuth;
import dev.qabridge.qatech.QaTechClient;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The composition root: builds settings, secrets, clients and flows from one {@link Env}, once per
 * container (Lambda) or once per local stack. No framework, no reflection.
 *
 * <p>Clients are built on first use, so a GitLab-only deployment needs no GitHub token and each
 * function reads only the secrets it is given; using one whose credentials are missing fails with
 * the setting's name. Secrets are read through {@link SecretsLoader}, so a rotated secret is picked
 * up within its TTL.
 */
public final class Bridge {
    private final Settings settings;
    private final SecretsLoader secrets;
    private final AwsClients aws;
    private final Clock clock = Clock.systemUTC();
    private Workflow workflow;
    private GitHubClient github;
    private GitLabClient gitlab;
    private QaTechClient qatech;

    private Secrets lastSeen;

    public Bridge(Env env) {
        this.settings = Settings.from(env);
        this.aws = new AwsClients(env);
        this.secrets = new SecretsLoader(env, aws, clock, SecretsLoader.ttl(env));
        current();
    }

    /** The secrets in force; whenever they change (read again after the TTL) the redactor learns the new values. */
    private synchronized Secrets current() {
        Secrets s = secrets.get();
        if (s != lastSeen) {
            Redaction.use(s.values());
            lastSeen = s;
        }
        return s;
    }

    public Settings settings() {
        return settings;
    }

    public Secrets secrets() {
        return current();
    }

    public SecretsLoader secretsLoader() {
        return secrets;
    }

    /** Step Functions: the webhook starts runs on {@code STATE_MACHINE_ARN}; the run's steps stop and read executions by ARN. */
    public synchronized Workflow workflow() {
        if (workflow == null) {
            workflow = new StepFunctionsWorkflow(aws.stepFunctions(), settings.stateMachineArn().orElse(""));
        }
        return workflow;
    }

    public synchronized QaTechClient qatech() {
        if (qatech == null) {
            Secrets s = current();
            s.require(s.qatechApiKey(), Secrets.QATECH_API_KEY);
            qatech = new QaTechClient(settings.qatech().apiUrl(),
                    () -> current().require(current().qatechApiKey(), Secrets.QATECH_API_KEY), settings.polling().startTimeout());
        }
        return qatech;
    }

    /** The GitHub client, in token or App mode as the secrets say. */
    public synchronized GitHubClient github() {
        if (github == null) {
            Settings.CodeHosts hosts = settings.codeHosts();
            github = new GitHubClient(hosts.githubApiUrl(), new SecretsGitHubAuth(this::current, hosts.githubApiUrl(), hosts.githubBotLogin()));
        }
        return github;
    }

    public synchronized GitLabClient gitlab() {
        if (gitlab == null) {
            Secrets s = current();
            s.require(s.gitlabToken(), Secrets.GITLAB_TOKEN);
            gitlab = new GitLabClient(settings.codeHosts().gitlabApiUrl(),
                    () -> current().require(current().gitlabToken(), Secrets.GITLAB_TOKEN));
        }
        return gitlab;
    }

    /** The client of one platform. */
    public CodeHost host(Platform platform) {
        return switch (platform) {
            case GITHUB -> github();
            case GITLAB -> gitlab();
        };
    }

    /** True when a GitHub webhook secret is set: then {@code /webhooks/github} is served. */
    public boolean githubConfigured() {
        return !current().githubWebhookSecrets().isEmpty();
    }

    /** True when a GitLab secret token or signing token is set: then {@code /webhooks/gitlab} is served. */
    public boolean gitlabConfigured() {
        Secrets s = current();
        return s.gitlabWebhookSecret().isPresent() || s.gitlabSigningToken().isPresent();
    }

    /** The webhook function's service: verify, translate, decide, start. Fails at init without any webhook secret. */
    public Webhook webhook() {
        if (!githubConfigured() && !gitlabConfigured()) {
            throw new Env.MissingSettingException("GITHUB_WEBHOOK_SECRET (or GITLAB_WEBHOOK_SECRET)");
        }
        Optional<GitHubEvents> githubEvents = Optional.of(new GitHubEvents(() -> current().githubWebhookSecrets(),
                () -> github().auth()));
        Optional<GitLabEvents> gitlabEvents = Optional.of(new GitLabEvents(new GitLabWebhookAuth(
                () -> current().gitlabWebhookSecrets(), () -> current().gitlabSigningToken(), clock)));
        // Only a platform whose webhook secret is set is served, and only its token is required (here, at init).
        if (githubConfigured()) {
            github();
        }
        if (gitlabConfigured()) {
            gitlab();
        }
        settings.stateMachineArnOrThrow();
        return new Webhook(githubEvents, gitlabEvents, this::github, this::gitlab,
                new Decider(settings, new RepoConfig(settings, clock), workflow(), clock));
    }

    public Poller poller() {
        return new Poller(qatech(), Duration.ofSeconds(settings.polling().seconds()), settings.polling().window(), clock, Thread::sleep);
    }

    public Steps steps() {
        return new Steps(settings, this::host, this::qatech, workflow(), clock, () -> current().vercelAutomationBypassSecret());
    }
}
