package dev.qabridge.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    private static Settings from(String... pairs) {
        Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return Settings.from(new Env(map));
    }

    @Test
    void defaultsWhenNothingIsSet() {
        Settings s = from();
        assertThat(s.qatech().apiUrl()).isEqualTo("https://api.qa.tech");
        assertThat(s.codeHosts().githubApiUrl()).isEqualTo("https://api.github.com");
        assertThat(s.codeHosts().gitlabApiUrl()).isEqualTo("https://gitlab.com/api/v4");
        assertThat(s.commands().word()).isEqualTo("/qa");
        assertThat(s.trusted().associations()).containsExactlyInAnyOrder("OWNER", "MEMBER", "COLLABORATOR");
        assertThat(s.trusted().gitlabMinAccessLevel()).isEqualTo(30);
        assertThat(s.polling().seconds()).isEqualTo(3);
        assertThat(s.polling().window()).isEqualTo(Duration.ofSeconds(120));
        assertThat(s.polling().startTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.polling().timeout()).isEqualTo(Duration.ofMinutes(60));
        assertThat(s.qatech().projectId()).isEmpty();
        assertThat(s.qatech().applicationId()).isEmpty();
        assertThat(s.preview().urlTemplate()).isEmpty();
    }

    @Test
    void blankValuesCountAsUnset() {
        Settings s = from("QA_COMMAND", "  ", "QATECH_PROJECT_ID", "", "QA_POLL_SECONDS", " ");
        assertThat(s.commands().word()).isEqualTo("/qa");
        assertThat(s.qatech().projectId()).isEmpty();
        assertThat(s.polling().seconds()).isEqualTo(3);
    }

    @Test
    void apiUrlsLoseATrailingSlash() {
        assertThat(from("QATECH_API_URL", "http://127.0.0.1:9000/").qatech().apiUrl()).isEqualTo("http://127.0.0.1:9000");
    }

    @Test
    void associationsAreTrimmedAndUppercased() {
        assertThat(from("QA_ALLOWED_ASSOCIATIONS", " owner, member ,,").trusted().associations())
                .containsExactlyInAnyOrder("OWNER", "MEMBER");
    }

    @Test
    void fractionalTimeoutMinutesAreHonoured() {
        assertThat(from("QA_TIMEOUT_MINUTES", "0.05").polling().timeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "0.000001", "NaN", "1441"})
    void rejectsTimeoutThatIsNotPositiveOrLongerThanADay(String minutes) {
        assertThatThrownBy(() -> from("QA_TIMEOUT_MINUTES", minutes)).hasMessageContaining("QA_TIMEOUT_MINUTES");
    }

    @ParameterizedTest
    @ValueSource(strings = {"app_abc123", "app-my-shop_abc123"})
    void acceptsApplicationShortIds(String id) {
        assertThat(from("QATECH_APPLICATION_ID", id).qatech().applicationId()).contains(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc123", "app_", "app-shop", "app", "proj_abc123", "application_1", "xapp_abc"})
    void rejectsApplicationIdsThatAreNotShortIdsNamingTheSetting(String id) {
        assertThatThrownBy(() -> from("QATECH_APPLICATION_ID", id))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("QATECH_APPLICATION_ID").hasMessageContaining(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"proj_abc123", "proj-my-shop_abc123"})
    void acceptsProjectShortIds(String id) {
        assertThat(from("QATECH_PROJECT_ID", id).qatech().projectId()).contains(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc123", "proj_", "proj-shop", "proj", "app_abc123", "project_1"})
    void rejectsProjectIdsThatAreNotShortIdsNamingTheSetting(String id) {
        assertThatThrownBy(() -> from("QATECH_PROJECT_ID", id))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("QATECH_PROJECT_ID").hasMessageContaining(id);
    }

    @Test
    void acceptsACustomCommandWord() {
        assertThat(from("QA_COMMAND", "/test").commands().word()).isEqualTo("/test");
    }

    @Test
    void rejectsCommandWithASpace() {
        assertThatThrownBy(() -> from("QA_COMMAND", "/qa run")).hasMessageContaining("QA_COMMAND");
    }

    @ParameterizedTest
    @ValueSource(strings = {"QA_POLL_SECONDS", "QA_POLL_WINDOW_SECONDS", "QA_GITLAB_MIN_ACCESS_LEVEL", "QA_TIMEOUT_MINUTES"})
    void rejectsNonNumericValuesNamingTheSetting(String name) {
        assertThatThrownBy(() -> from(name, "five"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(name).hasMessageContaining("five");
    }

    @Test
    void rejectsPollIntervalsThatCannotWork() {
        assertThatThrownBy(() -> from("QA_POLL_SECONDS", "0")).hasMessageContaining("QA_POLL_SECONDS");
        assertThatThrownBy(() -> from("QA_POLL_SECONDS", "10", "QA_POLL_WINDOW_SECONDS", "5")).hasMessageContaining("QA_POLL_WINDOW_SECONDS");
        assertThatThrownBy(() -> from("QA_POLL_WINDOW_SECONDS", "900")).hasMessageContaining("840");
        assertThatThrownBy(() -> from("QATECH_START_TIMEOUT_SECONDS", "1")).hasMessageContaining("QATECH_START_TIMEOUT_SECONDS");
    }

    @Test
    void missingRequiredSettingIsNamed() {
        assertThatThrownBy(() -> from().qatech().applicationIdOrThrow())
                .isInstanceOfSatisfying(Env.MissingSettingException.class,
                        e -> assertThat(e.setting()).isEqualTo("QATECH_APPLICATION_ID"))
                .hasMessageContaining("QATECH_APPLICATION_ID");
    }

    @Test
    void rejectsAnAssociationListThatLetsNobodyIn() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> from("QA_ALLOWED_ASSOCIATIONS", " , "))
                .hasMessageContaining("QA_ALLOWED_ASSOCIATIONS");
    }

    @Test
    void rejectsAnEndlessTimeout() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> from("QA_TIMEOUT_MINUTES", "Infinity"))
                .hasMessageContaining("QA_TIMEOUT_MINUTES");
    }
}
