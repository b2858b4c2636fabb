package dev.wengert.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CI flag: any non-empty value but {@code false}/{@code 0} makes Jupyter-dependent tests mandatory. */
class CiTest {
    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", "1", "yes", "on", "github", " true ", "2", "00"})
    void anyOtherNonEmptyValueIsCi(String value) {
        assertTrue(Ci.isSet(value), () -> "CI=" + value + " must count as a CI build");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "false", "FALSE", "False", " false ", "0", " 0"})
    void unsetBlankFalseAndZeroAreNotCi(String value) {
        assertFalse(Ci.isSet(value), () -> "CI=" + value + " must not count as a CI build");
    }
}
