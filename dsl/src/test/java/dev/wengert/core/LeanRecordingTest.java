package dev.wengert.core;

import dev.wengert.rules.BinaryRule;
import dev.wengert.rules.NaryRule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.wengert.Wengert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Lean recording (a row model's first pass, {@link TapeStorage#beginLean}): scalar and n-ary
 * operations keep their values and are reported to the listener, but their inputs and partials are not
 * stored; whatever reads the tape or records anything else first makes it consistent again
 * (the lean nodes without inputs) and tears the lean stretch, which the caller then records
 * again in full. These tests pin the tape's side of that contract on a real program tape.
 */
class LeanRecordingTest {

    /** A listener that notes the operations it hears, as "node rule a b" (constants as "k"). */
    static final class Heard implements ProgramListener {
        TapeStorage st;
        final List<String> ops = new ArrayList<>();

        @Override
        public void attached(TapeStorage storage) {
            st = storage;
        }

        @Override
        public void constantOperand(int node, double c, boolean right) {
        }

        @Override
        public void constantOperation(int node, BinaryRule rule, int a, double c, boolean right) {
            ops.add(node + " " + rule.name() + " " + a + " k");
        }

        @Override
        public void operation(int node, Object rule, int a, int b) {
            ops.add(node + " " + Num.nameOf(rule) + " " + a + " " + b);
        }

        @Override
        public void naryOperation(int node, NaryRule rule, int[] in, double[] values, int[] recordedSlots) {
            ops.add(node + " " + rule.name() + " " + java.util.Arrays.toString(in) + " " + java.util.Arrays.toString(values)
                    + " " + java.util.Arrays.toString(recordedSlots));
        }

        @Override
        public void compared(int a, int b, double c, String cmp, boolean outcome) {
        }

        @Override
        public void read(int a, double v) {
        }

        @Override
        public void unreplayable(int node) {
        }
    }

    private final Heard heard = new Heard();
    private final Tape tape = TapeStorage.programTape("a lean test", heard);
    private final TapeStorage st = heard.st;
    private final Num a = st.parameter(1.5);
    private final Num b = st.parameter(-0.25);
    private final int mark = st.size();

    private Num f() {
        return a.times(b).plus(sin(a)).times(3.0);
    }

    @Test
    void leanNodesHaveTheirValuesAndAreReportedButStoreNoInputs() {
        st.beginLean();
        Num z = f();
        assertTrue(st.endLean(), "nothing tore it");
        assertEquals(3.0 * (1.5 * -0.25 + Math.sin(1.5)), z.value(), 0.0);
        assertEquals(List.of("2 mul 0 1", "3 sin 0 -1", "4 add 2 3", "5 mul 4 k"), heard.ops);
        assertEquals(3.0 * (1.5 * -0.25 + Math.sin(1.5)), tape.value(z.position()), 0.0, "values are stored");
        assertTrue(st.holdsLean());
        // a reader settles the stretch: its nodes are there, with no inputs
        assertArrayEquals(new int[0], tape.inputs(z.position()));
        assertEquals(Tape.UNRECORDED, tape.op(2));
        assertFalse(st.holdsLean());
        assertEquals(mark + 4, tape.operations());
    }

    @Test
    void afterACutTheSameOperationsRecordedInFullHaveExactDerivatives() {
        st.beginLean();
        f();
        f();
        assertTrue(st.endLean());
        st.truncate(mark);
        assertFalse(st.holdsLean(), "the cut took the lean nodes");
        Num z = f();
        assertEquals(Math.cos(1.5) * 3.0 + -0.25 * 3.0, z.d(a), 0.0, "the sweep's own sum, to the bit");
        assertEquals(3.0 * 1.5, z.d(b), 0.0);
        assertEquals(List.of(4, 0), List.of(tape.inputs(5)[0], tape.inputs(3)[0]));
    }

    @Test
    void fullNodesAfterALeanStretchReadTheirOwnInputs() {
        // endLean leaves start[size] right for the next node recorded in full; a new lean
        // stretch after full nodes settles the old one instead of growing it over them. First a
        // full recording, cut: the positions then hold start entries of their own, not zeros
        f();
        f();
        st.truncate(mark);
        st.beginLean();
        Num lean = f();
        assertTrue(st.endLean());
        Num full = a.times(a).minus(b);
        st.beginLean();
        Num lean2 = b.square();
        assertTrue(st.endLean());
        assertEquals(2 * 1.5, full.d(a), 0.0);
        assertEquals(-1.0, full.d(b), 0.0);
        assertEquals(0.0, lean.d(a), 0.0, "a settled lean node has no inputs: its derivative is lost");
        assertEquals(0.0, lean2.d(b), 0.0);
        assertArrayEquals(new int[] {0, 0}, tape.inputs(full.position() - 1));
    }

    @Test
    void nAryNodesAreRecordedLeanWithTheirArgumentsReported() {
        st.beginLean();
        Num u = a.times(b);
        Num s = sum(u, constant(4.0), b);
        assertTrue(st.endLean());
        assertEquals(1.5 * -0.25 + 4.0 - 0.25, s.value(), 0.0);
        assertEquals("3 sum [2, 1] [-0.375, 4.0, -0.25] [0, 2]", heard.ops.get(1));
        st.truncate(mark);
        Num t = sum(a.times(b), constant(4.0), b);
        assertEquals(-0.25, t.d(a), 0.0, "in full after the cut");
        assertEquals(1.5 + 1.0, t.d(b), 0.0);
    }

    @Test
    void recordingAParameterTearsTheStretchAndWhatFollowsIsRecordedInFull() {
        st.beginLean();
        Num u = a.times(b);
        Num w = st.parameter(2.0);                    // a leaf: recorded in full, after the lean nodes are settled
        Num v = w.times(u).plus(a);                   // after the tear: in full
        assertFalse(st.endLean(), "torn part-way");
        assertFalse(st.holdsLean());
        assertEquals(2.0 * (1.5 * -0.25) + 1.5, v.value(), 0.0);
        assertEquals(1.0, v.d(a), 0.0, "through its own input; u was lean and lost its inputs");
        assertEquals(u.value(), v.d(w), 0.0);
        assertEquals(Tape.UNRECORDED, tape.op(u.position()));
        assertEquals("mul", tape.op(v.position() - 1));
    }

    @Test
    void aSweepDuringALeanStretchTearsIt() {
        st.beginLean();
        Num u = a.times(b).plus(a);
        assertEquals(0.0, u.d(a), 0.0, "u was recorded lean: settled, it has no inputs");
        Num w = u.times(a);
        assertFalse(st.endLean());
        assertEquals(u.value() * 1.5, w.value(), 0.0);
        assertEquals(u.value(), w.d(a), 0.0, "w was recorded in full after the tear");
    }

    @Test
    void cuttingATapeThatIsNotPlainCountsItsOperationsRight() {
        // a named parameter makes truncate walk the ops it cuts; an earlier such cut left nulls
        // there, which it would count as members of a block if the lean nodes kept them
        tape.leaf(2.0, "w");
        int m2 = tape.size();
        a.times(b).plus(a).times(b);
        tape.truncate(m2);
        assertEquals(m2, tape.operations());
        st.beginLean();
        a.times(b).plus(a).times(b);
        assertTrue(st.endLean());
        tape.truncate(m2);
        assertEquals(m2, tape.operations(), "no lean position counted as a block member");
        assertEquals(m2, tape.size());
        Num z = a.times(b);
        assertEquals(-0.25, z.d(a), 0.0);
    }

    @Test
    void aCutInsideAStretchKeepsWhatIsBelowIt() {
        st.beginLean();
        Num u = a.times(b);
        int keep = st.size();
        a.plus(b);
        assertTrue(st.endLean());
        st.truncate(keep);
        assertFalse(st.holdsLean(), "what is kept is settled");
        assertEquals(u.value(), tape.value(u.position()), 0.0);
        Num z = u.plus(a);
        assertEquals(1.0, z.d(a), 0.0, "u, settled, has no inputs");
        assertEquals(0.0, z.d(b), 0.0);
    }
}
