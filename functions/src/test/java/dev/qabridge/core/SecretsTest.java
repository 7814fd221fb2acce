package dev.qabridge.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretsTest {
    private static final Map<String, String> VALUES = Map.of(
            Secrets.QATECH_API_KEY, "qatech-key-111",
            Secrets.GITHUB_TOKEN, "ghp_token222",
            Secrets.GITHUB_WEBHOOK_SECRET, "webhook-secret-333",
            Secrets.GITLAB_TOKEN, "glpat-444",
            Secrets.GITLAB_WEBHOOK_SECRET, "gitlab-secret-555",
            Secrets.GITLAB_WEBHOOK_SIGNING_TOKEN, "whsec_666");

    @Test
    void readsEverySecretByItsSettingName() {
        Secrets s = Secrets.from(new Env(VALUES));
        assertThat(s.qatechApiKey()).contains("qatech-key-111");
        assertThat(s.githubToken()).contains("ghp_token222");
        assertThat(s.githubWebhookSecret()).contains("webhook-secret-333");
        assertThat(s.gitlabToken()).contains("glpat-444");
        assertThat(s.gitlabWebhookSecret()).contains("gitlab-secret-555");
        assertThat(s.gitlabSigningToken()).contains("whsec_666");
    }

    @Test
    void toStringNeverContainsASecretValue() {
        String printed = Secrets.from(new Env(VALUES)).toString();
        assertThat(printed).doesNotContain(VALUES.values().toArray(String[]::new));
        assertThat(String.valueOf(Secrets.from(new Env(VALUES)))).isEqualTo(printed);
    }

    @Test
    void missingSecretIsNamedWithoutItsValue() {
        Secrets s = Secrets.from(new Env(Map.of(Secrets.GITHUB_TOKEN, "ghp_token222")));
        assertThatThrownBy(() -> s.require(s.qatechApiKey(), Secrets.QATECH_API_KEY))
                .hasMessageContaining(Secrets.QATECH_API_KEY);
        assertThat(s.require(s.githubToken(), Secrets.GITHUB_TOKEN)).isEqualTo("ghp_token222");
    }
}
