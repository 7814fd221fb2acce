package dev.qabridge.local;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LocalSettingsTest {

    @Test
    void readsDotEnvLinesTheWayShellsWriteThem() {
        Map<String, String> values = LocalSettings.parseDotEnv(List.of(
                "# comment", "", "QATECH_API_KEY=abc", "export GITHUB_TOKEN = 'ghp x' ", "QA_COMMAND=\"/test\"",
                "PREVIEW_URL_TEMPLATE=https://pr-{number}.example.com # our previews", "EMPTY=", "not a setting"));

        assertThat(values).containsExactlyInAnyOrderEntriesOf(Map.of(
                "QATECH_API_KEY", "abc", "GITHUB_TOKEN", "ghp x", "QA_COMMAND", "/test",
                "PREVIEW_URL_TEMPLATE", "https://pr-{number}.example.com"));
    }

    @Test
    void namesEachMissingSettingWithWhereToGetIt() {
        List<String> missing = LocalSettings.missing(Map.of("GITHUB_WEBHOOK_SECRET", "s"));

        assertThat(missing).hasSize(3);
        assertThat(missing.get(0)).startsWith("QATECH_API_KEY:").contains("API Keys");
        assertThat(missing.get(1)).startsWith("QATECH_APPLICATION_ID:");
        assertThat(missing.get(2)).startsWith("GITHUB_TOKEN:").contains("Pull requests");
    }

    @Test
    void asksForOnePlatformWhenNoneIsConfigured() {
        assertThat(LocalSettings.missing(Map.of("QATECH_API_KEY", "k", "QATECH_APPLICATION_ID", "app_x")))
                .singleElement().asString().contains("GITHUB_TOKEN", "GITLAB_TOKEN");
    }

    @Test
    void isContentWithAGitLabOnlySetup() {
        assertThat(LocalSettings.missing(Map.of("QATECH_API_KEY", "k", "QATECH_APPLICATION_ID", "app_x",
                "GITLAB_TOKEN", "t", "GITLAB_WEBHOOK_SECRET", "s"))).isEmpty();
    }
}
