package dev.wengert.kernel;

/**
 * Whether this run is a CI build, where tests that need Jupyter or Chromium must run instead of
 * skipping. CI systems set {@code CI} to different values ({@code true} on GitHub Actions and
 * GitLab, {@code 1} on some others, {@code True} on AppVeyor), so any non-empty value counts,
 * except {@code false} and {@code 0} (any case, surrounding blanks ignored), which say
 * explicitly that it is not a CI build.
 */
public final class Ci {
    private Ci() {
    }

    /** True when the environment variable {@code CI} is set to a value that {@link #isSet} accepts. */
    public static boolean active() {
        return isSet(System.getenv("CI"));
    }

    /** The parsing rule: null, blank, {@code false} and {@code 0} are "not CI"; anything else is. */
    public static boolean isSet(String value) {
        if (value == null) {
            return false;
        }
        String v = value.strip();
        return !v.isEmpty() && !v.equalsIgnoreCase("false") && !v.equals("0");
    }
}
