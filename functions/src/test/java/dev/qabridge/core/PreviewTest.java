package dev.qabridge.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class PreviewTest {
    private static final PullRequest PR = new PullRequest("acme/shop", 42, "Cart totals",
            "0123456789abcdef0123456789abcdef01234567", "feature/Cart_Totals", "https://github.com/acme/shop/pull/42");
    private static final Optional<String> TEMPLATE = Optional.of("https://pr-{number}.preview.example.com");

    private static Supplier<Optional<String>> deployed(String url) {
        return () -> Optional.ofNullable(url);
    }

    @Test
    void explicitUrlWinsAndDeploymentsAreNotLookedUp() {
        AtomicInteger lookups = new AtomicInteger();
        Supplier<Optional<String>> deployments = () -> {
            lookups.incrementAndGet();
            return Optional.of("https://deployed.example.com");
        };

        Optional<Preview> p = Preview.resolve(Optional.of("https://given.example.com"), deployments, TEMPLATE, PR);

        assertThat(p).contains(new Preview("https://given.example.com", Preview.Source.COMMAND));
        assertThat(lookups).hasValue(0);
    }

    @Test
    void explicitNonHttpUrlIsNeverReplacedByAnotherTarget() {
        assertThat(Preview.resolve(Optional.of("javascript:alert(1)"), deployed("https://deployed.example.com"), TEMPLATE, PR))
                .isEmpty();
    }

    @Test
    void deploymentWinsOverTemplate() {
        assertThat(Preview.resolve(Optional.empty(), deployed("https://deployed.example.com"), TEMPLATE, PR))
                .contains(new Preview("https://deployed.example.com", Preview.Source.DEPLOYMENT));
    }

    @Test
    void templateIsUsedWhenThereIsNoDeployment() {
        assertThat(Preview.resolve(Optional.empty(), deployed(null), TEMPLATE, PR))
                .contains(new Preview("https://pr-42.preview.example.com", Preview.Source.TEMPLATE));
    }

    @Test
    void nonHttpDeploymentUrlIsSkippedForTheTemplate() {
        assertThat(Preview.resolve(Optional.empty(), deployed("ftp://deployed.example.com"), TEMPLATE, PR))
                .contains(new Preview("https://pr-42.preview.example.com", Preview.Source.TEMPLATE));
    }

    @Test
    void nothingWhenNoSourceGivesAnHttpUrl() {
        assertThat(Preview.resolve(Optional.empty(), deployed(null), Optional.empty(), PR)).isEmpty();
        assertThat(Preview.resolve(Optional.empty(), deployed("not a url"), Optional.of("pr-{number}.example.com"), PR)).isEmpty();
    }

    @Test
    void expandsEveryPlaceholder() {
        assertThat(Preview.expand("https://{branch}.example.com/{repo}/{number}/{sha}", PR))
                .isEqualTo("https://feature-cart-totals.example.com/acme/shop/42/0123456789abcdef0123456789abcdef01234567");
    }

    @Test
    void expandsAPlaceholderEveryTimeItOccurs() {
        assertThat(Preview.expand("https://pr-{number}.example.com/?pr={number}", PR))
                .isEqualTo("https://pr-42.example.com/?pr=42");
    }

    @ParameterizedTest
    @CsvSource({
            "feature/Cart_Totals, feature-cart-totals",
            "main,                main",
            "Fix--Login__Bug,     fix-login-bug",
            "/leading/and/trailing/, leading-and-trailing",
            "deps/bump-1.2.3,     deps-bump-1-2-3",
    })
    void slugsBranchTheWayPreviewHostsDo(String branch, String slug) {
        assertThat(Preview.slug(branch)).isEqualTo(slug);
    }
}
