package dev.qabridge.core;

import java.util.regex.Pattern;

/**
 * QA.tech's short ids, as the bridge's settings ({@code QATECH_PROJECT_ID}, {@code QATECH_APPLICATION_ID})
 * and a repository's settings file ({@code qatech.projectId}, {@code qatech.applicationId}) accept them.
 */
public final class QaTechIds {

    /** How a project short id is written, for messages. */
    public static final String PROJECT_FORM = "proj_… or proj-slug_…";
    /** How an application short id is written, for messages. */
    public static final String APPLICATION_FORM = "app_… or app-slug_…";

    /** How a test plan short id is written, for messages. */
    public static final String TEST_PLAN_FORM = "pln_… or pln-slug_…";

    private static final Pattern TEST_PLAN = Pattern.compile("^pln(-.+_.+|_.+)$");
    private static final Pattern PROJECT = Pattern.compile("^proj(-.+_.+|_.+)$");
    private static final Pattern APPLICATION = Pattern.compile("^app(-.+_.+|_.+)$");

    private QaTechIds() {}

    /** True for {@code proj_…} or {@code proj-slug_…}. */
    public static boolean isProject(String id) {
        return PROJECT.matcher(id).matches();
    }

    /** True for {@code pln_…} or {@code pln-slug_…} (QA.tech's {@code testPlanShortId} pattern). */
    public static boolean isTestPlan(String id) {
        return TEST_PLAN.matcher(id).matches();
    }

    /** True for {@code app_…} or {@code app-slug_…}. */
    public static boolean isApplication(String id) {
        return APPLICATION.matcher(id).matches();
    }
}
